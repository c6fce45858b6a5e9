"""Metrics, dimensions, views and queryType (AQL5xx), through conftest.check on small
definitions: each snippet gives exactly the (line, column, code) listed. FAMILY runs only this
family, as `--select AQL5` would; snippets checked without it list every code they give."""

from __future__ import annotations

from typing import Any

from conftest import check, definition, only
from hypothesis import given, settings
from hypothesis import strategies as st

from aggqlint.api.endpoints import all_endpoints
from aggqlint.checks import metrics
from aggqlint.checks.context import RuleContext
from aggqlint.diagnostics import Severity

INTERVAL = "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z"
FAMILY = ["--select", "AQL5"]


# -- AQL501 empty required lists ---------------------------------------------------------------


def test_empty_metrics_is_an_error() -> None:
    result = check(definition(f"interval: {INTERVAL}\nmetrics: []"), (5, 12, "AQL501"), args=FAMILY)
    diagnostic = only(result, "AQL501")
    assert diagnostic.severity is Severity.ERROR
    assert "'metrics' is empty" in diagnostic.message
    assert "at least one metric" in diagnostic.message


def test_empty_group_by_where_the_activity_query_requires_it() -> None:
    result = check(
        definition("metrics: [{metric: oWaiting}]\ngroupBy: []", "conversations/activity"),
        (5, 12, "AQL501"),
        args=FAMILY,
    )
    assert "at least one dimension" in only(result, "AQL501").message


def test_empty_optional_group_by_and_full_metrics_pass() -> None:
    check(definition(f"interval: {INTERVAL}\nmetrics: [nOffered]\ngroupBy: []"), args=FAMILY)


# -- AQL502 repeated names ----------------------------------------------------------------------


def test_repeated_metric_points_at_the_second_occurrence() -> None:
    result = check(
        definition(f"interval: {INTERVAL}\nmetrics: [nOffered, tHandle, nOffered]"),
        (5, 32, "AQL502"),
        args=FAMILY,
    )
    diagnostic = only(result, "AQL502")
    assert diagnostic.severity is Severity.WARNING
    assert diagnostic.message == (
        "'nOffered' is already entry 1 of 'metrics'; the repeat adds nothing"
    )


def test_repeated_group_by_and_detail_metrics() -> None:
    check(
        definition(
            "filter: {type: and, predicates: [{dimension: mediaType, value: voice}]}\n"
            "metrics: [oWaiting]\n"
            "detailMetrics:\n"
            "  - oWaiting\n"
            "  - oWaiting\n",
            "queues/observations",
        ),
        (8, 7, "AQL502"),
        args=FAMILY,
    )
    check(
        definition(f"interval: {INTERVAL}\nmetrics: [nOffered]\ngroupBy: [queueId, queueId]"),
        (6, 22, "AQL502"),
        args=FAMILY,
    )


def test_repeated_metric_objects_compare_name_and_qualifier() -> None:
    queue = "5b0e3c2a-3c1e-4f7e-9a2b-0c4d5e6f7a8b"
    query = (
        "groupBy: [queueId]\n"
        f"filter: {{predicates: [{{dimension: queueId, value: {queue}}}]}}\n"
        "metrics:\n"
        "  - {name: oWorkitemsDue, qualifier: Hours24}\n"
        "  - {name: oWorkitemsDue, qualifier: Hours72}\n"
    )
    check(definition(query, "taskmanagement/metrics"), args=FAMILY)
    repeated = query.replace("Hours72", "Hours24")
    check(definition(repeated, "taskmanagement/metrics"), (8, 7, "AQL502"), args=FAMILY)


def test_a_case_variant_is_the_schema_layers_not_a_repeat() -> None:
    # Not AQL502, and no AQL201 either: only the schema layer's case warning.
    result = check(
        definition(f"interval: {INTERVAL}\nmetrics: [tHandle, thandle]"), (5, 22, "AQL207")
    )
    diagnostic = only(result, "AQL207")
    assert diagnostic.suggestion == "tHandle"
    assert not [d for d in result if d.code == "AQL201"]


# -- names of other endpoints are already the schema layer's ------------------------------------


def test_a_metric_of_another_endpoint_is_reported_once_by_the_schema_layer() -> None:
    result = check(
        definition(f"interval: {INTERVAL}\nmetrics: [tAgentRoutingStatus, oWaiting]"),
        (5, 13, "AQL208"),
        (5, 34, "AQL208"),
    )
    routing, waiting = result
    assert "belongs to users/aggregates" in routing.message
    assert routing.suggestion is None  # no one endpoint takes both names: no endpoint fix
    assert "queues/observations" in waiting.message


# -- AQL503-505 queryType, sortMetric, limit ----------------------------------------------------


def test_top_n_with_several_metrics_needs_a_sort_metric() -> None:
    result = check(
        definition(f"interval: {INTERVAL}\nmetrics: [nOffered, tHandle]\nqueryType: topN"),
        (6, 14, "AQL503"),
        args=FAMILY,
    )
    diagnostic = only(result, "AQL503")
    assert diagnostic.severity is Severity.ERROR
    assert "(nOffered, tHandle) needs 'sortMetric'" in diagnostic.message


def test_top_n_passes_with_a_sort_metric_or_a_single_metric() -> None:
    sorted_query = (
        f"interval: {INTERVAL}\nmetrics: [nOffered, tHandle]\nqueryType: bottomN\n"
        "sortMetric: {name: tHandle, function: sum}\nlimit: 5"
    )
    check(definition(sorted_query), args=FAMILY)
    single = f"interval: {INTERVAL}\nmetrics: [tHandle]\nqueryType: topN\nlimit: 5"
    check(definition(single), args=FAMILY)


def test_sort_metric_not_among_the_metrics_is_a_warning() -> None:
    result = check(
        definition(
            f"interval: {INTERVAL}\nmetrics: [nOffered, tAnswered]\nqueryType: topN\n"
            "sortMetric: {name: tHandle, function: sum}"
        ),
        (7, 22, "AQL504"),
        args=FAMILY,
    )
    diagnostic = only(result, "AQL504")
    assert diagnostic.severity is Severity.WARNING
    assert "ranked by 'tHandle', which is not among the query's metrics" in diagnostic.message


def test_limit_and_sort_metric_without_top_n_are_ignored_options() -> None:
    result = check(
        definition(
            f"interval: {INTERVAL}\nmetrics: [tHandle]\nlimit: 10\n"
            "sortMetric: {name: tHandle, function: sum}"
        ),
        (6, 3, "AQL505"),
        (7, 3, "AQL505"),
        args=FAMILY,
    )
    limit = result[0]
    assert limit.severity is Severity.WARNING
    assert "'limit' applies to topN and bottomN queries only" in limit.message
    assert "groupBy (the default)" in limit.message


def test_an_invalid_query_type_is_left_to_the_schema_layer() -> None:
    query = f"interval: {INTERVAL}\nmetrics: [tHandle]\nqueryType: top\nlimit: 10"
    check(definition(query), args=FAMILY)
    check(definition(query), (6, 14, "AQL206"))


def test_detail_job_limit_is_not_a_top_n_option() -> None:
    check(
        definition(f"interval: {INTERVAL}\nlimit: 100", "conversations/details/jobs"), args=FAMILY
    )


# -- AQL506-510 views ---------------------------------------------------------------------------


def view_query(*views: str, metrics: str = "[tHandle, tAnswered]") -> str:
    lines = [f"interval: {INTERVAL}", f"metrics: {metrics}", "views:"]
    lines += [f"  - {view}" for view in views]
    return "\n".join(lines)


def test_views_with_distinct_names_targets_and_ranges_pass() -> None:
    query = view_query(
        "{name: shortHandle, target: tHandle, function: rangeBound, range: {lt: 60000}}",
        "{name: slowAnswer, target: tAnswered, function: rangeBound, range: {gte: 20000}}",
    )
    check(definition(query))


def test_duplicate_view_name_points_at_the_second() -> None:
    result = check(
        definition(
            view_query(
                "{name: short, target: tHandle, function: rangeBound, range: {lt: 60000}}",
                "{name: short, target: tAnswered, function: rangeBound, range: {lt: 20000}}",
            )
        ),
        (8, 14, "AQL506"),
        args=FAMILY,
    )
    assert "view name 'short' is already used by view 0" in only(result, "AQL506").message


def test_view_named_like_a_metric() -> None:
    result = check(
        definition(
            view_query("{name: tHandle, target: tHandle, function: rangeBound, range: {lt: 60000}}")
        ),
        (7, 14, "AQL507"),
        args=FAMILY,
    )
    diagnostic = only(result, "AQL507")
    assert diagnostic.severity is Severity.ERROR
    assert "is a built-in metric name" in diagnostic.message
    assert diagnostic.suggestion == "tHandleRange"


def test_view_target_not_requested_is_a_warning() -> None:
    result = check(
        definition(
            view_query(
                "{name: slow, target: tHandle, function: rangeBound, range: {gte: 60000}}",
                metrics="[nOffered]",
            )
        ),
        (7, 28, "AQL508"),
        args=FAMILY,
    )
    diagnostic = only(result, "AQL508")
    assert diagnostic.severity is Severity.WARNING
    assert "view target 'tHandle' is not among the query's metrics" in diagnostic.message


def test_view_range_with_gte_not_below_lt() -> None:
    result = check(
        definition(
            view_query(
                "{name: slow, target: tHandle, function: rangeBound, range: {gte: 600, lt: 60}}"
            )
        ),
        (7, 66, "AQL509"),
        args=FAMILY,
    )
    assert "gte 600 is not below lt 60" in only(result, "AQL509").message


def test_view_without_range_or_with_an_empty_one() -> None:
    result = check(
        definition(
            view_query(
                "{name: slow, target: tHandle, function: rangeBound}",
                "{name: slower, target: tHandle, function: rangeBound, range: {}}",
            )
        ),
        (7, 7, "AQL510"),
        (8, 68, "AQL510"),
        args=FAMILY,
    )
    assert all(d.severity is Severity.WARNING for d in result)
    assert "no range bound" in result[0].message


# -- robustness: odd bodies never make the family raise -----------------------------------------

_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
_values = st.recursive(
    _scalars | st.sampled_from(["tHandle", "nOffered", "topN", "queueId", "groupBy"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner),
    max_leaves=12,
)
_keys = st.sampled_from(
    ["metrics", "groupBy", "detailMetrics", "queryType", "sortMetric", "limit", "views"]
)
_endpoints = st.sampled_from(
    ["conversations/aggregates", "conversations/activity", "taskmanagement/metrics"]
)


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(_keys, _values, max_size=5), _endpoints)
def test_the_family_never_raises_on_odd_bodies(body: dict[str, Any], endpoint: str) -> None:
    context = RuleContext(body, all_endpoints()[endpoint])
    for finding in metrics.check(context):
        assert finding.code.startswith("AQL5")


# -- AQL511 missing companion ------------------------------------------------------------------

TASK_QUEUE = "7f0b2c33-9f6e-4ed4-a2e6-1c4b9e2f0a11"


def task_metrics(*entries: str) -> str:
    return definition(
        f"""
filter:
  predicates:
    - {{dimension: queueId, value: {TASK_QUEUE}}}
groupBy: [queueId]
metrics:
{"".join(f"  {entry}{chr(10)}" for entry in entries)}
""",
        "taskmanagement/metrics",
    )


def test_due_work_items_need_their_qualifier() -> None:
    query = task_metrics(
        "- {name: oWorkitemsDue}",
        "- {name: oWorkitemsDue, qualifier: Hours72}",
        "- {name: oWorkitemsOverDue}",
    )
    result = check(query, (9, 7, "AQL511"))
    missing = only(result, "AQL511")
    assert missing.severity is Severity.ERROR
    assert missing.message == (
        "'oWorkitemsDue' needs a 'qualifier' (Hours24 or Hours72): the SDK's "
        'TaskManagementQueryMetric says the qualifier is "Required when requesting '
        'oWorkitemsDue"; add it to this entry'
    )
    assert missing.suggestion == "{name: oWorkitemsDue, qualifier: Hours24}"


def test_a_qualified_due_metric_in_block_style_is_clean() -> None:
    check(task_metrics("- name: oWorkitemsDue", "  qualifier: Hours24"))


def test_the_companion_table_names_real_models_fields_and_metrics() -> None:
    from aggqlint.api.endpoints import resolve_endpoint

    for rule in metrics._data()["companions"]:
        for name in rule["endpoints"]:
            schema = resolve_endpoint(name).schema()
            model = schema["$defs"][rule["model"]]
            assert rule["requires"] in model["properties"]
            assert set(rule["names"]) <= set(model["properties"][rule["key"]]["enum"])

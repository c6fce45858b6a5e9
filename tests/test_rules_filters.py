"""Filters (AQL3xx), through conftest.check on small definitions (each snippet gives exactly
the (line, column, code) listed, every code); the seed-004 predicate fix."""

from __future__ import annotations

import json
from typing import Any

import yaml
from conftest import REPO, check, definition, only
from hypothesis import given, settings
from hypothesis import strategies as st

from aggqlint.api.endpoints import all_endpoints
from aggqlint.checks import filters
from aggqlint.checks.context import RuleContext
from aggqlint.checks.engine import LintOptions, lint_payload, lint_text
from aggqlint.checks.metadata import all_rules
from aggqlint.diagnostics import Severity

INTERVAL = "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z"
QUEUE = "5b0e3c2a-3c1e-4f7e-9a2b-0c4d5e6f7a8b"


def aggregate(*predicates: str, clauses: str = "") -> str:
    """An aggregate query (metrics on line 5) whose filter's predicates start on line 9."""
    lines = [f"interval: {INTERVAL}", "metrics: [nOffered]", "filter:", "  type: and"]
    if predicates:
        lines.append("  predicates:")
        lines += [f"    - {predicate}" for predicate in predicates]
    if clauses:
        lines += ["  clauses:"] + [f"    {line}" for line in clauses.strip("\n").splitlines()]
    return "\n".join(lines)


def test_a_well_formed_filter_passes() -> None:
    query = aggregate(
        f"{{type: dimension, dimension: queueId, operator: matches, value: {QUEUE}}}",
        "{dimension: wrapUpCode, operator: exists}",
        clauses="- type: or\n  predicates:\n    - {dimension: mediaType, value: voice}",
    )
    check(definition(query))


def test_upper_case_and_is_only_the_schema_layers_case_warning() -> None:
    check(
        definition(aggregate("{dimension: mediaType, value: voice}").replace("and", "AND")),
        (7, 11, "AQL207"),
    )


# -- AQL301 / AQL302 empty clause, empty filter -------------------------------------------------


def test_clause_with_empty_predicates() -> None:
    result = check(definition(aggregate(clauses="- {type: or, predicates: []}")), (9, 32, "AQL301"))
    diagnostic = only(result, "AQL301")
    assert diagnostic.severity is Severity.WARNING  # the server's answer is not documented
    assert "this clause has no predicates" in diagnostic.message


def test_filter_with_neither_predicates_nor_clauses() -> None:
    result = check(
        definition(f"interval: {INTERVAL}\nmetrics: [nOffered]\nfilter: {{type: and}}"),
        (6, 11, "AQL302"),
    )
    diagnostic = only(result, "AQL302")
    assert diagnostic.severity is Severity.WARNING
    assert "neither predicates nor clauses" in diagnostic.message


def test_filter_with_a_missing_clause_list_type_is_the_schema_layers() -> None:
    query = f"interval: {INTERVAL}\nmetrics: [nOffered]\nfilter: {{type: and, predicates: x}}"
    check(definition(query), (6, 35, "AQL204"))


# -- AQL303 nesting -----------------------------------------------------------------------------


def test_a_clause_inside_a_clause_is_too_deep() -> None:
    result = check(
        definition(
            aggregate(
                clauses=(
                    "- type: or\n"
                    "  clauses:\n"
                    "    - {type: and, predicates: [{dimension: mediaType, value: voice}]}\n"
                )
            )
        ),
        (10, 9, "AQL303"),
    )
    diagnostic = only(result, "AQL303")
    assert "'clauses' inside a filter clause" in diagnostic.message
    assert "two levels at most" in diagnostic.message


def test_a_group_written_among_the_predicates_is_one_diagnostic() -> None:
    result = check(
        definition(aggregate("{type: or, predicates: [{dimension: mediaType, value: voice}]}")),
        (9, 20, "AQL303"),
    )
    assert "the filter's 'clauses'" in result[0].message


# -- AQL304 / AQL305 subject ----------------------------------------------------------------------


def test_predicate_type_metric_with_a_dimension() -> None:
    result = check(
        definition(aggregate(f"{{type: metric, dimension: queueId, value: {QUEUE}}}")),
        (9, 16, "AQL304"),
    )
    diagnostic = only(result, "AQL304")
    assert "type 'metric' reads the 'metric' field" in diagnostic.message
    assert diagnostic.suggestion == "dimension"


def test_predicate_type_matching_its_subject_passes_in_a_detail_query() -> None:
    query = (
        f"interval: {INTERVAL}\n"
        "segmentFilters:\n"
        "  - type: and\n"
        "    predicates:\n"
        "      - {type: metric, metric: tSegmentDuration, range: {gte: 1000, lt: 5000}}\n"
        "      - {type: property, property: tier, propertyType: string, value: gold}\n"
    )
    check(definition(query, "conversations/details"))


def test_predicate_without_a_subject() -> None:
    result = check(definition(aggregate("{type: dimension, value: voice}")), (9, 9, "AQL305"))
    assert "names no dimension to test" in only(result, "AQL305").message


def test_a_misspelled_subject_or_value_is_only_the_schema_layers_unknown_field() -> None:
    result = check(
        definition(
            aggregate("{dimesion: queueId, value: x}", "{dimension: mediaType, valeu: voice}")
        ),
        (9, 10, "AQL200"),
        (10, 32, "AQL200"),
    )
    assert "did you mean 'dimension'?" in result[0].message


def test_required_dimension_is_left_to_the_schema_layer() -> None:
    query = "userFilter: {type: and, predicates: [{value: x}]}"
    check(definition(query, "agents/status"), (4, 40, "AQL203"))


# -- AQL306 / AQL307 operator and right-hand side -----------------------------------------------


def test_matches_without_value_or_range() -> None:
    result = check(definition(aggregate("{dimension: wrapUpCode}")), (9, 9, "AQL306"))
    diagnostic = only(result, "AQL306")
    assert diagnostic.severity is Severity.ERROR
    assert "on 'wrapUpCode' matches nothing" in diagnostic.message
    assert "operator: exists" in diagnostic.message


def test_matches_with_an_empty_range() -> None:
    result = check(
        definition(
            f"interval: {INTERVAL}\n"
            "segmentFilters:\n"
            "  - {type: and, predicates: [{metric: tSegmentDuration, range: {}}]}\n",
            "conversations/details",
        ),
        (6, 66, "AQL306"),
    )
    assert "this range has no bound" in result[0].message


def test_exists_with_a_value_is_a_warning() -> None:
    result = check(
        definition(aggregate(f"{{dimension: queueId, operator: exists, value: {QUEUE}}}")),
        (9, 55, "AQL307"),
    )
    diagnostic = only(result, "AQL307")
    assert diagnostic.severity is Severity.WARNING
    assert "'exists' only asks whether the subject is present" in diagnostic.message


def test_not_exists_without_value_passes() -> None:
    check(definition(aggregate("{dimension: wrapUpCode, operator: notExists}")))


# -- AQL308 ids ---------------------------------------------------------------------------------


def test_queue_name_in_queue_id_is_a_warning() -> None:
    result = check(
        definition(aggregate("{dimension: queueId, value: Service Desk}")), (9, 37, "AQL308")
    )
    diagnostic = only(result, "AQL308")
    assert diagnostic.severity is Severity.WARNING
    assert "'Service Desk' is not a UUID" in diagnostic.message


def test_ids_that_are_not_uuids_by_nature_are_not_checked() -> None:
    query = (
        f"interval: {INTERVAL}\n"
        "segmentFilters:\n"
        "  - {type: and, predicates: [{dimension: protocolCallId, value: abc@10.0.0.1}]}\n"
    )
    check(definition(query, "conversations/details"))
    check(definition(aggregate(f"{{dimension: userId, value: {QUEUE.upper()}}}")))


# -- AQL309 ranges ------------------------------------------------------------------------------


def test_range_lower_bound_not_below_upper_bound() -> None:
    query = (
        f"interval: {INTERVAL}\n"
        "segmentFilters:\n"
        "  - type: and\n"
        "    predicates:\n"
        "      - {metric: tSegmentDuration, range: {gt: 5000, lte: 5000}}\n"
        "      - {metric: tSegmentDuration, range: {gte: 5000, lte: 5000}}\n"
    )
    result = check(definition(query, "conversations/details"), (8, 45, "AQL309"))
    assert "gt 5000 is not below lte 5000" in result[0].message


# -- AQL310 predicates in another query language's shape ----------------------------------------


def _seed(name: str) -> dict[str, Any]:
    seed: dict[str, Any] = json.loads((REPO / "facts" / "examples" / name).read_text())
    return seed


def test_seed_004_predicate_is_one_diagnostic_whose_fix_is_the_right_way() -> None:
    seed = _seed("seed-004-tutorial-daterange.json")
    text = json.dumps(seed["payload"], indent=2)
    options = LintOptions(endpoint="conversations/aggregates")
    result = lint_text(text, "seed-004.json", options=options)
    inside = [d for d in result if d.location.pointer.startswith("/filter/predicates/0")]
    assert [d.code for d in inside] == ["AQL310"]
    [diagnostic] = inside
    lines = text.splitlines()
    row = next(i for i, line in enumerate(lines) if '"EQUALS"' in line)  # the `{` is above it
    column = lines[row - 1].find("{") + 1
    assert (diagnostic.location.line, diagnostic.location.column) == (row, column)
    assert diagnostic.severity is Severity.ERROR
    assert "(type: EQUALS, field: queue.id)" in diagnostic.message
    assert diagnostic.suggestion == (
        "{type: dimension, dimension: queueId, operator: matches, "
        "value: 12345678-1234-1234-1234-123456789012}"
    )
    assert yaml.safe_load(diagnostic.suggestion) == seed["right_way"]["filter"]["predicates"][0]


def test_seed_004_right_way_passes_the_filter_and_metric_rules() -> None:
    seed = _seed("seed-004-tutorial-daterange.json")
    options = LintOptions(endpoint="conversations/aggregates")
    result = lint_text(json.dumps(seed["right_way"], indent=2), "right.json", options=options)
    assert [d for d in result if d.code.startswith(("AQL2", "AQL3", "AQL5"))] == []


def test_limits_field_path_operation_shape() -> None:
    result = check(
        definition(aggregate("{type: field, path: queue.id, operation: equals, value: abc}")),
        (9, 9, "AQL310"),
    )
    diagnostic = result[0]
    assert "(type: field, path: queue.id, operation: equals)" in diagnostic.message
    assert diagnostic.suggestion == (
        "{type: dimension, dimension: queueId, operator: matches, value: abc}"
    )


def test_seed_003_predicate_with_an_operator_word_as_its_type() -> None:
    result = check(
        definition(aggregate("{dimension: mediaType, type: equal, value: voice}")), (9, 9, "AQL310")
    )
    assert result[0].suggestion == (
        "{type: dimension, dimension: mediaType, operator: matches, value: voice}"
    )


def test_seed_003_filter_list_gets_the_whole_filter_as_its_fix() -> None:
    seed = _seed("seed-003-agent-summary.json")
    options = LintOptions(endpoint="conversations/aggregates")
    result = lint_text(json.dumps(seed["payload"], indent=2), "seed-003.json", options=options)
    diagnostic = next(d for d in result if d.location.pointer == "/filter")
    assert diagnostic.code == "AQL204"
    assert yaml.safe_load(diagnostic.suggestion or "") == {
        "filter": {
            "type": "and",
            "predicates": [
                {
                    "type": "dimension",
                    "dimension": "mediaType",
                    "operator": "matches",
                    "value": "voice",
                }
            ],
        }
    }


def test_invented_predicate_fix_keeps_to_the_models_fields() -> None:
    predicate = f"{{type: EQUALS, field: queue.id, value: {QUEUE}}}"
    query = f"userFilter: {{type: and, predicates: [{predicate}]}}"
    result = check(definition(query, "agents/status"), (4, 40, "AQL310"))
    assert result[0].suggestion == f"{{dimension: queueId, value: {QUEUE}}}"


def test_an_operator_the_api_lacks_gets_no_fix() -> None:
    query = aggregate("{field: queue.id, operation: notEquals, value: x}")
    result = check(definition(query), (9, 9, "AQL310"))
    assert result[0].suggestion is None


def test_equals_as_operator_suggests_matches() -> None:
    result = check(
        definition(aggregate(f"{{dimension: queueId, operator: equals, value: {QUEUE}}}")),
        (9, 40, "AQL206"),
    )
    assert "did you mean 'matches'?" in result[0].message
    assert result[0].suggestion == "matches"


# -- AQL311 / AQL312 task management observations -----------------------------------------------


def task_query(*predicates: str) -> str:
    lines = ["groupBy: [queueId]", "metrics: [{name: oWorkitemsDue, qualifier: Hours24}]"]
    lines += ["filter:", "  predicates:"] + [f"    - {p}" for p in predicates]
    return "\n".join(lines)


def test_task_management_filter_with_one_queue_passes() -> None:
    query = task_query(f"{{dimension: queueId, value: {QUEUE}}}")
    check(definition(query, "taskmanagement/metrics"))


def test_task_management_filter_without_a_queue() -> None:
    result = check(
        definition(task_query(f"{{dimension: typeId, value: {QUEUE}}}"), "taskmanagement/metrics"),
        (8, 7, "AQL311"),
    )
    diagnostic = only(result, "AQL311")
    assert diagnostic.severity is Severity.ERROR
    assert "needs a queueId predicate" in diagnostic.message


def test_task_management_filter_with_two_queues() -> None:
    result = check(
        definition(
            task_query(
                f"{{dimension: queueId, value: {QUEUE}}}", f"{{dimension: queueId, value: {QUEUE}}}"
            ),
            "taskmanagement/metrics",
        ),
        (9, 9, "AQL312"),
    )
    assert only(result, "AQL312").severity is Severity.WARNING
    assert only(result, "AQL312").message.startswith(
        "a second queueId predicate (the first is predicate 1 of this filter);"
    )


def test_the_uuid_rule_says_exactly_where_its_list_of_dimensions_is() -> None:
    why = all_rules()["AQL308"].why
    assert "below in this file" not in why
    assert "data.uuid_dimensions in aggqlint's rules/checks/filters.yaml" in why
    listed = filters._data()["uuid_dimensions"]
    assert {"queueId", "userId", "divisionId"} <= set(listed)


def test_observation_filter_passes() -> None:
    predicate = f"{{dimension: queueId, value: {QUEUE}}}"
    query = f"metrics: [oWaiting]\nfilter: {{type: or, predicates: [{predicate}]}}"
    check(definition(query, "queues/observations"))


# -- robustness: odd bodies never make the family raise -----------------------------------------

_scalars = st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8)
_words = st.sampled_from(["and", "matches", "exists", "queueId", "EQUALS", "metric", "range", ""])
_FIELDS = ("type", "predicates", "clauses", "dimension", "operator", "value", "range", "gt")
_fields = st.sampled_from([*_FIELDS, "lt", "field", "metric", "path", "operation"])
_values = st.recursive(
    _scalars | _words,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_fields, inner),
    max_leaves=16,
)
_endpoints = st.sampled_from(
    ["conversations/aggregates", "conversations/details", "taskmanagement/metrics", "agents/status"]
)
_keys = st.sampled_from(["filter", "segmentFilters", "userFilter", "conversationFilters"])


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_keys, _values, max_size=3), _endpoints)
def test_the_family_never_raises_on_odd_bodies(body: dict[str, Any], endpoint: str) -> None:
    context = RuleContext(body, all_endpoints()[endpoint])
    for finding in filters.check(context):
        assert finding.code.startswith("AQL3")


@settings(max_examples=150, deadline=None)
@given(st.dictionaries(_keys, _values, max_size=3), _endpoints)
def test_schema_and_rules_together_never_fail_on_odd_filters(
    body: dict[str, Any], endpoint: str
) -> None:
    for diagnostic in lint_payload(body, endpoint):
        mine = ("'filters'", "'metrics'")
        assert not (diagnostic.code == "AQL009" and any(m in diagnostic.message for m in mine))

"""Schema findings in the user's words, located where the problem is written (issue 9)."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from conftest import lint_query as _lint_query

from aggqlint.api.endpoints import all_endpoints
from aggqlint.checks.schema import check_body
from aggqlint.diagnostics import Diagnostic

INTERVAL = "interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z"


def lint_query(query: str, endpoint: str = "conversations/aggregates") -> list[Diagnostic]:
    return _lint_query(textwrap.dedent(query), endpoint)


def _lines(diagnostics: list[Diagnostic]) -> list[str]:
    return [
        f"{d.location.line}:{d.location.column} {d.code} {d.severity} {d.message}"
        for d in diagnostics
    ]


# 1. JSON null on an optional field means absent; on a required field it is missing.


def test_null_on_optional_fields_is_an_info_located_at_the_key() -> None:
    found = lint_query(
        f"""
        {INTERVAL}
        metrics: [nOffered]
        filter: null
        granularity: null
        timeZone: null
        groupBy: null
        """
    )
    assert _lines(found) == [
        "6:3 AQL210 info 'filter' is null in conversations/aggregates query: the server "
        "reads it as absent (leaving the field out says the same)",
        "7:3 AQL210 info 'granularity' is null in conversations/aggregates query: the server "
        "reads it as absent (leaving the field out says the same)",
        "8:3 AQL210 info 'timeZone' is null in conversations/aggregates query: the server "
        "reads it as absent (leaving the field out says the same)",
        "9:3 AQL210 info 'groupBy' is null in conversations/aggregates query: the server "
        "reads it as absent (leaving the field out says the same)",
    ]


def test_null_paging_on_a_details_query_is_no_error_and_no_rule_crash() -> None:
    found = lint_query(
        f"""
        {INTERVAL}
        paging: null
        order: null
        segmentFilters: null
        """,
        "conversations/details",
    )
    assert [(d.location.line, d.code) for d in found] == [
        (5, "AQL210"),
        (6, "AQL210"),
        (7, "AQL210"),
    ]


def test_null_value_on_a_not_exists_predicate_as_genesys_writes_it() -> None:
    found = lint_query(
        f"""
        {INTERVAL}
        metrics: [nOffered]
        filter:
          type: and
          predicates:
            - {{type: dimension, dimension: queueId, operator: notExists, value: null}}
        """
    )
    codes = [(d.location.line, d.location.column, d.code) for d in found]
    assert (9, 68, "AQL210") in codes
    assert not [d for d in found if d.severity.name == "ERROR" or d.code == "AQL009"]
    [info] = [d for d in found if d.code == "AQL210"]
    assert info.message.startswith("'value' is null in filter predicate")


def test_null_on_a_required_field_is_that_field_missing_at_the_key() -> None:
    found = lint_query(f"{INTERVAL}\nmetrics: null")
    assert _lines(found) == [
        "5:3 AQL203 error 'metrics' is required in conversations/aggregates query; null is "
        "no value (the server reads it as absent)"
    ]


def test_null_items_inside_lists_stay_one_error() -> None:
    found = lint_query(f"{INTERVAL}\nmetrics: [nOffered, null]")
    assert _lines(found) == [
        "5:23 AQL204 error item 1 of 'metrics' must be a string in conversations/aggregates "
        "query, not null"
    ]


def test_the_schema_check_gives_the_body_the_server_reads() -> None:
    endpoint = all_endpoints()["conversations/aggregates"]
    body = {
        "interval": "x",
        "filter": {"type": "and", "predicates": [{"dimension": "queueId", "value": None}]},
        "metrics": ["nOffered", None],
        "views": None,
    }
    assert check_body(body, endpoint)[1] == {
        "interval": "x",
        "filter": {"type": "and", "predicates": [{"dimension": "queueId"}]},
        "metrics": ["nOffered", None],
    }


# 3. Report names are readable text in any script; a limit is worded for people.


def _named(name: str) -> list[str]:
    from aggqlint.checks.engine import lint_text

    text = (
        f"report: {name}\nendpoint: conversations/aggregates\nquery:\n"
        f"  {INTERVAL}\n  metrics: [nOffered]\n"
    )
    return _lines(lint_text(text, "r.yaml"))


def test_report_names_in_other_scripts_and_with_spaces_are_accepted() -> None:
    assert _named("warteschlange-übersicht-東京") == []
    assert _named("Queue overview (EMEA)") == []
    assert _named("'Vue d’ensemble: files d’attente'") == []


def test_a_report_name_on_two_lines_or_with_a_tab_is_worded_not_a_regex() -> None:
    assert _named('"queue\\noverview"') == [
        "1:9 AQL025 error report name has a line break; write it as plain text on one line"
    ]
    assert _named('"queue\\toverview"') == [
        "1:9 AQL025 error report name has a tab; write it as plain text on one line"
    ]


def test_a_blank_or_overlong_report_name() -> None:
    assert _named("'   '") == [
        "1:9 AQL025 error report name is blank; give it a name people can read"
    ]
    assert _named("x" * 201) == [
        "1:9 AQL025 error report name is 201 characters long; keep it to 200 at most"
    ]


# 9. Extension keys (x-...) beside the envelope hold anchors; checks ignore them.


def test_extension_keys_holding_anchors_are_ignored() -> None:
    from aggqlint.checks.engine import lint_text

    text = textwrap.dedent(
        """\
        x-interval: &interval 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
        x-defaults: &defaults
          metrics: [nOffered, tHandle]
          groupBy: [queueId]
        report: queue-day
        endpoint: conversations/aggregates
        query:
          interval: *interval
          metrics: [nOffered]
        """
    )
    assert lint_text(text, "r.yaml") == []


def test_an_envelope_key_of_ones_own_without_x_is_told_the_convention() -> None:
    from aggqlint.checks.engine import lint_text

    text = f"defaults: 1\nreport: r\nendpoint: conversations/aggregates\nquery:\n  {INTERVAL}\n"
    assert _lines(lint_text(text + "  metrics: [nOffered]\n", "r.yaml")) == [
        "1:1 AQL025 error unknown field 'defaults' in report definition; keys of your own "
        "start with 'x-' (e.g. x-defaults)"
    ]


def test_an_extension_key_inside_the_query_is_sent_so_it_is_an_error() -> None:
    assert _lines(lint_query(f"{INTERVAL}\nmetrics: [nOffered]\nx-note: hi")) == [
        "6:3 AQL200 error unknown field 'x-note' in conversations/aggregates query; the query "
        "is sent as written, so keys of your own (x-...) go at the top of the report "
        "definition, beside 'query'"
    ]


def test_is_envelope_key() -> None:
    from aggqlint.loading.definition import is_envelope_key

    assert is_envelope_key("x-defaults") and is_envelope_key("windows")
    assert not is_envelope_key("defaults") and not is_envelope_key(1)


# 2. Where the recorded sources disagree, a warning, not an error.


def test_media_type_on_users_observations_is_a_warning_citing_both_sources() -> None:
    found = lint_query(
        """
        metrics: [oActiveQueues]
        filter:
          type: and
          predicates:
            - {dimension: userId, value: 3b0c7e36-4c3e-4a8b-9a8e-5f7d2c1b0a9f}
            - {dimension: mediaType, value: voice}
        """,
        "users/observations",
    )
    assert _lines(found) == [
        "9:21 AQL211 warning the sources disagree on 'mediaType' in users/observations: the "
        "SDK's UserObservationQueryPredicate lists only userId, but the developer center "
        "documents mediaType as an optional filter dimension (https://developer.genesys.cloud"
        "/analyticsdatamanagement/analytics/observation/user-query); it may work"
    ]


def test_a_bare_body_with_the_disputed_name_is_still_inferred() -> None:
    from aggqlint.checks.engine import lint_text

    text = textwrap.dedent(
        """\
        metrics: [oActiveQueues]
        filter:
          type: and
          predicates:
            - {dimension: userId, value: 3b0c7e36-4c3e-4a8b-9a8e-5f7d2c1b0a9f}
            - {dimension: mediaType, value: voice}
        """
    )
    found = lint_text(text, "agents-now.yaml")
    assert [(d.location.line, d.location.column, d.code) for d in found] == [
        (1, 1, "AQL024"),
        (6, 19, "AQL211"),
    ]
    assert "inferred as users/observations" in found[0].message


def test_every_recorded_conflict_is_one_the_schema_refuses() -> None:
    """An entry whose name the schema now takes (the SDK caught up) is stale: remove it."""
    from aggqlint.api import vocabulary as catalog
    from aggqlint.data import load_yaml

    for entry in load_yaml("rules", "source-conflicts.yaml")["names"]:
        vocab = catalog.vocabulary(all_endpoints()[entry["endpoint"]])
        names = vocab.metrics if entry["role"] == "metric" else vocab.dimensions
        assert entry["name"] not in names, entry
        assert entry["source"].startswith("https://") and "limits.md" in entry["facts"]


# 4. Details queries: a dimension in the wrong filter list says where it belongs, with the fix.

UUID = "3b0c7e36-4c3e-4a8b-9a8e-5f7d2c1b0a9f"


def _in_list(field: str, predicate: str, endpoint: str = "conversations/details") -> Diagnostic:
    [found] = lint_query(
        f"""
        {INTERVAL}
        {field}:
          - type: and
            predicates:
              - {predicate}
        """,
        endpoint,
    )
    return found


def test_queue_id_in_conversation_filters_belongs_in_segment_filters() -> None:
    found = _in_list(
        "conversationFilters",
        f"{{type: dimension, dimension: queueId, operator: matches, value: {UUID}}}",
    )
    assert _lines([found]) == [
        "8:40 AQL212 error 'queueId' is a segment dimension; move this predicate to "
        "segmentFilters (evaluationFilters and surveyFilters take it too)"
    ]
    assert found.suggestion == (
        "segmentFilters:\n- type: and\n  predicates:\n"
        f"  - {{type: dimension, dimension: queueId, operator: matches, value: {UUID}}}"
    )


def test_a_dimension_in_resolution_filters_belongs_in_segment_filters() -> None:
    # ResolutionDetailQueryPredicate has no 'dimension' at all: the same advice as elsewhere.
    found = _in_list("resolutionFilters", f"{{type: dimension, dimension: queueId, value: {UUID}}}")
    assert _lines([found]) == [
        "8:40 AQL212 error 'queueId' is a segment dimension; move this predicate to "
        "segmentFilters (evaluationFilters and surveyFilters take it too)"
    ]
    assert found.suggestion == (
        "segmentFilters:\n- type: and\n  predicates:\n"
        f"  - {{type: dimension, dimension: queueId, value: {UUID}}}"
    )


def test_one_aggregate_filter_on_a_details_query_names_its_list() -> None:
    predicate = f"{{dimension: queueId, value: {UUID}}}"
    found = lint_query(
        f"{INTERVAL}\nfilter: {{type: and, predicates: [{predicate}]}}", "conversations/details"
    )
    assert _lines(found) == [
        "5:3 AQL200 error unknown field 'filter' in conversations/details query; details "
        "queries filter in lists by level (conversationFilters, segmentFilters, "
        "evaluationFilters, surveyFilters, resolutionFilters): this filter goes in segmentFilters"
    ]
    assert found[0].suggestion == (f"segmentFilters:\n- type: and\n  predicates:\n  - {predicate}")


def test_a_details_list_on_an_aggregate_query_names_its_one_filter() -> None:
    predicate = f"{{dimension: queueId, value: {UUID}}}"
    found = lint_query(
        f"{INTERVAL}\nmetrics: [nOffered]\n"
        f"segmentFilters: [{{type: and, predicates: [{predicate}]}}]"
    )
    assert _lines(found) == [
        "6:3 AQL200 error unknown field 'segmentFilters' in conversations/aggregates query; "
        "this query takes one 'filter' (segmentFilters is for details queries)"
    ]
    assert found[0].suggestion == f"filter:\n  type: and\n  predicates:\n  - {predicate}"


def test_the_same_mistake_in_a_details_job() -> None:
    found = _in_list(
        "conversationFilters",
        f"{{dimension: queueId, value: {UUID}}}",
        "conversations/details/jobs",
    )
    assert (found.location.line, found.location.column, found.code) == (8, 23, "AQL212")
    assert found.message.startswith("'queueId' is a segment dimension; move this predicate")


def test_media_type_in_evaluation_filters() -> None:
    found = _in_list("evaluationFilters", "{dimension: mediaType, value: voice}")
    assert _lines([found]) == [
        "8:23 AQL212 error 'mediaType' is a segment dimension; move this predicate to "
        "segmentFilters"
    ]
    assert found.suggestion == (
        "segmentFilters:\n- type: and\n  predicates:\n  - {dimension: mediaType, value: voice}"
    )


def test_conversation_start_in_segment_filters() -> None:
    found = _in_list(
        "segmentFilters", "{type: dimension, dimension: conversationStart, operator: exists}"
    )
    assert _lines([found]) == [
        "8:40 AQL212 error 'conversationStart' is a conversation dimension; move this "
        "predicate to conversationFilters"
    ]


def test_evaluation_score_in_survey_filters_is_not_a_did_you_mean() -> None:
    found = _in_list("surveyFilters", "{type: dimension, dimension: oTotalScore, range: {gte: 50}}")
    assert _lines([found]) == [
        "8:40 AQL212 error 'oTotalScore' is an evaluation metric; move this predicate to "
        "evaluationFilters as 'metric: oTotalScore'"
    ]
    assert found.suggestion == (
        "evaluationFilters:\n- type: and\n  predicates:\n"
        "  - type: metric\n    metric: oTotalScore\n    range: {gte: 50}"
    )


def test_a_metric_in_a_predicates_dimension_slot() -> None:
    found = _in_list(
        "conversationFilters", "{type: dimension, dimension: tHandle, range: {gte: 60000}}"
    )
    assert _lines([found]) == [
        "8:40 AQL212 error 'tHandle' is a metric in conversationFilters, not a dimension: "
        "write 'metric: tHandle' in this predicate"
    ]
    assert found.suggestion == "{type: metric, metric: tHandle, range: {gte: 60000}}"


def test_users_details_presence_dimension_in_user_filters() -> None:
    found = _in_list(
        "userFilters", "{dimension: systemPresence, value: AVAILABLE}", "users/details"
    )
    assert _lines([found]) == [
        "8:23 AQL212 error 'systemPresence' is a presence dimension; move this predicate to "
        "presenceFilters"
    ]


def test_a_metric_in_an_aggregate_filter_and_names_swapped_between_lists() -> None:
    found = lint_query(
        f"""
        {INTERVAL}
        metrics: [nOffered, queueId]
        groupBy: [tHandle]
        filter: {{type: and, predicates: [{{dimension: tHandle, value: x}}]}}
        """
    )
    assert _lines(found) == [
        "5:23 AQL212 error 'queueId' is a dimension, not a metric: it goes in 'groupBy'",
        "6:13 AQL212 error 'tHandle' is a metric, not a dimension: it goes in 'metrics'",
        "7:48 AQL212 error 'tHandle' is a metric of conversations/aggregates; its filter "
        "predicates take dimensions only (ask for the metric in 'metrics')",
    ]


# 5. AQL208 names the relevant endpoints first and offers an endpoint only when surely meant.


def test_queue_id_on_users_aggregates_names_users_then_conversations_endpoints() -> None:
    found = lint_query(
        f"{INTERVAL}\nmetrics: [tAgentRoutingStatus]\ngroupBy: [queueId]", "users/aggregates"
    )
    assert _lines(found) == [
        "6:13 AQL208 error dimension 'queueId' is not available in users/aggregates; "
        "users/activity, conversations/aggregates, conversations/activity and 17 more take it"
    ]
    assert found[0].suggestion is None  # tAgentRoutingStatus is a users/aggregates metric


def test_an_endpoint_fix_when_one_endpoint_takes_every_name() -> None:
    found = lint_query(f"{INTERVAL}\nmetrics: [tHandle]\ngroupBy: [queueId]", "users/aggregates")
    assert _lines(found) == [
        "5:13 AQL208 error metric 'tHandle' is not available in users/aggregates; it belongs to "
        "conversations/aggregates, which takes every name of this query: set endpoint to it",
        "6:13 AQL208 error dimension 'queueId' is not available in users/aggregates; "
        "users/activity, conversations/aggregates, conversations/activity and 17 more take it; "
        "conversations/aggregates takes every name of this query: set endpoint: "
        "conversations/aggregates",
    ]
    assert [d.suggestion for d in found] == ["conversations/aggregates"] * 2


def test_no_endpoint_fix_when_the_names_point_different_ways() -> None:
    found = lint_query(f"{INTERVAL}\nmetrics: [tAgentRoutingStatus, oWaiting]")
    assert _lines(found) == [
        "5:13 AQL208 error metric 'tAgentRoutingStatus' is not available in "
        "conversations/aggregates; it belongs to users/aggregates",
        "5:34 AQL208 error metric 'oWaiting' is not available in conversations/aggregates; "
        "conversations/activity and queues/observations take it",
    ]
    assert [d.suggestion for d in found] == [None, None]


def test_no_endpoint_fix_when_it_would_break_the_names_that_fit() -> None:
    [found] = lint_query(f"{INTERVAL}\nmetrics: [tAgentRoutingStatus, nOffered]")
    assert found.suggestion is None


def test_no_endpoint_fix_beside_a_misspelt_name() -> None:
    found = lint_query(f"{INTERVAL}\nmetrics: [tAgentRoutingStatus, nOffred]")
    assert [(d.code, d.suggestion) for d in found] == [("AQL208", None), ("AQL201", "nOffered")]


def test_an_async_job_is_offered_the_other_job_endpoint() -> None:
    [found] = lint_query(
        f"{INTERVAL}\nmetrics: [tAgentRoutingStatus]", "conversations/aggregates/jobs"
    )
    assert _lines([found]) == [
        "5:13 AQL208 error metric 'tAgentRoutingStatus' is not available in "
        "conversations/aggregates/jobs; it belongs to users/aggregates; users/aggregates/jobs "
        "takes every name of this query: set endpoint: users/aggregates/jobs"
    ]
    assert found.suggestion == "users/aggregates/jobs"


def test_an_observation_query_sent_to_the_wrong_observation_endpoint() -> None:
    found = lint_query(
        "metrics: [oWaiting]\n"
        f"filter: {{type: or, predicates: [{{dimension: queueId, value: {UUID}}}]}}",
        "users/observations",
    )
    assert [(d.location.line, d.code, d.suggestion) for d in found] == [
        (4, "AQL208", "queues/observations"),
        (5, "AQL208", "queues/observations"),
    ]


def test_no_endpoint_fix_to_a_model_without_the_querys_fields() -> None:
    # users/activity takes userId and teamId, but no interval or userFilters, and it needs
    # groupBy and metric objects: following the fix would give new errors.
    found = lint_query(
        f"""
        {INTERVAL}
        userFilters: [{{type: or, predicates: [{{dimension: teamId, value: {UUID}}}]}}]
        """,
        "users/details",
    )
    assert [(d.code, d.suggestion) for d in found] == [("AQL208", None)]
    assert "set endpoint" not in found[0].message


def test_no_endpoint_fix_when_a_metric_object_names_what_the_other_lacks() -> None:
    # conversations/activity takes oWaiting but not oOnQueueUsers (ConversationActivityQueryMetric).
    found = lint_query(
        "groupBy: [queueId]\nmetrics: [{metric: oWaiting}, {metric: oOnQueueUsers}]",
        "routing/activity",
    )
    assert [(d.location.line, d.code, d.suggestion) for d in found] == [(5, "AQL208", None)]
    assert "set endpoint" not in found[0].message


def test_an_endpoint_fix_for_metric_objects_that_all_fit_it() -> None:
    found = lint_query(
        "groupBy: [queueId]\nmetrics: [{metric: oWaiting}, {metric: oLongestWaiting}]",
        "routing/activity",
    )
    assert [(d.code, d.suggestion) for d in found] == [
        ("AQL208", "conversations/activity"),
        ("AQL208", "conversations/activity"),
    ]


@pytest.mark.parametrize(
    ("endpoint", "query", "shape"),
    [
        ("flows/activity", "metrics: [oFlow]\ngroupBy: [flowId]", "{metric: oFlow}"),
        (
            "taskmanagement/metrics",
            "metrics: [oWorkitemsDue]\ngroupBy: [queueId]\n"
            f"filter: {{predicates: [{{dimension: queueId, value: {UUID}}}]}}",
            "{name: oWorkitemsDue}",
        ),
    ],
)
def test_metric_names_where_metric_objects_are_taken_show_the_object(
    endpoint: str, query: str, shape: str
) -> None:
    [found] = lint_query(query, endpoint)
    assert _lines([found]) == [
        f"4:13 AQL204 error item 0 of 'metrics' must be an object in {endpoint} query, not a "
        f"string: each metric is an object here; write {shape}"
    ]
    assert found.suggestion == shape


def test_yes_in_a_predicate_value_offers_what_is_sent_as_well() -> None:
    # The server gets true and reads "true": quoting 'yes' would match nothing on released.
    found = lint_query(
        f"{INTERVAL}\nmetrics: [nEvaluations]\n"
        "filter: {type: and, predicates: [{dimension: released, value: yes}]}",
        "evaluations/aggregates",
    )
    assert _lines(found) == [
        "6:65 AQL003 error YAML reads yes as a boolean true, not the text 'yes'; quote it: "
        "'true' for a true/false dimension (what is sent today), or 'yes' if the dimension's "
        "values are words"
    ]
    assert found[0].suggestion == "'true'"


def test_a_name_that_begins_real_names_is_offered_one_of_them() -> None:
    # Edit distance alone picks 'nWebSurveys'; the NPS metrics all begin with the name written.
    found = lint_query(f"{INTERVAL}\nmetrics: [nSurveyNps]", "surveys/aggregates")
    assert _lines(found) == [
        "5:13 AQL201 error unknown metric 'nSurveyNps' for surveys/aggregates; did you mean "
        "'nSurveyNpsResponses'?"
    ]
    assert found[0].suggestion == "nSurveyNpsResponses"


# 6. A valid name in the wrong slot says so, not "unknown metric".


def test_a_metric_sort_metric_cannot_rank_by() -> None:
    found = lint_query(
        f"""
        {INTERVAL}
        metrics: [nOffered, oServiceLevel]
        groupBy: [queueId]
        queryType: topN
        limit: 5
        sortMetric: {{name: oServiceLevel, function: max}}
        """
    )
    assert _lines(found) == [
        "9:22 AQL212 error 'oServiceLevel' is a metric of conversations/aggregates, but not "
        "one sortMetric can rank groups by; keep it in 'metrics' and sort by another metric"
    ]


def test_a_longest_metric_in_queue_detail_metrics() -> None:
    found = lint_query(
        f"""
        metrics: [oWaiting, oLongestWaiting]
        detailMetrics: [oWaiting, oLongestWaiting]
        filter: {{type: or, predicates: [{{dimension: queueId, value: {UUID}}}]}}
        """,
        "queues/observations",
    )
    assert _lines(found) == [
        "5:29 AQL212 error 'oLongestWaiting' is a metric of queues/observations but not a "
        "detail metric: ask for it in 'metrics' only (detailMetrics takes oActiveUsers, "
        "oAlerting, oInteracting, oMemberUsers, oOffQueueUsers, oOnQueueUsers, "
        "oUserPresences, oUserRoutingStatuses, oWaiting)"
    ]


def test_a_filter_only_dimension_in_group_by() -> None:
    found = lint_query(f"{INTERVAL}\nmetrics: [nOffered]\ngroupBy: [canonicalExternalContactId]")
    assert _lines(found) == [
        "6:13 AQL212 error 'canonicalExternalContactId' is a filter dimension of "
        "conversations/aggregates, but not one it can group by: filter on it with a predicate "
        "instead"
    ]


def test_a_group_by_only_dimension_in_a_filter() -> None:
    found = lint_query(
        f"""
        metrics: [{{name: oWorkitemsAssigned}}]
        groupBy: [queueId]
        filter:
          predicates:
            - {{dimension: queueId, value: {UUID}}}
            - {{dimension: assigneeId, value: {UUID}}}
        """,
        "taskmanagement/metrics",
    )
    assert _lines(found) == [
        "9:21 AQL212 error 'assigneeId' is a groupBy dimension of taskmanagement/metrics, but "
        "not one its filter predicates take: groupBy only"
    ]


# 7. Smaller messages: NaN and infinity, empty lists, in our words.


def test_nan_and_infinity_in_a_range_are_named() -> None:
    found = lint_query(
        f"""
        {INTERVAL}
        metrics: [nOffered]
        filter:
          type: and
          predicates:
            - {{type: dimension, dimension: queueId, range: {{gt: .nan, lt: .inf}}}}
        """
    )
    assert _lines(found) == [
        "9:59 AQL204 error 'gt' is NaN (YAML's .nan), which JSON cannot carry; write a number "
        "(for an open-ended range, leave that bound out)",
        "9:69 AQL204 error 'lt' is infinity (YAML's .inf), which JSON cannot carry; write a "
        "number (for an open-ended range, leave that bound out)",
    ]


def test_nan_where_a_string_goes_is_one_finding() -> None:
    found = lint_query(f"{INTERVAL}\nmetrics: [nOffered, .nan]\ntimeZone: -.inf")
    assert [(d.location.line, d.location.column, d.code) for d in found] == [
        (5, 23, "AQL204"),
        (6, 13, "AQL204"),
    ]
    assert found[0].message.startswith("item 1 of 'metrics' is NaN (YAML's .nan)")
    assert found[1].message.startswith("'timeZone' is infinity (YAML's .inf)")


def test_both_backends_word_nan_the_same() -> None:
    from aggqlint.checks import schema
    from aggqlint.checks.validators import compile_schema

    endpoint = all_endpoints()["conversations/aggregates"]
    body = {
        "interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z",
        "metrics": ["nOffered", float("nan")],
        "views": [
            {
                "target": "tHandle",
                "name": "v",
                "function": "rangeBound",
                "range": {"gte": float("inf")},
            }
        ],
    }
    results = []
    for backend in ("jsonschema", "jsonschema-rs"):
        model = schema.Model(endpoint.schema(), "conversations/aggregates query")
        model.validator = compile_schema(endpoint.schema(), backend)
        results.append(
            sorted((f.pointer, f.message) for f in schema._translate(model, body, endpoint, {}))
        )
    assert results[0] == results[1]
    assert [pointer for pointer, _ in results[0]] == ["/metrics/1", "/views/0/range/gte"]


def test_empty_windows_are_worded() -> None:
    from aggqlint.checks.engine import lint_text

    text = (
        f"report: r\nendpoint: conversations/aggregates\nquery:\n  {INTERVAL}\n"
        "  metrics: [nOffered]\nwindows: []\n"
    )
    assert _lines(lint_text(text, "r.yaml")) == [
        "6:10 AQL025 error windows is empty: list at least one window, or remove windows"
    ]


# 8. Integers beyond the model's int32/int64 (when the facts name the format) are located errors.


def _generated_with_int32(tmp_path: Any) -> dict[str, Any]:
    """ConversationQuery's schema generated from a copy of the facts in which PagingSpec's
    integers say format int32 (the SDK's C# model has `int? PageSize`; the facts record no
    integer formats yet)."""
    import importlib.util
    import json
    import shutil
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    facts = tmp_path / "facts"
    shutil.copytree(root / "facts" / "genesys", facts)
    paging = json.loads((facts / "models" / "PagingSpec.json").read_text())
    for prop in paging["properties"]:
        prop["format"] = "int32"
    (facts / "models" / "PagingSpec.json").write_text(json.dumps(paging))
    spec = importlib.util.spec_from_file_location("gen", root / "tools" / "generate_schemas.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    schema: dict[str, Any] = json.loads(
        module.generate(facts)["models/ConversationQuery.schema.json"]
    )
    return schema


def test_an_integer_beyond_int32_is_an_error_at_the_value(tmp_path: Any) -> None:
    from aggqlint.checks import schema as schema_module
    from aggqlint.checks.validators import compile_schema

    generated = _generated_with_int32(tmp_path)
    assert generated["$defs"]["PagingSpec"]["properties"]["pageSize"] == {
        "description": generated["$defs"]["PagingSpec"]["properties"]["pageSize"]["description"],
        "type": "integer",
        "format": "int32",
        "minimum": -(2**31),
        "maximum": 2**31 - 1,
    }
    endpoint = all_endpoints()["conversations/details"]
    body = {"interval": "x", "paging": {"pageSize": 3_000_000_000, "pageNumber": -(2**40)}}
    results = []
    for backend in ("jsonschema", "jsonschema-rs"):
        model = schema_module.Model(generated, "conversations/details query")
        model.validator = compile_schema(generated, backend)
        found = schema_module._translate(model, body, endpoint, {})
        results.append(sorted((f.code, f.pointer, f.message) for f in found))
    assert (
        results[0]
        == results[1]
        == [
            (
                "AQL204",
                "/paging/pageNumber",
                "'pageNumber' is -1,099,511,627,776, less than the API's model can hold "
                "(a 32-bit integer: at least -2,147,483,648)",
            ),
            (
                "AQL204",
                "/paging/pageSize",
                "'pageSize' is 3,000,000,000, more than the API's model can hold "
                "(a 32-bit integer: at most 2,147,483,647)",
            ),
        ]
    )


def test_no_schema_finding_for_zero_or_negative_paging_without_a_minimum_in_the_facts() -> None:
    found = lint_query(
        f"{INTERVAL}\npaging: {{pageSize: 0, pageNumber: -1}}", "conversations/details"
    )
    assert [d for d in found if d.code.startswith("AQL2")] == []


def test_a_json_body_in_genesys_example_style_with_nulls_is_clean_but_for_infos() -> None:
    from aggqlint.checks.engine import lint_text

    text = """{
  "report": "abandoned-without-queue",
  "endpoint": "conversations/aggregates",
  "query": {
    "interval": "2026-11-01T00:00:00.000Z/2026-11-02T00:00:00.000Z",
    "granularity": null,
    "timeZone": null,
    "groupBy": ["mediaType"],
    "metrics": ["tAbandon"],
    "filter": {
      "type": "and",
      "predicates": [
        {"type": "dimension", "dimension": "queueId", "operator": "notExists", "value": null}
      ]
    },
    "views": null
  }
}
"""
    found = lint_text(text, "abandoned.json")
    infos = [(d.location.line, d.location.column, d.code) for d in found if d.code == "AQL210"]
    assert infos == [(6, 5, "AQL210"), (7, 5, "AQL210"), (13, 80, "AQL210"), (16, 5, "AQL210")]
    assert [d for d in found if d.severity.name == "ERROR" or d.code == "AQL009"] == []

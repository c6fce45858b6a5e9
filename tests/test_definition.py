"""Report definitions and bare bodies: envelope detection, endpoint inference, windows."""

from __future__ import annotations

from datetime import UTC, datetime

from aggqlint.checks.engine import LintOptions, lint_text
from aggqlint.fixes.shapes import half_open_end

NOW = LintOptions(now=datetime(2026, 11, 23, tzinfo=UTC))


def _codes(text: str, name: str = "x.yaml") -> list[tuple[str, int | None, int | None]]:
    return [(d.code, d.location.line, d.location.column) for d in lint_text(text, name, NOW)]


def test_observation_body_is_inferred_with_a_note() -> None:
    text = (
        "metrics: [oWaiting]\n"
        "filter: {type: or, predicates: [{dimension: queueId, "
        "value: 3b0c7e36-4c3e-4a8b-9a8e-5f7d2c1b0a9f}]}\n"
    )
    [diagnostic] = lint_text(text, "now.yaml", NOW)
    assert diagnostic.code == "AQL024"
    assert "inferred as queues/observations" in diagnostic.message
    assert diagnostic.severity.name == "INFO"


def test_aggregate_body_is_inferred_from_its_metric_names() -> None:
    text = "interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z\nmetrics: [tAgentRoutingStatus]\n"
    [diagnostic] = lint_text(text, "users.yaml", NOW)
    assert diagnostic.code == "AQL024"
    assert "users/aggregates" in diagnostic.message


def test_metric_objects_name_the_activity_endpoint() -> None:
    # oWaiting is ConversationActivityQueryMetric's only: not flows/ or routing/activity.
    text = "groupBy: [queueId]\nmetrics: [{metric: oWaiting, details: true}]\n"
    [diagnostic] = lint_text(text, "now.yaml", NOW)
    assert diagnostic.code == "AQL024"
    assert "inferred as conversations/activity" in diagnostic.message
    assert diagnostic.suggestion == "conversations/activity"


def test_metric_objects_are_read_with_their_own_keys() -> None:
    # {name: ...} is the task management shape; the activity endpoints take {metric: ...}.
    filtered = "filter: {predicates: [{dimension: queueId, value: q1}]}\n"
    text = "groupBy: [queueId]\nmetrics: [{name: oWorkitemsDue, qualifier: Hours24}]\n"
    [diagnostic] = lint_text(text + filtered, "now.yaml", NOW)
    assert (diagnostic.code, diagnostic.suggestion) == ("AQL024", "taskmanagement/metrics")
    # A key no metric model has, or an object where names are listed, fits nothing.
    wrong_key = "groupBy: [queueId]\nmetrics: [{metric: oWaiting, qualifier: Hours24}]\n"
    assert _codes(wrong_key, "x.yaml") == [("AQL023", 1, 1)]
    interval = "interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z\n"
    assert _codes(interval + "metrics: [{metric: nOffered}]\n", "x.yaml") == [("AQL023", 1, 1)]


def test_ambiguous_body_asks_for_the_endpoint() -> None:
    text = "interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z\n"
    [diagnostic] = lint_text(text, "x.yaml", NOW)
    assert diagnostic.code == "AQL023"
    assert "fits several endpoints" in diagnostic.message
    assert "--endpoint" in diagnostic.message


def test_body_with_invented_fields_cannot_be_inferred() -> None:
    assert _codes('{"dateFrom": "2023-10-01T00:00:00Z"}', "x.json") == [("AQL023", 1, 1)]


def test_document_that_is_a_list() -> None:
    assert _codes("- nOffered\n- tHandle\n") == [("AQL005", 1, 1)]


def test_envelope_with_an_unknown_key_and_no_report() -> None:
    text = (
        "name: daily\nendpoint: conversations/aggregates\nquery:\n"
        "  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z\n  metrics: [nOffered]\n"
    )
    # One finding: 'name' stands for 'report' (rules/aliases.yaml envelope), and saying so
    # also says what is missing.
    assert _codes(text) == [("AQL025", 1, 1)]
    (found,) = lint_text(text, "r.yaml")
    assert found.message == "unknown field 'name' in report definition; did you mean 'report'?"


def test_a_window_that_is_not_text_keeps_the_others_in_place() -> None:
    text = (
        "report: w\nendpoint: conversations/aggregates\nwindows:\n  - 7\n"
        "  - 2023-10-01T08:00:00Z/P1D\nquery:\n"
        "  interval: 2023-10-01T00:00:00Z/2023-10-02T00:00:00Z\n  metrics: [nOffered]\n"
    )
    assert _codes(text) == [("AQL025", 4, 5), ("AQL104", 5, 5)]


def test_duplicate_report_names_across_documents() -> None:
    body = (
        "endpoint: users/aggregates\nquery: {interval: 2026-11-01T00:00:00Z/"
        "2026-11-02T00:00:00Z, metrics: [tSystemPresence]}\n"
    )
    assert _codes(f"report: a\n{body}---\nreport: a\n{body}") == [("AQL026", 5, 9)]


def test_half_open_end() -> None:
    assert half_open_end("2023-10-01T23:59:59.999Z") == "2023-10-02T00:00:00.000Z"
    assert half_open_end("2023-10-01T23:59:59+02:00") == "2023-10-02T00:00:00+02:00"
    assert half_open_end("2023-12-31T23:59:59.9Z") == "2024-01-01T00:00:00.000Z"
    assert half_open_end("2023-10-01T23:59:59.5Z") == "2023-10-01T23:59:59.5Z"
    assert half_open_end("2023-10-01T12:00:00Z") == "2023-10-01T12:00:00Z"

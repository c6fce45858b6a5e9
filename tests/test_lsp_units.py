"""The language server's pure parts, without a client: positions, where the cursor is, the
suppression action, the names a place takes."""

from __future__ import annotations

import pytest

pytest.importorskip("lsprotocol")  # the `lsp` extra

from lsprotocol import types

from aggqlint.api.endpoints import resolve_endpoint
from aggqlint.api.vocabulary import vocabulary
from aggqlint.checks.engine import lint_text
from aggqlint.lsp.actions import disable_for_line, wanted
from aggqlint.lsp.context import keys_at
from aggqlint.lsp.convert import to_lsp
from aggqlint.lsp.names import role_of
from aggqlint.lsp.positions import UTF8, UTF16, UTF32, Lines

TEXT = "a: x\nb: '🚀é' y\n"


@pytest.mark.parametrize(("encoding", "unit"), [(UTF16, 8), (UTF8, 11), (UTF32, 7)])
def test_a_column_after_wide_characters_in_each_encoding(encoding: str, unit: int) -> None:
    lines = Lines(TEXT, encoding)
    # aggqlint's column 8 on line 2 (the blank before y) comes after the emoji (2 UTF-16
    # units, 4 UTF-8 bytes) and é (1 unit, 2 bytes).
    assert lines.to_client(2, 8) == (1, unit)
    assert lines.to_character(1, unit) == 7


def test_a_byte_order_mark_shifts_the_first_line_only() -> None:
    lines = Lines("\ufeffa: 1\nb: 2\n")
    assert lines.to_client(1, 1) == (0, 1)
    assert lines.to_client(2, 1) == (1, 0)


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("query:\n  metrics: [nOffered, tH", ["metrics", "query"]),
        ("query:\n  metrics:\n    - nOffered\n    - tH", ["metrics", "query"]),
        ("query:\n  metrics:\n  - tH", ["metrics", "query"]),
        (
            "query:\n  filter:\n    predicates:\n      - type: dimension\n        dimension: q",
            ["dimension", "predicates", "filter", "query"],
        ),
        ("query:\n  sortMetric: {name: tH", ["name", "sortMetric", "query"]),
        ('{\n  "metrics": [\n    "nOffered",\n    "tH', ["metrics"]),
        ("endpoint: users/ag", ["endpoint"]),
        ("query:\n  metrics: [a, b]", ["query"]),
        ("query:\n  metrics: [a, b]\n  ", ["query"]),
    ],
)
def test_the_keys_a_cursor_sits_under(text: str, keys: list[str]) -> None:
    lines = text.split("\n")
    assert keys_at(lines, len(lines) - 1, len(lines[-1])) == keys


@pytest.mark.parametrize(
    ("keys", "role"),
    [
        (["metrics", "query"], "query-metric"),
        (["metric", "predicates"], "metric"),
        (["name", "sortMetric"], "metric"),
        (["name", "query"], None),
        (["groupBy"], "group-by"),
        (["dimension", "predicates"], "dimension"),
        (["endpoint"], "endpoint"),
        (["endpoint", "query"], None),
        (["timeZone", "query"], "time-zone"),
    ],
)
def test_what_a_place_names(keys: list[str], role: str | None) -> None:
    assert role_of(keys) == role


BAD = """\
report: agents
endpoint: users/aggregates
query:
  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
  metrics: [tAgentRoutingStatus]
  groupBy: [userid]{comment}
"""


def _disable(text: str) -> str | None:
    [diagnostic] = lint_text(text, "a.yaml")
    lines = Lines(text)
    action = disable_for_line("file:///a.yaml", lines, diagnostic, to_lsp(lines, diagnostic))
    if action is None:
        return None
    assert action.edit is not None and action.edit.changes is not None
    [edit] = action.edit.changes["file:///a.yaml"]
    start = lines.offset(edit.range.start.line, edit.range.start.character)
    end = lines.offset(edit.range.end.line, edit.range.end.character)
    fixed = text[:start] + edit.new_text + text[end:]
    assert lint_text(fixed, "a.yaml") == []  # the suppression silences the finding
    return fixed


def test_disable_appends_a_suppression_with_a_reason_placeholder() -> None:
    fixed = _disable(BAD.format(comment=""))
    assert fixed is not None
    assert fixed.splitlines()[5] == "  groupBy: [userid]  # aggqlint: disable=AQL207 -- reason"


def test_disable_joins_a_directive_already_on_the_line() -> None:
    text = BAD.format(comment="  # aggqlint: disable=AQL201 -- old")
    [diagnostic] = [d for d in lint_text(text, "a.yaml") if d.code == "AQL207"]
    lines = Lines(text)
    action = disable_for_line("file:///a.yaml", lines, diagnostic, to_lsp(lines, diagnostic))
    assert action is not None and action.edit is not None and action.edit.changes is not None
    [edit] = action.edit.changes["file:///a.yaml"]
    assert edit.new_text == ",AQL207"
    at = lines.offset(edit.range.start.line, edit.range.start.character)
    assert text[:at].endswith("disable=AQL201")


def test_disable_goes_above_a_line_that_ends_in_another_comment() -> None:
    fixed = _disable(BAD.format(comment="  # the team's own note"))
    assert fixed is not None
    assert fixed.splitlines()[5:7] == [
        "  # aggqlint: disable=AQL207 -- reason",
        "  groupBy: [userid]  # the team's own note",
    ]


@pytest.mark.parametrize(
    ("only", "kind", "expected"),
    [
        (None, "quickfix", True),
        (["source"], "source.fixAll.aggqlint", True),
        (["source.fixAll"], "source.fixAll.aggqlint", True),
        (["source.fixAll"], "quickfix", False),
        (["source.organizeImports"], "source.fixAll.aggqlint", False),
    ],
)
def test_which_kinds_a_request_asks_for(only: list[str] | None, kind: str, expected: bool) -> None:
    assert wanted(kind, only) is expected


def test_an_empty_range_covers_the_character_there() -> None:
    text = "report: r\nendpoint: users/aggregates\nquery:\n  metrics: [tHandle\n"
    [diagnostic] = lint_text(text, "a.yaml")
    shown = to_lsp(Lines(text), diagnostic)
    assert shown.code == "AQL001"
    assert shown.range.end.character - shown.range.start.character <= 1
    assert shown.severity == types.DiagnosticSeverity.Error


def _labels(text: str, line: int, character: int) -> set[str]:
    from aggqlint.lsp.completion import complete

    found = complete(Lines(text), types.Position(line, character), None)
    return {item.label for item in found.items}


def test_completion_in_a_half_typed_bare_body_infers_its_endpoint() -> None:
    # No envelope, no config: the body's other names say users/aggregates, even though the
    # line being typed does not parse.
    text = (
        "interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z\n"
        "groupBy: [userId]\n"
        "metrics: [tAgentRoutingStatus, tS\n"
    )
    labels = _labels(text, 2, len("metrics: [tAgentRoutingStatus, tS"))
    users = set(vocabulary(resolve_endpoint("users/aggregates")).query_metrics)
    assert labels == users


def test_completion_of_predicate_dimensions_and_group_by() -> None:
    text = (
        "report: r\nendpoint: conversations/aggregates\nquery:\n"
        "  groupBy: [q\n"
        "  filter:\n    type: and\n    predicates:\n      - dimension: me\n"
    )
    vocab = vocabulary(resolve_endpoint("conversations/aggregates"))
    assert _labels(text, 3, 14) == set(vocab.group_by)
    assert _labels(text, 7, 20) == set(vocab.filter_dimensions)


def test_hover_on_a_dimension_says_where_it_goes() -> None:
    from aggqlint.lsp.hover import hover

    text = "report: r\nendpoint: conversations/aggregates\nquery:\n  groupBy: [queueId]\n"
    found = hover(Lines(text), types.Position(3, 14), None)
    assert found is not None and isinstance(found.contents, types.MarkupContent)
    value = found.contents.value
    assert value.startswith("**queueId**: dimension")
    assert "In conversations/aggregates: groupBy and filters" in value


def test_completion_in_a_json_report_definition_uses_its_endpoint() -> None:
    text = (
        '{\n  "report": "r",\n  "endpoint": "users/aggregates",\n  "query": {\n'
        '    "interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z",\n'
        '    "metrics": ["tAgentRoutingStatus"]\n  }\n}\n'
    )
    line = text.split("\n")[5]
    labels = _labels(text, 5, line.index("tAgent") + 1)
    assert labels == set(vocabulary(resolve_endpoint("users/aggregates")).query_metrics)

"""AQL001 for YAML syntax errors: our own words for the common mistakes, located at the cause,
and the other documents of the file still checked. PyYAML's wording is never asserted (nor
relied on: a PyYAML upgrade changes it)."""

from __future__ import annotations

import pytest
from test_source import found, three_documents

from aggqlint.checks.engine import lint_text

# The middle document of three_documents starts at line 7; its last line(s) are line 11 on. The
# first and the third name the unknown metric handleTime (AQL201 at column 23).
JSON_MIDDLE = (
    '{"report": "second", "endpoint": "conversations/aggregates",\n'
    "COMMENT"
    '  "query": {"interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z",\n'
    '    "metrics": ["nOffered"]}}'
)


def three_with_json_middle(comment: str) -> str:
    """Three documents, the middle one JSON written in a .yaml file (flow style)."""
    first, _, rest = three_documents("  metrics: [nOffered]").partition("---\n")
    _, _, third = rest.partition("---\n")
    return first + "---\n" + JSON_MIDDLE.replace("COMMENT", comment) + "\n---\n" + third


@pytest.mark.parametrize(
    ("middle", "expected", "parts"),
    [
        (
            "  metrics: [nOffered, tHandle\n  groupBy: [queueId]",
            "12:10 AQL001",
            ["the '[' opened at 11:12 is not closed", "end the list with ']'"],
        ),
        (
            "  filter: {type: and\n  groupBy: [queueId]",
            "12:10 AQL001",
            ["the '{' opened at 11:11 is not closed", "end the mapping with '}'"],
        ),
        (
            "  // the metrics we report\n  metrics: [nOffered]",
            "11:3 AQL001",
            ["'//' starts a comment", "YAML comments start with '#'"],
        ),
        ("\tmetrics: [nOffered]", "11:1 AQL001", ["a tab: YAML indents with spaces only"]),
        (
            "  timeZone: Europe/Berlin: summer",
            "11:26 AQL001",
            ["a ':' inside a plain value; quote the value"],
        ),
        (
            # One space too many: the line continues interval's value, and its ':' cannot.
            "   metrics: [nOffered]",
            "11:11 AQL001",
            ["a ':' inside a plain value", "indent it like the keys above"],
        ),
        (
            "  filter:\n      type: and\n    clauses: []",
            "13:5 AQL001",
            ["indentation (column 5) matches none of the mappings above", "column 3"],
        ),
        (
            "  metrics\n  groupBy: [queueId]",
            "11:3 AQL001",
            ["'metrics' has no ':'", "'metrics: value'", "'- metrics'"],
        ),
        (
            "  groupBy: [queueId]\n- metrics",
            "12:1 AQL001",
            ["a '- ' list item where the mapping opened at 7:1 expects its next key"],
        ),
        (
            '  timeZone: "Europe/Berlin',
            "11:13 AQL001",
            ['the string opened with " here is not closed; end it with "'],
        ),
        (
            "  timeZone: 'Europe/Berlin",
            "11:13 AQL001",
            ["the string opened with ' here is not closed", "doubled: ''"],
        ),
    ],
    ids=[
        "unclosed-list",
        "unclosed-mapping",
        "slash-comment-block",
        "tab",
        "colon-in-value",
        "over-indented",
        "under-indented",
        "key-without-colon",
        "item-among-keys",
        "unclosed-double-quote",
        "unclosed-single-quote",
    ],
)
def test_block_syntax_errors_are_worded_and_located(
    middle: str, expected: str, parts: list[str]
) -> None:
    text = three_documents(middle)
    diagnostics = lint_text(text, "three.yaml")
    third_line = text.count("\n")  # the last line names the third's unknown metric
    assert found(diagnostics) == ["5:23 AQL201", expected, f"{third_line}:23 AQL201"]
    message = diagnostics[1].message
    assert message.startswith("YAML syntax error: ")
    for part in parts:
        assert part in message, message
    assert [d.location.document for d in diagnostics] == [0, 1, 2]


@pytest.mark.parametrize(
    ("comment", "expected", "kind"),
    [
        ("  // the query follows\n", "8:3 AQL001", "'//'"),
        ("  /* the query follows */\n", "8:3 AQL001", "'/* */'"),
        ("", None, None),
    ],
    ids=["line-comment", "block-comment", "no-comment"],
)
def test_json_with_comments_in_a_yaml_file_points_at_the_comment(
    comment: str, expected: str | None, kind: str | None
) -> None:
    text = three_with_json_middle(comment)
    diagnostics = lint_text(text, "three.yaml")
    third_line = text.count("\n")
    if expected is None:  # the same JSON without the comment is valid YAML
        assert found(diagnostics) == ["5:23 AQL201", f"{third_line}:23 AQL201"]
        return
    assert found(diagnostics) == ["5:23 AQL201", expected, f"{third_line}:23 AQL201"]
    assert f"{kind} starts a comment" in diagnostics[1].message
    assert "YAML comments start with '#'" in diagnostics[1].message


def test_a_trailing_slash_comment_after_a_comma_is_found() -> None:
    text = '{"report": "x", // the name\n "endpoint": "conversations/aggregates"}\n'
    [diagnostic] = lint_text(text, "one.yaml")
    assert found([diagnostic]) == ["1:17 AQL001"]
    assert "'//' starts a comment" in diagnostic.message


def test_slashes_inside_a_string_are_not_a_comment() -> None:
    # A URL in a quoted value; the mistake is the unclosed list, not the '//'.
    text = 'report: x\ndescription: "see https://example.com/a"\nquery: [a, b\n'
    [diagnostic] = lint_text(text, "one.yaml")
    assert found([diagnostic]) == ["4:1 AQL001"]
    assert "the '[' opened at 3:8 is not closed" in diagnostic.message


def test_an_unclosed_list_at_the_end_of_the_file() -> None:
    [diagnostic] = lint_text("report: x\nquery: [unclosed\n", "a.yaml")
    assert found([diagnostic]) == ["3:1 AQL001"]
    assert "the '[' opened at 2:8 is not closed; end the list with ']'" in diagnostic.message


def test_slashes_in_a_block_scalar_far_above_are_not_the_cause() -> None:
    text = "report: x\ndescription: |\n  // not a comment: text\nquery:\n    a: 1\n  b: 2\n"
    [diagnostic] = lint_text(text, "one.yaml")
    assert found([diagnostic]) == ["6:3 AQL001"]
    assert "matches none of the mappings above" in diagnostic.message

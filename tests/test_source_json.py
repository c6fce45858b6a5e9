"""A `.json` file is JSON: what only YAML allows is a located mistake, worded for people."""

from __future__ import annotations

import json

import pytest

from aggqlint.checks.engine import LintOptions, lint_text
from aggqlint.diagnostics import Diagnostic
from aggqlint.loading.jsonsyntax import read_json
from aggqlint.loading.source import MAX_DEPTH, parse_source

OPTIONS = LintOptions(endpoint="conversations/aggregates")
BODY = (
    '{\n  "interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z",\n'
    '  "groupBy": ["queueId"],\n  "metrics": ["nOffered", "tHandle"]\n}\n'
)


def found(diagnostics: list[Diagnostic]) -> list[str]:
    return [f"{d.location.line}:{d.location.column} {d.code}" for d in diagnostics]


def check(text: str | bytes) -> list[Diagnostic]:
    return lint_text(text, "body.json", OPTIONS)


def test_the_body_is_clean() -> None:
    assert found(check(BODY)) == []


@pytest.mark.parametrize(
    ("text", "expected", "message"),
    [
        (
            BODY.replace('"tHandle"]', '"tHandle",]'),
            "4:36 AQL001",
            "trailing comma before ']': JSON allows none",
        ),
        (
            BODY.replace('"tHandle"]\n', '"tHandle"],\n'),
            "4:37 AQL001",
            "trailing comma before '}': JSON allows none",
        ),
        (
            BODY.replace('  "groupBy"', '  // per queue\n  "groupBy"'),
            "3:3 AQL001",
            "comments are not allowed in JSON",
        ),
        (
            BODY.replace('  "groupBy"', '  /* per queue */ "groupBy"'),
            "3:3 AQL001",
            "comments are not allowed in JSON",
        ),
        (BODY + "# the end\n", "6:1 AQL001", "comments are not allowed in JSON"),
        (
            BODY.replace('"queueId"', "'queueId'"),
            "3:15 AQL001",
            "JSON strings use double quotes, not single quotes",
        ),
        (
            BODY.replace('"groupBy"', "groupBy"),
            "3:3 AQL001",
            "key 'groupBy' is not quoted: JSON keys are double-quoted strings",
        ),
        (
            BODY + BODY,
            "6:1 AQL001",
            "a second JSON value after the first: a .json file holds one document",
        ),
        (
            BODY + "---\n" + BODY,
            "6:1 AQL001",
            "a second JSON value after the first: a .json file holds one document",
        ),
        (
            "---\n" + BODY,
            "1:1 AQL001",
            "'---' separates YAML documents: a .json file holds one JSON value",
        ),
        (
            BODY.replace('"tHandle"]\n', '"tHandle"]\n  "paging": {"pageSize": 10}\n'),
            "5:3 AQL001",
            "a ',' is missing before this (or a ':' after a key)",
        ),
        (
            BODY.replace('"tHandle"]', '"tHandle"}'),
            "4:36 AQL001",
            "'}' closes the '[' of line 4: a ']' is missing before it",
        ),
        (
            BODY.replace('"groupBy": ["queueId"]', '"groupBy": [queueId]'),
            "3:15 AQL001",
            "'queueId' is not valid JSON; write a number, true/false/null or a quoted string",
        ),
        (
            BODY.replace('"groupBy": ["queueId"]', '"pageSize": 010'),
            "3:15 AQL001",
            "a number with a leading zero is not valid JSON",
        ),
        (
            BODY.replace('"queueId"', '"queue\tId"'),
            "3:21 AQL001",
            "control character U+0009 inside a string",
        ),
        (BODY.replace('"queueId"', '"queue\\Id"'), "3:21 AQL001", "invalid escape in a string"),
        (
            BODY.replace('"queueId"', '"queueId'),
            "3:15 AQL001",
            "a string that does not end: the closing double quote is missing",
        ),
        (BODY.rstrip("}\n"), "4:36 AQL001", "the JSON ends before it is complete"),
        (BODY + "}", "6:1 AQL001", "unexpected '}' after the end of the JSON value"),
    ],
    ids=[
        "trailing-comma-list",
        "trailing-comma-object",
        "line-comment",
        "block-comment",
        "hash-comment",
        "single-quotes",
        "unquoted-key",
        "two-values",
        "two-documents",
        "document-marker",
        "missing-comma",
        "wrong-closer",
        "bare-word",
        "leading-zero",
        "raw-tab",
        "bad-escape",
        "unterminated-string",
        "cut-short",
        "extra-closer",
    ],
)
def test_what_only_yaml_allows_is_a_located_mistake(text: str, expected: str, message: str) -> None:
    diagnostics = check(text)
    assert found(diagnostics) == [expected]
    assert message in diagnostics[0].message


def test_the_bom_takes_no_column() -> None:
    text = BODY.replace('"tHandle"]', '"tHandle",]')
    assert found(check(b"\xef\xbb\xbf" + text.encode())) == ["4:36 AQL001"]


def test_the_same_text_in_a_yaml_file_is_yaml() -> None:
    # YAML's flow syntax takes the trailing comma and the comment: a .yaml file stays YAML.
    text = BODY.replace('"tHandle"]', '"tHandle",]') + "# the end\n"
    assert found(lint_text(text, "body.yaml", OPTIONS)) == []


def test_duplicates_nan_and_long_numbers_are_still_located() -> None:
    duplicate = BODY.replace('"groupBy": ["queueId"]', '"groupBy": ["queueId"], "groupBy": []')
    diagnostics = check(duplicate)
    assert found(diagnostics) == ["3:27 AQL002"]
    assert "(first at line 3); most JSON readers silently keep only" in diagnostics[0].message
    nan = BODY.replace('"groupBy": ["queueId"]', '"paging": {"pageSize": NaN}')
    diagnostics = check(nan)
    assert found(diagnostics) == ["3:26 AQL001"]
    assert "'NaN' is not valid JSON" in diagnostics[0].message
    long_number = BODY.replace('"groupBy": ["queueId"]', '"pageSize": ' + "9" * 5_000)
    diagnostics = check(long_number)
    assert found(diagnostics) == ["3:15 AQL006"]
    assert "a number of 5,000 characters" in diagnostics[0].message


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 999, 5_000, 100_000])
def test_nesting_is_refused_where_it_crosses_the_limit(depth: int) -> None:
    # Within the decoder's recursion limit or beyond it, the same place: the bracket that
    # opens level 201 (the body is level 1, so the 200th "[" below it).
    nested = "[" * depth + "]" * depth
    text = BODY.replace('["queueId"]', nested)
    diagnostics = check(text)
    column = len('  "groupBy": ') + MAX_DEPTH
    assert found(diagnostics) == [f"3:{column} AQL006"]
    assert f"nesting deeper than {MAX_DEPTH} levels" in diagnostics[0].message


def test_brackets_inside_strings_are_not_nesting() -> None:
    names = json.dumps(["[{" * 300 + '\\"'])
    source = parse_source('{"metrics": ' + names + "}", "b.json", as_json=True)
    assert source.documents[0].failure is None


def test_valid_json_libyaml_cannot_read_is_still_read() -> None:
    # A surrogate-pair escape is valid JSON that libyaml's scanner refuses; the duplicate key
    # sends it to the position-keeping pass, which falls back to the decoder's value.
    source = parse_source('{"a": "\\ud83d\\ude00", "a": 1}', "b.json", as_json=True)
    [document] = source.documents
    assert document.failure is None
    assert document.value == {"a": 1}


@pytest.mark.parametrize(
    ("number", "huge"),
    [
        ("1e400", True),
        ("-1E+309", True),
        ("1" + "0" * 308, True),  # 309 digits: beyond every double
        ("-" + "9" * 308, True),  # the sign counts: a false match only costs the slow pass
        ("1" + "0" * 306, False),
        ("1e300", False),
        ("1e-400", False),  # too small is 0.0, not an overflow
        ("12.5", False),
    ],
)
def test_a_number_no_double_holds_is_noticed_by_the_reader(number: str, huge: bool) -> None:
    assert read_json(f'{{"gte": {number}}}', MAX_DEPTH).huge is huge

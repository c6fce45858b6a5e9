"""Every diagnostic has a range: start and end (the column just past the last character) of
the offending scalar, key or node, with the same range as offsets into the text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_aggqlint

from aggqlint.checks.engine import LintOptions, lint_text
from aggqlint.diagnostics import Diagnostic

BODY = LintOptions(endpoint="conversations/aggregates")
INTERVAL = "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z"


def _one(text: str, code: str, name: str = "q.yaml") -> Diagnostic:
    found = [d for d in lint_text(text, name, BODY) if d.code == code]
    assert len(found) == 1, found
    return found[0]


def _range(diagnostic: Diagnostic) -> tuple[int | None, int | None, int | None, int | None]:
    loc = diagnostic.location
    return loc.line, loc.column, loc.end_line, loc.end_column


def _covered(text: str, diagnostic: Diagnostic) -> str:
    loc = diagnostic.location
    assert loc.offset is not None and loc.end_offset is not None
    return text[loc.offset : loc.end_offset]


# handleTime in metrics, written four ways: the range covers the scalar as written, and the
# fix replaces exactly `handleTime` (inside any quotes) with `tHandle`.
HANDLE_TIME = {
    "yaml-block": (
        f"interval: {INTERVAL}\nmetrics:\n  - nOffered\n  - handleTime\n",
        "q.yaml",
        (4, 5, 4, 15),
        "handleTime",
    ),
    "yaml-flow": (
        f"interval: {INTERVAL}\nmetrics: [nOffered, handleTime]\n",
        "q.yaml",
        (2, 21, 2, 31),
        "handleTime",
    ),
    "yaml-quoted": (
        f"interval: {INTERVAL}\nmetrics: ['nOffered', \"handleTime\"]\n",
        "q.yaml",
        (2, 23, 2, 35),
        '"handleTime"',
    ),
    "json": (
        f'{{\n  "interval": "{INTERVAL}",\n  "metrics": ["nOffered", "handleTime"]\n}}\n',
        "q.json",
        (3, 27, 3, 39),
        '"handleTime"',
    ),
}


@pytest.mark.parametrize("form", HANDLE_TIME)
def test_handle_time_range_and_safe_fix(form: str) -> None:
    text, name, expected, written = HANDLE_TIME[form]
    diagnostic = _one(text, "AQL201", name)
    assert _range(diagnostic) == expected
    assert _covered(text, diagnostic) == written
    fix = diagnostic.fix
    assert fix is not None and str(fix.applicability) == "safe"
    (edit,) = fix.edits
    assert edit.content == "tHandle"
    assert text[edit.start.offset : edit.end.offset] == "handleTime"
    line, column = expected[0], expected[1] + (1 if written.startswith('"') else 0)
    assert (edit.start.line, edit.start.column) == (line, column)
    assert (edit.end.line, edit.end.column) == (line, column + len("handleTime"))


@pytest.mark.parametrize("form", HANDLE_TIME)
def test_check_format_json_gives_the_range_and_the_fix(form: str, tmp_path: Path) -> None:
    text, name, expected, written = HANDLE_TIME[form]
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = run_aggqlint(
        "check", name, "--endpoint", "conversations/aggregates", "--format", "json", cwd=tmp_path
    )
    (diagnostic,) = [d for d in json.loads(result.stdout)["diagnostics"] if d["code"] == "AQL201"]
    line, column, end_line, end_column = expected
    assert (diagnostic["line"], diagnostic["column"]) == (line, column)
    assert (diagnostic["end_line"], diagnostic["end_column"]) == (end_line, end_column)
    quote = 1 if written.startswith('"') else 0
    assert diagnostic["fix"] == {
        "applicability": "safe",
        "message": "replace with 'tHandle'",
        "edits": [
            {
                "start": {"line": line, "column": column + quote},
                "end": {"line": line, "column": end_column - quote},
                "content": "tHandle",
            }
        ],
    }
    assert diagnostic["suggestion"] == "tHandle"


def test_an_unknown_field_covers_its_key() -> None:
    text = f"interval: {INTERVAL}\nmetrics: [nOffered]\nmetricz: [nOffered]\n"
    diagnostic = _one(text, "AQL200")
    assert _range(diagnostic) == (3, 1, 3, 8)
    assert _covered(text, diagnostic) == "metricz"


def test_a_quoted_json_key_covers_its_quotes() -> None:
    text = f'{{"interval": "{INTERVAL}", "metrics": ["nOffered"], "dateFrom": "x"}}'
    diagnostic = _one(text, "AQL601", "q.json")
    assert _covered(text, diagnostic) == '"dateFrom"'
    assert _range(diagnostic) == (1, 84, 1, 94)


def test_a_flow_mapping_over_two_lines_ends_at_its_brace() -> None:
    text = f"interval: {INTERVAL}\nmetrics:\n  - {{name: tHandle,\n     type: sum}}\n"
    diagnostic = _one(text, "AQL209")
    assert _range(diagnostic) == (3, 5, 4, 16)
    assert _covered(text, diagnostic) == "{name: tHandle,\n     type: sum}"


def test_a_block_list_ends_with_its_last_item_not_the_comments_after() -> None:
    text = (
        f"interval: {INTERVAL}\nmetrics: [nOffered]\n"
        "filter:\n  - type: dimension\n    dimension: queueId\n\n# the end\n"
    )
    diagnostic = _one(text, "AQL204")
    assert _range(diagnostic) == (4, 3, 5, 23)
    assert _covered(text, diagnostic) == "- type: dimension\n    dimension: queueId"


def test_a_block_scalar_ends_with_its_last_character() -> None:
    text = f"interval: {INTERVAL}\nmetrics: [nOffered]\ngranularity: |\n  PT1H\n  x\n\n"
    diagnostic = _one(text, "AQL110")
    assert _range(diagnostic) == (3, 14, 5, 4)
    assert _covered(text, diagnostic) == "|\n  PT1H\n  x"


def test_ranges_count_characters_and_survive_crlf() -> None:
    text = (
        "# é😀 ✓\r\n"
        f"{{interval: '{INTERVAL}', filter: {{type: and, predicates: [{{type: dimension, "
        "dimension: queueId, value: é😀}]}, metrics: [handleTime]}\r\n"
    )
    diagnostic = _one(text, "AQL201")
    assert _range(diagnostic) == (2, 152, 2, 162)
    assert _covered(text, diagnostic) == "handleTime"


def test_offsets_hold_in_a_document_read_after_a_broken_one() -> None:
    # The reader starts again at the next `---`: offsets still index the whole file.
    text = f"a: [\n---\ninterval: {INTERVAL}\nmetrics: [handleTime]\n"
    diagnostic = _one(text, "AQL201")
    assert _range(diagnostic) == (4, 11, 4, 21)
    assert _covered(text, diagnostic) == "handleTime"


def test_whole_file_findings_cover_the_first_character_or_nothing() -> None:
    empty = _one("", "AQL010")
    assert _range(empty) == (1, 1, 1, 1)
    text = "metrics: [nOffered]\nfoo: [\n"
    broken = _one(text, "AQL001")
    assert _range(broken)[:2] == (3, 1)  # the end of the text: an empty range
    assert _covered(text, broken) == ""
    tab = _one("metrics:\n\t- x\n", "AQL001")
    assert _range(tab) == (2, 1, 2, 2)  # the tab itself


def test_a_duplicate_key_covers_the_second_key() -> None:
    text = f"interval: {INTERVAL}\nmetrics: [nOffered]\nmetrics: [tHandle]\n"
    diagnostic = _one(text, "AQL002")
    assert _range(diagnostic) == (3, 1, 3, 8)


def test_a_lazily_located_json_file_has_ranges_too() -> None:
    # A clean small .json file skips the event pass until a finding needs positions.
    text = '{"interval": "' + INTERVAL + '", "metrics": ["nOffered"], "granularity": "PT1Z"}'
    diagnostic = _one(text, "AQL110", "q.json")
    assert _covered(text, diagnostic) == '"PT1Z"'


def test_payload_diagnostics_have_no_range() -> None:
    from aggqlint.checks.engine import lint_payload

    (diagnostic,) = lint_payload(
        {"interval": INTERVAL, "metrics": ["handleTime"]}, "conversations/aggregates"
    )
    loc = diagnostic.location
    assert (loc.line, loc.end_line, loc.end_column, loc.offset) == (None, None, None, None)
    assert diagnostic.fix is not None and diagnostic.fix.edits == ()

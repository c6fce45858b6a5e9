"""Typed fixes: applicability, the edits written in the file's own style, and that applying a
fix's edits gives a file that checks without that finding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import run_aggqlint

from aggqlint.checks.engine import LintOptions, lint_text
from aggqlint.fixes.model import (
    Applicability,
    Edit,
    Fix,
    Position,
    RemoveEntry,
    RenameKey,
    ReplaceEntry,
    ReplaceValue,
    apply_edits,
)
from aggqlint.fixes.text import locate_fix
from aggqlint.loading.source import parse_source

BODY = LintOptions(endpoint="conversations/aggregates")
INTERVAL = "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z"
ENVELOPE = "report: r\nendpoint: conversations/aggregates\nquery:\n"

# (code, applicability, text, fixed text, file name); bare bodies are checked as
# conversations/aggregates.
CASES = {
    "known wrong metric": (
        "AQL201",
        "safe",
        f"interval: {INTERVAL}\nmetrics:\n  - handleTime  # the handle time\n",
        f"interval: {INTERVAL}\nmetrics:\n  - tHandle  # the handle time\n",
        "q.yaml",
    ),
    "metric guessed by spelling": (
        "AQL201",
        "unsafe",
        f"interval: {INTERVAL}\nmetrics: [nOfered]\n",
        f"interval: {INTERVAL}\nmetrics: [nOffered]\n",
        "q.yaml",
    ),
    "yaml 1.1 boolean quoted": (
        "AQL003",
        "safe",
        f"interval: {INTERVAL}\nmetrics: [nOffered]\nfilter:\n  type: and\n  predicates:\n"
        "    - {type: dimension, dimension: mediaType, operator: matches, value: no}\n",
        f"interval: {INTERVAL}\nmetrics: [nOffered]\nfilter:\n  type: and\n  predicates:\n"
        # what the server gets today (false, read as the text "false"), written as text
        "    - {type: dimension, dimension: mediaType, operator: matches, value: 'false'}\n",
        "q.yaml",
    ),
    "endpoint without /query": (
        "AQL021",
        "safe",
        "report: r\nendpoint: /api/v2/analytics/conversations/aggregates\nquery:\n"
        f"  interval: {INTERVAL}\n  metrics: [nOffered]\n",
        "report: r\nendpoint: /api/v2/analytics/conversations/aggregates/query\nquery:\n"
        f"  interval: {INTERVAL}\n  metrics: [nOffered]\n",
        "r.yaml",
    ),
    "invented key renamed": (
        "AQL602",
        "safe",
        f"{ENVELOPE}  interval: {INTERVAL}\n  metrics: [nOffered]\n  groupings: [queueId]\n",
        f"{ENVELOPE}  interval: {INTERVAL}\n  metrics: [nOffered]\n  groupBy: [queueId]\n",
        "r.yaml",
    ),
    "unknown field guessed": (
        "AQL200",
        "unsafe",
        f'{{"interval": "{INTERVAL}", "metrics": ["nOffered"], "granularty": "PT1H"}}',
        f'{{"interval": "{INTERVAL}", "metrics": ["nOffered"], "granularity": "PT1H"}}',
        "q.json",
    ),
    "unknown field dropped (yaml)": (
        "AQL200",
        "unsafe",
        f"interval: {INTERVAL}\nmetrics: [nOffered]\nxyzzy:\n  deep: [1, 2]\ngranularity: PT1H\n",
        f"interval: {INTERVAL}\nmetrics: [nOffered]\ngranularity: PT1H\n",
        "q.yaml",
    ),
    "unknown field dropped (json)": (
        "AQL200",
        "unsafe",
        f'{{"interval": "{INTERVAL}", "xyzzy": {{"a": 1}}, "metrics": ["nOffered"]}}',
        f'{{"interval": "{INTERVAL}", "metrics": ["nOffered"]}}',
        "q.json",
    ),
    "date range made an interval, the duration its granularity": (
        "AQL601",
        "unsafe",
        f"{ENVELOPE}  dateFrom: 2026-11-01T00:00:00Z\n  dateTo: 2026-11-01T23:59:59Z\n"
        "  interval: PT1H\n  metrics: [nOffered]\n",
        f"{ENVELOPE}  granularity: PT1H\n  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z\n"
        "  metrics: [nOffered]\n",
        "r.yaml",
    ),
    "duration moved to granularity": (
        "AQL101",
        "unsafe",
        "interval: PT1H\nmetrics: [nOffered]\n",
        "granularity: PT1H\nmetrics: [nOffered]\n",
        "q.yaml",
    ),
    "duration moved, range written as the interval": (
        "AQL101",
        "unsafe",
        f"{ENVELOPE}  dateRange: {{from: 2026-11-01T00:00:00Z, to: 2026-11-01T23:59:59Z}}\n"
        "  interval: PT1H\n  metrics: [nOffered]\n",
        f"{ENVELOPE}  interval: {INTERVAL}\n  granularity: PT1H\n  metrics: [nOffered]\n",
        "r.yaml",
    ),
    "date range in a flow mapping": (
        "AQL601",
        "unsafe",
        "{dateFrom: 2026-11-01T00:00:00Z, dateTo: 2026-11-02T00:00:00Z, metrics: [nOffered]}\n",
        f"{{interval: '{INTERVAL}', metrics: [nOffered]}}\n",
        "q.yaml",
    ),
    "date range in json": (
        "AQL601",
        "unsafe",
        '{\n  "metrics": ["nOffered"],\n  "dateFrom": "2026-11-01T00:00:00Z",\n'
        '  "dateTo": "2026-11-02T00:00:00Z"\n}\n',
        f'{{\n  "metrics": ["nOffered"],\n  "interval": "{INTERVAL}"\n}}\n',
        "q.json",
    ),
    "time zone guessed": (
        "AQL113",
        "unsafe",
        f"interval: {INTERVAL}\nmetrics: [nOffered]\ntimeZone: Europe/Londn\n",
        f"interval: {INTERVAL}\nmetrics: [nOffered]\ntimeZone: Europe/London\n",
        "q.yaml",
    ),
    "select becomes metrics, names looked up": (
        "AQL603",
        "unsafe",
        f"interval: {INTERVAL}\nselect: [handleTime, nOffered]\n",
        f"interval: {INTERVAL}\nmetrics: [tHandle, nOffered]\n",
        "q.yaml",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_applying_the_fix_removes_the_finding(case: str) -> None:
    code, applicability, text, fixed, name = CASES[case]
    found = [d for d in lint_text(text, name, BODY) if d.code == code]
    assert found, f"no {code}"
    fix = found[0].fix
    assert fix is not None and str(fix.applicability) == applicability
    assert fix.edits
    result = apply_edits(text, fix.edits)
    assert result == fixed
    if name.endswith(".json"):
        json.loads(result)  # still JSON
    assert code not in {d.code for d in lint_text(result, name, BODY)}


def test_a_guessed_field_name_is_the_suggestion_unless_it_is_already_there() -> None:
    text = f"interval: {INTERVAL}\nmetrics: [nOffered]\ngranularty: PT1H\n"
    (guess,) = [d for d in lint_text(text, "q.yaml", BODY) if d.code == "AQL200"]
    assert guess.suggestion == "granularity"
    assert guess.fix is not None and guess.fix.applicability is Applicability.UNSAFE
    both = text + "granularity: PT1H\n"
    (guess,) = [d for d in lint_text(both, "q.yaml", BODY) if d.code == "AQL200"]
    # renaming would write the key twice: advice only
    assert guess.fix == Fix(Applicability.DISPLAY, "granularity", shown="granularity")


def test_an_object_for_a_real_metric_becomes_its_name() -> None:
    text = f"interval: {INTERVAL}\nmetrics:\n  - {{name: tHandle, type: sum}}\n"
    (diagnostic,) = [d for d in lint_text(text, "q.yaml", BODY) if d.code == "AQL209"]
    fix = diagnostic.fix
    assert fix is not None
    assert (fix.applicability, fix.message) == (
        Applicability.UNSAFE,
        "write the name 'tHandle' (drops 'type')",
    )
    assert apply_edits(text, fix.edits) == text.replace("{name: tHandle, type: sum}", "tHandle")
    assert diagnostic.suggestion == "tHandle"


def test_advice_has_no_edits_and_keeps_its_suggestion() -> None:
    # Windows go in the report definition, outside the body: shown, not written.
    text = (
        "interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z\nmetrics: [tHandle]\n"
        "intervals:\n  - {start: 2026-11-01T08:00:00Z, end: 2026-11-01T12:00:00Z}\n"
    )
    (diagnostic,) = [d for d in lint_text(text, "q.yaml", BODY) if d.code == "AQL605"]
    assert diagnostic.fix is not None
    assert (diagnostic.fix.applicability, diagnostic.fix.edits) == (Applicability.DISPLAY, ())
    assert diagnostic.suggestion is not None
    window = "2026-11-01T08:00:00Z/2026-11-01T12:00:00Z"
    assert diagnostic.suggestion.startswith(f"windows: ['{window}']")


def test_a_name_inside_an_invented_field_is_fixed_where_it_is_written() -> None:
    # `select` is checked as `metrics`: the name's fix moves with its finding.
    text = f"interval: {INTERVAL}\nmetrics: [tHandle]\nselect: [nOffered, handleTime]\n"
    (name,) = [d for d in lint_text(text, "q.yaml", BODY) if d.code == "AQL201"]
    assert (name.location.line, name.location.column) == (3, 20)
    assert name.fix is not None
    assert apply_edits(text, name.fix.edits) == text.replace("handleTime", "tHandle")


def test_an_object_for_a_metric_keeps_the_inner_names_suggestion() -> None:
    text = f"interval: {INTERVAL}\nmetrics: [{{name: handleTime}}]\n"
    found = {d.code: d for d in lint_text(text, "q.yaml", BODY)}
    assert found["AQL209"].suggestion == "tHandle"
    assert found["AQL209"].fix == Fix(Applicability.DISPLAY, "tHandle", shown="tHandle")


def test_a_diagnostic_given_only_a_suggestion_carries_it_as_advice() -> None:
    from aggqlint.diagnostics import Diagnostic, Location, Severity

    where = Location("f.yaml", 1, 1)
    chunk = Diagnostic("AQL410", Severity.ERROR, "m", where, "x", suggestion="chunk: P1D")
    assert chunk.fix == Fix(Applicability.DISPLAY, "chunk: P1D", shown="chunk: P1D", fragment=True)
    word = Diagnostic("AQL110", Severity.ERROR, "m", where, "x", suggestion="PT1H")
    assert word.fix == Fix(Applicability.DISPLAY, "PT1H", shown="PT1H")
    assert Diagnostic("AQL110", Severity.ERROR, "m", where, "x").fix is None


def test_text_output_marks_unsafe_fixes(tmp_path: Path) -> None:
    (tmp_path / "r.yaml").write_text(
        f"{ENVELOPE}  dateFrom: 2026-11-01T00:00:00Z\n  dateTo: 2026-11-02T00:00:00Z\n"
        "  metrics: [nOffered]\n  groupings: [queueId]\n",
        encoding="utf-8",
    )
    result = run_aggqlint("check", "--no-color", "r.yaml", cwd=tmp_path)
    lines = result.stdout.splitlines()
    assert lines[lines.index(next(x for x in lines if " AQL602 " in x)) + 1 :][:2] == [
        "    fix:",
        "      groupBy: [queueId]",
    ]
    dates = next(i for i, x in enumerate(lines) if x.startswith("r.yaml:4:3: AQL601"))
    assert lines[dates + 1 : dates + 3] == [
        "    fix (unsafe):",
        f"      interval: {INTERVAL}",
    ]


# --- edits written from changes, straight from the resolver -----------------------------


def _edits(
    text: str, name: str, *changes: ReplaceValue | RenameKey | ReplaceEntry | RemoveEntry
) -> str:
    source = parse_source(text, name, as_json=name.endswith(".json"))
    document = source.documents[0]
    fix = locate_fix(
        Fix.unsafe("test", *changes), source.text, document.positions, source.as_json, str
    )
    assert fix.applicability is Applicability.UNSAFE
    return apply_edits(text, fix.edits)


@pytest.mark.parametrize(
    ("text", "pointer", "expected"),
    [
        ('{"a": 1, "b": 2, "c": 3}', "/b", '{"a": 1, "c": 3}'),
        ('{"a": 1, "b": 2, "c": 3}', "/c", '{"a": 1, "b": 2}'),
        ('{"a": 1}', "/a", "{}"),
        ('{"l": [1, 2]}', "/l/1", '{"l": [1]}'),
    ],
)
def test_removing_json_entries_keeps_json(text: str, pointer: str, expected: str) -> None:
    assert _edits(text, "q.json", RemoveEntry(pointer)) == expected


def test_removing_block_entries_takes_their_lines() -> None:
    text = "a: 1\nb:\n  - x\n  - y\nc: 3\n"
    assert _edits(text, "q.yaml", RemoveEntry("/b")) == "a: 1\nc: 3\n"
    assert _edits(text, "q.yaml", RemoveEntry("/b/0")) == "a: 1\nb:\n  - y\nc: 3\n"
    # A file without a final line break keeps none: the line break before the last line goes.
    assert _edits("a: 1\nb: 2", "q.yaml", RemoveEntry("/b")) == "a: 1"


def test_values_are_quoted_where_yaml_would_read_them_otherwise() -> None:
    assert _edits("a: x\n", "q.yaml", ReplaceValue("/a", "yes")) == "a: 'yes'\n"
    assert _edits("a: x\n", "q.yaml", ReplaceValue("/a", "a/b:c")) == "a: a/b:c\n"
    assert _edits("a: [x]\n", "q.yaml", ReplaceValue("/a/0", "a,b")) == "a: ['a,b']\n"
    assert _edits("a: 'x'\n", "q.yaml", ReplaceValue("/a", "it's")) == "a: 'it''s'\n"
    assert _edits('{"a": "x"}', "q.json", ReplaceValue("/a", 'say "hi"')) == '{"a": "say \\"hi\\""}'


def test_a_restructured_fragment_takes_the_entry_indentation() -> None:
    text = "q:\n  where: x\n  b: 1\n"
    fields = {"filter": {"type": "and", "predicates": [{"type": "dimension"}]}}
    assert _edits(text, "q.yaml", ReplaceEntry("/q/where", fields)) == (
        "q:\n  filter:\n    type: and\n    predicates:\n    - {type: dimension}\n  b: 1\n"
    )


def test_a_change_that_cannot_be_placed_is_advice() -> None:
    source = parse_source("a: 1\n", "q.yaml")
    fix = Fix.safe("rename", RenameKey("/missing", "b"), shown="b")
    located = locate_fix(fix, source.text, source.documents[0].positions, False, str)
    assert (located.applicability, located.edits, located.shown) == (
        Applicability.DISPLAY,
        (),
        "b",
    )


def test_apply_edits_refuses_overlaps() -> None:
    one = Edit(Position(1, 1, 0), Position(1, 3, 2), "x")
    two = Edit(Position(1, 2, 1), Position(1, 4, 3), "y")
    assert apply_edits("abcd", [one]) == "xcd"
    with pytest.raises(ValueError, match="overlapping"):
        apply_edits("abcd", [one, two])


def test_a_fix_that_would_write_a_secret_is_advice_with_the_secret_masked() -> None:
    secret = "0HmEYl3yVxFY8JmUFTQ7Z4sNdVBgw9pRu1Ip2TnpAjc"  # a client secret's shape
    text = f"{ENVELOPE}  interval: {INTERVAL}\n  select: [handleTime, {secret}]\n"
    diagnostics = lint_text(text, "r.yaml")
    select = next(d for d in diagnostics if d.code == "AQL603")
    assert select.fix is not None
    assert (select.fix.applicability, select.fix.edits) == (Applicability.DISPLAY, ())
    for diagnostic in diagnostics:
        assert secret not in json.dumps(diagnostic.fix.as_dict() if diagnostic.fix else None)
        assert secret not in str(diagnostic.fix.shown if diagnostic.fix else "")


def test_entries_with_empty_values_and_in_list_items() -> None:
    assert _edits("a: 1\nb:\nc: 3\n", "q.yaml", RemoveEntry("/b")) == "a: 1\nc: 3\n"
    text = "l:\n  - where: x\n    b: 1\n"
    fields = {"filter": {"type": "and"}, "n": 1}
    assert _edits(text, "q.yaml", ReplaceEntry("/l/0/where", fields)) == (
        "l:\n  - filter: {type: and}\n    n: 1\n    b: 1\n"
    )
    # the first key of a list item carries the item's dash: not removed by lines
    source = parse_source(text, "q.yaml")
    fix = Fix.unsafe("drop", RemoveEntry("/l/0/where"))
    located = locate_fix(fix, source.text, source.documents[0].positions, False, str)
    assert located.applicability is Applicability.DISPLAY


def test_findings_with_fixes_can_be_hashed() -> None:
    from aggqlint.diagnostics import Finding

    fix = Fix.unsafe("m", ReplaceEntry("/a", {"b": [1]}), ReplaceValue("/c", {"d": 1}))
    finding = Finding("AQL601", "/a", "m", fix=fix)
    assert len({finding, Finding("AQL601", "/a", "m", fix=fix)}) == 1

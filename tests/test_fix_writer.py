"""The fix writer's edge cases (fixes/text.py, fixes/apply.py), each found by the golden or
property tests of --fix: a file without a final line break, entries removed side by side at
the end of a flow mapping or JSON object, compact JSON, and a fix whose edits overlap."""

from __future__ import annotations

import json

import pytest
from msgspec.structs import replace

from aggqlint.checks.engine import LintOptions, lint_text
from aggqlint.diagnostics import Diagnostic, Location, Severity
from aggqlint.fixes.apply import TANGLED, fix_text
from aggqlint.fixes.model import (
    Applicability,
    Edit,
    Fix,
    Position,
    RemoveEntry,
    ReplaceEntry,
    ReplaceValue,
    apply_edits,
)
from aggqlint.fixes.text import locate_fix
from aggqlint.loading.source import parse_source

_AGGREGATES = LintOptions(endpoint="conversations/aggregates")
RANGE = {"interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z", "granularity": "PT1H"}


def _apply(text: str, name: str, *changes: ReplaceValue | ReplaceEntry | RemoveEntry) -> str:
    source = parse_source(text, name, as_json=name.endswith(".json"))
    fix = locate_fix(
        Fix.unsafe("test", *changes),
        source.text,
        source.documents[0].positions,
        source.as_json,
        str,
    )
    assert fix.edits, "the fix became advice"
    return apply_edits(text, fix.edits)


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_removing_the_last_line_of_a_file_without_a_final_line_break(newline: str) -> None:
    text = newline.join(["a: 1  # one", "b: 2  # two", "c: 3  # three"])
    assert _apply(text, "q.yaml", RemoveEntry("/c")) == newline.join(["a: 1  # one", "b: 2  # two"])
    # Two last lines removed by one fix: still no final line break, and no overlap.
    both = _apply(text, "q.yaml", RemoveEntry("/b"), RemoveEntry("/c"))
    assert both == "a: 1  # one"
    # With a final line break, the line goes with its own.
    assert _apply(text + newline, "q.yaml", RemoveEntry("/c")) == (
        newline.join(["a: 1  # one", "b: 2  # two"]) + newline
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            '{"interval":"PT1H","metrics":["nOffered"],"dateTo":"x","dateFrom":"y"}',
            '{"interval":"2026-11-01T00:00:00Z/2026-11-02T00:00:00Z","granularity":"PT1H",'
            '"metrics":["nOffered"]}',
        ),
        (
            '{\n  "interval": "PT1H",\n  "metrics": ["nOffered"],\n  "dateTo": "x",\n'
            '  "dateFrom": "y"\n}\n',
            '{\n  "interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z",\n'
            '  "granularity": "PT1H",\n  "metrics": ["nOffered"]\n}\n',
        ),
    ],
)
def test_entries_removed_side_by_side_at_the_end_of_a_json_object(text: str, expected: str) -> None:
    changes = (ReplaceEntry("/interval", RANGE), RemoveEntry("/dateTo"), RemoveEntry("/dateFrom"))
    fixed = _apply(text, "q.json", *changes)
    assert fixed == expected
    json.loads(fixed)


def test_entries_removed_side_by_side_at_the_end_of_a_flow_mapping() -> None:
    text = "{interval: PT1H, metrics: [nOffered], dateTo: x, dateFrom: y}\n"
    changes = (ReplaceEntry("/interval", RANGE), RemoveEntry("/dateTo"), RemoveEntry("/dateFrom"))
    assert _apply(text, "q.yaml", *changes) == (
        "{interval: '2026-11-01T00:00:00Z/2026-11-02T00:00:00Z', granularity: PT1H, "
        "metrics: [nOffered]}\n"
    )
    # At the start: each removal takes the comma after it.
    text = "{dateTo: x, dateFrom: y, metrics: [nOffered]}\n"
    assert _apply(text, "q.yaml", RemoveEntry("/dateTo"), RemoveEntry("/dateFrom")) == (
        "{metrics: [nOffered]}\n"
    )


def test_the_whole_fix_of_a_body_with_its_range_written_last() -> None:
    # The body that crashed --fix (overlapping edits): now one clean fix.
    text = '{"interval":"PT1H","metrics":["nOffered"],"dateTo":"2026-11-02T00:00:00Z",'
    text += '"dateFrom":"2026-11-01T00:00:00Z"}'
    found = lint_text(text, "q.json", _AGGREGATES)
    outcome = fix_text(text, found, lambda t: lint_text(t, "q.json", _AGGREGATES), unsafe=True)
    assert outcome.text == (
        '{"interval":"2026-11-01T00:00:00Z/2026-11-02T00:00:00Z","granularity":"PT1H",'
        '"metrics":["nOffered"]}'
    )
    assert not outcome.dropped
    assert lint_text(outcome.text, "q.json", _AGGREGATES) == []


def test_compact_json_is_written_compact() -> None:
    text = '{"a":1,"where":{"x":1},"b":[1,2]}'
    fields = {"filter": {"type": "and", "predicates": []}, "n": [1, 2]}
    assert _apply(text, "q.json", ReplaceEntry("/where", fields)) == (
        '{"a":1,"filter":{"type":"and","predicates":[]},"n":[1,2],"b":[1,2]}'
    )
    assert (
        _apply(text, "q.json", ReplaceValue("/b", {"k": [1]}))
        == '{"a":1,"where":{"x":1},"b":{"k":[1]}}'
    )
    spaced = '{"a": 1, "b": [1, 2]}'
    assert (
        _apply(spaced, "q.json", ReplaceValue("/b", {"k": [1, 2]}))
        == '{"a": 1, "b": {"k": [1, 2]}}'
    )


def test_a_fix_whose_edits_overlap_is_dropped_not_a_crash() -> None:
    text = "a: 1\nb: 2\n"
    edits = (
        Edit(Position(1, 1, 0), Position(1, 5, 4), "a: 2"),
        Edit(Position(1, 3, 2), Position(2, 1, 5), ""),
    )
    tangled = Fix(Applicability.SAFE, "tangle", edits=edits)
    where = Location("q.yaml", 1, 1, "/a")
    bad = Diagnostic("AQL205", Severity.WARNING, "m", where, "coerced-scalar", fix=tangled)
    outcome = fix_text(text, [bad], lambda t: [], unsafe=False)
    assert outcome.text == text
    assert [(d.diagnostic.code, d.reason) for d in outcome.dropped] == [("AQL205", TANGLED)]


def test_a_bad_fix_among_many_is_found_in_a_few_checks() -> None:
    # 64 fixes, one of which adds a finding: the pass fails, the bad one is found by halves
    # (about 2 x log2(64) checks, not 64) and the 63 others are applied in the next pass.
    text = "".join(f"k{i}: v\n" for i in range(64))
    diagnostics = []
    for i in range(64):
        start = text.index(f"k{i}: v") + len(f"k{i}: ")
        edit = Edit(Position(i + 1, 5, start), Position(i + 1, 6, start + 1), "w")
        where = Location("q.yaml", i + 1, 5, f"/k{i}")
        fix = Fix(Applicability.SAFE, f"fix {i}", edits=(edit,))
        diagnostics.append(Diagnostic("AQL205", Severity.WARNING, f"m{i}", where, "r", fix=fix))
    checks: list[str] = []

    def check(candidate: str) -> list[Diagnostic]:
        checks.append(candidate)
        left = [d for d in diagnostics if f"k{d.message[1:]}: v\n" in candidate]
        if "k41: w" in candidate:  # fixing k41 reveals a new problem
            left.append(Diagnostic("AQL308", Severity.WARNING, "new", Location("q.yaml"), "r"))
        return [replace(d, fix=None) for d in left]

    outcome = fix_text(text, diagnostics, check, unsafe=False)
    assert outcome.text == text.replace("v", "w").replace("k41: w", "k41: v")
    assert [(d.diagnostic.message, d.reason) for d in outcome.dropped] == [
        ("m41", "it would add AQL308 (new)")
    ]
    assert len(outcome.applied) == 63
    assert len(checks) <= 16, len(checks)

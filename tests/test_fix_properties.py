"""Property tests of --fix (hypothesis): definitions in YAML (block style with a comment on
every line, or flow style) and JSON (pretty or compact), as report definitions or bare bodies,
with fixable mistakes injected (alias metric and dimension names, select, groupBys/groupings,
dateFrom/dateTo or dateRange, a duration as the interval, wrong-case enum values, quoted
numbers, YAML 1.1 booleans, a misspelt time zone), CRLF or LF, a BOM or not, a final newline
or not. For each, `--fix --unsafe-fixes` (through the core: lint_paths with Fixing):

- the fixed text parses, and has no finding the input did not have (by code and message);
- every mistake is gone: the fixed definition checks clean (each injected mistake has a fix);
- a second --fix changes nothing;
- every byte outside the ranges the fixes edit is unchanged, and every line (block style) or
  entry (flow style, JSON) written without a mistake is still there, as written, in order.
"""

from __future__ import annotations

import io
import json
import os
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from conftest import fix_ranges, unchanged_outside
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aggqlint.checks.engine import CheckedFile, Fixing, LintOptions, lint_paths
from aggqlint.loading.source import parse_source

# Moderate: each example checks its text about five times (a few passes, then twice more);
# 500 take about 10 s. AGGQLINT_FIX_EXAMPLES=5000 HYPOTHESIS_PROFILE=explore searches further.
EXAMPLES = int(os.environ.get("AGGQLINT_FIX_EXAMPLES", "500"))
INTERVAL = "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z"

# Right names, and wrong ones that have a known replacement (rules/aliases.yaml).
METRICS = {
    "nOffered": ["offerCount", "offeredCount"],
    "tHandle": ["handleTime", "aht"],
    "tAcw": ["wrapUpTime", "acwTime"],
    "tAnswered": ["answeredCount"],
    "tAbandon": ["abandonCount"],
    "nTransferred": ["transferCount"],
    "tTalk": ["talkTime"],
}
DIMENSIONS = {
    "queueId": ["queue", "queue.id"],
    "mediaType": ["conv.channel", "media"],
    "userId": ["agent", "user.id"],
    "wrapUpCode": ["wrapupCode"],
}

_RIGHT_METRIC = {wrong: right for right, wrongs in METRICS.items() for wrong in wrongs}

STATS: Counter[str] = Counter()


class Plain(str):
    """A YAML scalar written as is, unquoted (`no`): in JSON, a string."""


class Quoted(str):
    """A YAML scalar written in double quotes ("100"): in JSON, a string."""


@dataclass
class Entry:
    key: str
    value: Any
    mistake: bool  # written wrong on purpose: its text may change


@dataclass
class Case:
    style: str  # block, flow, json-pretty, json-compact
    endpoint: str
    envelope: bool
    entries: list[Entry]
    crlf: bool
    bom: bool
    final_newline: bool
    block_lists: bool = False  # block style: lists as `- item` lines
    comment: str = "c"  # block style: each line's comment is `# <comment><line number>`
    anchored: bool = False  # block report definitions: the metrics list an alias (*metrics)
    text: str = ""
    kept: list[str] = field(default_factory=list)  # written without a mistake: must stay

    @property
    def name(self) -> str:
        return "q.json" if self.style.startswith("json") else "q.yaml"


# --- what is generated ------------------------------------------------------------------------


@st.composite
def names(draw: st.DrawFn, table: dict[str, list[str]], wrong: bool) -> tuple[list[str], bool]:
    chosen = draw(st.lists(st.sampled_from(sorted(table)), min_size=1, max_size=3, unique=True))
    written, mistaken = [], False
    for name in chosen:
        if wrong and draw(st.booleans()):
            written.append(draw(st.sampled_from(table[name])))
            mistaken = True
        else:
            written.append(name)
    return written, mistaken


@st.composite
def aggregates(draw: st.DrawFn, json_file: bool) -> list[Entry]:
    entries: list[Entry] = []
    range_kind = draw(st.sampled_from(["interval", "dateFrom/dateTo", "dateRange"]))
    duration = draw(st.sampled_from([None, "PT1H", "PT15M", "PT30M"]))
    if range_kind == "interval":
        entries.append(Entry("interval", INTERVAL, False))
        if duration:
            entries.append(Entry("granularity", duration, False))
    else:
        if duration and draw(st.booleans()):
            # The duration (or a word for it) in the interval: it moves to granularity.
            word = draw(st.sampled_from([duration, "hour"])) if duration == "PT1H" else duration
            entries.append(Entry("interval", word, True))
        elif duration:
            entries.append(Entry("granularity", duration, False))
        end = draw(st.sampled_from(["2026-11-02T00:00:00Z", "2026-11-01T23:59:59Z"]))
        if range_kind == "dateRange":
            value = {"from": "2026-11-01T00:00:00Z", "to": end}
            entries.append(Entry("dateRange", value, True))
        else:
            entries.append(Entry("dateFrom", "2026-11-01T00:00:00Z", True))
            entries.append(Entry("dateTo", end, True))
    metrics, wrong = draw(names(METRICS, True))
    key = draw(st.sampled_from(["metrics", "select"]))
    entries.append(Entry(key, metrics, wrong or key != "metrics"))
    if draw(st.booleans()):
        dimensions, wrong = draw(names(DIMENSIONS, True))
        key = draw(st.sampled_from(["groupBy", "groupBys", "groupings"]))
        if key == "groupings" and draw(st.booleans()):
            dimensions = [{"id": name} for name in dimensions]  # [{id: queueId}]
        entries.append(Entry(key, dimensions, wrong or key != "groupBy"))
    if draw(st.booleans()):
        kind = draw(st.sampled_from(["and", "AND", "or", "Or"]))
        value = draw(st.sampled_from(["voice", "no", "yes"])) if not json_file else "voice"
        dimension = "mediaType" if value == "voice" else "wrapUpCode"
        predicate = {"type": "dimension", "dimension": dimension, "operator": "matches"}
        predicate["value"] = Plain(value)
        filter_ = {"type": kind, "predicates": [predicate]}
        entries.append(Entry("filter", filter_, kind not in ("and", "or") or value != "voice"))
    if draw(st.booleans()):
        zone = draw(st.sampled_from(["Europe/London", "Europe/Londn", "America/New_York"]))
        entries.append(Entry("timeZone", zone, zone == "Europe/Londn"))
    if draw(st.booleans()):
        flatten = draw(st.sampled_from([Plain("false"), Quoted("true")]))
        entries.append(Entry("flattenMultivaluedDimensions", flatten, isinstance(flatten, Quoted)))
    return draw(st.permutations(entries))


@st.composite
def details(draw: st.DrawFn, json_file: bool) -> list[Entry]:
    entries = [Entry("interval", INTERVAL, False)]
    size = draw(st.sampled_from([Plain("25"), Quoted("25"), Quoted("100")]))
    number = draw(st.sampled_from([Plain("1"), Quoted("2")]))
    paging = {"pageSize": size, "pageNumber": number}
    entries.append(Entry("paging", paging, isinstance(size, Quoted) or isinstance(number, Quoted)))
    order = draw(st.sampled_from(["asc", "desc", "ASC", "Desc"]))
    entries.append(Entry("order", order, order not in ("asc", "desc")))
    return draw(st.permutations(entries))


@st.composite
def cases(draw: st.DrawFn) -> Case:
    style = draw(st.sampled_from(["block", "block", "flow", "json-pretty", "json-compact"]))
    endpoint = draw(st.sampled_from(["conversations/aggregates"] * 3 + ["conversations/details"]))
    json_file = style.startswith("json")
    body = draw(aggregates(json_file) if endpoint.endswith("aggregates") else details(json_file))
    case = Case(
        style,
        endpoint,
        draw(st.booleans()),
        body,
        crlf=style != "json-compact" and draw(st.booleans()),
        bom=draw(st.booleans()),
        final_newline=draw(st.booleans()),
        block_lists=draw(st.booleans()),
        # Comments in other scripts: offsets count characters, the file is written as UTF-8.
        comment=draw(st.sampled_from(["c", "é", "日本", "😀", "a\u200bb"])),
        anchored=draw(st.booleans()),
    )
    render(case)
    if style == "block" and draw(st.booleans()):
        # A second document: both are report definitions (a bare body names no endpoint).
        case.envelope = True
        render(case)
        more = draw(aggregates(False))
        second = Case(style, "conversations/aggregates", True, more, False, False, False)
        second.block_lists = case.block_lists
        second.comment = case.comment
        second.anchored = case.anchored
        render(second, "r2", first=len(case.text.splitlines()) + 2)
        case.text = case.text.rstrip("\n") + "\n---\n" + second.text
        case.text += "\n" if case.final_newline else ""
        case.kept = [*case.kept, "---", *second.kept]
        STATS["two documents"] += 1
    return case


# --- writing it -----------------------------------------------------------------------------


def _yaml_scalar(value: Any) -> str:
    if isinstance(value, Quoted):
        return f'"{value}"'
    if isinstance(value, str):
        return str(value)
    raise TypeError(value)


def _yaml_flow(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_yaml_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_yaml_flow(v) for v in value) + "]"
    return _yaml_scalar(value)


def _block_lines(key: str, value: Any, indent: str, block_lists: bool) -> list[str]:
    """An entry in block style: mappings as blocks (a list of mappings as block items), lists
    of names in flow style or (block_lists) as block items."""
    if isinstance(value, list) and block_lists:
        return [f"{indent}{key}:"] + [f"{indent}  - {_yaml_flow(item)}" for item in value]
    if isinstance(value, dict):
        lines = [f"{indent}{key}:"]
        for inner_key, inner in value.items():
            if isinstance(inner, list) and inner and isinstance(inner[0], dict):
                lines.append(f"{indent}  {inner_key}:")
                lines.extend(f"{indent}    - {_yaml_flow(item)}" for item in inner)
            else:
                lines.append(f"{indent}  {inner_key}: {_yaml_flow(inner)}")
        return lines
    return [f"{indent}{key}: {_yaml_flow(value)}"]


def render(case: Case, report: str = "r", first: int = 1) -> None:
    """case.text (LF line breaks, BOM-less) and case.kept, from the entries."""
    if case.style == "block":
        lines: list[tuple[str, bool]] = []
        indent = ""
        if case.envelope:
            head = [f"report: {report}", f"endpoint: {case.endpoint}", "query:"]
            lines = [(line, False) for line in head]
            indent = "  "
        for entry in case.entries:
            if case.envelope and case.anchored and entry.key in ("metrics", "select"):
                # The list anchored above the definition, the query naming it by alias. Its
                # names are right: a name reached through an alias has no place of its own
                # in the position map, so its fix is advice (the anchor may be shared).
                anchor = f"x-{report}-metrics"
                names = [_RIGHT_METRIC.get(name, name) for name in entry.value]
                lines.insert(0, (f"{anchor}: &{anchor} {_yaml_flow(names)}", False))
                lines.append((f"{indent}{entry.key}: *{anchor}", entry.key != "metrics"))
                STATS["anchored lists"] += 1
                continue
            lines += [
                (line, entry.mistake)
                for line in _block_lines(entry.key, entry.value, indent, case.block_lists)
            ]
        commented = [
            (f"{line}  # {case.comment}{n}", mistake)
            for n, (line, mistake) in enumerate(lines, first)
        ]
        case.text = "\n".join(line for line, _ in commented)
        case.kept = [line for line, mistake in commented if not mistake]
    elif case.style == "flow":
        parts = [f"{e.key}: {_yaml_flow(e.value)}" for e in case.entries]
        body = "{" + ", ".join(parts) + "}"
        case.kept = [p for p, e in zip(parts, case.entries, strict=True) if not e.mistake]
        head = f"report: flow\nendpoint: {case.endpoint}\nquery: "
        case.text = head + body if case.envelope else body
    elif case.style == "json-compact":
        parts = [
            json.dumps(e.key) + ":" + json.dumps(_json_value(e.value), separators=(",", ":"))
            for e in case.entries
        ]
        case.kept = [p for p, e in zip(parts, case.entries, strict=True) if not e.mistake]
        body = "{" + ",".join(parts) + "}"
        head = f'{{"report":"r","endpoint":"{case.endpoint}","query":'
        case.text = head + body + "}" if case.envelope else body
    else:  # pretty JSON: an entry a line, its value inline
        indent = "    " if case.envelope else "  "
        parts = [
            f"{indent}{json.dumps(e.key)}: {json.dumps(_json_value(e.value))}" for e in case.entries
        ]
        case.kept = [p for p, e in zip(parts, case.entries, strict=True) if not e.mistake]
        body = "{\n" + ",\n".join(parts) + "\n" + indent[2:] + "}"
        if case.envelope:
            head = f'{{\n  "report": "r",\n  "endpoint": "{case.endpoint}",\n  "query": '
            body = head + body + "\n}"
        case.text = body
    if case.final_newline:
        case.text += "\n"


def _json_value(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _json_value(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_value(v) for v in value]
    if isinstance(value, Plain) and value.isdigit():
        return int(value)
    if isinstance(value, Plain) and value in ("true", "false"):
        return value == "true"
    return str(value)


# --- the properties -----------------------------------------------------------------------


def _data(case: Case) -> bytes:
    text = case.text.replace("\n", "\r\n") if case.crlf else case.text
    return ("\ufeff" if case.bom else "").encode() + text.encode("utf-8")


def _lint(data: bytes, case: Case, fixing: Fixing | None = None) -> CheckedFile:
    options = LintOptions(
        endpoint=None if case.envelope else case.endpoint,
        stdin=io.BytesIO(data),
        stdin_filename=case.name,
        max_repeats=None,
    )
    (checked,) = lint_paths(["-"], options, fixing).files
    return checked


def _said(checked: CheckedFile) -> Counter[tuple[str, str]]:
    return Counter((d.code, d.message) for d in checked.diagnostics)


def _in_order(fragments: list[str], text: str) -> Iterator[str]:
    """The fragments not found in text in the order given."""
    cursor = 0
    for fragment in fragments:
        found = text.find(fragment, cursor)
        if found < 0:
            yield fragment
        else:
            cursor = found + len(fragment)


@pytest.fixture(scope="module", autouse=True)
def _report_figures() -> Iterator[None]:
    yield
    print(f"\nfix properties: {dict(STATS)}")


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(cases())
def test_fix_parses_adds_nothing_is_idempotent_and_keeps_every_other_byte(case: Case) -> None:
    data = _data(case)
    before = _lint(data, case)
    fixed = _lint(data, case, Fixing(unsafe=True))
    outcome = fixed.fixed
    assert outcome is not None
    STATS["examples"] += 1
    STATS["changed"] += outcome.changed
    STATS["fixes applied"] += len(outcome.applied)
    STATS["fixes dropped"] += len(outcome.dropped)
    STATS[case.style] += 1
    STATS["block lists"] += case.style == "block" and case.block_lists
    STATS["report definitions"] += case.envelope
    STATS["crlf"] += case.crlf
    STATS["bom"] += case.bom
    text = outcome.text
    note = f"\n--- input\n{case.text}\n--- fixed\n{text}"

    # It parses (JSON stays JSON), and nothing new is found.
    source = parse_source(text, case.name, as_json=case.name.endswith(".json"))
    assert all(document.failure is None for document in source.documents), note
    if case.name.endswith(".json"):
        json.loads(text)
    added = _said(fixed) - _said(before)
    assert not added, f"{added}{note}"
    # Every injected mistake has a fix: what remains is what the input had without one.
    assert not outcome.dropped, f"{outcome.dropped}{note}"
    left = [
        f"{d.location.line}:{d.location.column} {d.code} {d.message}" for d in fixed.diagnostics
    ]
    assert not left, f"{left}{note}"
    # Line endings and the BOM are the file's own.
    assert text.count("\n") == text.count("\r\n") if case.crlf else "\r" not in text, note
    assert text.endswith("\n") == case.final_newline, note
    assert fixed.source.bom == case.bom, note

    # Idempotent: a second --fix changes nothing.
    again = _lint(("\ufeff" if case.bom else "").encode() + text.encode(), case, Fixing(True))
    assert again.fixed is not None and not again.fixed.changed, f"{again.fixed.text}{note}"

    # Nothing outside the edits moved; what was written right is still there, as written.
    ranges = fix_ranges(before.diagnostics, unsafe=True)
    assert unchanged_outside(outcome.original, text, ranges), note
    kept = [line.replace("\n", "\r\n") if case.crlf else line for line in case.kept]
    missing = list(_in_order(kept, text))
    assert not missing, f"{missing}{note}"

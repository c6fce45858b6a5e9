"""YAML merge keys (`<<: *defaults`, `<<: [*a, *b]`, `<<: {...}`) with YAML 1.1 semantics, and
positions where the merged-in content is written."""

from __future__ import annotations

import time

from aggqlint.checks.engine import lint_text
from aggqlint.diagnostics import Diagnostic
from aggqlint.loading.source import parse_source


def found(diagnostics: list[Diagnostic]) -> list[str]:
    return [f"{d.location.line}:{d.location.column} {d.code}" for d in diagnostics]


SHARED_FILTER = """\
report: long-voice-calls
endpoint: conversations/details
query:
  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
  order: asc
  orderBy: conversationStart
  conversationFilters:
    - &long-calls
      type: and
      predicates:
        - {type: metric, metric: tHandel, range: {gt: 600000}}
        - {type: dimension, dimension: originatingDirection, value: inbound}
    - <<: *long-calls
      type: or
  paging: {pageSize: 50, pageNumber: 1}
"""


def test_a_mistake_in_merged_content_is_located_where_it_is_written() -> None:
    diagnostics = lint_text(SHARED_FILTER, "r.yaml")
    # Both filters use the misspelt metric; both findings point at the one place it is written.
    assert found(diagnostics) == ["11:34 AQL201", "11:34 AQL201"]
    assert [d.location.pointer for d in diagnostics] == [
        "/query/conversationFilters/0/predicates/0/metric",
        "/query/conversationFilters/1/predicates/0/metric",
    ]
    assert "unknown metric 'tHandel'" in diagnostics[1].message


def test_merged_keys_get_the_positions_of_their_text() -> None:
    document = parse_source(SHARED_FILTER, "r.yaml").documents[0]
    merged = document.value["query"]["conversationFilters"][1]
    assert merged["type"] == "or"  # written in the mapping: it wins over the merged 'and'
    assert merged["predicates"][1]["value"] == "inbound"
    positions = document.positions
    assert positions.locate("/query/conversationFilters/1/type") == (14, 13)
    assert positions.locate("/query/conversationFilters/1/predicates", at_key=True) == (10, 7)
    assert positions.locate("/query/conversationFilters/1/predicates/1/value") == (12, 69)
    assert document.findings == []  # merged keys are not duplicates


BANDS = """\
report: handle-bands
endpoint: conversations/aggregates
query:
  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
  metrics: [tHandle, tTalk]
  views:
    - &short {target: tHandel, name: short, function: rangeBound, range: {lt: 60000}}
    - &long {target: tTalk, name: long, function: rangeBound, range: {gte: 600000}}
    - <<: [{merge}]
      name: merged
"""


def test_in_a_merge_list_the_first_mapping_wins() -> None:
    short_first = lint_text(BANDS.replace("{merge}", "*short, *long"), "r.yaml")
    assert found(short_first) == ["7:23 AQL201", "7:23 AQL201"]
    assert short_first[1].location.pointer == "/query/views/2/target"
    long_first = lint_text(BANDS.replace("{merge}", "*long, *short"), "r.yaml")
    assert found(long_first) == ["7:23 AQL201"]
    assert long_first[0].location.pointer == "/query/views/0/target"
    view = parse_source(BANDS.replace("{merge}", "*long, *short"), "r.yaml").documents[0]
    assert view.value["query"]["views"][2] == {
        "target": "tTalk",
        "name": "merged",
        "function": "rangeBound",
        "range": {"gte": 600000},
    }


def test_explicit_keys_win_wherever_they_are_written() -> None:
    text = BANDS.replace("    - <<: [{merge}]\n      name: merged\n", "")
    text += "    - {target: tHandle, <<: *short, name: fixed}\n"
    diagnostics = lint_text(text, "r.yaml")
    assert found(diagnostics) == ["7:23 AQL201"]  # view 2 names its own target


CLEAN = """\
report: queue-voice-and-chat
endpoint: conversations/aggregates
query:
  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
  granularity: PT1H
  groupBy: [queueId, mediaType]
  metrics: [nOffered, nConnected, tHandle]
  filter:
    type: or
    clauses:
      - &voice-queue
        type: and
        predicates:
          - {dimension: queueId, value: 6f1a1f0e-3f2b-4c59-9a6e-1d7c2b3e4f50}
          - {dimension: mediaType, value: voice}
      - <<: *voice-queue
        predicates:
          - {dimension: queueId, value: 6f1a1f0e-3f2b-4c59-9a6e-1d7c2b3e4f50}
          - {dimension: mediaType, value: chat}
  views:
    - &band {target: tHandle, name: short, function: rangeBound, range: {lt: 60000}}
    - <<: *band
      name: long
      range: {gte: 60000}
"""


def test_merged_definitions_are_clean() -> None:
    assert found(lint_text(CLEAN, "r.yaml")) == []


def test_an_inline_mapping_merges_too() -> None:
    text = CLEAN.replace("    - <<: *band\n", "    - <<: {target: tHandel, function: rangeBound}\n")
    diagnostics = lint_text(text, "r.yaml")
    assert found(diagnostics) == ["22:20 AQL201"]
    assert diagnostics[0].location.pointer == "/query/views/1/target"


def test_a_real_duplicate_key_beside_a_merge_is_still_reported() -> None:
    text = CLEAN.replace("      name: long\n", "      name: long\n      name: longer\n")
    diagnostics = lint_text(text, "r.yaml")
    assert found(diagnostics) == ["24:7 AQL002"]
    assert "duplicate key 'name' (first at line 23)" in diagnostics[0].message


def test_a_merge_of_something_else_than_a_mapping_is_located() -> None:
    cases = {
        "    - <<: 5\n": "22:11",
        "    - <<: [*band, 5]\n": "22:19",
        "    - <<: [[1]]\n": "22:12",
        "    - <<: *voice-list\n": "22:11",
    }
    for line, position in cases.items():
        text = CLEAN.replace("    - <<: *band\n", line).replace("clauses:", "clauses: &voice-list")
        diagnostics = lint_text(text, "r.yaml")
        assert found(diagnostics) == [f"{position} AQL001"], line
        assert "a merge key '<<' takes a mapping" in diagnostics[0].message


def test_quoted_merge_key_and_json_are_plain_field_names() -> None:
    assert parse_source('a: {"<<": 1}\n', "q.yaml").documents[0].value == {"a": {"<<": 1}}
    document = parse_source('{"<<": {"a": 1}}', "q.json", as_json=True).documents[0]
    assert document.value == {"<<": {"a": 1}}


def test_an_alias_bomb_made_of_merges_is_refused_quickly() -> None:
    lines = ["b0: &b0 {" + ", ".join(f"k{i}: [x, x, x, x, x, x, x, x, x]" for i in range(9)) + "}"]
    for level in range(1, 12):
        refs = ", ".join(f"*b{level - 1}" for _ in range(9))
        lines.append(f"b{level}: &b{level} {{<<: [{refs}], k{level}x: [{refs}]}}")
    started = time.perf_counter()
    diagnostics = lint_text("\n".join(lines) + "\n", "bomb.yaml")
    assert time.perf_counter() - started < 5  # about 0.01 s: refused, not expanded
    # Each merge counts what it expands to: the 7th *b2 merged into b3 passes 250,000 values.
    assert found(diagnostics) == ["4:45 AQL006"]
    assert "refusing an alias bomb" in diagnostics[0].message


def test_a_merge_of_a_merge_keeps_the_first_positions() -> None:
    text = (
        "a: &a\n  x: &x {p: 1, q: [1, 2]}\n  y: 2\nb: &b\n  <<: *a\n  z: 3\nc:\n  <<: *b\n  w: 4\n"
    )
    document = parse_source(text, "chain.yaml").documents[0]
    assert document.value["c"] == {"w": 4, "z": 3, "x": {"p": 1, "q": [1, 2]}, "y": 2}
    positions = document.positions
    assert positions.locate("/c/z") == (6, 6)
    assert positions.locate("/c/x/q/1") == (2, 23)
    assert positions.locate("/c/y", at_key=True) == (3, 3)
    assert document.scalars["/c/x/q/1"].text == "2"

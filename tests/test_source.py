"""Loading: positions for every pointer, faithful values, load-time findings."""

from __future__ import annotations

import pytest
import yaml

from aggqlint.checks.engine import lint_text
from aggqlint.diagnostics import Diagnostic, Severity
from aggqlint.loading import compose as compose_module
from aggqlint.loading.compose import MAX_RESTARTS
from aggqlint.loading.source import MAX_DEPTH, Source, parse_source


def test_positions_for_keys_and_values() -> None:
    source = parse_source(
        b"report: a\nquery:\n  metrics: [nOffered, tHandle]\n  filter:\n    type: and\n", "a.yaml"
    )
    positions = source.documents[0].positions
    assert positions.locate("/query/metrics/1") == (3, 23)
    assert positions.locate("/query/filter/type") == (5, 11)
    assert positions.locate("/query/filter/type", at_key=True) == (5, 5)
    # An unknown pointer falls back to its nearest known ancestor.
    assert positions.locate("/query/filter/predicates/0") == (5, 5)


def test_timestamps_stay_strings_and_duplicates_are_reported() -> None:
    source = parse_source(b"interval: 2026-11-01T00:00:00Z\nmetrics: [a]\nmetrics: [b]\n", "d.yaml")
    document = source.documents[0]
    assert document.value == {"interval": "2026-11-01T00:00:00Z", "metrics": ["b"]}
    [finding] = document.findings
    assert finding.code == "AQL002"
    assert finding.pointer == "/metrics"
    assert "first at line 2" in finding.message
    assert document.positions.locate("/metrics", at_key=True) == (3, 1)


def test_yaml_11_scalars_remember_how_they_were_written() -> None:
    source = parse_source(b"a: no\nb: 0123\nc: 'no'\nd: 12\n", "c.yaml")
    document = source.documents[0]
    assert document.value == {"a": False, "b": 83, "c": "no", "d": 12}
    assert document.scalars["/a"].text == "no"
    assert document.scalars["/b"].text == "0123"
    assert "/c" not in document.scalars


def test_many_documents_have_their_own_positions() -> None:
    source = parse_source(b"report: a\n---\nreport: b\n", "m.yaml")
    assert [d.value["report"] for d in source.documents] == ["a", "b"]
    assert source.documents[1].index == 1
    assert source.documents[1].positions.locate("/report") == (3, 9)


def failure(source: Source, index: int = 0) -> tuple[str, int, int]:
    """The load failure of one document: (code, line, column)."""
    failed = source.documents[index].failure
    assert failed is not None, source.documents[index]
    return failed.finding.code, failed.line, failed.column


def test_parse_error_is_located() -> None:
    source = parse_source(b"metrics: [a, b\nfilter: x\n", "p.yaml")
    assert source.findings == []
    [document] = source.documents
    assert document.value is None
    assert failure(source) == ("AQL001", 2, 7)


def test_json_keeps_json_semantics() -> None:
    source = parse_source(b'{"a": 1e3, "b": "x", "c": [true, null]}', "j.json", as_json=True)
    assert source.documents[0].value == {"a": 1000.0, "b": "x", "c": [True, None]}
    assert source.documents[0].positions.locate("/c/1") == (1, 34)


def test_json_nan_is_an_error() -> None:
    source = parse_source(b'{"a": NaN}', "n.json", as_json=True)
    assert failure(source) == ("AQL001", 1, 7)
    failed = source.documents[0].failure
    assert failed is not None
    assert "'NaN' is not valid JSON" in failed.finding.message


def test_alias_bomb_is_refused_quickly() -> None:
    lines = ['a: &a ["x","x","x","x","x","x","x","x","x"]']
    for i in range(1, 10):
        prev, name = chr(96 + i), chr(97 + i)
        lines.append(f"{name}: &{name} [" + ",".join([f"*{prev}"] * 9) + "]")
    source = parse_source("\n".join(lines).encode(), "bomb.yaml")
    assert failure(source) == ("AQL006", 6, 17)  # the 4th alias on line 6
    failed = source.documents[0].failure
    assert failed is not None
    assert "alias" in failed.finding.message


def test_deep_nesting_is_refused_not_crashed() -> None:
    # Whichever refuses first, our limit or the parser's own, it is reported where ours is
    # crossed: the 201st bracket.
    source = parse_source(b"[" * 100_000 + b"]" * 100_000, "deep.yaml")
    assert failure(source) == ("AQL006", 1, 201)


def definition(name: str, last_line: str) -> str:
    return (
        f"report: {name}\n"
        "endpoint: conversations/aggregates\n"
        "query:\n"
        "  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z\n"
        f"{last_line}\n"
    )


def three_documents(middle: str) -> str:
    first = definition("first", "  metrics: [nOffered, handleTime]")
    third = definition("third", "  metrics: [nOffered, handleTime]")
    return first + "---\n" + definition("second", middle) + "---\n" + third


def found(diagnostics: list[Diagnostic]) -> list[str]:
    return [f"{d.location.line}:{d.location.column} {d.code}" for d in diagnostics]


@pytest.mark.parametrize(
    ("middle", "expected", "message"),
    [
        ("  metrics: !!set {nOffered}", "11:12 AQL001", "YAML tag '!!set' is not supported"),
        ("  metrics: *nowhere", "11:12 AQL001", "unknown alias *nowhere"),
        ("  filter: {<<: [a]}", "11:17 AQL001", "a merge key '<<' takes a mapping"),
        ("  ? [metrics]\n  : [nOffered]", "11:5 AQL008", "a mapping key must be a plain string"),
        (
            "  filter: " + "[" * 300 + "]" * 300,
            f"11:{len('  filter: ') + MAX_DEPTH - 1} AQL006",
            f"nesting deeper than {MAX_DEPTH} levels",
        ),
        (
            "  filter:\n" + "".join("  " + "  " * i + "- \n" for i in range(300)),
            f"{12 + MAX_DEPTH - 2}:{2 * MAX_DEPTH - 1} AQL006",
            f"nesting deeper than {MAX_DEPTH} levels",
        ),
    ],
    ids=["tag", "alias", "merge", "complex-key", "deep-flow", "deep-block"],
)
def test_a_problem_in_one_document_hides_nothing_in_the_others(
    middle: str, expected: str, message: str
) -> None:
    text = three_documents(middle)
    diagnostics = lint_text(text, "three.yaml")
    third_line = text.count("\n")  # the last line names the third's unknown metric
    assert found(diagnostics) == ["5:23 AQL201", expected, f"{third_line}:23 AQL201"]
    assert message in diagnostics[1].message
    assert [d.location.document for d in diagnostics] == [0, 1, 2]


def test_after_a_syntax_error_reading_goes_on_at_the_next_document() -> None:
    # The parser cannot go on after a syntax error; a new one starts at the next '---' line.
    text = three_documents("  metrics: [nOffered, handleTime")
    diagnostics = lint_text(text, "three.yaml")
    assert found(diagnostics) == ["5:23 AQL201", "12:1 AQL001", "17:23 AQL201"]
    assert diagnostics[1].message.startswith("YAML syntax error")
    assert [d.location.document for d in diagnostics] == [0, 1, 2]


def test_a_syntax_error_in_the_last_document_keeps_the_others() -> None:
    text = three_documents("  metrics: [nOffered, handleTime]").replace(
        "report: third", "report: [third"
    )
    diagnostics = lint_text(text, "three.yaml")
    assert found(diagnostics) == ["5:23 AQL201", "11:23 AQL201", "14:9 AQL001"]
    assert diagnostics[2].location.document == 2


def test_empty_documents_beside_definitions_send_nothing_and_say_nothing() -> None:
    # A commented-out definition between markers and a trailing '---' (yq, Helm output).
    first = definition("first", "  metrics: [nOffered, handleTime]")
    retired = "# report: retired\n# endpoint: conversations/aggregates\n"
    text = first + "---\n" + retired + "---\n" + first.replace("first", "third") + "---\n"
    diagnostics = lint_text(text, "empties.yaml")
    assert found(diagnostics) == ["5:23 AQL201", "14:23 AQL201"]
    assert [d.location.document for d in diagnostics] == [0, 2]


def test_a_file_of_empty_documents_only_is_an_empty_file() -> None:
    diagnostics = lint_text("---\n# nothing here yet\n---\n", "empties.yaml")
    assert [(found([d]), d.severity) for d in diagnostics] == [(["1:1 AQL010"], Severity.WARNING)]
    # An explicit null is written content, not an empty document.
    assert found(lint_text("report: a\n---\nnull\n", "null.yaml"))[-1] == "3:1 AQL005"


def test_the_parsers_own_nesting_limit_is_reported_as_ours() -> None:
    # libyaml refuses flow nesting past 1,000 levels while reading ahead, before our limit of
    # 200 is reached in the events: the finding is still AQL006 at our crossing point, and
    # the document after it is read by a new parser.
    text = three_documents("  filter: " + "[" * 100_000 + "]" * 100_000)
    diagnostics = lint_text(text, "deep.yaml")
    column = len("  filter: ") + MAX_DEPTH - 1
    assert found(diagnostics) == ["5:23 AQL201", f"11:{column} AQL006", "17:23 AQL201"]


def test_restarts_are_bounded() -> None:
    source = parse_source("--- [\n" * 1_000, "broken.yaml")
    assert len(source.documents) == MAX_RESTARTS + 1
    assert failure(source, MAX_RESTARTS) == ("AQL001", MAX_RESTARTS + 2, 1)


@pytest.mark.parametrize("loader", ["SafeLoader", "CSafeLoader"])
def test_nesting_is_located_alike_with_either_parser(
    monkeypatch: pytest.MonkeyPatch, loader: str
) -> None:
    # The pure-Python parser has no nesting limit of its own, libyaml has one: same finding.
    if not hasattr(yaml, loader):
        pytest.skip("PyYAML built without libyaml")
    monkeypatch.setattr(compose_module, "_Loader", getattr(yaml, loader))
    source = parse_source("x: 1\n---\n" + "[" * 5_000 + "]" * 5_000 + "\n", "deep.yaml")
    assert source.documents[0].value == {"x": 1}
    assert failure(source, 1) == ("AQL006", 3, MAX_DEPTH + 1)


NUMBER_BODY = (
    '{"interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z", "metrics": ["tHandle"],\n'
    ' "filter": {"type": "and", "predicates": [\n'
    '  {"type": "metric", "metric": "tHandle", "range": {"gte": GTE, "lt": 1000}}]}}\n'
)


@pytest.mark.parametrize(
    ("name", "gte", "expected", "parts"),
    [
        ("huge.json", "1e400", "3:60 AQL204", ["'gte' is 1e400, a number too large for a double"]),
        ("huge.json", "-1E+309", "3:60 AQL204", ["'gte' is -1E+309, a number too large"]),
        ("huge.yaml", "1.0e+400", "3:60 AQL204", ["'gte' is 1.0e+400, a number too large"]),
        ("inf.yaml", ".inf", "3:60 AQL204", ["'gte' is infinity (YAML's .inf)"]),
        ("nan.yaml", ".nan", "3:60 AQL204", ["'gte' is NaN (YAML's .nan)"]),
    ],
    ids=["json-exponent", "json-negative", "yaml-exponent", "yaml-inf", "yaml-nan"],
)
def test_a_number_beyond_a_double_is_not_called_yaml_inf(
    name: str, gte: str, expected: str, parts: list[str]
) -> None:
    diagnostics = lint_text(NUMBER_BODY.replace("GTE", gte), name)
    not_finite = [d for d in diagnostics if d.code == "AQL204"]
    assert found(not_finite) == [expected]
    for part in parts:
        assert part in not_finite[0].message
    if name.endswith(".json"):
        assert ".inf" not in not_finite[0].message

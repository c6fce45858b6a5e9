"""Loading: positions for every pointer, faithful values, load-time findings."""

from __future__ import annotations

from aggqlint.source import Source, parse_source


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

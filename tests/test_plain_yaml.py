"""fixes/plain.py writes the simplest fix fragments without PyYAML: wherever it answers, the
text is exactly what PyYAML writes for the same value, as each caller asks PyYAML for it."""

from __future__ import annotations

from typing import Any

import yaml
from hypothesis import given
from hypothesis import strategies as st

from aggqlint.fixes import plain, shapes, text

# Names a fix shows (metric, dimension and field names), YAML's special words in every case,
# and text PyYAML must quote or may write differently (numbers, dates, spaces, unicode).
WORDS = st.sampled_from(
    [
        "tHandle",
        "nOffered",
        "queueId",
        "groupBy",
        "x",
        "y",
        "n",
        "Y",
        "N",
        "a_b",
        "A1",
        "yes",
        "Yes",
        "YES",
        "no",
        "NO",
        "on",
        "On",
        "off",
        "OFF",
        "true",
        "False",
        "null",
        "Null",
        "NULL",
        "~",
        "",
        "1",
        "0x1F",
        "1e3",
        "1_000",
        "12:30",
        ".inf",
        ".nan",
        "2026-11-01",
        "a b",
        "a:b",
        "a: b",
        "-a",
        "#a",
        "&a",
        "*a",
        "!a",
        "'a'",
        '"a"',
        "é",
        "ünï",
        "a-b",
        "a.b",
        "a/b",
        "<<",
        "=",
        "3b0c7e36-4c3e-4a8b-9a8e-5f7d2c1b0a9f",
    ]
)
SCALARS = (
    WORDS
    | st.text(max_size=12)
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.booleans()
    | st.none()
    | st.floats(allow_nan=True, allow_infinity=True)
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(WORDS, inner, max_size=4),
    max_leaves=12,
)


@given(st.dictionaries(WORDS, VALUES, min_size=1, max_size=4))
def test_fragment_is_what_pyyaml_writes(fragment: dict[str, Any]) -> None:
    written = plain.fragment(fragment)
    if written is not None:
        assert written == shapes.pyyaml_fragment(fragment)


@given(VALUES)
def test_flow_is_what_pyyaml_writes(value: Any) -> None:
    written = plain.flow(value)
    if written is not None:
        assert written == text.pyyaml_flow(value)


@given(SCALARS)
def test_scalar_is_what_pyyaml_writes(value: Any) -> None:
    written = plain.scalar(value)
    if written is not None:
        assert written == text.pyyaml_block_scalar(value)
        assert yaml.safe_load(written) == value  # and it reads back as the same value


def test_the_usual_fixes_need_no_pyyaml() -> None:
    assert plain.fragment({"groupBy": ["queueId", "mediaType"]}) == "groupBy: [queueId, mediaType]"
    assert plain.fragment({"paging": {"pageSize": 100, "pageNumber": 1}}) == (
        "paging: {pageSize: 100, pageNumber: 1}"
    )
    assert plain.fragment({"metrics": []}) == "metrics: []"
    assert plain.flow({"dimension": "mediaType", "value": "voice"}) == (
        "{dimension: mediaType, value: voice}"
    )
    assert plain.scalar("tHandle") == "tHandle"


def test_what_pyyaml_would_quote_or_fold_is_left_to_it() -> None:
    assert plain.scalar("yes") is None  # YAML 1.1 reads it as true
    assert plain.scalar("Null") is None
    assert plain.scalar("2026-11-01") is None  # a date
    assert plain.scalar("3b0c7e36-4c3e-4a8b-9a8e-5f7d2c1b0a9f") is None  # starts with a digit
    assert plain.scalar(1.5) is None  # PyYAML writes floats its own way
    assert plain.fragment({"filter": {"predicates": [{"dimension": "queueId"}]}}) is None
    assert plain.fragment({"metrics": ["nOffered"] * 12}) is None  # a line PyYAML may fold

"""loading/jsonspans: a fast-path JSON text's positions without the YAML event pass.

The YAML pass (loading/compose.py) is the reference: for every text the fast path reads and
libyaml can read, both give the same spans for every key and value. Where libyaml refuses
valid JSON, jsonspans still places every value: its pointers are checked against the value.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from aggqlint.diagnostics import pointer_join
from aggqlint.loading.compose import compose
from aggqlint.loading.jsonspans import json_positions
from aggqlint.loading.jsonsyntax import read_json
from aggqlint.loading.source import FAST_JSON_BYTES, MAX_DEPTH

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"


def fast_path_reads(text: str) -> bool:
    """Whether source._json_documents keeps the text for later positions (its fast path)."""
    if not text.strip(" \t\n\r") or len(text) > FAST_JSON_BYTES:
        return False
    reading = read_json(text, MAX_DEPTH)
    return not (
        reading.mistake is not None
        or reading.too_deep
        or reading.duplicates
        or reading.constants
        or reading.refused
        or reading.huge
    )


def yaml_positions(text: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """The YAML event pass's maps, or None where libyaml refuses the text."""
    try:
        positions = compose(text, True)[0].positions
    except yaml.YAMLError:
        return None
    return positions.values, positions.keys


def pointers(value: Any, base: str = "") -> Iterator[tuple[bool, str]]:
    """(is a key, pointer) for every value and object member in value."""
    yield False, base
    if isinstance(value, dict):
        for key, child in value.items():
            pointer = pointer_join(base, key)
            yield True, pointer
            yield from pointers(child, pointer)
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from pointers(child, pointer_join(base, index))


def assert_places_every_value(text: str) -> None:
    values, keys = json_positions(text)
    expected = list(pointers(json.loads(text)))
    assert set(values) == {pointer for is_key, pointer in expected if not is_key}
    assert set(keys) == {pointer for is_key, pointer in expected if is_key}
    for span in (*values.values(), *keys.values()):
        line, column, offset, end_line, end_column, end_offset = span
        assert 0 <= offset < end_offset <= len(text)
        assert (line, column) < (end_line, end_column)


# -- written out by hand ---------------------------------------------------------------------


def test_a_crlf_file() -> None:
    text = '{\r\n  "a": [1, {}],\r\n  "b": "x"\r\n}\r\n'
    values, keys = json_positions(text)
    assert values == {
        "": (1, 1, 0, 4, 2, 33),
        "/a": (2, 8, 10, 2, 15, 17),
        "/a/0": (2, 9, 11, 2, 10, 12),
        "/a/1": (2, 12, 14, 2, 14, 16),
        "/b": (3, 8, 27, 3, 11, 30),
    }
    assert keys == {"/a": (2, 3, 5, 2, 6, 8), "/b": (3, 3, 22, 3, 6, 25)}
    assert (values, keys) == yaml_positions(text)


def test_a_lone_carriage_return_ends_a_line() -> None:
    text = '{"a":\r1}'
    assert json_positions(text) == (
        {"": (1, 1, 0, 2, 3, 8), "/a": (2, 1, 6, 2, 2, 7)},
        {"/a": (1, 2, 1, 1, 5, 4)},
    )
    assert json_positions(text) == yaml_positions(text)


def test_a_non_bmp_key_with_a_slash_counts_one_column_per_character() -> None:
    text = '{"\U0001f600/k": []}'
    values, keys = json_positions(text)
    assert values == {"": (1, 1, 0, 1, 12, 11), "/\U0001f600~1k": (1, 9, 8, 1, 11, 10)}
    assert keys == {"/\U0001f600~1k": (1, 2, 1, 1, 7, 6)}
    assert (values, keys) == yaml_positions(text)


def test_an_escaped_key_is_read_as_json_reads_it() -> None:
    text = '{"a\\u0041~": 0}'
    assert json_positions(text) == (
        {"": (1, 1, 0, 1, 16, 15), "/aA~0": (1, 14, 13, 1, 15, 14)},
        {"/aA~0": (1, 2, 1, 1, 12, 11)},
    )
    assert json_positions(text) == yaml_positions(text)


@pytest.mark.parametrize(
    ("text", "top"),
    [
        ("{}", (1, 1, 0, 1, 3, 2)),
        ("[]\n", (1, 1, 0, 1, 3, 2)),
        ('\n  "s" \n', (2, 3, 3, 2, 6, 6)),
        ("-1.5e3", (1, 1, 0, 1, 7, 6)),
        ("[ ]", (1, 1, 0, 1, 4, 3)),
    ],
)
def test_the_top_level_pointer_spans_the_whole_value(
    text: str, top: tuple[int, int, int, int, int, int]
) -> None:
    assert json_positions(text) == ({"": top}, {})
    assert json_positions(text) == yaml_positions(text)


def test_a_value_on_the_line_after_its_colon() -> None:
    text = '{"a":\n  [true]}'
    assert json_positions(text) == (
        {"": (1, 1, 0, 2, 10, 15), "/a": (2, 3, 8, 2, 9, 14), "/a/0": (2, 4, 9, 2, 8, 13)},
        {"/a": (1, 2, 1, 1, 5, 4)},
    )
    assert json_positions(text) == yaml_positions(text)
    # A colon on the line after its key: libyaml refuses it; jsonspans places it all the same.
    assert json_positions('{"a"\n: 1}') == (
        {"": (1, 1, 0, 2, 5, 9), "/a": (2, 3, 7, 2, 4, 8)},
        {"/a": (1, 2, 1, 1, 5, 4)},
    )


def test_a_line_separator_inside_a_string_starts_a_line_as_libyaml_counts_it() -> None:
    # The YAML pass's quirk, copied: U+2028 raw in a string is a line break to libyaml.
    text = '["a\u2028b", 1]'
    assert json_positions(text) == (
        {"": (1, 1, 0, 2, 7, 10), "/0": (1, 2, 1, 2, 3, 6), "/1": (2, 5, 8, 2, 6, 9)},
        {},
    )
    assert json_positions(text) == yaml_positions(text)


def test_valid_json_libyaml_refuses_is_still_placed() -> None:
    # A tab before the top-level value and a surrogate-pair escape: libyaml reads neither,
    # so the YAML pass knew only the top of the file.
    text = '\t{"\\ud83d\\ude00": [true]}'
    assert json_positions(text) == (
        {
            "": (1, 2, 1, 1, 26, 25),
            "/\U0001f600": (1, 19, 18, 1, 25, 24),
            "/\U0001f600/0": (1, 20, 19, 1, 24, 23),
        },
        {"/\U0001f600": (1, 3, 2, 1, 17, 16)},
    )


# -- against the YAML pass -------------------------------------------------------------------

# Keys never hold a raw line break here (U+2028 unescaped, with ensure_ascii=False): libyaml
# refuses a key that spans lines, and such texts are only checked for their pointers.
_KEY_CHARS = st.sampled_from(
    ["a", "Z", "/", "~", "~1", " ", "\t", '"', "\\", "\n", "é", "\u00a0", "\U0001f600"]
)
_KEYS = st.one_of(
    st.lists(_KEY_CHARS, max_size=4).map("".join),
    st.text(st.characters(codec="utf-8", exclude_characters="\x85\u2028\u2029"), max_size=6),
)
_STRING_CHARS = st.sampled_from(["a", "\\", "\n", "\U0001f600", "\u2028", "\u2029", "\x85"])
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e99, max_value=1e99),
    st.text(max_size=8),
    st.lists(_STRING_CHARS, max_size=4).map("".join),
)
_VALUES = st.recursive(
    _SCALARS,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(_KEYS, children, max_size=4),
    ),
    max_leaves=25,
)
_LAYOUTS: list[Callable[[Any, bool], str]] = [
    lambda value, ascii_only: json.dumps(value, ensure_ascii=ascii_only),
    lambda value, ascii_only: json.dumps(value, ensure_ascii=ascii_only, indent=2),
    lambda value, ascii_only: json.dumps(value, ensure_ascii=ascii_only, indent=4),
    lambda value, ascii_only: json.dumps(value, ensure_ascii=ascii_only, indent="\t"),
    lambda value, ascii_only: json.dumps(value, ensure_ascii=ascii_only, separators=(",", ":")),
    lambda value, ascii_only: json.dumps(
        value, ensure_ascii=ascii_only, indent=1, separators=(" ,", " : ")
    ),
]


@st.composite
def json_texts(draw: st.DrawFn) -> str:
    value = draw(_VALUES)
    text = draw(st.sampled_from(_LAYOUTS))(value, draw(st.booleans()))
    line_end = draw(st.sampled_from(["\n", "\r\n", "\r"]))
    text = text.replace("\n", line_end)
    before = draw(st.sampled_from(["", " ", "\n", "\r\n\r\n  "]))
    after = draw(st.sampled_from(["", "\n", " \r\n", "\t", "\n\n  "]))
    return before + text + after


@settings(max_examples=150, deadline=None)
@given(json_texts())
def test_the_yaml_pass_and_jsonspans_agree(text: str) -> None:
    if not fast_path_reads(text):
        return
    assert_places_every_value(text)
    reference = yaml_positions(text)
    if reference is not None:
        assert json_positions(text) == reference


def _json_files() -> list[Path]:
    return sorted(
        path
        for folder in (REPO / "tests", REPO / "examples")
        for path in folder.rglob("*.json")
        if path.is_file()
    )


def test_every_json_file_of_the_repository_is_placed_as_the_yaml_pass_places_it() -> None:
    compared = 0
    for path in _json_files():
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        if not fast_path_reads(text):
            continue
        assert_places_every_value(text)
        reference = yaml_positions(text)
        if reference is not None:
            assert json_positions(text) == reference, path
            compared += 1
    assert compared >= 20  # the corpus, fixes and examples: not a vacuous loop


def test_jsonspans_does_not_import_yaml() -> None:
    script = (
        "import sys\n"
        "from aggqlint.loading.jsonspans import json_positions\n"
        'values, keys = json_positions(\'{"a": [1, {"b": null}]}\')\n'
        "assert values['/a/1/b'] == (1, 17, 16, 1, 21, 20), values\n"
        "print('yaml' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script],
        env={"PYTHONPATH": str(SRC)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == "False\n"

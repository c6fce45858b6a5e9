"""What is wrong with a `.json` file that is not JSON, in words, at the place it goes wrong.

A `.json` body goes to the server as it is (`curl -d @file.json`), so the YAML niceties its
parser would forgive (comments, trailing commas, single quotes, bare keys, a second document)
are mistakes here. The stdlib decoder finds where; what is written there says what.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from msgspec import Struct

_WHITESPACE = " \t\n\r"  # JSON's own: nothing else separates tokens
_WORD = re.compile(r"[A-Za-z_$][\w$]*")
# A JSON string (escapes included) or a bracket: what a depth count needs to see.
_STRING_OR_BRACKET = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]')
_VALUE_ENDS = frozenset('"0123456789}]el')  # last character of a string, number, [], {}, literal
_VALUE_STARTS = frozenset('"{[-0123456789tfn')
_CLOSERS = {"[": "]", "{": "}"}


class JsonMistake(Struct, frozen=True):
    message: str
    offset: int  # index into the text


class JsonReading(Struct):
    """The value, or the mistake; and what only the position-keeping pass can locate."""

    value: Any = None
    mistake: JsonMistake | None = None
    too_deep: bool = False
    duplicates: bool = False
    constants: bool = False  # NaN, Infinity, -Infinity
    refused: bool = False  # a value Python will not convert (an integer of 4,300+ digits)
    # A number a double cannot hold (1e400, an integer of 309+ digits): the event pass keeps
    # its text, so that the finding can say what was written.
    huge: bool = False


def read_json(text: str, max_depth: int) -> JsonReading:
    reading = JsonReading()

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        value = dict(items)
        if len(value) != len(items):
            reading.duplicates = True
        return value

    def constant(name: str) -> None:
        reading.constants = True

    def real(text: str) -> float:
        number = float(text)
        if math.isinf(number):
            reading.huge = True
        return number

    def integer(text: str) -> int:
        if len(text) >= _DOUBLE_DIGITS:
            reading.huge = True
        return int(text)

    decoder = json.JSONDecoder(
        object_pairs_hook=pairs, parse_constant=constant, parse_float=real, parse_int=integer
    )
    start = _skip_whitespace(text, 0)
    try:
        reading.value, end = decoder.raw_decode(text, start)
    except json.JSONDecodeError as exc:
        reading.mistake = _mistake(text, exc.pos, after_value=False)
        return reading
    except RecursionError:
        reading.too_deep = True
        return reading
    except ValueError:
        reading.refused = True
        return reading
    end = _skip_whitespace(text, end)
    if end < len(text):
        reading.mistake = _mistake(text, end, after_value=True)
    elif text.count("{") + text.count("[") > max_depth and _deeper_than(reading.value, max_depth):
        # (No value is nested deeper than the text has brackets: most files skip the walk.)
        reading.too_deep = True
    return reading


# Digits from which an integer is beyond every double (10**308 < 1.8e308 < 10**309); the sign
# counts as one: a false match only costs the slower pass.
_DOUBLE_DIGITS = 309


def depth_crossing(text: str, max_depth: int) -> int | None:
    """Index of the bracket that opens level max_depth + 1, strings skipped (JSON has no
    comments, so a bracket outside a string is structure)."""
    depth = 0
    for match in _STRING_OR_BRACKET.finditer(text):
        bracket = match.group()
        if bracket in "[{":
            depth += 1
            if depth > max_depth:
                return match.start()
        elif bracket in "]}":
            depth -= 1
    return None


def _innermost_open(text: str, stop: int) -> int | None:
    """Index of the bracket still open at stop, strings skipped."""
    opened: list[int] = []
    for match in _STRING_OR_BRACKET.finditer(text, 0, stop):
        bracket = match.group()
        if bracket in "[{":
            opened.append(match.start())
        elif bracket in "]}" and opened:
            opened.pop()
    return opened[-1] if opened else None


def _skip_whitespace(text: str, index: int) -> int:
    while index < len(text) and text[index] in _WHITESPACE:
        index += 1
    return index


def _previous(text: str, index: int) -> int:
    """Index of the last non-whitespace character before index, or -1."""
    index -= 1
    while index >= 0 and text[index] in _WHITESPACE:
        index -= 1
    return index


def _mistake(text: str, pos: int, after_value: bool) -> JsonMistake:
    if pos >= len(text):
        return JsonMistake(
            "the JSON ends before it is complete: a closing '}' or ']', or a value, is missing",
            max(0, _previous(text, len(text))),
        )
    rest = text[pos:]
    char = text[pos]
    if rest.startswith(("//", "/*", "#")):
        return JsonMistake("comments are not allowed in JSON", pos)
    if rest.startswith("---") and not after_value:
        return JsonMistake("'---' separates YAML documents: a .json file holds one JSON value", pos)
    if after_value:
        if rest.startswith("---") or char in _VALUE_STARTS or char == "'":
            return JsonMistake(
                "a second JSON value after the first: a .json file holds one document", pos
            )
        return JsonMistake(f"unexpected {char!r} after the end of the JSON value", pos)
    before = _previous(text, pos)
    if char in "}]" and before >= 0 and text[before] == ",":
        return JsonMistake(f"trailing comma before {char!r}: JSON allows none", before)
    if char == "'":
        return JsonMistake("JSON strings use double quotes, not single quotes", pos)
    if char in "}]":
        opener = _innermost_open(text, pos)
        if opener is not None and _CLOSERS[text[opener]] != char:
            line = text.count("\n", 0, opener) + 1
            return JsonMistake(
                f"{char!r} closes the {text[opener]!r} of line {line}: a "
                f"{_CLOSERS[text[opener]]!r} is missing before it",
                pos,
            )
    if char == '"' and not _closes(text, pos):
        return JsonMistake("a string that does not end: the closing double quote is missing", pos)
    if char in "\r\n":  # json stops at the line break inside a string that never closed
        opening = text.rfind('"', text.rfind("\n", 0, pos) + 1, pos)
        return JsonMistake(
            "a string that does not end: the closing double quote is missing", max(opening, 0)
        )
    if ord(char) < 0x20:
        return JsonMistake(
            f"control character U+{ord(char):04X} inside a string; write it as an escape "
            "(\\n, \\t or \\u00XX)",
            pos,
        )
    if char == "\\":
        return JsonMistake(
            'invalid escape in a string; JSON knows \\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX',
            pos,
        )
    word = _WORD.match(text, pos)
    if word:
        after = _skip_whitespace(text, word.end())
        if after < len(text) and text[after] == ":":
            return JsonMistake(
                f"key '{word.group()}' is not quoted: JSON keys are double-quoted strings", pos
            )
        return JsonMistake(
            f"'{word.group()}' is not valid JSON; write a number, true/false/null or a quoted "
            "string",
            pos,
        )
    if char.isdigit() and before == pos - 1 and text[before] == "0":
        return JsonMistake("a number with a leading zero is not valid JSON", before)
    if before >= 0 and text[before] in _VALUE_ENDS and char in _VALUE_STARTS:
        return JsonMistake("a ',' is missing before this (or a ':' after a key)", pos)
    return JsonMistake(f"unexpected {char!r}: not valid JSON here", pos)


def _closes(text: str, quote: int) -> bool:
    # A JSON string cannot hold a raw line break, so it must close on its own line.
    index = quote + 1
    while index < len(text) and text[index] != "\n":
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == '"':
            return True
        index += 1
    return False


def _deeper_than(value: Any, limit: int) -> bool:
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(node, dict):
            stack.extend((child, depth + 1) for child in node.values())
        elif isinstance(node, list):
            stack.extend((child, depth + 1) for child in node)
    return False

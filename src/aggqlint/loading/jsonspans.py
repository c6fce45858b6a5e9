"""Where every key and value of a JSON text is written, without the YAML parser.

A `.json` file read by the fast path is known-good JSON (the C decoder accepted it, with no
duplicate keys and no NaN), so a tokenizer is enough to place each value: one regex pass over
the text, a stack of open containers, one span per value and per key. It gives exactly the
spans the YAML event pass in source.py gives for the same text (line, column, offset of the
first character; the same just past the last; a container spans its brackets), so a finding
is shown at the same place whichever pass found it. It must not import yaml: that import is a
large part of a JSON run's start-up.

Where libyaml refuses valid JSON (a tab before the top-level value, surrogate-pair escapes,
line breaks or 1,024+ characters in a key, DEL and C1 control characters), the event pass
has no positions at all and callers fall back to the top of the file; here those texts get
their real positions like any other.
"""

from __future__ import annotations

import json
import re

_RawSpan = tuple[int, int, int, int, int, int]

# One match per value, or per key with its value (most of a body): the whitespace and commas
# before it, then a string, a bracket or a bare number/true/false/null; and when that was a key,
# the colon and the value's first token. Nothing else occurs in text the JSON decoder accepted,
# so no alternative for mistakes is needed, and a key is known by the colon after it.
_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_BARE = r'[^ \t\n,:\[\]{}"]+'
_TOKENS = re.compile(
    rf"([ \t\n,]*)({_STRING}|[\[\]{{}}]|{_BARE})(?:([ \t\n]*:[ \t\n]*)({_STRING}|[\[{{]|{_BARE}))?"
)


def json_positions(text: str) -> tuple[dict[str, _RawSpan], dict[str, _RawSpan]]:
    """The `values` and `keys` maps of source.PositionMap for a JSON text the fast path read:
    JSON pointer -> (line, column, offset, end_line, end_column, end_offset), lines and
    columns 1-based, offsets 0-based indices into text. Wrap them: PositionMap(*maps)."""
    odd = "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text
    scanned = _one_break(text) if odd else text
    values: dict[str, _RawSpan] = {}
    keys: dict[str, _RawSpan] = {}
    # The container being read: its pointer, how many items of a list were read, and where it
    # starts. Those it is inside wait on the stack.
    stack: list[tuple[str, int, tuple[int, int, int]]] = []
    pointer, count, opened = "", 0, (1, 1, 0)
    line, line_start, offset = 1, 0, 0
    for gap, token, colon, value in _TOKENS.findall(scanned):
        if "\n" in gap:
            line += gap.count("\n")
            line_start = offset + gap.rfind("\n") + 1
        start = offset + len(gap)
        offset = start + len(token)
        if colon:  # token is a key, value the start of its value
            begun, column = line, start - line_start + 1
            if odd and "\n" in token:  # a break _one_break wrote (see there)
                line, line_start = _past_breaks(token, start, line)
            here = _member(pointer, token, text, start, offset, odd)
            keys[here] = (begun, column, start, line, offset - line_start + 1, offset)
            if "\n" in colon:
                line += colon.count("\n")
                line_start = offset + colon.rfind("\n") + 1
            start = offset + len(colon)
            offset = start + len(value)
            token = value
        elif token == "}" or token == "]":
            values[pointer] = (*opened, line, offset - line_start + 1, offset)
            pointer, count, opened = stack.pop()
            continue
        elif stack:  # an item of a list
            here = f"{pointer}/{count}"
            count += 1
        else:  # the top-level value
            here = ""
        begun, column = line, start - line_start + 1
        if token == "{" or token == "[":
            stack.append((pointer, count, opened))
            pointer, count, opened = here, 0, (line, column, start)
            continue
        if odd and "\n" in token:
            line, line_start = _past_breaks(token, start, line)
        values[here] = (begun, column, start, line, offset - line_start + 1, offset)
    return values, keys


def _member(pointer: str, token: str, text: str, start: int, end: int, odd: bool) -> str:
    """The pointer of an object member, from its key as written at text[start:end]."""
    key = token[1:-1]
    if "\\" in key or (odd and "\n" in key):  # escapes, or a break _one_break replaced
        key = json.loads(text[start:end])
    return f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"


def _past_breaks(token: str, start: int, line: int) -> tuple[int, int]:
    """The line, and the offset it starts at, after a token (at start) holding breaks."""
    return line + token.count("\n"), start + token.rfind("\n") + 1


def _one_break(text: str) -> str:
    # libyaml counts "\r\n" as one line break, a lone "\r" as one, and (YAML 1.1) NEL, LINE
    # SEPARATOR and PARAGRAPH SEPARATOR as one each. JSON allows the last three raw inside
    # strings, so a string holding one moves the event pass's lines on: a quirk of the YAML
    # pass (editors count no line there), copied so both passes place findings alike. Each
    # becomes one "\n" here, of the same length, so every offset stays that of the text.
    text = text.replace("\r\n", " \n").replace("\r", "\n")
    for other in "\x85\u2028\u2029":
        if other in text:
            text = text.replace(other, "\n")
    return text

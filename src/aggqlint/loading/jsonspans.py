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

# One match per token: the whitespace and separators before it (commas and colons carry no
# position), then a string, a bracket, or a bare number/true/false/null. Nothing else occurs
# in text the JSON decoder accepted, so no alternative for mistakes is needed.
_TOKENS = re.compile(r'([ \t\n,:]*)("[^"\\]*(?:\\.[^"\\]*)*"|[\[\]{}]|[^ \t\n,:\[\]{}"]+)')


def json_positions(text: str) -> tuple[dict[str, _RawSpan], dict[str, _RawSpan]]:
    """The `values` and `keys` maps of source.PositionMap for a JSON text the fast path read:
    JSON pointer -> (line, column, offset, end_line, end_column, end_offset), lines and
    columns 1-based, offsets 0-based indices into text. Wrap them: PositionMap(*maps)."""
    odd = "\r" in text or "\x85" in text or "\u2028" in text or "\u2029" in text
    scanned = _one_break(text) if odd else text
    values: dict[str, _RawSpan] = {}
    keys: dict[str, _RawSpan] = {}
    # The container being read: its pointer, whether it is an object, the items read so far,
    # whether a key comes next, and where it starts. Those it is inside wait on the stack.
    stack: list[tuple[str, bool, int, bool, tuple[int, int, int]]] = []
    pointer, in_object, count, want_key = "", False, 0, False
    opened = (1, 1, 0)
    pending = ""  # the pointer of the value that follows the key just read
    line, line_start, offset = 1, 0, 0
    for gap, token in _TOKENS.findall(scanned):
        if "\n" in gap:
            line += gap.count("\n")
            line_start = offset + gap.rfind("\n") + 1
        start = offset + len(gap)
        offset = start + len(token)
        first = token[0]
        if first == "}" or first == "]":
            values[pointer] = (*opened, line, offset - line_start + 1, offset)
            pointer, in_object, count, want_key, opened = stack.pop()
            continue
        column = start - line_start + 1
        if odd and "\n" in token:  # a string holding a YAML 1.1 line break (see above)
            begun = line
            line += token.count("\n")
            line_start = start + token.rfind("\n") + 1
            span = (begun, column, start, line, offset - line_start + 1, offset)
        else:
            span = (line, column, start, line, offset - line_start + 1, offset)
        if want_key:
            key = token[1:-1]
            if "\\" in key or (odd and "\n" in key):  # escapes, or a break _one_break replaced
                key = json.loads(text[start:offset])
            pending = f"{pointer}/{key.replace('~', '~0').replace('/', '~1')}"
            keys[pending] = span
            want_key = False
            continue
        if in_object:
            here = pending
            want_key = True  # after this value, and after the container it may open
        elif stack:  # inside a list
            here = f"{pointer}/{count}"
            count += 1
        else:  # the top-level value
            here = ""
        if first == "{" or first == "[":
            stack.append((pointer, in_object, count, want_key, opened))
            pointer, in_object, count, want_key = here, first == "{", 0, first == "{"
            opened = (line, column, start)
        else:
            values[here] = span
    return values, keys


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

"""A fix's changes by pointer → text edits, written in the file's own style.

A renamed scalar keeps its quotes; a value YAML would read as something else is quoted;
restructured fields are written as YAML at the entry's indentation (flow style inside a flow
mapping), or as JSON in a JSON file.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from aggqlint.fixes import plain, shapes
from aggqlint.fixes.model import (
    Applicability,
    Change,
    Edit,
    Fix,
    Position,
    RenameKey,
    ReplaceEntry,
    ReplaceValue,
)
from aggqlint.loading.source import PositionMap, Span


class _Unplaceable(Exception):
    """A change whose place is not in the source as written (merged in, or not found)."""


def locate_fix(
    fix: Fix, text: str, positions: PositionMap, as_json: bool, join: Callable[[str], str]
) -> Fix:
    """The fix with its changes as edits. join maps a change's pointer to the document's. A
    fix that cannot be written into this text is shown as advice (display) instead."""
    if not fix.changes:
        return fix
    writer = _Writer(text, positions, as_json)
    try:
        edits = tuple(writer.edit(change, join(change.pointer)) for change in fix.changes)
    except _Unplaceable:
        return Fix(Applicability.DISPLAY, fix.message, shown=fix.shown, fragment=fix.fragment)
    edits = _merged(edits, text)
    return Fix(fix.applicability, fix.message, fix.changes, edits, fix.shown, fix.fragment)


def _merged(edits: tuple[Edit, ...], text: str) -> tuple[Edit, ...]:
    """One fix's edits, with removals side by side made one; a removal of the last lines of a
    file that does not end with a line break takes the line break before them, so the file
    still does not end with one."""
    out: list[Edit] = []
    for edit in sorted(edits, key=lambda e: (e.start.offset, e.end.offset)):
        last = out[-1] if out else None
        if last and not last.content and not edit.content and edit.start.offset <= last.end.offset:
            out[-1] = Edit(last.start, max(edit.end, last.end, key=lambda p: p.offset), "")
        else:
            out.append(edit)
    for index, edit in enumerate(out):
        # Removals that met (the last entries of a flow mapping or JSON object) leave the
        # comma before the first of them, now before a closing bracket: it goes too.
        after = _skip_space(text, edit.end.offset, 1)
        before = _skip_space(text, edit.start.offset, -1)
        closing = text[after : after + 1] in ("}", "]")
        if not edit.content and closing and before > 0 and text[before - 1] == ",":
            out[index] = Edit(_at(text, before - 1), edit.end, "")
    if out and not out[-1].content and out[-1].end.offset == len(text):
        start = out[-1].start.offset
        if start > 0 and text[start - 1] == "\n" and not text.endswith("\n"):
            start -= 2 if text[start - 2 : start] == "\r\n" else 1
            out[-1] = Edit(_at(text, start), out[-1].end, "")
    return tuple(out)


class _Writer:
    def __init__(self, text: str, positions: PositionMap, as_json: bool) -> None:
        self.text = text
        self.positions = positions
        self.as_json = as_json

    def edit(self, change: Change, pointer: str) -> Edit:
        edit = self._edit(change, pointer)
        if "\n" in edit.content and self._crlf(edit.start.offset):
            # Written lines end as the file's lines do: CRLF stays CRLF.
            content = edit.content.replace("\r\n", "\n").replace("\n", "\r\n")
            return Edit(edit.start, edit.end, content)
        return edit

    def _crlf(self, offset: int) -> bool:
        """The line at offset (else the file's first line) ends with CRLF."""
        end = self.text.find("\n", offset)
        if end < 0:
            end = self.text.find("\n")
        return end > 0 and self.text[end - 1] == "\r"

    def _edit(self, change: Change, pointer: str) -> Edit:
        if isinstance(change, ReplaceValue):
            return self._scalar(self._value(pointer), change.value, pointer)
        if isinstance(change, RenameKey):
            return self._scalar(self._key(pointer), change.name, pointer)
        if isinstance(change, ReplaceEntry):
            return self._replace_entry(pointer, change.fields)
        return self._remove(pointer)

    def _value(self, pointer: str, empty: bool = False) -> Span:
        """empty: a value written as nothing (`key:`) is fine; it is replaced with its key."""
        if not self.positions.has_value(pointer):
            raise _Unplaceable(pointer)
        span = self.positions.span(pointer)
        if span.end_offset > len(self.text) or span.offset > span.end_offset:
            raise _Unplaceable(pointer)
        if span.offset == span.end_offset and not empty:
            raise _Unplaceable(pointer)
        return span

    def _entry_end(self, key: Span, value: Span) -> Span:
        """Where a key's entry ends: its value's end, or the key's for an empty value."""
        return value if value.end_offset > key.end_offset else key

    def _key(self, pointer: str) -> Span:
        if not self.positions.has_key(pointer):
            raise _Unplaceable(pointer)
        span = self.positions.span(pointer, at_key=True)
        written = self.text[span.offset : span.end_offset]
        if written == "<<" or span.offset >= span.end_offset:
            raise _Unplaceable(pointer)
        return span

    def _scalar(self, span: Span, value: Any, pointer: str) -> Edit:
        written = self.text[span.offset : span.end_offset]
        quote = written[:1]
        if isinstance(value, str) and quote in "\"'" and quote and written.endswith(quote):
            inner = _in_quotes(value, quote)
            if inner is not None:  # keep the quotes as written; replace what is inside them
                return _edit(span, inner, 1, 1)
        if self.as_json:
            return _edit(span, self._json(value))
        if self._in_flow(pointer) or isinstance(value, dict | list):
            return _edit(span, _flow_yaml(value))
        return _edit(span, _block_scalar(value))

    def _replace_entry(self, pointer: str, fields: dict[str, Any]) -> Edit:
        key = self._key(pointer)
        value = self._entry_end(key, self._value(pointer, empty=True))
        line_start = self.text.rfind("\n", 0, key.offset) + 1
        indent = self.text[line_start : key.offset]
        own_line = not indent.strip(" \t")
        if not self.as_json and not own_line and indent.strip(" \t") == "-":
            # The first key of a block list item: the next lines align with it.
            indent, own_line = " " * len(indent), True
        if self.as_json:
            comma, colon = self._json_separators()
            items = [f"{self._json(k)}{colon}{self._json(v)}" for k, v in fields.items()]
            content = ("," + "\n" + indent if own_line else comma).join(items)
        elif self._in_flow(pointer) or not own_line:
            content = ", ".join(f"{_flow_yaml(k)}: {_flow_yaml(v)}" for k, v in fields.items())
        else:
            content = ("\n" + indent).join(
                shapes.render({k: v}).replace("\n", "\n" + indent) for k, v in fields.items()
            )
        start = Position(key.line, key.column, key.offset)
        end = Position(value.end_line, value.end_column, value.end_offset)
        return Edit(start, end, content)

    def _json_separators(self) -> tuple[str, str]:
        """The file's own separators: compact JSON ({"a":1,"b":2}) has no spaces after
        its colons, and gets none written."""
        if '": ' not in self.text and '":' in self.text:
            return ",", ":"
        return ", ", ": "

    def _json(self, value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, separators=self._json_separators())

    def _in_flow(self, pointer: str) -> bool:
        parent = pointer.rsplit("/", 1)[0]
        span = self._value(parent) if self.positions.has_value(parent) else None
        return span is not None and self.text[span.offset : span.offset + 1] in "{["

    def _remove(self, pointer: str) -> Edit:
        value = self._value(pointer, empty=self.positions.has_key(pointer))
        first = self._key(pointer) if self.positions.has_key(pointer) else value
        value = self._entry_end(first, value)
        text = self.text
        line_start = text.rfind("\n", 0, first.offset) + 1
        line_end = text.find("\n", value.end_offset)
        line_end = len(text) if line_end < 0 else line_end
        after = text[value.end_offset : line_end]
        prefix = text[line_start : first.offset].strip(" \t")
        if not self.as_json and not self._in_flow(pointer):
            if prefix not in ("", "-") or after.split("#", 1)[0].strip():
                raise _Unplaceable(pointer)
            if prefix == "-" and self.positions.has_key(pointer):
                raise _Unplaceable(pointer)  # the first key of a list item carries its dash
            # A block entry on lines of its own: the lines go, with their line break.
            stop = min(line_end + 1, len(text))
            return Edit(_at(text, line_start), _at(text, stop), "")
        # In a flow collection or JSON: the entry and one comma beside it.
        index = value.end_offset
        while index < len(text) and text[index] in " \t\r\n":
            index += 1
        if index < len(text) and text[index] == ",":
            index += 1
            while index < len(text) and text[index] in " \t\r\n":
                index += 1
            return Edit(_start(first), _at(text, index), "")
        back = first.offset
        while back > 0 and text[back - 1] in " \t\r\n":
            back -= 1
        if back > 0 and text[back - 1] == ",":
            return Edit(_at(text, back - 1), _end(value), "")
        return Edit(_start(first), _end(value), "")


def _edit(span: Span, content: str, trim_start: int = 0, trim_end: int = 0) -> Edit:
    start = Position(span.line, span.column + trim_start, span.offset + trim_start)
    end = Position(span.end_line, span.end_column - trim_end, span.end_offset - trim_end)
    return Edit(start, end, content)


def _start(span: Span) -> Position:
    return Position(span.line, span.column, span.offset)


def _end(span: Span) -> Position:
    return Position(span.end_line, span.end_column, span.end_offset)


def _at(text: str, offset: int) -> Position:
    line_start = text.rfind("\n", 0, offset) + 1
    return Position(text.count("\n", 0, offset) + 1, offset - line_start + 1, offset)


def _in_quotes(value: str, quote: str) -> str | None:
    """value as written between the quotes it replaces, or None when it cannot be."""
    if quote == '"':
        return json.dumps(value, ensure_ascii=False)[1:-1]
    if "\n" in value:
        return None
    return value.replace("'", "''")


def _flow_yaml(value: Any) -> str:
    """A value as YAML writes it inline: plain where YAML reads it back the same, else quoted."""
    simple = plain.flow(value)
    return simple if simple is not None else pyyaml_flow(value)


def _block_scalar(value: Any) -> str:
    """A scalar as a block mapping's value: plain where it reads back the same (colons and
    commas are fine there, unlike inside brackets), else quoted."""
    simple = plain.scalar(value)
    if simple is not None:
        return simple
    written = pyyaml_block_scalar(value)
    return written if "\n" not in written else _flow_yaml(value)


def pyyaml_flow(value: Any) -> str:
    """_flow_yaml's text as PyYAML writes it (for what fixes/plain.py leaves to it)."""
    import yaml  # only when a fix is written: most runs never need PyYAML

    text: str = yaml.safe_dump(
        [value], default_flow_style=True, allow_unicode=True, width=1_000_000, sort_keys=False
    )
    return text.strip()[1:-1]


def pyyaml_block_scalar(value: Any) -> str:
    """A scalar as PyYAML writes it as a block mapping's value (it may span lines)."""
    import yaml  # only when a fix is written: most runs never need PyYAML

    text: str = yaml.safe_dump(
        {"k": value}, default_flow_style=False, allow_unicode=True, width=1_000_000
    )
    return text.removeprefix("k: ").rstrip("\n")


def _skip_space(text: str, offset: int, step: int) -> int:
    """From offset, past the white space (forwards, step 1) or before it (backwards, step -1)."""
    if step > 0:
        while offset < len(text) and text[offset] in " \t\r\n":
            offset += 1
        return offset
    while offset > 0 and text[offset - 1] in " \t\r\n":
        offset -= 1
    return offset

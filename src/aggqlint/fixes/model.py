"""Typed fixes: what a check proposes to change, how sure it is, and the text edits.

A check knows pointers, not positions: it proposes changes by pointer (replace the value at
/metrics/0, rename the key /dateFrom, ...). The engine turns them into `Edit`s, source ranges
with the new text written in the file's own style (fixtext.py). `apply_edits` applies them.
"""

from __future__ import annotations

import enum
from typing import Any

from msgspec import Struct
from msgspec.structs import replace


class Applicability(enum.StrEnum):
    SAFE = "safe"  # the meaning is preserved: apply without asking
    UNSAFE = "unsafe"  # the meaning may change: a guess, or a restructuring
    DISPLAY = "display"  # advice only: nothing to apply


class Position(Struct, frozen=True):
    line: int  # 1-based
    column: int  # 1-based, in characters
    offset: int  # 0-based index into the decoded text


class Edit(Struct, frozen=True):
    """Replace the text from start up to (not including) end with content."""

    start: Position
    end: Position
    content: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": {"line": self.start.line, "column": self.start.column},
            "end": {"line": self.end.line, "column": self.end.column},
            "content": self.content,
        }


# Changes by pointer, as checks propose them. Pointers are relative to the data the check was
# given, like a Finding's pointer.


class ReplaceValue(Struct, frozen=True):
    pointer: str
    # Written as the file writes such values (a string keeps its quotes). Lists and mappings
    # cannot be hashed: a finding is hashed by its other fields.
    value: Any

    def __hash__(self) -> int:  # compared whole, hashed by the pointer alone
        return hash((ReplaceValue, self.pointer))


class RenameKey(Struct, frozen=True):
    pointer: str  # the entry whose key is renamed
    name: str


class ReplaceEntry(Struct, frozen=True):
    pointer: str  # the entry (key and value) replaced by these fields, in order
    fields: dict[str, Any]

    def __hash__(self) -> int:  # compared whole, hashed by the pointer alone
        return hash((ReplaceEntry, self.pointer))


class RemoveEntry(Struct, frozen=True):
    pointer: str  # a mapping entry or a list item


Change = ReplaceValue | RenameKey | ReplaceEntry | RemoveEntry


class Fix(Struct, frozen=True):
    applicability: Applicability
    message: str  # what the fix does, one line
    changes: tuple[Change, ...] = ()  # proposed by the check
    edits: tuple[Edit, ...] = ()  # the changes as text edits, set by the engine
    # What to write, as the `suggestion` of today's output shows it: a value, or a YAML
    # fragment (fragment=True: shown on lines of its own).
    shown: str | None = None
    fragment: bool = False

    @classmethod
    def safe(cls, message: str, *changes: Change, shown: str | None = None) -> Fix:
        return cls(Applicability.SAFE, message, changes, shown=shown)

    @classmethod
    def unsafe(
        cls, message: str, *changes: Change, shown: str | None = None, fragment: bool = False
    ) -> Fix:
        return cls(Applicability.UNSAFE, message, changes, shown=shown, fragment=fragment)

    @classmethod
    def display(cls, shown: str, message: str | None = None, fragment: bool = False) -> Fix:
        return cls(Applicability.DISPLAY, message or shown, shown=shown, fragment=fragment)

    def moved(self, old: str, new: str) -> Fix:
        """The fix for a finding moved from pointer old to new (a name checked as the field
        it stands for is reported where it is written): its changes move with it."""
        changes = tuple(
            replace(change, pointer=new + change.pointer[len(old) :])
            if change.pointer == old or change.pointer.startswith(old + "/")
            else change
            for change in self.changes
        )
        return replace(self, changes=changes)

    @classmethod
    def advice(cls, shown: str | None, fragment: bool = False) -> Fix | None:
        """A display fix for a suggestion a check may or may not have."""
        return cls.display(shown, fragment=fragment) if shown else None

    @classmethod
    def from_suggestion(cls, text: str) -> Fix:
        """Advice from a check that gives a suggestion but no typed fix. Such suggestions
        are values or YAML fragments ('chunk: P1D'); a fragment is shown on lines of its own."""
        return cls.display(text, fragment="\n" in text or ": " in text)

    def as_dict(self) -> dict[str, Any]:
        return {
            "applicability": str(self.applicability),
            "message": self.message,
            "edits": [edit.as_dict() for edit in self.edits],
        }


def rewrite_fields(
    pointer: str, body: dict[str, Any], invented: list[str], fields: dict[str, Any]
) -> tuple[Change, ...]:
    """Changes that turn the invented keys of the mapping at pointer into fields: a field the
    mapping already has gets its value replaced, the others take the first invented key's
    place, and the remaining invented keys go."""
    from aggqlint.diagnostics import pointer_join

    changes: list[Change] = []
    rest = {}
    for key, value in fields.items():
        if key in body and key not in invented:
            changes.append(ReplaceValue(pointer_join(pointer, key), value))
        else:
            rest[key] = value
    for index, key in enumerate(invented):
        at = pointer_join(pointer, key)
        if index == 0 and rest:
            changes.append(ReplaceEntry(at, rest))
        else:
            changes.append(RemoveEntry(at))
    return tuple(changes)


def apply_edits(text: str, edits: tuple[Edit, ...] | list[Edit]) -> str:
    """The text with the edits applied (by offset); edits must not overlap."""
    out = []
    cursor = 0
    for edit in sorted(edits, key=lambda e: (e.start.offset, e.end.offset)):
        if edit.start.offset < cursor:
            raise ValueError("overlapping edits")
        out.append(text[cursor : edit.start.offset])
        out.append(edit.content)
        cursor = edit.end.offset
    out.append(text[cursor:])
    return "".join(out)

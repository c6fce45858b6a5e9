"""The one value every check produces: a located, coded diagnostic."""

from __future__ import annotations

import enum
from typing import Any

from msgspec import Struct, field
from msgspec.structs import force_setattr, replace

from aggqlint.fixes.model import Fix


class Severity(enum.IntEnum):
    # Ordered so that `severity >= fail_on` reads naturally.
    INFO = 1
    WARNING = 2
    ERROR = 3

    def __str__(self) -> str:
        return self.name.lower()

    @classmethod
    def parse(cls, text: str) -> Severity:
        try:
            return cls[text.strip().upper()]
        except KeyError:
            raise ValueError(f"unknown severity {text!r}; use error, warning or info") from None


class Location(Struct, frozen=True):
    file: str
    line: int | None = None  # 1-based; None when the input had no source text (Python API)
    column: int | None = None  # 1-based
    pointer: str = ""  # RFC 6901 JSON pointer into the document
    document: int = 0  # index of the YAML document in the file
    # Where the offending scalar, key or node ends: the column just past its last character.
    end_line: int | None = None
    end_column: int | None = None
    # The same range as 0-based indices into the decoded text, where edits apply.
    offset: int | None = None
    end_offset: int | None = None


def _equal_but_data(self: Any, other: Any) -> bool:
    """== over what a Diagnostic or Finding says (its _identity), not its `data`: facts for
    the output formats and fixes (msgspec compares every field, with no field option)."""
    return type(other) is type(self) and bool(self._identity() == other._identity())


def _hash_but_data(self: Any) -> int:
    return hash(self._identity())


class Diagnostic(Struct, frozen=True):
    code: str
    severity: Severity
    message: str
    location: Location
    rule: str = ""  # short rule name, e.g. "unknown-metric"
    suggestion: str | None = None  # one-line hint, or the corrected YAML fragment
    # Facts for the output formats and fixes: not part of what the diagnostic says, so not
    # compared or hashed (_equal_but_data).
    data: dict[str, Any] = field(default_factory=dict)
    fix: Fix | None = None  # with edits located in the source (none without source text)

    def _identity(self) -> tuple[Any, ...]:
        return (
            self.code,
            self.severity,
            self.message,
            self.location,
            self.rule,
            self.suggestion,
            self.fix,
        )

    __eq__ = _equal_but_data
    __hash__ = _hash_but_data

    def __post_init__(self) -> None:
        # A diagnostic given only a suggestion (by a caller of the Python API, or a stage that
        # adds one later) carries it as advice, so that every reader finds it in `fix`.
        if self.fix is None and self.suggestion is not None:
            force_setattr(self, "fix", Fix.from_suggestion(self.suggestion))

    def with_severity(self, severity: Severity) -> Diagnostic:
        return replace(self, severity=severity)

    def sort_key(self) -> tuple[str, int, int, int, str]:
        loc = self.location
        return (loc.file, loc.document, loc.line or 0, loc.column or 0, self.code)

    def as_dict(self) -> dict[str, Any]:
        loc = self.location
        return {
            "file": loc.file,
            "line": loc.line,
            "column": loc.column,
            "end_line": loc.end_line,
            "end_column": loc.end_column,
            "code": self.code,
            "severity": str(self.severity),
            "rule": self.rule,
            "message": self.message,
            "pointer": loc.pointer,
            "document": loc.document,
            "suggestion": self.suggestion,
            "fix": self.fix.as_dict() if self.fix else None,
        }


class Finding(Struct, frozen=True):
    """What a check reports: a code and a place in the data; the engine adds file and line."""

    code: str
    pointer: str  # JSON pointer relative to the data the check was given
    message: str
    suggestion: str | None = None
    at_key: bool = False  # point at the mapping key rather than its value (unknown fields)
    data: dict[str, Any] = field(default_factory=dict)  # not compared, as in Diagnostic
    fix: Fix | None = None  # changes by pointer; a bare suggestion becomes a display fix

    def _identity(self) -> tuple[Any, ...]:
        return (self.code, self.pointer, self.message, self.suggestion, self.at_key, self.fix)

    __eq__ = _equal_but_data
    __hash__ = _hash_but_data


def pointer_join(base: str, *parts: str | int) -> str:
    """Append reference tokens to a JSON pointer, escaping them as RFC 6901 asks."""
    out = base
    for part in parts:
        token = str(part).replace("~", "~0").replace("/", "~1")
        out = f"{out}/{token}"
    return out

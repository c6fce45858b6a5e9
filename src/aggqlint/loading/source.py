"""Bytes to documents: YAML or JSON values with a source position for every JSON pointer.

A file is read within limits (size, encoding, not a device). A .json file is decoded by the C
decoder, and its positions are worked out only when a finding needs them (loading/jsonspans.py);
YAML text, and JSON the decoder's fast path cannot serve, go through the event pass in
loading/compose.py. Problems found while loading are findings, never exceptions.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any, NamedTuple

from msgspec import Struct, field

from aggqlint.diagnostics import Finding
from aggqlint.loading.jsonsyntax import depth_crossing, read_json

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 200
MAX_NODES = 250_000  # counted with aliases expanded: stops "billion laughs"
MAX_NUMBER_CHARS = 1_000


class RawScalar(Struct):
    """How a non-string scalar was written, to catch YAML 1.1 surprises (`no` → false)."""

    text: str
    value: Any


class Span(NamedTuple):
    """Where a node or key is written: 1-based line and column of its first character and of
    the character just past its last one, and the same two places as offsets (0-based indices
    into the decoded text, as edits apply them)."""

    line: int
    column: int
    offset: int
    end_line: int
    end_column: int
    end_offset: int


# The maps hold plain tuples in Span's order: the loader records one per node, and building a
# NamedTuple for each costs more than the reading itself on large files.
_RawSpan = tuple[int, int, int, int, int, int]
_FILE_START: _RawSpan = (1, 1, 0, 1, 1, 0)


class PositionMap(Struct):
    values: dict[str, _RawSpan] = field(default_factory=dict)
    keys: dict[str, _RawSpan] = field(default_factory=dict)

    def locate(self, pointer: str, at_key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value (or key) at pointer, or of its nearest ancestor."""
        span = self.span(pointer, at_key)
        return span.line, span.column

    def span(self, pointer: str, at_key: bool = False) -> Span:
        """Where the value (or key) at pointer is written, or its nearest ancestor."""
        if at_key and pointer in self.keys:
            return Span(*self.keys[pointer])
        while True:
            if pointer in self.values:
                return Span(*self.values[pointer])
            if not pointer.startswith("/"):  # "" (the top), or no pointer at all: never loop
                return Span(*_FILE_START)
            pointer = pointer.rsplit("/", 1)[0]

    def has_key(self, pointer: str) -> bool:
        return pointer in self.keys

    def has_value(self, pointer: str) -> bool:
        return pointer in self.values


class LoadFailure(Struct, frozen=True):
    """Why a document could not be read, and where: it has no value to check."""

    finding: Finding
    line: int
    column: int


class Document(Struct):
    index: int
    value: Any
    _positions: PositionMap | None
    findings: list[Finding] = field(default_factory=list)
    scalars: dict[str, RawScalar] = field(default_factory=dict)
    _json_text: str | None = None  # positions are worked out from it when first needed
    failure: LoadFailure | None = None  # set when the document could not be read
    partial: Any = None  # with a failure: the top-level value as far as it was read
    # A body found in code (loading/python.py): the endpoint its call names, and the pointers
    # whose values the code computes (not literals: never checked, nor called missing).
    endpoint: str | None = None
    unread: frozenset[str] = frozenset()
    notes: dict[str, str] = field(default_factory=dict)  # pointer -> said after its findings

    @property
    def positions(self) -> PositionMap:
        if self._positions is None:
            # A JSON file read by the fast path: most files have nothing to report, so the
            # positions are worked out only for those that do, by a tokenizer (the JSON is
            # known to be good) that places everything as the YAML event pass would.
            from aggqlint.loading.jsonspans import json_positions

            self._positions = PositionMap(*json_positions(self._json_text or ""))
        return self._positions


class Source(Struct):
    path: str
    text: str
    documents: list[Document]  # every document, those that could not be read too (failure)
    findings: list[Finding] = field(default_factory=list)  # whole-file problems, pointer ""
    error_position: tuple[int, int] = (1, 1)
    as_json: bool = False  # read as strict JSON (a .json file): fixes are written as JSON
    bom: bool = False  # the bytes began with a UTF-8 BOM (text does not): --fix writes it back
    # Python source (loading/python.py): findings about the code itself, each at its own
    # place; fixes are advice (no edits are written into Python).
    located: list[tuple[Finding, Span]] = field(default_factory=list)
    is_python: bool = False


def read_source(path: Path, display: str | None = None) -> Source:
    """Read one file. An unreadable or oversized file is a Source with one finding."""
    name = display or str(path)
    data = read_bytes(path, name)
    if isinstance(data, Source):
        return data
    return parse_source(data, name, as_json=path.suffix.lower() == ".json")


def read_bytes(path: Path, name: str) -> bytes | Source:
    """A file's bytes, or the Source (with one finding) of a file that cannot be read."""
    try:
        # Opened without blocking, so that a FIFO (which would block the run forever) can be
        # told apart by the open file's own status; a regular file reads as usual. One open
        # and one fstat: no separate stat of the path, no buffered file object.
        handle = os.open(path, _READ_FLAGS)
    except OSError as exc:
        return _failed(name, "AQL004", f"cannot read file: {exc.strerror or exc}")
    try:
        status = os.fstat(handle)
        if not stat.S_ISREG(status.st_mode):
            # A FIFO would block the run forever and /dev/zero would fill the memory.
            return _failed(name, "AQL004", "not a regular file (a device, FIFO or socket)")
        size = status.st_size
        if size > MAX_FILE_BYTES:
            return _failed(
                name,
                "AQL006",
                f"file is {size / 1048576:.1f} MB; aggqlint reads report definitions of at most "
                f"{MAX_FILE_BYTES // 1048576} MB",
            )
        # What fstat() said is there, and one byte more to notice a file that grew since;
        # never more than the limit (asking for the limit would allocate it every time).
        data = _read_up_to(handle, size + 1)
        if len(data) > size:
            data += _read_up_to(handle, MAX_FILE_BYTES - len(data) + 1)
    except OSError as exc:
        return _failed(name, "AQL004", f"cannot read file: {exc.strerror or exc}")
    finally:
        os.close(handle)
    return data


# O_BINARY: Windows would otherwise translate line ends; O_NONBLOCK: POSIX only.
_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_NONBLOCK", 0)


def _read_up_to(handle: int, count: int) -> bytes:
    """Up to count bytes, fewer only at the end of the file (os.read may return less)."""
    chunks = []
    while count > 0:
        chunk = os.read(handle, count)
        if not chunk:
            break
        chunks.append(chunk)
        count -= len(chunk)
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def parse_source(data: bytes | str, name: str, as_json: bool = False) -> Source:
    if isinstance(data, bytes):
        if len(data) > MAX_FILE_BYTES:
            return _failed(name, "AQL006", f"input is larger than {MAX_FILE_BYTES // 1048576} MB")
        if b"\x00" in data[:8192]:
            return _failed(name, "AQL004", "binary file (NUL bytes); expected YAML or JSON text")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line, column = _line_col_of_offset(data, exc.start)
            return _failed(
                name,
                "AQL004",
                f"invalid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8",
                (line, column),
            )
    else:
        text = data.removeprefix("\ufeff")
    bom = (data[:3] == b"\xef\xbb\xbf") if isinstance(data, bytes) else data[:1] == "\ufeff"
    if as_json:
        documents = _json_documents(text)
    else:
        from aggqlint.loading.compose import compose

        documents = _without_empty(compose(text, False))
    if not documents:
        return Source(
            name,
            text,
            [],
            [Finding("AQL010", "", "file is empty: no report definition or query to check")],
            bom=bom,
        )
    return Source(name, text, documents, as_json=as_json, bom=bom)


def _without_empty(documents: list[Document]) -> list[Document]:
    """Drop the empty YAML documents (a trailing `---`, a commented-out definition): they send
    nothing to the server. An explicit `null` or `~` is written content and stays."""
    return [document for document in documents if not _is_empty(document)]


def _is_empty(document: Document) -> bool:
    top = document.scalars.get("")
    return (
        document.failure is None and document.value is None and top is not None and top.text == ""
    )


def _failed(
    name: str, code: str, message: str, position: tuple[int, int] = (1, 1), text: str = ""
) -> Source:
    return Source(name, text, [], [Finding(code, "", message)], position)


def _failed_document(code: str, message: str, position: tuple[int, int]) -> Document:
    failure = LoadFailure(Finding(code, "", message), *position)
    return Document(0, None, PositionMap({"": _FILE_START}), failure=failure)


FAST_JSON_BYTES = 256 * 1024


def _json_documents(text: str) -> list[Document]:
    """A .json file: exactly one JSON value. The C decoder reads it (fast, and it finds every
    syntax mistake); the event pass runs only to locate what it cannot (duplicates, NaN)."""
    if not text.strip(" \t\n\r"):
        return []
    reading = read_json(text, MAX_DEPTH)
    if reading.mistake is not None:
        position = _line_col_of_text_offset(text, reading.mistake.offset)
        return [_failed_document("AQL001", reading.mistake.message, position)]
    if reading.too_deep:
        offset = depth_crossing(text, MAX_DEPTH)
        position = (1, 1) if offset is None else _line_col_of_text_offset(text, offset)
        return [_failed_document("AQL006", f"nesting deeper than {MAX_DEPTH} levels", position)]
    clean = not (reading.duplicates or reading.constants or reading.refused or reading.huge)
    if clean and len(text) <= FAST_JSON_BYTES:
        return [Document(0, reading.value, None, _json_text=text)]
    from aggqlint.loading import compose

    try:
        return compose.compose(text, True)
    except compose.YAMLError:
        # Valid JSON that libyaml refuses (rare: some escapes and tab layouts) is still
        # checked; its positions fall back to the document start.
        return [Document(0, reading.value, PositionMap({"": _FILE_START}))]


def point_span(text: str, line: int, column: int) -> Span:
    """The character at a 1-based (line, column), as a span: where a problem found at one
    point (a syntax error) is shown. At the end of a line or of the text, an empty span."""
    offset = 0
    for _ in range(line - 1):
        found = text.find("\n", offset)
        if found < 0:
            offset = len(text)
            break
        offset = found + 1
    offset = min(offset + column - 1, len(text))
    width = 1 if offset < len(text) and text[offset] not in "\r\n" else 0
    return Span(line, column, offset, line, column + width, offset + width)


def _raw(span: Span) -> _RawSpan:
    return (span.line, span.column, span.offset, span.end_line, span.end_column, span.end_offset)


def _line_col_of_text_offset(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _line_col_of_offset(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column

"""Bytes to documents: YAML or JSON values with a source position for every JSON pointer.

PyYAML's own constructors lose positions, keep the last of duplicate keys, turn timestamps into
datetimes and recurse in C (a 100,000-deep document crashes the interpreter). So the documents
are built here from the parser's event stream, iteratively, with limits on depth, alias
expansion and size. Problems found while loading are findings, never exceptions.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import yaml

from aggqlint.diagnostics import Finding, pointer_join
from aggqlint.loading.jsonsyntax import depth_crossing, read_json
from aggqlint.loading.yamlsyntax import word_yaml_error

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 200
MAX_NODES = 250_000  # counted with aliases expanded: stops "billion laughs"
MAX_NUMBER_CHARS = 1_000

_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
# A JSON number, as JSON (not YAML 1.1) reads it.
_JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")


@dataclass(slots=True)
class RawScalar:
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


@dataclass
class PositionMap:
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


@dataclass(frozen=True, slots=True)
class LoadFailure:
    """Why a document could not be read, and where: it has no value to check."""

    finding: Finding
    line: int
    column: int


@dataclass
class Document:
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
            # event pass that finds positions runs only for those that do.
            try:
                self._positions = _compose(self._json_text or "", True)[0].positions
            except (yaml.YAMLError, IndexError):
                # Valid JSON libyaml cannot scan (surrogate-pair escapes): the document start.
                self._positions = PositionMap({"": _FILE_START})
        return self._positions


@dataclass
class Source:
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


class _LoadError(Exception):
    def __init__(
        self, code: str, message: str, line: int = 1, column: int = 1, ends_stream: bool = False
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column
        self.ends_stream = ends_stream  # a limit on the whole file: the documents after it too


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
        status = path.stat()
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
        with path.open("rb") as handle:
            # What stat() said is there, and one byte more to notice a file that grew since;
            # never more than the limit (asking for the limit would allocate it every time).
            data = handle.read(size + 1)
            if len(data) > size:
                data += handle.read(MAX_FILE_BYTES - len(data) + 1)
    except OSError as exc:
        return _failed(name, "AQL004", f"cannot read file: {exc.strerror or exc}")
    return data


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
    documents = _json_documents(text) if as_json else _without_empty(_compose(text, False))
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
# A number that may be too large for a double (1e400, 309 digits): the event pass keeps its
# text, so the finding can say what was written. A false match only costs the slower path.
_MAY_OVERFLOW = re.compile(r"[eE]\+?[0-9]{3}|[0-9]{309}")


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
    clean = not (
        reading.duplicates
        or reading.constants
        or reading.refused
        or _MAY_OVERFLOW.search(text) is not None
    )
    if clean and len(text) <= FAST_JSON_BYTES:
        return [Document(0, reading.value, None, _json_text=text)]
    try:
        return _compose(text, True)
    except yaml.YAMLError:
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


# Entries of the position log: what kind of position, for which pointer.
_VALUE, _KEY, _SCALAR = 0, 1, 2


class _Frame:
    __slots__ = (
        "anchor",
        "container",
        "end",
        "key",
        "key_mark",
        "log_start",
        "merges",
        "merging",
        "pointer",
        "role",
        "seen",
        "start",
        "start_nodes",
    )

    def __init__(
        self, container: Any, pointer: str, anchor: str | None, start_nodes: int, log_start: int
    ) -> None:
        self.container = container
        self.start_nodes = start_nodes  # node count when opened: an anchor's weight for aliases
        self.log_start = log_start  # its subtree's entries in the position log start here
        self.pointer = pointer
        self.anchor = anchor
        self.key: str | None = None  # pending mapping key
        self.key_mark: _RawSpan = _FILE_START
        self.start: _RawSpan = _FILE_START  # where the collection is written
        self.end: tuple[int, int, int] | None = None  # past its last child so far
        self.merging = False  # the pending key is the merge key `<<`
        self.seen: dict[str, _RawSpan] = {}
        self.merges: list[_Anchor] = []  # mappings merged in, first one wins
        self.role = ""  # "merge-map" or "merge-list": the value of a `<<`, not a field


@dataclass(slots=True)
class _Anchor:
    value: Any
    weight: int  # nodes it expands to
    pointer: str  # where it is written: merged-in content is located there
    log_start: int
    log_end: int


def _compose(text: str, as_json: bool) -> list[Document]:
    return _Composer(text, as_json).compose()


# A line that starts a new document: after a parser error the next one is read afresh.
_DOCUMENT_START = re.compile(r"^---(?=[ \t\r\n]|$)", re.MULTILINE)
MAX_RESTARTS = 100  # each restart copies the rest of the text: a bound on a broken 5 MB file


class _Composer:
    """Documents from the parser's event stream. A problem in one document fails that document
    only. The parser cannot go on after a syntax error (or its own limits): reading starts
    again at the next `---` line, where YAML says a new document begins."""

    def __init__(self, text: str, as_json: bool) -> None:
        self.loader: Any = None
        self.text = text
        self.as_json = as_json
        self.restarts = 0
        self.origin = -1  # where the text read now begins (after blank lines), -1 at first
        self.documents: list[Document] = []
        self.doc: Document | None = None
        self.stack: list[_Frame] = []
        self.anchors: dict[str, _Anchor] = {}
        self.nodes = 0
        self.root: Any = None
        # The positions recorded inside anchored (or merged) nodes, in order: each such node's
        # entries are one slice of it, so merging it elsewhere copies that slice instead of
        # scanning the whole document. Nothing is logged outside them.
        self.log: list[tuple[int, str, Any]] = []
        self.logging = 0  # anchored or merged nodes open
        self.read_up_to = 0  # text index after the last event delivered
        # After a restart the text read is shorter than the file (what was skipped is blank
        # lines): marks' indices plus this are offsets into the file's text.
        self.shift = 0
        self.maps: tuple[dict[str, Any], ...] = ()  # the document's maps, by kind of entry

    def compose(self) -> list[Document]:
        try:
            self._read()
        finally:
            if self.loader is not None:
                self.loader.dispose()
        return self.documents

    def _read(self) -> None:
        skipping = False  # the current document failed: read on to its end
        while True:
            try:
                if self.loader is None:  # the pure-Python reader checks the text at once
                    self.loader = _Loader(self.text)
                event = self.loader.get_event()
            except yaml.YAMLError as exc:
                if self.as_json:
                    raise  # valid JSON libyaml cannot read: the caller falls back to json
                if not skipping:  # else it is the failed document's aftermath
                    self._fail(*self._stream_problem(exc))
                if not self._restart_after(exc):
                    return
                skipping = False
                continue
            if event is None or isinstance(event, yaml.StreamEndEvent):
                return
            if event.end_mark is not None:
                self.read_up_to = event.end_mark.index
            if skipping:
                skipping = not isinstance(event, yaml.DocumentEndEvent)
                continue
            try:
                self._take(event)
            except _LoadError as err:
                self._fail(err.code, err.message, (err.line, err.column))
                if err.ends_stream:
                    return
                skipping = not isinstance(event, yaml.DocumentEndEvent)

    def _restart_after(self, exc: yaml.YAMLError) -> bool:
        """Read on from the first `---` line after the error, with a new parser."""
        if isinstance(exc, yaml.MarkedYAMLError):
            mark = exc.problem_mark or exc.context_mark
            if mark is None:
                return False
            index = mark.index
        elif isinstance(exc, yaml.reader.ReaderError):
            index = exc.position
        else:
            return False
        # From the start of the error's line: a `---` there is where the next document begins
        # (an unclosed bracket is found wanting only there). Always past the last restart.
        line_start = self.text.rfind("\n", 0, index) + 1
        found = _DOCUMENT_START.search(self.text, max(line_start, self.origin + 1))
        if found is None or self.restarts >= MAX_RESTARTS:
            return False
        self.restarts += 1
        if self.loader is not None:
            self.loader.dispose()
            self.loader = None
        # Blank lines in place of what was read keep every line number and column as they are.
        skipped = self.text.count("\n", 0, found.start())
        self.shift += found.start() - skipped
        self.text = "\n" * skipped + self.text[found.start() :]
        self.read_up_to = self.origin = skipped
        self.doc = None
        self.stack = []
        return True

    def _fail(self, code: str, message: str, position: tuple[int, int]) -> None:
        doc = self.doc
        if doc is None:  # before any document started (or between two)
            span = point_span(self.text, *position)
            shifted = span._replace(offset=span.offset + self.shift)
            span = shifted._replace(end_offset=span.end_offset + self.shift)
            doc = Document(len(self.documents), None, PositionMap({"": _raw(span)}))
        # What was read before the problem: only to judge whether a walked file is ours at all.
        doc.partial = self.stack[0].container if self.stack else None
        doc.value = None
        doc.failure = LoadFailure(Finding(code, "", message), *position)
        self.documents.append(doc)
        self.doc = None
        self.stack = []

    def _stream_problem(self, exc: yaml.YAMLError) -> tuple[str, str, tuple[int, int]]:
        if isinstance(exc, yaml.reader.ReaderError):  # control characters: an offset, no mark
            return (
                "AQL001",
                f"control character U+{exc.character:04X} is not allowed in YAML; remove it, or "
                "write it as an escape in a double-quoted string",
                _line_col_of_text_offset(self.text, exc.position),
            )
        if not isinstance(exc, yaml.MarkedYAMLError):
            return "AQL001", "YAML error: the parser stopped here", (1, 1)
        mark = exc.problem_mark or exc.context_mark
        if mark is None:
            return "AQL001", "YAML syntax error", (1, 1)
        crossing = self._depth_crossing(mark.index)
        if crossing is not None:
            return "AQL006", f"nesting deeper than {MAX_DEPTH} levels", crossing
        message, position = word_yaml_error(self.text, exc)
        return "AQL001", message, position

    def _depth_crossing(self, stop: int) -> tuple[int, int] | None:
        """Where our depth limit is crossed before index stop, when the parser refused first.

        Parsers limit nesting too (libyaml: 1,000 flow levels) and, reading ahead, may refuse
        before our limit is reached. Reading the text up to the refusal again, which stays
        within the parser's limit, finds where ours was crossed. It is worth doing only when
        enough text was left unread to open the missing levels: one character each.
        """
        missing = MAX_DEPTH + 1 - len(self.stack)
        if stop - self.read_up_to < missing:
            return None
        loader = _Loader(self.text[:stop])
        depth = 0
        try:
            while (event := loader.get_event()) is not None:
                if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
                    depth += 1
                    mark = event.start_mark
                    if depth > MAX_DEPTH and mark is not None and mark.index >= self.read_up_to:
                        return _mark(event)
                elif isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
                    depth -= 1
        except yaml.YAMLError:
            return None  # the cut text ends mid-way: no crossing before it
        finally:
            loader.dispose()
        return None

    def _record(self, kind: int, pointer: str, item: Any) -> None:
        self.maps[kind][pointer] = item
        if self.logging:
            self.log.append((kind, pointer, item))

    def _count(self, weight: int, event: Any) -> None:
        self.nodes += weight
        if self.nodes > MAX_NODES:
            message = (
                f"aliases expand to more than {MAX_NODES:,} values; refusing an alias bomb"
                if isinstance(event, yaml.AliasEvent)
                else f"more than {MAX_NODES:,} values"
            )
            raise _LoadError("AQL006", message, *_mark(event), ends_stream=True)

    def _take(self, event: Any) -> None:
        kind = type(event)
        if kind is yaml.ScalarEvent:  # the most frequent first
            self._scalar_event(event)
        elif kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            self._open(event)
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            self._close(event)
        elif kind is yaml.AliasEvent:
            anchor = self.anchors.get(event.anchor or "")
            if anchor is None:
                raise _LoadError("AQL001", f"unknown alias *{event.anchor}", *_mark(event))
            self._count(anchor.weight, event)
            self._place(anchor.value, event, anchor)
        elif kind is yaml.DocumentStartEvent:
            self.doc = Document(len(self.documents), None, PositionMap())
            self.maps = (self.doc.positions.values, self.doc.positions.keys, self.doc.scalars)
            self.anchors = {}
            self.root = None
            self.log = []
            self.logging = 0
        elif kind is yaml.DocumentEndEvent:
            assert self.doc is not None
            self.doc.value = self.root
            self.documents.append(self.doc)
            self.doc = None

    def _scalar_event(self, event: Any) -> None:
        self._count(1, event)
        if event.value == "<<" and self._is_merge_key(event):
            top = self.stack[-1] if self.stack else None
            if (
                top is not None
                and isinstance(top.container, dict)
                and top.key is None
                and not top.merging
            ):
                top.merging = True
                top.key_mark = self._span(event)
                return
        value, raw = _scalar(self.loader, event, self.as_json)
        pointer = self._place(value, event, None)
        if raw is not None and pointer is not None:
            self._record(_SCALAR, pointer, raw)
        if event.anchor:
            end = len(self.log)
            self.anchors[event.anchor] = _Anchor(value, 1, pointer or "", end, end)

    def _is_merge_key(self, event: Any) -> bool:
        # `<<` written plain is YAML 1.1's merge key; quoted, or in JSON, it is a field name.
        return not self.as_json and event.value == "<<" and not event.style and event.tag is None

    def _open(self, event: Any) -> None:
        self._count(1, event)
        if len(self.stack) >= MAX_DEPTH:
            raise _LoadError("AQL006", f"nesting deeper than {MAX_DEPTH} levels", *_mark(event))
        _check_collection_tag(event)
        container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
        top = self.stack[-1] if self.stack else None
        role = ""
        if top is not None and top.merging:
            role = "merge-map" if isinstance(container, dict) else "merge-list"
            top.merging = False
            pointer = pointer_join(top.pointer, "<<")
        elif top is not None and top.role == "merge-list":
            if not isinstance(container, dict):
                raise _LoadError("AQL001", _MERGE_VALUE, *_mark(event))
            role = "merge-map"
            pointer = pointer_join(top.pointer, len(top.container))
            top.container.append(container)
        else:
            if top is not None and isinstance(top.container, dict) and top.key is None:
                raise _LoadError(
                    "AQL008",
                    "a mapping key must be a plain string, not a list or mapping",
                    *_mark(event),
                )
            pointer = self._place(container, event, None) or ""
        frame = _Frame(container, pointer, event.anchor, self.nodes, len(self.log))
        frame.role = role
        if event.anchor or role:
            self.logging += 1
        frame.start = self._span(event)
        if role:
            self._record(_VALUE, pointer, frame.start)
        self.stack.append(frame)

    def _close(self, event: Any) -> None:
        frame = self.stack.pop()
        # A flow collection ends at its closing bracket; a block one with its last child (its
        # end event comes only where the next token starts, after comments and blank lines).
        if event.start_mark.index != event.end_mark.index or frame.end is None:
            end = self._point(event.end_mark)
        else:
            end = frame.end
        self._record(_VALUE, frame.pointer, frame.start[:3] + end)
        if self.stack:
            self.stack[-1].end = end
        if frame.merges:
            self._merge(frame)
        if frame.anchor or frame.role:
            self.logging -= 1
        anchor = _Anchor(
            frame.container,
            max(1, self.nodes - frame.start_nodes),
            frame.pointer,
            frame.log_start,
            len(self.log),
        )
        if frame.anchor:
            self.anchors[frame.anchor] = anchor
        if frame.role == "merge-map":
            self._merge_target().merges.append(anchor)

    def _merge_target(self) -> _Frame:
        # The mapping a `<<` belongs to: the parent, or the grandparent through a list.
        top = self.stack[-1]
        return self.stack[-2] if top.role == "merge-list" else top

    def _place(self, value: Any, event: Any, anchor: _Anchor | None) -> str | None:
        """Attach a finished value to its parent; return its pointer, or None for a key."""
        mark = self._span(event)
        if not self.stack:
            self.root = value
            self._record(_VALUE, "", mark)
            return ""
        top = self.stack[-1]
        top.end = mark[3:]
        if top.merging or top.role == "merge-list":
            # Only a mapping merges: an alias to one here, inline ones come through _open.
            if anchor is None or not isinstance(value, dict):
                raise _LoadError("AQL001", _MERGE_VALUE, *mark[:2])
            self._merge_target().merges.append(anchor)
            top.merging = False
            return None
        if isinstance(top.container, list):
            pointer = pointer_join(top.pointer, len(top.container))
            top.container.append(value)
            self._record(_VALUE, pointer, mark)
            return pointer
        if top.key is None:
            top.key = _key_text(value, event)
            top.key_mark = mark
            return None
        key = top.key
        top.key = None
        pointer = pointer_join(top.pointer, key)
        if key in top.seen:
            assert self.doc is not None
            first = top.seen[key][0]
            reader = "most JSON readers" if self.as_json else "YAML would"
            self.doc.findings.append(
                Finding(
                    "AQL002",
                    pointer,
                    f"duplicate key '{key}' (first at line {first}); {reader} silently "
                    "keep only the last one",
                    at_key=True,
                )
            )
        top.seen[key] = top.key_mark
        top.container[key] = value
        self._record(_KEY, pointer, top.key_mark)
        self._record(_VALUE, pointer, mark)
        return pointer

    def _point(self, mark: Any) -> tuple[int, int, int]:
        return (mark.line + 1, mark.column + 1, mark.index + self.shift)

    def _span(self, event: Any) -> _RawSpan:
        start, end = event.start_mark, event.end_mark
        if getattr(event, "style", None) in ("|", ">"):
            # A block scalar's end mark is past its trailing line breaks (and the indentation
            # of the next line): the span ends with its last character.
            index = end.index
            while index > start.index and self.text[index - 1] in " \t\r\n":
                index -= 1
            line_start = self.text.rfind("\n", 0, index) + 1
            line = start.line + 1 + self.text.count("\n", start.index, index)
            return (
                start.line + 1,
                start.column + 1,
                start.index + self.shift,
                line,
                index - line_start + 1,
                index + self.shift,
            )
        return (
            start.line + 1,
            start.column + 1,
            start.index + self.shift,
            end.line + 1,
            end.column + 1,
            end.index + self.shift,
        )

    def _merge(self, frame: _Frame) -> None:
        """YAML merge: keys written in the mapping win, then the first mapping merged in.
        Merged-in keys take the positions where their content is written."""
        container = frame.container
        for source in frame.merges:
            added = set()
            for key, value in source.value.items():
                if key not in container:
                    container[key] = value
                    added.add(pointer_join("", key)[1:])
            if not added:
                continue
            cut = len(source.pointer)
            for index in range(source.log_start, source.log_end):
                kind, pointer, item = self.log[index]
                rest = pointer[cut:]
                if rest and rest[1:].partition("/")[0] in added:
                    self._record(kind, frame.pointer + rest, item)


_MERGE_VALUE = (
    "a merge key '<<' takes a mapping: an alias to one (<<: *defaults), a list of them "
    "(<<: [*a, *b]) or a mapping written in place"
)


_PLAIN_COLLECTION_TAGS = (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq")


def _check_collection_tag(event: Any) -> None:
    # Tags on mappings and lists (!!python/object, !!set, !!omap) would otherwise be dropped
    # without a word; they are never constructed, only refused.
    if event.tag not in _PLAIN_COLLECTION_TAGS:
        raise _LoadError("AQL001", _tag_message(event.tag), *_mark(event))


def _tag_message(tag: str) -> str:
    if tag.startswith("tag:yaml.org,2002:"):
        return f"YAML tag '!!{tag.removeprefix('tag:yaml.org,2002:')}' is not supported in a query"
    return f"unknown YAML tag {tag!r}"


def _mark(event: Any) -> tuple[int, int]:
    return (event.start_mark.line + 1, event.start_mark.column + 1)


def _key_text(value: Any, event: Any) -> str:
    # Keys are field names: use exactly what was written (`yes:` stays "yes", `1:` stays "1").
    if isinstance(event, yaml.ScalarEvent):
        return str(event.value)
    return str(value)


def _scalar(loader: Any, event: Any, as_json: bool) -> tuple[Any, RawScalar | None]:
    text: str = event.value
    if event.style:  # quoted or block scalar: always a string
        return text, None
    if event.tag and event.tag != "!":
        tag = event.tag
    elif as_json:
        return _json_scalar(text, event)
    else:
        tag = loader.resolve(yaml.ScalarNode, text, event.implicit)
    if tag == "tag:yaml.org,2002:str" or tag == "tag:yaml.org,2002:timestamp":
        # Timestamps stay the strings the user wrote: the API wants ISO 8601 text.
        return text, None
    if tag == "tag:yaml.org,2002:null":
        return None, RawScalar(text, None)
    if tag in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
        _check_number_length(text, event)
        node = yaml.ScalarNode(tag, text, event.start_mark, event.end_mark)
        try:
            value = _CONSTRUCTOR.yaml_constructors[tag](_CONSTRUCTOR, node)
        except (ValueError, IndexError, KeyError):  # an explicit tag on other text: !!int abc
            short = tag.removeprefix("tag:yaml.org,2002:")
            raise _LoadError(
                "AQL001", f"{text!r} is not a valid !!{short}", *_mark(event)
            ) from None
        return value, RawScalar(text, value)
    raise _LoadError("AQL001", _tag_message(tag), *_mark(event))


def _json_scalar(text: str, event: Any) -> tuple[Any, RawScalar | None]:
    if text in ("true", "false"):
        return text == "true", RawScalar(text, text == "true")
    if text == "null":
        return None, RawScalar(text, None)
    if _JSON_NUMBER.fullmatch(text):
        _check_number_length(text, event)
        number: Any = float(text) if any(c in text for c in ".eE") else int(text)
        return number, RawScalar(text, number)
    raise _LoadError(
        "AQL001",
        f"{text!r} is not valid JSON; write a number, true/false/null or a quoted string",
        event.start_mark.line + 1,
        event.start_mark.column + 1,
    )


def _check_number_length(text: str, event: Any) -> None:
    # Python refuses to convert integers of more than 4,300 digits to or from text (int()
    # and str() raise), so a longer number would crash whichever check printed it.
    if len(text) > MAX_NUMBER_CHARS:
        raise _LoadError(
            "AQL006",
            f"a number of {len(text):,} characters; aggqlint reads numbers of at most "
            f"{MAX_NUMBER_CHARS:,} characters",
            *_mark(event),
        )

"""The YAML event pass: documents, values and where each is written, from PyYAML's events.

PyYAML's own constructors lose positions, keep the last of duplicate keys, turn timestamps into
datetimes and recurse in C (a 100,000-deep document crashes the interpreter). So the documents
are built here from the parser's event stream, iteratively, with limits on depth, alias
expansion and size.

Every YAML file goes through it; a .json file only when the C decoder's fast path cannot serve
it (loading/source.py). Kept apart so that a run on JSON bodies never imports PyYAML.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from msgspec import Struct

from aggqlint.diagnostics import Finding, pointer_join
from aggqlint.loading.source import (
    _FILE_START,
    MAX_DEPTH,
    MAX_NODES,
    MAX_NUMBER_CHARS,
    Document,
    LoadFailure,
    PositionMap,
    RawScalar,
    _line_col_of_text_offset,
    _raw,
    _RawSpan,
    point_span,
)
from aggqlint.loading.yamlsyntax import word_yaml_error

YAMLError = yaml.YAMLError
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_CONSTRUCTOR = yaml.constructor.SafeConstructor()
# A JSON number, as JSON (not YAML 1.1) reads it.
_JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")


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


class _Anchor(Struct):
    value: Any
    weight: int  # nodes it expands to
    pointer: str  # where it is written: merged-in content is located there
    log_start: int
    log_end: int


def compose(text: str, as_json: bool) -> list[Document]:
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

"""Bytes to documents: YAML or JSON values with a source position for every JSON pointer.

PyYAML's own constructors lose positions, keep the last of duplicate keys, turn timestamps into
datetimes and recurse in C (a 100,000-deep document crashes the interpreter). So the documents
are built here from the parser's event stream, iteratively, with limits on depth, alias
expansion and size. Problems found while loading are findings, never exceptions.
"""

from __future__ import annotations

import json
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from aggqlint.diagnostics import Finding, pointer_join

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


@dataclass
class PositionMap:
    values: dict[str, tuple[int, int]] = field(default_factory=dict)
    keys: dict[str, tuple[int, int]] = field(default_factory=dict)

    def locate(self, pointer: str, at_key: bool = False) -> tuple[int, int]:
        """1-based (line, column) of the value (or key) at pointer, or of its nearest ancestor."""
        if at_key and pointer in self.keys:
            return self.keys[pointer]
        while True:
            if pointer in self.values:
                return self.values[pointer]
            if not pointer.startswith("/"):  # "" (the top), or no pointer at all: never loop
                return (1, 1)
            pointer = pointer.rsplit("/", 1)[0]


@dataclass
class Document:
    index: int
    value: Any
    _positions: PositionMap | None
    findings: list[Finding] = field(default_factory=list)
    scalars: dict[str, RawScalar] = field(default_factory=dict)
    _json_text: str | None = None  # positions are worked out from it when first needed

    @property
    def positions(self) -> PositionMap:
        if self._positions is None:
            # A JSON file read by the fast path: most files have nothing to report, so the
            # event pass that finds positions runs only for those that do.
            try:
                self._positions = _compose(self._json_text or "", True)[0].positions
            except (yaml.YAMLError, _LoadError, IndexError):
                # Valid JSON libyaml cannot scan (surrogate-pair escapes): the document start.
                self._positions = PositionMap({"": (1, 1)})
        return self._positions


@dataclass
class Source:
    path: str
    text: str
    documents: list[Document]
    findings: list[Finding] = field(default_factory=list)  # whole-file problems, pointer ""
    error_position: tuple[int, int] = (1, 1)


class _LoadError(Exception):
    def __init__(self, code: str, message: str, line: int = 1, column: int = 1) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.line = line
        self.column = column


def read_source(path: Path, display: str | None = None) -> Source:
    """Read one file. An unreadable or oversized file is a Source with one finding."""
    name = display or str(path)
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
            # Never more than the limit, even if the file grows after stat().
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        return _failed(name, "AQL004", f"cannot read file: {exc.strerror or exc}")
    return parse_source(data, name, as_json=path.suffix.lower() == ".json")


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
    if as_json:
        fast = _fast_json(text)
        if fast is not None:
            return Source(name, text, [fast])
    try:
        documents = _compose(text, as_json)
    except _LoadError as err:
        return _failed(name, err.code, err.message, (err.line, err.column), text)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = " ".join(filter(None, [exc.context, exc.problem])) or "syntax error"
        if mark and mark.index < len(text) and text[mark.index] == "\t":
            problem += " (a tab: YAML indents with spaces only)"
        if as_json:
            return _json_fallback(text, name, problem, (line, column))
        return _failed(name, "AQL001", f"YAML syntax error: {problem}", (line, column), text)
    except yaml.reader.ReaderError as exc:  # control characters: an offset, no mark object
        line, column = _line_col_of_text_offset(text, exc.position)
        return _failed(
            name,
            "AQL001",
            f"control character U+{exc.character:04X} is not allowed in YAML; remove it, or "
            "write it as an escape in a double-quoted string",
            (line, column),
            text,
        )
    except yaml.YAMLError as exc:
        return _failed(name, "AQL001", f"YAML error: {exc}", (1, 1), text)
    if not documents:
        return Source(
            name,
            text,
            [],
            [Finding("AQL010", "", "file is empty: no report definition or query to check")],
        )
    return Source(name, text, documents)


def _failed(
    name: str, code: str, message: str, position: tuple[int, int] = (1, 1), text: str = ""
) -> Source:
    return Source(name, text, [], [Finding(code, "", message)], position)


def _json_fallback(text: str, name: str, problem: str, position: tuple[int, int]) -> Source:
    # Valid JSON that libyaml refuses (rare: some tab layouts) still deserves a check;
    # its positions fall back to the document start.
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except json.JSONDecodeError as exc:
        return _failed(name, "AQL001", f"JSON syntax error: {exc.msg}", (exc.lineno, exc.colno))
    except ValueError as exc:
        return _failed(name, "AQL001", str(exc), position)
    except RecursionError:
        return _failed(name, "AQL006", f"nesting deeper than {MAX_DEPTH} levels", position)
    return Source(name, text, [Document(0, value, PositionMap({"": (1, 1)}))])


FAST_JSON_BYTES = 256 * 1024


class _Duplicate(Exception):
    pass


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    value = dict(pairs)
    if len(value) != len(pairs):
        raise _Duplicate
    return value


def _fast_json(text: str) -> Document | None:
    """A small, clean JSON document parsed by the C decoder, or None to take the event path,
    which reports every problem (syntax, duplicates, NaN, depth) with its position."""
    if len(text) > FAST_JSON_BYTES:
        return None
    try:
        value = json.loads(text, object_pairs_hook=_unique_keys, parse_constant=_reject_constant)
    except (ValueError, _Duplicate, RecursionError):
        return None
    if _deeper_than(value, MAX_DEPTH):
        return None
    return Document(0, value, None, _json_text=text)


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


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON; write a number or a string")


def _line_col_of_text_offset(text: str, offset: int) -> tuple[int, int]:
    before = text[:offset]
    return before.count("\n") + 1, offset - (before.rfind("\n") + 1) + 1


def _line_col_of_offset(data: bytes, offset: int) -> tuple[int, int]:
    before = data[:offset]
    line = before.count(b"\n") + 1
    column = offset - (before.rfind(b"\n") + 1) + 1
    return line, column


class _Frame:
    __slots__ = ("anchor", "container", "key", "key_mark", "pointer", "seen", "start_nodes")

    def __init__(self, container: Any, pointer: str, anchor: str | None, start_nodes: int) -> None:
        self.container = container
        self.start_nodes = start_nodes  # node count when opened: an anchor's weight for aliases
        self.pointer = pointer
        self.anchor = anchor
        self.key: str | None = None  # pending mapping key
        self.key_mark: tuple[int, int] = (1, 1)
        self.seen: dict[str, tuple[int, int]] = {}


def _compose(text: str, as_json: bool) -> list[Document]:
    loader = _Loader(text)
    try:
        return _compose_events(loader, as_json)
    finally:
        loader.dispose()


def _compose_events(loader: Any, as_json: bool) -> list[Document]:
    documents: list[Document] = []
    doc: Document | None = None
    stack: list[_Frame] = []
    anchors: dict[str, tuple[Any, int]] = {}
    nodes = 0
    root: Any = None

    def mark_of(event: Any) -> tuple[int, int]:
        return (event.start_mark.line + 1, event.start_mark.column + 1)

    def place(value: Any, event: Any, weight: int) -> str | None:
        """Attach a finished value to its parent; return its pointer, or None for a key."""
        nonlocal root
        assert doc is not None
        if not stack:
            root = value
            doc.positions.values[""] = mark_of(event)
            return ""
        top = stack[-1]
        if isinstance(top.container, list):
            pointer = pointer_join(top.pointer, len(top.container))
            top.container.append(value)
            doc.positions.values[pointer] = mark_of(event)
            return pointer
        if top.key is None:
            top.key = _key_text(value, event)
            top.key_mark = mark_of(event)
            return None
        key = top.key
        top.key = None
        pointer = pointer_join(top.pointer, key)
        if key in top.seen:
            first = top.seen[key][0]
            doc.findings.append(
                Finding(
                    "AQL002",
                    pointer,
                    f"duplicate key '{key}' (first at line {first}); YAML would silently "
                    "keep only the last one",
                    at_key=True,
                )
            )
        top.seen[key] = top.key_mark
        top.container[key] = value
        doc.positions.keys[pointer] = top.key_mark
        doc.positions.values[pointer] = mark_of(event)
        return pointer

    while True:
        event = loader.get_event()
        if event is None or isinstance(event, yaml.StreamEndEvent):
            break
        if isinstance(event, yaml.DocumentStartEvent):
            doc = Document(len(documents), None, PositionMap())
            anchors = {}
            root = None
            continue
        if isinstance(event, yaml.DocumentEndEvent):
            assert doc is not None
            doc.value = root
            documents.append(doc)
            doc = None
            continue
        if isinstance(event, yaml.AliasEvent):
            if event.anchor not in anchors:
                raise _LoadError("AQL001", f"unknown alias *{event.anchor}", *mark_of(event))
            value, weight = anchors[event.anchor]
            nodes += weight
            if nodes > MAX_NODES:
                raise _LoadError(
                    "AQL006",
                    f"aliases expand to more than {MAX_NODES:,} values; refusing an alias bomb",
                    *mark_of(event),
                )
            place(value, event, weight)
            continue
        if isinstance(event, yaml.ScalarEvent):
            nodes += 1
            if nodes > MAX_NODES:
                raise _LoadError("AQL006", f"more than {MAX_NODES:,} values", *mark_of(event))
            value, raw = _scalar(loader, event, as_json)
            pointer = place(value, event, 1)
            if raw is not None and pointer is not None and doc is not None:
                doc.scalars[pointer] = raw
            if event.anchor:
                anchors[event.anchor] = (value, 1)
            continue
        if isinstance(event, yaml.MappingStartEvent | yaml.SequenceStartEvent):
            nodes += 1
            if len(stack) >= MAX_DEPTH:
                raise _LoadError(
                    "AQL006", f"nesting deeper than {MAX_DEPTH} levels", *mark_of(event)
                )
            _check_collection_tag(event)
            container: Any = {} if isinstance(event, yaml.MappingStartEvent) else []
            parent_key_pending = bool(stack) and isinstance(stack[-1].container, dict)
            if parent_key_pending and stack[-1].key is None:
                assert doc is not None
                raise _LoadError(
                    "AQL008",
                    "a mapping key must be a plain string, not a list or mapping",
                    *mark_of(event),
                )
            pointer = place(container, event, 1)
            stack.append(_Frame(container, pointer or "", event.anchor, nodes))
            continue
        if isinstance(event, yaml.MappingEndEvent | yaml.SequenceEndEvent):
            frame = stack.pop()
            if frame.anchor:
                anchors[frame.anchor] = (frame.container, max(1, nodes - frame.start_nodes))
            continue
    return documents


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

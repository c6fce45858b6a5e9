"""A Python file as a Source: each query body its code builds becomes one Document (the body
as the server would get it, with every pointer placed at the Python that wrote it), and the
findings about the code itself are located at their node. The engine then checks the bodies
with the same rules as YAML and JSON ones."""

from __future__ import annotations

import ast
import io
import re
import tokenize
import warnings
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from aggqlint.api import sdk
from aggqlint.diagnostics import Finding, pointer_join
from aggqlint.loading import python_findings as findings
from aggqlint.loading.python import MENTIONS, PythonBody, read_python
from aggqlint.loading.python_values import (
    DictValue,
    ListValue,
    Literal,
    ModelObject,
    Unknown,
    Value,
)
from aggqlint.loading.source import (
    MAX_FILE_BYTES,
    Document,
    PositionMap,
    Source,
    Span,
    read_bytes,
)


def read_python_source(path: Path, display: str | None = None) -> Source:
    name = display or str(path)
    data = read_bytes(path, name)  # refuses a FIFO or device, and a file over the limit
    if isinstance(data, Source):
        return data
    return parse_python(data, name)


def parse_python(data: bytes | str, name: str) -> Source:
    if isinstance(data, bytes):
        if len(data) > MAX_FILE_BYTES:
            return _failed(name, "", f"file is larger than {MAX_FILE_BYTES:,} bytes: not read")
        try:  # the encoding its coding comment declares (PEP 263), else UTF-8
            encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
            text = data.decode(encoding)
        except (SyntaxError, LookupError, UnicodeDecodeError):
            return _failed(name, "", "file is not text in its declared encoding: not read")
    else:
        text = data
    source = Source(name, text, [], is_python=True)
    if not MENTIONS.search(text):
        return source  # no analytics query here: nothing to read
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # invalid escape sequences and the like
            tree = ast.parse(text, name)
    except (SyntaxError, ValueError) as error:
        line = getattr(error, "lineno", None) or 1
        column = getattr(error, "offset", None) or 1
        source.findings.append(
            Finding(
                "AQL806",
                "",
                f"not valid Python ({getattr(error, 'msg', error)}): its queries were not checked",
            )
        )
        source.error_position = (line, column)
        return source
    except RecursionError:
        return _failed(name, text, "the code is nested too deeply to read")
    try:
        _read_into(source, tree, _Places(text))
    except RecursionError:
        return _failed(name, text, "the code is nested too deeply to read")
    except Exception as error:  # a reader bug is a diagnostic for this file, never a crash
        message = f"aggqlint could not read this code ({type(error).__name__}: {error})"
        return _failed(name, text, message + "; its queries were not checked")
    return source


def _read_into(source: Source, tree: ast.Module, places: _Places) -> None:
    reading = read_python(tree)
    for finding, node in reading.findings:
        source.located.append((finding, places.span(node)))
    for body in reading.bodies:
        # One file, one place: every body is "document 0", so diagnostics sort by line.
        source.documents.append(_document(0, body, places))


def _failed(name: str, text: str, message: str) -> Source:
    return Source(name, text, [], [Finding("AQL806", "", message)], is_python=True)


_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+$")


class _Places:
    """Spans of AST nodes in the text: ast columns count UTF-8 bytes, Span counts characters."""

    def __init__(self, text: str) -> None:
        # Lines as Python numbers them: a form feed or U+2028 (which splitlines breaks at)
        # is inside a line.
        self.lines = _LINE.findall(text)
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))

    def _column(self, line: int, byte_offset: int) -> int:
        if line - 1 >= len(self.lines):
            return 0
        return len(self.lines[line - 1].encode("utf-8")[:byte_offset].decode("utf-8", "replace"))

    def span(self, node: ast.AST) -> Span:
        line = getattr(node, "lineno", 1)
        column = self._column(line, getattr(node, "col_offset", 0))
        end_line = getattr(node, "end_lineno", None) or line
        end_column = self._column(end_line, getattr(node, "end_col_offset", 0) or 0)
        if isinstance(node, ast.Attribute):  # `query.group_by`: the attribute's own name
            line, column = end_line, max(end_column - len(node.attr), 0)
        start = self.starts[min(line - 1, len(self.starts) - 1)] + column
        end = self.starts[min(end_line - 1, len(self.starts) - 1)] + end_column
        return Span(line, column + 1, start, end_line, end_column + 1, end)


class _Body(Struct):
    """A body being written out: the JSON, where each part is in the code, what is unread."""

    places: _Places
    positions: PositionMap = field(default_factory=PositionMap)
    unread: list[str] = field(default_factory=list)
    open: list[str] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)
    notes: dict[str, str] = field(default_factory=dict)

    def at(self, pointer: str, node: ast.AST, key: ast.AST | None = None) -> None:
        self.positions.values[pointer] = _raw(self.places.span(node))
        if key is not None:
            self.positions.keys[pointer] = _raw(self.places.span(key))

    def write(self, value: Value, pointer: str, model: str | None) -> Any:
        if isinstance(value, Literal):
            return value.value
        if isinstance(value, Unknown) or id(value) in self.seen:
            self.unread.append(pointer)
            return _UNREAD
        if isinstance(value, ListValue):
            if value.grown:
                self.unread.append(pointer)
                return _UNREAD
            out = []
            for index, item in enumerate(value.items):
                self.at(pointer_join(pointer, index), _node(item))
                out.append(self.write(item, pointer_join(pointer, index), model))
            if any(item is _UNREAD for item in out):
                # One entry not known: the list's length and order are the code's; none read.
                self.unread.append(pointer)
                return _UNREAD
            return out
        self.seen.add(id(value))
        try:
            if isinstance(value, DictValue):
                return self._dict(value, pointer)
            return self._model(value, pointer, model)
        finally:
            self.seen.discard(id(value))

    def _dict(self, value: DictValue, pointer: str) -> dict[str, Any]:
        if value.open:
            self.open.append(pointer)
        out: dict[str, Any] = {}
        for key, entry in value.entries.items():
            here = pointer_join(pointer, key)
            self.at(here, _node(entry.value), entry.key)
            written = self.write(entry.value, here, None)
            if written is not _UNREAD:
                out[key] = written
        return out

    def _model(self, value: ModelObject, pointer: str, expected: str | None) -> dict[str, Any]:
        cls = value.cls if sdk.model_attributes(value.cls) is not None else expected
        attributes = sdk.model_attributes(cls) if cls else None
        out: dict[str, Any] = {}
        if attributes is None or value.open:
            self.open.append(pointer)  # a class the SDK does not have, or changed unseen
        if attributes is None:
            return out
        for name, attribute in value.attributes.items():
            known = attributes.get(name)
            if known is None:
                self.findings.append(findings.unknown_attribute(cls or value.cls, name, pointer))
                self.at(pointer_join(pointer, "~python", name), attribute.where)
                meant = sdk.meant_attribute(cls or value.cls, name)
                if not value.by_keywords or meant is None or meant in value.attributes:
                    continue
                # A keyword constructor sends nothing (TypeError): its body is what was
                # meant, so `group_bys=["queue"]`'s names are checked as group_by's.
                known = attributes[meant]
            here = pointer_join(pointer, known.json)
            where = attribute.where
            key = where.value if isinstance(where, ast.keyword) else where
            self.at(here, _node(attribute.value), key)
            written = self.write(attribute.value, here, known.model)
            if written is None:
                continue  # the SDK leaves out attributes set to None
            if _replaced_by_setter(known, written) and not value.by_keywords:
                self.notes[here] = (
                    f"the SDK's {known.name} setter sends '{sdk.PLACEHOLDER}' in its place, "
                    "without a word"
                )
            if written is not _UNREAD:
                out[known.json] = written
        return out


_UNREAD: Any = object()


def _raw(span: Span) -> tuple[int, int, int, int, int, int]:
    return (span.line, span.column, span.offset, span.end_line, span.end_column, span.end_offset)


def _node(value: Value) -> ast.AST:
    return value.node


def _replaced_by_setter(attribute: sdk.SdkAttribute, written: Any) -> bool:
    """The SDK's enum setter stores its placeholder for a value it does not know (it compares
    without case)."""
    if attribute.enum is None or not isinstance(written, str):
        return False
    return written.lower() not in {v.lower() for v in attribute.enum}


def _document(index: int, body: PythonBody, places: _Places) -> Document:
    writer = _Body(places)
    root = body.value
    writer.at("", root.node)
    value = writer.write(root, "", body.model)
    found = writer.findings
    if writer.unread:
        found.append(findings.unread_note(writer.unread))
    endpoint = body.endpoint.name if body.endpoint else None
    unread = frozenset(writer.unread) | frozenset(p + "/*" for p in writer.open)
    return Document(
        index,
        value,
        writer.positions,
        findings=found,
        endpoint=endpoint,
        unread=unread,
        notes=writer.notes,
    )


def is_unread(finding: Finding, unread: frozenset[str]) -> bool:
    """The finding is about a value the code computes, or says such a value is missing."""
    if not unread:
        return False
    pointer = finding.pointer
    field_name = finding.data.get("field") if finding.code == "AQL203" else None
    candidates = [pointer] + ([pointer_join(pointer, field_name)] if field_name else [])
    for unknown in unread:
        # A finding on the object that holds a computed value is about the object whole
        # (an empty filter, a predicate without value): not known either. The body itself
        # is too broad for that; its missing fields are AQL203, handled above.
        parent = unknown[:-2] if unknown.endswith("/*") else unknown.rsplit("/", 1)[0]
        if pointer and pointer == parent:
            return True
    for candidate in candidates:
        for unknown in unread:
            if unknown.endswith("/*"):
                if finding.code == "AQL203" and pointer == unknown[:-2]:
                    return True
                continue
            if candidate == unknown or candidate.startswith(unknown + "/"):
                return True
    return False

"""Where the cursor is in a report definition, read from the text alone.

Completion runs while the text is half-typed (`metrics: [nOff`), when it does not parse: so
the key a value belongs to is read from the lines, by indentation, as a person reads them.
"""

from __future__ import annotations

import re
from pathlib import Path

from msgspec import Struct

from aggqlint.api.endpoints import Endpoint, EndpointError, resolve_endpoint

# A key and what follows it on the line: `metrics: [a, b`, `- dimension: queueId`, `"groupBy": [`
_KEY = re.compile(r"""["']?([A-Za-z_][A-Za-z0-9_]*)["']?\s*:(?:\s+|$|(?=[\[{"']))""")
_ITEM = re.compile(r"\s*-(\s|$)")
_ENDPOINT = re.compile(r"""^["']?endpoint["']?\s*:\s*["']?([^"'\s,#}]+)""", re.MULTILINE)
_DOCUMENT_START = re.compile(r"^---(\s|$)")
NAME_CHARS = "A-Za-z0-9_"
VALUE_CHARS = "A-Za-z0-9_/+.-"  # endpoint short names and time zones


class Word(Struct, frozen=True):
    text: str
    start: int  # character indices into the line
    end: int


def word_at(line: str, index: int, chars: str = NAME_CHARS) -> Word | None:
    """The word around (or just before) character index."""
    pattern = re.compile(f"[{chars}]+")
    for match in pattern.finditer(line):
        if match.start() <= index <= match.end():
            return Word(match.group(), match.start(), match.end())
    return None


def prefix_word(line: str, index: int, chars: str = VALUE_CHARS) -> Word:
    """The part of a word typed before the cursor (what completion replaces)."""
    start = index
    allowed = re.compile(f"[{chars}]")
    while start > 0 and allowed.fullmatch(line[start - 1]):
        start -= 1
    return Word(line[start:index], start, index)


def keys_at(lines: list[str], line: int, index: int) -> list[str]:
    """The keys the value at the cursor sits under, innermost first: ['metric', 'predicates',
    'clauses', 'filter', 'query'] (best effort; [] at the top level)."""
    text = lines[line][:index] if line < len(lines) else ""
    found = [m.group(1) for m in _KEY.finditer(text) if not _inside_quotes(text, m.start())]
    own = list(reversed(found))
    if own and _closed(text[_last_key_end(text) :]):
        own = []  # `metrics: [a, b]` and past: nothing of that key's any more
    indent = _indent(lines[line]) if line < len(lines) else 0
    if not found and _ITEM.match(text):
        indent = len(text) - len(text.lstrip())
    return own + _ancestors(lines, line, indent, item=bool(_ITEM.match(text)))


def _inside_quotes(text: str, index: int) -> bool:
    return text[:index].count('"') % 2 == 1


def _last_key_end(text: str) -> int:
    ends = [m.end() for m in _KEY.finditer(text)]
    return ends[-1] if ends else 0


def _closed(rest: str) -> bool:
    opened = rest.count("[")
    return opened < rest.count("]") or (opened > 0 and rest.rstrip().endswith("]"))


def _indent(text: str) -> int:
    return (
        len(text) - len(text.lstrip(" \t-"))
        if _ITEM.match(text)
        else len(text) - len(text.lstrip())
    )


def _ancestors(lines: list[str], line: int, indent: int, item: bool) -> list[str]:
    """The keys of the lines above that hold this one, by indentation."""
    out: list[str] = []
    current = indent
    equal_ok = item  # a block list's items may sit at their key's own indentation
    for number in range(line - 1, -1, -1):
        text = lines[number].rstrip()
        stripped = text.lstrip()
        if not stripped or stripped.startswith("#"):
            continue
        if _DOCUMENT_START.match(text):
            break
        own = len(text) - len(stripped)
        below = own < current or (equal_ok and own == current and not stripped.startswith("-"))
        if not below:
            continue
        item_match = _ITEM.match(stripped)
        content = own + (item_match.end() if item_match else 0)
        if item_match and content == current:
            # `- type: dimension` above `  dimension: ...`: a sibling in the same list item.
            current, equal_ok = own, True
            continue
        keys = [
            m.group(1) for m in _KEY.finditer(stripped) if not _inside_quotes(stripped, m.start())
        ]
        out.extend(reversed(keys))
        current = own
        equal_ok = stripped.startswith("-")
        if own == 0:
            break
    return out


def document_lines(lines: list[str], line: int) -> tuple[int, int]:
    """The YAML document holding the line: [start, end) line numbers between '---' markers."""
    start = 0
    for number in range(line, -1, -1):
        if _DOCUMENT_START.match(lines[number]) and number != line:
            start = number + 1
            break
    end = len(lines)
    for number in range(line + 1, len(lines)):
        if _DOCUMENT_START.match(lines[number]):
            end = number
            break
    return start, end


def envelope_endpoint(lines: list[str], line: int) -> Endpoint | None:
    """The endpoint named by `endpoint:` in the cursor's document, if it names one."""
    start, end = document_lines(lines, line)
    match = _ENDPOINT.search("\n".join(lines[start:end]))
    if match is None:
        return None
    try:
        return resolve_endpoint(match.group(1))
    except EndpointError:
        return None


def document_endpoint(
    text: str, lines: list[str], line: int, path: Path | None, index: int | None = None
) -> Endpoint | None:
    """The cursor's document's endpoint: its envelope's `endpoint:`, else the config's
    endpoint map for the file, else the one its fields and names fit (inference)."""
    found = envelope_endpoint(lines, line)
    if found is not None:
        return found
    if path is not None:
        from aggqlint.checks.engine import UsageError
        from aggqlint.config.files import CliOverrides, load_settings

        try:
            mapped = load_settings(None, CliOverrides()).policy_for(path).endpoint
        except UsageError:
            mapped = None
        if mapped:
            return resolve_endpoint(mapped)
    return _inferred(text, path, line, index)


def _inferred(text: str, path: Path | None, line: int, index: int | None) -> Endpoint | None:
    """The endpoint of a JSON envelope, or the one a bare body's fields and names fit.
    Half-typed text often does not parse (`metrics: [tAgentRoutingStatus, tS`): then the body
    is asked with the line being typed cut at the word and its brackets closed, then without
    that line."""
    from aggqlint.loading.definition import read_definition
    from aggqlint.loading.source import parse_source

    as_json = path is not None and path.suffix.lower() == ".json"
    lines = text.split("\n")
    start, end = (0, len(lines)) if as_json else document_lines(lines, line)
    body = lines[start:end]
    at = line - start
    attempts = ["\n".join(body)]
    if 0 <= at < len(body):
        if index is not None:
            attempts.append("\n".join([*body[:at], _closed_line(body[at], index), *body[at + 1 :]]))
        attempts.append("\n".join(body[:at] + body[at + 1 :]))
    for attempt in attempts:
        source = parse_source(attempt, str(path or "<buffer>"), as_json=as_json)
        documents = [d for d in source.documents if d.failure is None]
        if documents and isinstance(documents[0].value, dict):
            # A JSON envelope's `endpoint` (indented, so not found above), or the inference.
            return read_definition(documents[0]).endpoint
    return None


def _closed_line(text: str, index: int) -> str:
    """`metrics: [a, tS` cut before the word being typed, brackets closed: `metrics: [a]`."""
    kept = text[: prefix_word(text, index).start].rstrip()
    kept = kept.removesuffix(",").removesuffix('"').rstrip().removesuffix(",")
    closing = "]" * (kept.count("[") - kept.count("]")) + "}" * (kept.count("{") - kept.count("}"))
    return kept + closing

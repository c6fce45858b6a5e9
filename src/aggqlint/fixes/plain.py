"""YAML text for the simplest values, written without PyYAML.

Fixes are shown as YAML fragments (`groupBy: [queueId]`). Most are a name or a short list of
names, and importing PyYAML costs ~24 ms of a run on JSON bodies that otherwise never needs it.
For exactly those values this writes what yaml.safe_dump writes (tests/test_plain_yaml.py
holds the two equal); for anything else it answers None and the caller asks PyYAML.
"""

from __future__ import annotations

import re
from typing import Any

# A name YAML writes plain: no indicator, space, quote or digit start, so it cannot read back
# as a number, date or anything but the same string...
_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
# ...unless YAML 1.1 reads it as a boolean or null (PyYAML quotes these; any case, to be safe).
_WORDS = frozenset({"yes", "no", "true", "false", "on", "off", "null"})
# Well inside every width the callers give PyYAML, so that it would never fold the line.
_LONGEST_LINE = 80


def scalar(value: Any) -> str | None:
    """A name, an integer, a boolean or null as YAML writes it; None for anything else."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if type(value) is int:
        return str(value)
    if type(value) is str and _NAME.fullmatch(value) and value.lower() not in _WORDS:
        return value
    return None


def flow(value: Any) -> str | None:
    """A scalar, or a list or mapping of them, in flow style (`[a, b]`, `{k: v}`)."""
    if isinstance(value, list):
        items = []
        for item in value:
            written = scalar(item)
            if written is None:
                return None
            items.append(written)
        return "[" + ", ".join(items) + "]"
    if isinstance(value, dict):
        pairs = []
        for key, item in value.items():
            name, written = _key(key), scalar(item)
            if name is None or written is None:
                return None
            pairs.append(f"{name}: {written}")
        return "{" + ", ".join(pairs) + "}"
    return scalar(value)


def fragment(fields: dict[str, Any]) -> str | None:
    """fixes.shapes.render's text: one `key: value` line per field, lists and mappings of
    scalars in flow style (PyYAML's choice for collections holding only scalars)."""
    lines = []
    for key, value in fields.items():
        name, written = _key(key), flow(value)
        if name is None or written is None:
            return None
        line = f"{name}: {written}"
        if len(line) > _LONGEST_LINE:
            return None
        lines.append(line)
    return "\n".join(lines)


def _key(key: Any) -> str | None:
    return scalar(key) if isinstance(key, str) else None

"""Whether a document found by walking a folder is meant for aggqlint at all: `check .` in a
repository meets compose files, package.json and CI workflows beside the report definitions."""

from __future__ import annotations

import functools
import json
import re
from typing import Any

from aggqlint.api.endpoints import all_endpoints
from aggqlint.data import load_yaml
from aggqlint.loading.definition import is_envelope


def looks_like_report(value: Any) -> bool:
    """A report definition, or a mapping with at least one field name a query body has or
    that people mistake for one (`dateFrom`, `select`: those mistakes are what aggqlint is
    for). A list counts when one of its items does, so that it is reported as not a mapping."""
    if isinstance(value, list):
        return any(isinstance(item, dict) and looks_like_report(item) for item in value)
    if not isinstance(value, dict):
        return False
    return is_envelope(value) or not query_field_names().isdisjoint(value.keys())


@functools.cache
def query_field_names() -> frozenset[str]:
    """Every request model's top-level field names, and the known wrong ones."""
    names: set[str] = set()
    for endpoint in all_endpoints().values():
        names.update(endpoint.schema().get("properties", {}))
    names.update(load_yaml("rules", "aliases.yaml").get("fields", {}))
    return frozenset(names)


def lenient_json(text: str) -> Any:
    """The value of JSON with comments and trailing commas (tsconfig.json, VS Code settings),
    or None when even that does not parse. Only to judge whether a file that is not strict
    JSON is meant for aggqlint; such a file is never checked in this form."""
    try:
        return json.loads(_TRAILING_COMMA.sub(r"\1", _without_comments(text)))
    except (ValueError, RecursionError):
        return None


_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def _without_comments(text: str) -> str:
    out = []
    i, end = 0, len(text)
    while i < end:
        if text[i] == '"':  # a string, escapes included, is copied as it is
            j = i + 1
            while j < end and text[j] != '"':
                j += 2 if text[j] == "\\" else 1
            out.append(text[i : j + 1])
            i = j + 1
        elif text.startswith("//", i):
            newline = text.find("\n", i)
            i = end if newline < 0 else newline
        elif text.startswith("/*", i):
            close = text.find("*/", i + 2)
            i = end if close < 0 else close + 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)

"""Whether a document found by walking a folder is meant for aggqlint at all: `check .` in a
repository meets compose files, package.json and CI workflows beside the report definitions."""

from __future__ import annotations

import functools
from typing import Any

from aggqlint.data import load_yaml
from aggqlint.definition import is_envelope
from aggqlint.endpoints import all_endpoints


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

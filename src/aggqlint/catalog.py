"""Metric and dimension names per endpoint, read from the generated schemas (the one source)."""

from __future__ import annotations

import functools
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from aggqlint.data import load_yaml
from aggqlint.endpoints import Endpoint, all_endpoints

# What an enum holds, from (model-name suffix, property name). "" matches the request model.
_ROLES: dict[tuple[str, str], str] = {
    ("", "metrics"): "metric",
    ("", "detailMetrics"): "metric",
    ("", "groupBy"): "dimension",
    ("Metric", "metric"): "metric",
    ("Metric", "name"): "metric",
    ("Predicate", "metric"): "metric",
    ("View", "target"): "metric",
    ("Sort", "name"): "metric",
    ("Predicate", "dimension"): "dimension",
}


def role_of(model: str, prop: str, top_level: bool) -> str | None:
    """'metric', 'dimension' or None for an enum property of a model."""
    if top_level:
        return _ROLES.get(("", prop))
    for (suffix, name), role in _ROLES.items():
        if suffix and name == prop and model.endswith(suffix):
            return role
    return None


@dataclass(frozen=True)
class Vocabulary:
    metrics: frozenset[str]  # every metric name the endpoint's body accepts anywhere
    group_by: frozenset[str]
    filter_dimensions: frozenset[str]
    query_metrics: tuple[str, ...]  # the `metrics` list's own names, in schema order

    @property
    def dimensions(self) -> frozenset[str]:
        return self.group_by | self.filter_dimensions


def _enums(schema: dict[str, Any]) -> Iterator[tuple[str, str, bool, list[str]]]:
    """(model, property, is_top_level, values) for every enum in a request schema."""
    models = [(schema.get("title", ""), schema, True)]
    models += [(name, body, False) for name, body in schema.get("$defs", {}).items()]
    for model, body, top in models:
        for prop, spec in body.get("properties", {}).items():
            values = spec.get("enum") or spec.get("items", {}).get("enum")
            if values:
                yield model, prop, top, values


@functools.cache
def vocabulary(endpoint: Endpoint) -> Vocabulary:
    metrics: set[str] = set()
    group_by: set[str] = set()
    dims: set[str] = set()
    query_metrics: list[str] = []
    for model, prop, top, values in _enums(endpoint.schema()):
        role = role_of(model, prop, top)
        if role == "metric":
            metrics.update(values)
            if (top and prop == "metrics") or model.endswith("Metric"):
                query_metrics.extend(v for v in values if v not in query_metrics)
        elif role == "dimension":
            (group_by if top else dims).update(values)
    return Vocabulary(
        frozenset(metrics), frozenset(group_by), frozenset(dims), tuple(query_metrics)
    )


@functools.cache
def endpoints_taking(name: str, role: str) -> tuple[str, ...]:
    """Short names of the sync endpoints whose query accepts a metric or dimension name."""
    found = []
    for endpoint in all_endpoints().values():
        if endpoint.kind.endswith("-job"):
            continue
        vocab = vocabulary(endpoint)
        names = (
            vocab.query_metrics if role == "metric" else vocab.group_by | vocab.filter_dimensions
        )
        if name in names:
            found.append(endpoint.name)
    return tuple(found)


def known_wrong_name(name: str, role: str) -> tuple[bool, str | None]:
    """(is a known wrong name, the right name or None) from rules/aliases.yaml."""
    table = load_yaml("rules", "aliases.yaml").get("metrics" if role == "metric" else "dimensions")
    if table and name in table:
        return True, table[name]
    return False, None

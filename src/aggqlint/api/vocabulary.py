"""Metric and dimension names per endpoint, read from the generated schemas (the one source)."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Iterator
from typing import Any

from msgspec import Struct

from aggqlint.api.endpoints import Endpoint, all_endpoints
from aggqlint.data import load_yaml

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


class Vocabulary(Struct, frozen=True):
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


def disputed(endpoint: Endpoint, role: str, prop: str, name: str) -> dict[str, str] | None:
    """The rules/source-conflicts.yaml entry when the sources disagree on this name here: the
    SDK's model refuses it, a Genesys source documents it."""
    for entry in load_yaml("rules", "source-conflicts.yaml")["names"]:
        if (entry["endpoint"], entry["role"], entry["field"], entry["name"]) == (
            endpoint.name,
            role,
            prop,
            name,
        ):
            return dict(entry)
    return None


def family(name: str) -> str:
    """The subject an endpoint's short name starts with: users for users/aggregates."""
    return name.split("/", 1)[0]


def nearest_first(names: Iterable[str], near: str) -> list[str]:
    """Endpoint short names, those closest to `near` first: its own family (users/* for
    users/aggregates), then conversations/* (where most names live), each with the same kind
    of query first; alphabetical within."""
    endpoints = all_endpoints()
    kind = endpoints[near].kind if near in endpoints else ""

    def distance(name: str) -> tuple[bool, bool, bool, str]:
        other = endpoints.get(name)
        return (
            family(name) != family(near),
            family(name) != "conversations",
            other is None or other.kind != kind,
            name,
        )

    return sorted(names, key=distance)


def known_wrong_name(name: str, role: str) -> tuple[bool, str | None]:
    """(is a known wrong name, the right name or None) from rules/aliases.yaml."""
    table = load_yaml("rules", "aliases.yaml").get("metrics" if role == "metric" else "dimensions")
    if table and name in table:
        return True, table[name]
    return False, None


class Slot(Struct, frozen=True):
    """One place in a request body that takes metric or dimension names from its own list."""

    field: str  # the body's top-level property it sits under: groupBy, segmentFilters, ...
    model: str  # the model declaring the enum ("" for the request model itself)
    prop: str  # that model's property: groupBy, metrics, dimension, metric, name, target
    role: str  # metric or dimension
    values: frozenset[str]

    @property
    def in_predicate(self) -> bool:
        return self.model.endswith("Predicate")


@functools.cache
def slots(endpoint: Endpoint) -> tuple[Slot, ...]:
    """Every name slot of the endpoint's body, in the order of the request model's fields (so
    a details query's conversationFilters come before segmentFilters, ...)."""
    schema = endpoint.schema()
    defs: dict[str, Any] = schema.get("$defs", {})
    found: list[Slot] = []
    for field, spec in schema.get("properties", {}).items():
        role = role_of("", field, True)
        values = spec.get("enum") or spec.get("items", {}).get("enum")
        if role and values:
            found.append(Slot(field, "", field, role, frozenset(values)))
        for model in _models_under(spec, defs, set()):
            for prop, inner in defs[model].get("properties", {}).items():
                role = role_of(model, prop, False)
                values = inner.get("enum") or inner.get("items", {}).get("enum")
                if role and values:
                    found.append(Slot(field, model, prop, role, frozenset(values)))
    return tuple(found)


def _models_under(spec: Any, defs: dict[str, Any], seen: set[str]) -> list[str]:
    """Names of the nested models reachable from a property's schema, each once."""
    out: list[str] = []
    if isinstance(spec, dict):
        ref = spec.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            name = ref.removeprefix("#/$defs/")
            if name not in seen and name in defs:
                seen.add(name)
                out.append(name)
                out.extend(_models_under(defs[name], defs, seen))
        for key in ("items", "additionalProperties"):
            out.extend(_models_under(spec.get(key), defs, seen))
        for inner in spec.get("properties", {}).values():
            out.extend(_models_under(inner, defs, seen))
    return out

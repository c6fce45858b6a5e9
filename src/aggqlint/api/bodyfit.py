"""Whether an endpoint's model takes a whole query body: its fields and every name it uses.

Two questions share this answer: which endpoint a bare body is meant for (inference, AQL023/
AQL024), and whether an endpoint fix offered for names of another endpoint (AQL208) is surely
meant. Both must read metric objects ({metric: oWaiting}, {name: oWorkitemsDue}) as well as
plain metric names, or an activity body "fits" every endpoint that names no metric at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from aggqlint.api import vocabulary as catalog
from aggqlint.api.endpoints import Endpoint

# The keys that hold a metric's name in a metric object: activity queries (`metric`) and task
# management queries (`name`).
METRIC_NAME_KEYS = ("metric", "name")


def fits(endpoint: Endpoint, body: dict[str, Any]) -> bool:
    """Every top-level field is the model's, its required fields are there, and every metric
    (plain or object), groupBy and filter dimension is one it takes."""
    if not body.keys() <= endpoint.fields or not endpoint.required <= body.keys():
        return False  # decided from the index: most endpoints, without reading their schema
    schema = endpoint.schema()
    vocab = catalog.vocabulary(endpoint)
    metrics = body.get("metrics")
    if isinstance(metrics, list) and not _metrics_fit(schema, metrics, vocab):
        return False
    group_by = body.get("groupBy")
    if isinstance(group_by, list):
        names = [g for g in group_by if isinstance(g, str)]
        if names and not set(names) <= vocab.group_by:
            return False
    dims = set(predicate_dimensions(body.get("filter")))
    # A name the sources disagree on (rules/source-conflicts.yaml) may fit: only warned about.
    unsure = {d for d in dims if catalog.disputed(endpoint, "dimension", "dimension", d)}
    return not dims or dims - unsure <= vocab.filter_dimensions


def metric_name(item: Any) -> str | None:
    """The metric a `metrics` item names: the item itself, or a metric object's name."""
    if isinstance(item, str):
        return item
    if isinstance(item, dict):
        for key in METRIC_NAME_KEYS:
            if isinstance(item.get(key), str):
                return str(item[key])
    return None


def predicate_dimensions(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        if isinstance(node.get("dimension"), str):
            found.append(node["dimension"])
        for key in ("clauses", "predicates"):
            children = node.get(key)
            for child in children if isinstance(children, list) else []:
                found.extend(predicate_dimensions(child))
    return found


def _metrics_fit(schema: dict[str, Any], metrics: list[Any], vocab: catalog.Vocabulary) -> bool:
    """Plain names where the model lists names; objects of the model's own shape (its keys,
    its required key, its names) where it takes metric objects."""
    item_model = _item_model(schema)
    objects = item_model.get("type") == "object"
    for item in metrics:
        if isinstance(item, str) and (objects or item not in vocab.query_metrics):
            return False
        if isinstance(item, dict) and (not objects or not _object_fits(item_model, item)):
            return False
    return True


def _object_fits(model: dict[str, Any], item: dict[str, Any]) -> bool:
    properties = model.get("properties", {})
    if not item.keys() <= properties.keys() or not set(model.get("required", [])) <= item.keys():
        return False
    return all(_value_fits(properties[key], value) for key, value in item.items())


def _value_fits(spec: dict[str, Any], value: Any) -> bool:
    allowed = spec.get("enum")
    return not allowed or not isinstance(value, str) or value in allowed


def metric_object_key(endpoint: Endpoint) -> str | None:
    """The key that names the metric where the endpoint's metrics are objects (`metric` in
    activity queries, `name` in task management ones), else None."""
    model = _item_model(endpoint.schema())
    if model.get("type") != "object":
        return None
    return next((key for key in model.get("required", []) if key in METRIC_NAME_KEYS), None)


def _item_model(schema: dict[str, Any]) -> dict[str, Any]:
    items = schema.get("properties", {}).get("metrics", {}).get("items", {})
    ref = items.get("$ref") if isinstance(items, dict) else None
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        model: dict[str, Any] = schema.get("$defs", {}).get(ref.removeprefix("#/$defs/"), {})
        return model
    return items if isinstance(items, dict) else {}


def names_used(body: Any) -> Iterator[tuple[str, str]]:
    """(name, role) of the metrics (plain or objects), groupBy dimensions and predicate
    dimensions a body uses."""
    if not isinstance(body, dict):
        return
    metrics = body.get("metrics")
    for item in metrics if isinstance(metrics, list) else []:
        name = metric_name(item)
        if name is not None:
            yield name, "metric"
    group_by = body.get("groupBy")
    for item in group_by if isinstance(group_by, list) else []:
        if isinstance(item, str):
            yield item, "dimension"
    for dimension in predicate_dimensions(body.get("filter")):
        yield dimension, "dimension"

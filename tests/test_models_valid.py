"""A valid query for every request model in the facts passes with no diagnostics.

Bodies are generated from each endpoint's schema: the required fields, plus a filter with one
predicate where the model has one, with values a real user would write.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
import yaml

from aggqlint.api.endpoints import Endpoint, all_endpoints
from aggqlint.checks.engine import LintOptions, lint_payload, lint_text

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)
UUID = "3b0c7e36-4c3e-4a8b-9a8e-5f7d2c1b0a9f"
INTERVAL = "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z"


def _resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    ref = node.get("$ref")
    return schema["$defs"][ref.split("/")[-1]] if ref else node


def _predicate(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    props = node["properties"]
    dimensions = props.get("dimension", {}).get("enum", [])
    # Task management observations need a queueId predicate; prefer it wherever it exists.
    dimension = "queueId" if "queueId" in dimensions else dimensions[0]
    predicate: dict[str, Any] = {"dimension": dimension}
    if "type" in props:
        predicate["type"] = "dimension"
    predicate["value"] = UUID if dimension.endswith("Id") else "voice"
    return predicate


def _value(schema: dict[str, Any], name: str, node: dict[str, Any]) -> Any:
    node = _resolve(schema, node)
    if name == "interval":
        return INTERVAL
    if name in ("filter", "userFilter", "sessionFilter") or name.endswith("Filters"):
        filter_schema = _resolve(schema, node.get("items", node))
        body: dict[str, Any] = {}
        if "type" in filter_schema["properties"]:
            body["type"] = "and"
        predicate_schema = _resolve(schema, filter_schema["properties"]["predicates"]["items"])
        body["predicates"] = [_predicate(schema, predicate_schema)]
        return [body] if name.endswith("Filters") else body
    if node.get("type") == "array":
        items = _resolve(schema, node["items"])
        if "enum" in items:
            first = next(v for v in items["enum"] if v != "oWorkitemsDue")
            return [first]
        return [_object(schema, items)]
    if "enum" in node:
        return node["enum"][0]
    if node.get("type") == "object":
        return _object(schema, node)
    return {"string": "x", "integer": 1, "number": 1, "boolean": True}[node["type"]]


def _object(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    return {name: _value(schema, name, node["properties"][name]) for name in node["required"]}


def valid_body(endpoint: Endpoint) -> dict[str, Any]:
    schema = endpoint.schema()
    body = _object(schema, schema)
    if "filter" in schema["properties"] and "filter" not in body:
        body["filter"] = _value(schema, "filter", schema["properties"]["filter"])
    return body


ENDPOINTS = sorted(all_endpoints())


@pytest.mark.parametrize("name", ENDPOINTS)
def test_valid_body_has_no_diagnostics(name: str) -> None:
    endpoint = all_endpoints()[name]
    body = valid_body(endpoint)
    assert lint_payload(body, name, now=NOW) == []
    definition = yaml.safe_dump({"report": "r", "endpoint": endpoint.path, "query": body})
    assert lint_text(definition, "r.yaml", LintOptions(now=NOW)) == []


def test_all_52_models_are_covered() -> None:
    assert len(ENDPOINTS) == 52

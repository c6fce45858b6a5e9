"""Both validation backends give the same findings: jsonschema-rs is only a faster road."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aggqlint.api.endpoints import all_endpoints
from aggqlint.checks import schema
from aggqlint.checks.validators import compile_schema

FACTS = Path(__file__).resolve().parents[1] / "facts" / "examples"
SEED_BODIES = [json.loads(p.read_text())["payload"] for p in sorted(FACTS.glob("seed-*.json"))]
ENDPOINTS = [
    "conversations/aggregates",
    "users/aggregates",
    "queues/observations",
    "conversations/details",
    "taskmanagement/metrics",
    "users/details/jobs",
]


def _findings(body: Any, endpoint_name: str, backend: str) -> list[tuple[str, str, str]]:
    endpoint = all_endpoints()[endpoint_name]
    model = schema.Model(endpoint.schema(), f"{endpoint.name} query")
    model.validator = compile_schema(endpoint.schema(), backend)
    found = schema._translate(model, body, endpoint, {})
    return sorted((f.code, f.pointer, f.message) for f in found)


@pytest.mark.parametrize("body", SEED_BODIES)
@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_backends_agree_on_the_seeds(body: dict[str, Any], endpoint: str) -> None:
    assert _findings(body, endpoint, "jsonschema-rs") == _findings(body, endpoint, "jsonschema")


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=8)
    | st.sampled_from(["nOffered", "tHandle", "queueId", "and", "AND", "matches", "P1D"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(
            st.sampled_from(
                [
                    "interval",
                    "metrics",
                    "groupBy",
                    "filter",
                    "type",
                    "predicates",
                    "clauses",
                    "dimension",
                    "value",
                    "paging",
                    "pageSize",
                    "x",
                ]
            ),
            inner,
            max_size=5,
        )
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=json_values, endpoint=st.sampled_from(ENDPOINTS))
def test_backends_agree_on_anything(body: Any, endpoint: str) -> None:
    assert _findings(body, endpoint, "jsonschema-rs") == _findings(body, endpoint, "jsonschema")


def test_a_value_jsonschema_rs_cannot_take_falls_back() -> None:
    body = {
        "interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z",
        "metrics": ["nOffered"],
        "limit": 10**40,
        "bogus": 1,
    }
    assert _findings(body, "conversations/aggregates", "jsonschema-rs") == _findings(
        body, "conversations/aggregates", "jsonschema"
    )

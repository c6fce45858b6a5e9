"""The committed schemas/ must be exactly what tools/generate_schemas.py makes from the facts."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

ROOT = Path(__file__).resolve().parents[1]
FACTS = ROOT / "facts" / "genesys"
SCHEMAS = ROOT / "schemas"
FACTS_COMMIT = "6e801ced7445926cade0b8b4adf129cdf79f1f79"
REGENERATE = "schemas/ is out of date: run `python tools/generate_schemas.py`"


def _load_generator() -> ModuleType:
    # tools/ is not a package, so import the script by path
    spec = importlib.util.spec_from_file_location(
        "generate_schemas", ROOT / "tools" / "generate_schemas.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generated() -> dict[str, str]:
    files: dict[str, str] = _load_generator().generate(FACTS)
    return files


@pytest.fixture(scope="module")
def schemas(generated: dict[str, str]) -> dict[str, Any]:
    return {rel: json.loads(text) for rel, text in generated.items() if rel.endswith(".json")}


@pytest.fixture(scope="module")
def model_schemas(schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        rel.removeprefix("models/").removesuffix(".schema.json"): s
        for rel, s in schemas.items()
        if rel.startswith("models/")
    }


def _walk(node: Any) -> Any:
    """Yield every dict inside a JSON document."""
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from _walk(value)


def test_committed_schemas_match_generator(generated: dict[str, str]) -> None:
    committed = {p.relative_to(SCHEMAS).as_posix() for p in SCHEMAS.rglob("*") if p.is_file()}
    assert committed == set(generated), REGENERATE
    for rel, text in generated.items():
        assert (SCHEMAS / rel).read_text(encoding="utf-8") == text, f"{rel}: {REGENERATE}"


def test_every_request_model_has_a_valid_schema(
    schemas: dict[str, Any], model_schemas: dict[str, Any]
) -> None:
    request_models = json.loads((FACTS / "models" / "index.json").read_text())["request_models"]
    assert len(model_schemas) == 52
    assert set(model_schemas) == set(request_models)
    for rel, schema in schemas.items():
        Draft202012Validator.check_schema(schema)
        assert "$id" not in schema, rel


def test_every_schema_records_the_facts_commit(
    schemas: dict[str, Any], model_schemas: dict[str, Any]
) -> None:
    for name, schema in model_schemas.items():
        assert schema["x-aggqlint"]["source"]["commit"] == FACTS_COMMIT, name
        assert schema["x-aggqlint"]["model"] == name
    assert schemas["index.json"]["source"]["commit"] == FACTS_COMMIT
    assert schemas["report.schema.json"]["x-aggqlint"]["source"]["commit"] == FACTS_COMMIT


def test_conversation_aggregation_query_content(model_schemas: dict[str, Any]) -> None:
    schema = model_schemas["ConversationAggregationQuery"]
    assert schema["x-aggqlint"]["endpoint"] == "conversations/aggregates"
    assert schema["x-aggqlint"]["kind"] == "aggregate"
    assert set(schema["required"]) == {"interval", "metrics"}
    metrics = schema["properties"]["metrics"]["items"]["enum"]
    assert "tHandle" in metrics
    assert "conv.duration" not in metrics
    assert schema["properties"]["filter"] == {
        "description": schema["properties"]["filter"]["description"],
        "$ref": "#/$defs/ConversationAggregateQueryFilter",
    }
    paging = model_schemas["ConversationQuery"]["$defs"]["PagingSpec"]
    assert paging["required"] == ["pageSize", "pageNumber"]


def test_additional_properties_closed_everywhere(model_schemas: dict[str, Any]) -> None:
    for name, schema in model_schemas.items():
        assert schema["additionalProperties"] is False, name
        for nested, sub in schema.get("$defs", {}).items():
            assert sub["additionalProperties"] is False, f"{name} $defs {nested}"


def test_local_refs_resolve(model_schemas: dict[str, Any]) -> None:
    for name, schema in model_schemas.items():
        defs = schema.get("$defs", {})
        for node in _walk(schema):
            ref = node.get("$ref")
            if isinstance(ref, str):
                assert ref.removeprefix("#/$defs/") in defs, f"{name}: dangling {ref}"


def test_minimal_bodies(model_schemas: dict[str, Any]) -> None:
    validator = Draft202012Validator(model_schemas["ConversationAggregationQuery"])
    body = {
        "interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z",
        "metrics": ["tHandle", "nOffered"],
        "groupBy": ["queueId"],
        "filter": {
            "type": "and",
            "predicates": [{"dimension": "mediaType", "value": "voice"}],
        },
    }
    assert list(validator.iter_errors(body)) == []
    wrong = {"dateFrom": "2026-11-01", **body}
    assert any(e.validator == "additionalProperties" for e in validator.iter_errors(wrong))
    assert not validator.is_valid({**body, "metrics": ["conv.duration"]})


def test_report_schema_selects_the_body_schema(schemas: dict[str, Any]) -> None:
    # no $id anywhere, so the relative refs resolve against the registry keys below
    registry: Registry[Any] = Registry().with_resources(
        (rel, Resource.from_contents(s)) for rel, s in schemas.items() if rel.startswith("models/")
    )
    validator = Draft202012Validator(schemas["report.schema.json"], registry=registry)
    report = {
        "report": "daily-handle",
        "endpoint": "conversations/aggregates",
        "query": {"interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z", "metrics": ["tHandle"]},
        "windows": ["2026-11-01T00:00:00Z/2026-11-08T00:00:00Z"],
        "chunk": "P1D",
    }
    assert validator.is_valid(report)
    assert validator.is_valid(
        {**report, "endpoint": "/api/v2/analytics/conversations/aggregates/query"}
    )
    assert not validator.is_valid({**report, "query": {"metrics": ["tHandle"]}})
    assert not validator.is_valid({**report, "endpoint": "conversations/aggregates/query"})
    observation = {**report, "endpoint": "queues/observations"}
    assert not validator.is_valid(observation)  # interval is not a property there


def test_index_lists_endpoints_and_other_paths(schemas: dict[str, Any]) -> None:
    index = schemas["index.json"]
    facts = json.loads((FACTS / "endpoints.json").read_text())["endpoints"]
    names = [e["name"] for e in index["endpoints"]]
    assert names == sorted(names)
    assert len(index["endpoints"]) + len(index["other_paths"]) == len(facts)
    by_name = {e["name"]: e for e in index["endpoints"]}
    assert by_name["taskmanagement/metrics"]["kind"] == "observation"
    assert by_name["agents/status"]["path"] == "/api/v2/analytics/agents/status/query"
    assert by_name["agents/status/counts"]["kind"] == "agent-status"
    assert by_name["conversations/details/jobs"]["kind"] == "detail-job"


def test_no_sdk_description_is_copied(schemas: dict[str, Any]) -> None:
    def norm(text: str) -> str:
        return " ".join(text.split()).casefold()

    sdk: set[str] = set()
    for path in FACTS.rglob("*.json"):
        for node in _walk(json.loads(path.read_text(encoding="utf-8"))):
            if isinstance(node.get("description"), str):
                sdk.add(norm(node["description"]))
    assert len(sdk) > 100  # sanity: the scan found the SDK descriptions
    for rel, schema in schemas.items():
        for node in _walk(schema):
            text = node.get("description")
            if isinstance(text, str):
                assert norm(text) not in sdk, f"{rel}: SDK description copied: {text!r}"

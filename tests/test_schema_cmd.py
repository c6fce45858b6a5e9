"""`aggqlint schema`: one standalone JSON Schema an editor can use, per-endpoint bodies too."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from conftest import REPO, run_aggqlint
from jsonschema import Draft7Validator, Draft202012Validator
from referencing import Registry, Resource

from aggqlint.api.editor_schema import bundle_report_schema, endpoint_schema
from aggqlint.api.endpoints import all_endpoints, resolve_endpoint
from aggqlint.cli import cli

SCHEMAS = REPO / "schemas"

REPORT = {
    "report": "queue-hourly",
    "description": "Hourly volumes for the service desk queues",
    "endpoint": "conversations/aggregates",
    "query": {
        "interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z",
        "granularity": "PT1H",
        "timeZone": "Europe/London",
        "groupBy": ["queueId", "mediaType"],
        "metrics": ["nOffered", "tAnswered", "tAbandon", "tHandle"],
        "filter": {
            "type": "and",
            "predicates": [
                {
                    "type": "dimension",
                    "dimension": "mediaType",
                    "operator": "matches",
                    "value": "voice",
                }
            ],
        },
    },
    "windows": ["2026-11-01T08:00:00Z/2026-11-01T12:00:00Z"],
}


@pytest.fixture(scope="module")
def bundled() -> dict[str, Any]:
    return bundle_report_schema()


@pytest.fixture(scope="module")
def validator(bundled: dict[str, Any]) -> Any:
    return Draft202012Validator(bundled)


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [r for value in node.values() for r in _refs(value)]
    if isinstance(node, list):
        return [r for item in node for r in _refs(item)]
    return []


def _errors(validator: Any, document: Any) -> list[tuple[list[Any], str]]:
    return sorted((list(e.absolute_path), e.message) for e in validator.iter_errors(document))


def _with_query(**changes: Any) -> dict[str, Any]:
    return {**REPORT, "query": {**REPORT["query"], **changes}}


def test_bundle_is_a_valid_standalone_schema(bundled: dict[str, Any]) -> None:
    Draft202012Validator.check_schema(bundled)
    refs = _refs(bundled)
    assert refs, "the bundle should still use $refs to its $defs"
    for ref in refs:
        assert ref.startswith("#/$defs/"), ref
        assert ref.removeprefix("#/$defs/") in bundled["$defs"], f"dangling {ref}"
    for name, body in bundled["$defs"].items():
        assert "$schema" not in body and "$id" not in body, name


def test_models_and_their_nested_models_get_unique_names(bundled: dict[str, Any]) -> None:
    defs = bundled["$defs"]
    models = {e.model for e in all_endpoints().values()}
    assert models <= set(defs)
    assert "ConversationAggregationQuery.ConversationAggregateQueryFilter" in defs
    query = defs["ConversationAggregationQuery"]
    assert query["properties"]["filter"]["$ref"] == (
        "#/$defs/ConversationAggregationQuery.ConversationAggregateQueryFilter"
    )
    branch = next(
        b
        for b in bundled["allOf"]
        if "conversations/aggregates" in b["if"]["properties"]["endpoint"]["enum"]
    )
    assert branch["then"]["properties"]["query"] == {"$ref": "#/$defs/ConversationAggregationQuery"}


def test_correct_report_definition_passes(validator: Any) -> None:
    assert _errors(validator, REPORT) == []
    by_path = {**REPORT, "endpoint": "/api/v2/analytics/conversations/aggregates/query"}
    assert _errors(validator, by_path) == []


def test_unknown_metric_inside_query_fails(validator: Any) -> None:
    errors = _errors(validator, _with_query(metrics=["nOffered", "handleTime"]))
    assert [path for path, _ in errors] == [["query", "metrics", 1]]
    assert "'handleTime' is not one of" in errors[0][1]


def test_the_endpoint_picks_the_body_schema(validator: Any) -> None:
    # The same body is wrong for the queue observations endpoint: it has no interval and
    # takes only observation metrics.
    observed = {**REPORT, "endpoint": "queues/observations"}
    paths = [path for path, _ in _errors(validator, observed)]
    assert ["query"] in paths  # additional properties such as 'interval'
    assert ["query", "metrics", 0] in paths
    nested = _with_query(
        filter={"type": "and", "predicates": [{"dimension": "mediaTypo", "value": "voice"}]}
    )
    assert [p for p, _ in _errors(validator, nested)] == [
        ["query", "filter", "predicates", 0, "dimension"]
    ]


def test_envelope_is_checked_too(validator: Any) -> None:
    assert [
        p for p, _ in _errors(validator, {**REPORT, "endpoint": "conversations/aggregate"})
    ] == [["endpoint"]]
    assert [p for p, _ in _errors(validator, {**REPORT, "windowz": []})] == [[]]


def _registry() -> Registry:
    resources = [
        (path.relative_to(SCHEMAS).as_posix(), json.loads(path.read_text(encoding="utf-8")))
        for path in SCHEMAS.rglob("*.schema.json")
    ]
    return Registry().with_resources((uri, Resource.from_contents(body)) for uri, body in resources)


def _example_documents() -> list[tuple[str, Any]]:
    found = []
    for path in sorted((REPO / "examples").rglob("*")):
        if path.suffix == ".json":
            found.append((path.name, json.loads(path.read_text(encoding="utf-8"))))
        elif path.suffix in (".yaml", ".yml"):
            for index, doc in enumerate(yaml.safe_load_all(path.read_text(encoding="utf-8"))):
                found.append((f"{path.name}#{index}", doc))
    return found


def test_bundle_judges_like_the_schema_directory(validator: Any) -> None:
    """Same errors from the bundle as from report.schema.json with models/ beside it."""
    report = json.loads((SCHEMAS / "report.schema.json").read_text(encoding="utf-8"))
    original = Draft202012Validator(report, registry=_registry())
    documents = [
        ("good", REPORT),
        ("bad metric", _with_query(metrics=["handleTime"])),
        ("bad endpoint body", {**REPORT, "endpoint": "users/observations"}),
        *_example_documents(),
    ]
    for name, document in documents:
        assert _errors(validator, document) == _errors(original, document), name


# What the YAML language server (VS Code's YAML extension) implements: JSON Schema draft-07.
_DRAFT7_KEYWORDS = {
    "$comment",
    "$defs",
    "$ref",
    "$schema",
    "additionalProperties",
    "allOf",
    "description",
    "enum",
    "if",
    "items",
    "maxLength",
    "patternProperties",
    "minItems",
    "pattern",
    "properties",
    "required",
    "then",
    "title",
    "type",
    "x-aggqlint",
}


def _keywords(node: Any, found: set[str]) -> set[str]:
    if isinstance(node, dict):
        for key, value in node.items():
            found.add(key)
            if key in ("properties", "patternProperties", "$defs"):
                for sub in value.values():
                    _keywords(sub, found)
            elif key not in ("enum", "required", "x-aggqlint"):
                _keywords(value, found)
    elif isinstance(node, list):
        for item in node:
            _keywords(item, found)
    return found


def test_bundle_means_the_same_to_a_draft_07_editor(
    bundled: dict[str, Any], validator: Any
) -> None:
    """Only keywords draft-07 reads the same way, and `$ref` beside nothing but a description
    (draft-07 ignores a `$ref`'s siblings), so a draft-07 editor judges like aggqlint."""
    assert _keywords(bundled, set()) <= _DRAFT7_KEYWORDS
    for node in _walk(bundled):
        if "$ref" in node:
            assert set(node) <= {"$ref", "description"}, node
    draft7 = Draft7Validator(bundled)
    documents = [REPORT, _with_query(metrics=["handleTime"]), *(d for _, d in _example_documents())]
    for document in documents:
        assert _errors(draft7, document) == _errors(validator, document)


def _walk(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, dict):
        return [node, *(d for value in node.values() for d in _walk(value))]
    if isinstance(node, list):
        return [d for item in node for d in _walk(item)]
    return []


def test_modeline_comment_does_not_bother_check(tmp_path: Path) -> None:
    report = tmp_path / "reports" / "queue-hourly.yaml"
    report.parent.mkdir()
    report.write_text(
        "# yaml-language-server: $schema=../aggqlint-report.schema.json\n"
        + yaml.safe_dump(REPORT, sort_keys=False),
        encoding="utf-8",
    )
    result = run_aggqlint("check", "reports", "--now", "2026-11-23T00:00:00Z", cwd=tmp_path)
    # The comment is no `# aggqlint:` directive: no AQL007/AQL011, no reading problem at all.
    assert result.returncode == 0, result.stdout + result.stderr
    assert "AQL0" not in result.stdout


def test_endpoint_schema_is_the_model_schema() -> None:
    endpoint = resolve_endpoint("conversations/aggregates")
    schema = endpoint_schema(endpoint)
    assert schema == json.loads((SCHEMAS / endpoint.schema_file).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert Draft202012Validator(schema).is_valid(REPORT["query"])


def test_cli_prints_the_bundle() -> None:
    result = CliRunner().invoke(cli, ["schema"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == bundle_report_schema()
    assert result.output.endswith("}\n")


@pytest.mark.parametrize(
    "name", ["users/observations", "/api/v2/analytics/users/observations/query"]
)
def test_cli_prints_one_endpoint_body_schema(name: str) -> None:
    result = CliRunner().invoke(cli, ["schema", name])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["title"] == "UserObservationQuery"


def test_cli_unknown_endpoint_is_a_usage_error() -> None:
    result = run_aggqlint("schema", "conversations/aggregate")
    assert result.returncode == 2
    assert result.stdout == ""
    # The wording of the suggestion belongs to endpoints.py; here: one line, the right name.
    assert result.stderr.startswith(
        "aggqlint: unknown endpoint 'conversations/aggregate'; "
        "did you mean 'conversations/aggregates'"
    )
    assert result.stderr.count("\n") == 1


def test_cli_output_file(tmp_path: Path) -> None:
    target = tmp_path / "aggqlint-report.schema.json"
    result = run_aggqlint("schema", "--output", str(target), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "" and result.stderr == ""
    assert json.loads(target.read_text(encoding="utf-8")) == bundle_report_schema()


def test_cli_output_file_that_cannot_be_written(tmp_path: Path) -> None:
    target = tmp_path / "missing-dir" / "schema.json"
    result = CliRunner().invoke(cli, ["schema", "-o", str(target)])
    assert result.exit_code == 2
    assert "cannot write" in result.output

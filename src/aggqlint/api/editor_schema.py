"""One standalone JSON Schema document for editors: the report schema with every model inlined.

`schemas/report.schema.json` picks `models/<Model>.schema.json` by endpoint through relative
`$ref`s, which an editor can only follow when it has the whole directory. Bundling copies each
model under `$defs/<Model>` and its own nested models under `$defs/<Model>.<Nested>`, so the
document works alone, from a file or a URL. The dotted names keep two models' nested models of
the same name (NumericRange, say) apart without comparing them.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

from aggqlint.api.endpoints import Endpoint
from aggqlint.data import load_json

REPORT_SCHEMA = "report.schema.json"
_MODELS_DIR = "models/"
_MODEL_SUFFIX = ".schema.json"
_LOCAL_DEFS = "#/$defs/"
# Keywords that mark a schema resource root; an inlined model must not keep them.
_ROOT_ONLY = ("$schema", "$id")


class BundleError(ValueError):
    """A `$ref` the bundler cannot turn into a local one (a broken generated schema)."""


def bundle_report_schema() -> dict[str, Any]:
    """The report-definition schema with every referenced model inlined under `$defs`."""
    report: dict[str, Any] = copy.deepcopy(load_json("schemas", REPORT_SCHEMA))
    models = _referenced_models(report)
    _rewrite_refs(report, _report_ref)
    defs: dict[str, Any] = report.setdefault("$defs", {})
    for model in models:
        schema = load_json("schemas", f"{_MODELS_DIR}{model}{_MODEL_SUFFIX}")
        defs.update(_inline_model(model, schema))
    return report


def endpoint_schema(endpoint: Endpoint) -> dict[str, Any]:
    """The request-body schema of one endpoint; generated model schemas are standalone already."""
    return copy.deepcopy(endpoint.schema())


def dumps(schema: dict[str, Any]) -> str:
    return json.dumps(schema, indent=2, ensure_ascii=False) + "\n"


def _referenced_models(node: Any) -> list[str]:
    """Model names of the `models/<Model>.schema.json` refs, in document order, once each."""
    found: list[str] = []
    for ref in _refs(node):
        model = _model_of(ref)
        if model and model not in found:
            found.append(model)
    return found


def _inline_model(model: str, schema: dict[str, Any]) -> dict[str, Any]:
    """`$defs` entries for one model: the model itself and its nested models, refs renamed."""
    body = copy.deepcopy(schema)
    for keyword in _ROOT_ONLY:
        body.pop(keyword, None)
    nested: dict[str, Any] = body.pop("$defs", {})
    entries = {model: body} | {f"{model}.{name}": sub for name, sub in nested.items()}

    def local(ref: str) -> str:
        if ref.startswith(_LOCAL_DEFS):
            return f"{_LOCAL_DEFS}{model}.{ref.removeprefix(_LOCAL_DEFS)}"
        if ref == "#":
            return f"{_LOCAL_DEFS}{model}"
        raise BundleError(f"{model}: cannot inline the reference {ref!r}")

    for entry in entries.values():
        _rewrite_refs(entry, local)
    return entries


def _report_ref(ref: str) -> str:
    model = _model_of(ref)
    if model is None:
        if ref.startswith("#"):
            return ref
        raise BundleError(f"{REPORT_SCHEMA}: cannot inline the reference {ref!r}")
    _, _, fragment = ref.partition("#")
    if not fragment:
        return f"{_LOCAL_DEFS}{model}"
    if fragment.startswith("/$defs/"):
        return f"{_LOCAL_DEFS}{model}.{fragment.removeprefix('/$defs/')}"
    raise BundleError(f"{REPORT_SCHEMA}: cannot inline the reference {ref!r}")


def _model_of(ref: str) -> str | None:
    target = ref.partition("#")[0]
    if target.startswith(_MODELS_DIR) and target.endswith(_MODEL_SUFFIX):
        return target.removeprefix(_MODELS_DIR).removesuffix(_MODEL_SUFFIX)
    return None


def _refs(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                found.append(value)
            else:
                found.extend(_refs(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(_refs(item))
    return found


def _rewrite_refs(node: Any, rewrite: Callable[[str], str]) -> None:
    """Replace every `$ref` string in place with `rewrite(ref)`."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                node[key] = rewrite(value)
            else:
                _rewrite_refs(value, rewrite)
    elif isinstance(node, list):
        for item in node:
            _rewrite_refs(item, rewrite)

"""JSON Schema validation of request bodies and envelopes: the adapter between the validator
and the rules that explain its errors.

jsonschema reports what failed in the schema's words; each error goes to the registered rule
for its keyword (rules/schema_keywords.py), which says in the user's words which field, in
which endpoint's query, and what to write instead. A rule that fails is one AQL009 naming it;
the other errors are still explained.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Iterator
from typing import Any

from msgspec import Struct
from msgspec.structs import replace

from aggqlint.api.endpoints import Endpoint
from aggqlint.checks import placement, registry
from aggqlint.checks.didyoumean import GUESSES, known_wrong_field
from aggqlint.checks.registry import Enabled, Unit
from aggqlint.checks.validators import compile_schema
from aggqlint.data import load_json
from aggqlint.diagnostics import Finding, pointer_join
from aggqlint.fixes.model import RenameKey
from aggqlint.loading.source import RawScalar

_NESTED_LABELS = (
    ("Predicate", "filter predicate"),
    ("Clause", "filter clause"),
    ("Filter", "filter"),
    ("View", "view"),
    ("Sort", "sortMetric"),
    ("Metric", "metric entry"),
    ("PagingSpec", "paging"),
    ("AggregationRange", "view range"),
    ("NumericRange", "range"),
    ("Aggregation", "aggregation"),
)


class Model:
    """A validator plus the names of the models inside one schema."""

    def __init__(self, schema: dict[str, Any], label: str) -> None:
        self.schema = schema
        self.validator = compile_schema(schema)
        self.label = label
        self.names: dict[int, str] = {id(schema): ""}
        for name, body in schema.get("$defs", {}).items():
            self.names[id(body)] = name

    def where(self, subschema: dict[str, Any]) -> tuple[str, bool]:
        """(model name, is the request model itself) of the schema object an error came from."""
        name = self.names.get(id(subschema))
        if name is None:
            return "", False
        return (name or self.schema.get("title", "")), name == ""

    def context(self, subschema: dict[str, Any]) -> str:
        name, top = self.where(subschema)
        if top or not name:
            return self.label
        for suffix, label in _NESTED_LABELS:
            if name.endswith(suffix):
                return label
        return name


class KeywordError(Struct, frozen=True):
    """One validator error, with what a keyword's rule needs to explain it."""

    model: Model
    error: Any  # the validator's error (see validators.py)
    pointer: str  # where, relative to the body
    body: Any
    endpoint: Endpoint | None  # None for the envelope
    scalars: dict[str, RawScalar]  # the scalars as written (YAML 1.1 coercion)


class NotFinite(Struct, frozen=True):
    """A NaN or infinity in the body (YAML's .nan and .inf), which JSON cannot carry."""

    pointer: str
    path: tuple[Any, ...]
    number: float
    written: str | None = None  # the text it was read from, when the loader kept it


class NullField(Struct, frozen=True):
    """An optional field of a model written as null."""

    pointer: str
    name: str
    where: str  # how messages name the model


@functools.cache
def _model_for(endpoint: Endpoint) -> Model:
    return Model(endpoint.schema(), f"{endpoint.name} query")


@functools.cache
def _envelope_model() -> Model:
    schema = dict(load_json("schemas", "report.schema.json"))
    # The envelope schema's allOf routes `query` to the endpoint's body schema for editors;
    # aggqlint checks the body on its own (with better messages), so only the envelope is
    # validated here.
    schema.pop("allOf", None)
    return Model(schema, "report definition")


def check_body(
    body: Any,
    endpoint: Endpoint,
    scalars: dict[str, RawScalar] | None = None,
    enabled: Enabled | None = None,
) -> tuple[list[Finding], Any]:
    """Schema findings for a request body (pointers relative to it), and the body as the
    server reads it: fields of its models written as null left out, which is what the rule
    families judge."""
    model = _model_for(endpoint)
    served: list[Any] = [body]
    findings = list(_translate(model, body, endpoint, scalars or {}, enabled, served))
    return findings, served[0]


def _scan(value: Any) -> tuple[bool, bool]:
    """(a null, a NaN or infinity) anywhere in value: one cheap pass, so that the walks that
    find and locate them run only for the few bodies that have any."""
    null = odd = False
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        elif item is None:
            null = True
        elif isinstance(item, float) and not math.isfinite(item):
            odd = True
    return null, odd


def check_envelope(document: dict[str, Any], enabled: Enabled | None = None) -> list[Finding]:
    """The envelope's problems in the keyword rules' words (the envelope rule gives the code)."""
    return list(_translate(_envelope_model(), document, None, {}, enabled))


def _translate(
    model: Model,
    body: Any,
    endpoint: Endpoint | None,
    scalars: dict[str, RawScalar],
    enabled: Enabled | None = None,
    served: list[Any] | None = None,
) -> Iterator[Finding]:
    """served, when given, receives the body without its null fields (one strip per body)."""
    GUESSES.reset()
    nulls = _Nulls()
    has_null, has_odd_number = _scan(body) if endpoint is not None else (False, False)
    if has_null:  # the envelope is aggqlint's own and never sent: no JSON nulls
        body = nulls.strip(model, body, model.schema, "")
        if served is not None:
            served[0] = body
        yield from _run(_unit("null-field"), nulls.noted(model), enabled)
    found: list[Finding] = []
    # The envelope's query is checked as a body, on its own.
    not_finite = dict(_not_finite(body, "", ())) if has_odd_number else {}
    values = [
        NotFinite(pointer, path, number, getattr(scalars.get(pointer), "text", None))
        for pointer, (path, number) in not_finite.items()
    ]
    found.extend(_run(_unit("not-finite"), values, enabled))
    try:
        errors = list(model.validator.errors(body))
    except Exception as exc:  # the validator itself failed: one note, never a crash
        found.append(registry.crashed(_unit("*"), exc))
        errors = []
    for error in errors:
        pointer = pointer_join("", *error.absolute_path)
        if pointer in not_finite:
            continue  # said above; the backends disagree on whether NaN is a number
        explained = KeywordError(model, error, pointer, body, endpoint, scalars)
        for finding in _explain(explained, enabled):
            found.append(nulls.required(finding))
        if error.validator == "additionalProperties" and pointer == "":
            found.extend(nulls.required(f) for f in _invented_lists(explained, enabled))
    yield from placement.offer_endpoint(_misspelt_required(found, enabled), body, endpoint)


def _misspelt_required(found: list[Finding], enabled: Enabled | None) -> list[Finding]:
    """A required key written misspelt (`page_size` for `pageSize`) is one mistake: the
    unknown key's finding (AQL200), whose fix renames it, says it; not also AQL203. Only
    when that finding is there: with AQL200 turned off, the missing key is still reported."""
    if enabled is not None and not enabled("AQL200"):
        return found  # its unit may still run for its other codes; the policy drops AQL200
    renamed = {
        (change.pointer.rsplit("/", 1)[0], change.name)
        for finding in found
        if finding.code == "AQL200" and finding.fix is not None
        for change in finding.fix.changes
        if isinstance(change, RenameKey)
    }
    if not renamed:
        return found
    return [
        f for f in found if not (f.code == "AQL203" and (f.pointer, f.data.get("field")) in renamed)
    ]


def _explain(found: KeywordError, enabled: Enabled | None) -> Iterator[Finding]:
    """The findings of every rule registered for the error's keyword, each guarded."""
    for unit in _keyword_units().get(found.error.validator) or _keyword_units()["*"]:
        if registry.runs(unit, enabled):
            yield from registry.guarded(unit, functools.partial(unit.check, found))


def _run(unit: Unit, items: list[Any], enabled: Enabled | None) -> Iterator[Finding]:
    if items and registry.runs(unit, enabled):
        yield from registry.guarded(unit, functools.partial(unit.check, items))


@functools.cache
def _keyword_units() -> dict[str, list[Unit]]:
    by_keyword: dict[str, list[Unit]] = {}
    for unit in registry.units("schema"):
        for keyword in unit.keywords:
            by_keyword.setdefault(keyword, []).append(unit)
    return by_keyword


def _unit(keyword: str) -> Unit:
    return _keyword_units()[keyword][0]


def _invented_lists(found: KeywordError, enabled: Enabled | None) -> Iterator[Finding]:
    """A made-up field that stands for a real list (`groupBys: [queue]` for groupBy) is checked
    as that field, so the names inside get their own did-you-mean; other invented shapes
    (`where: {...}`) get their corrected fragment instead of a cascade of errors."""
    error = found.error
    known = error.schema.get("properties", {})
    for name in error.instance:
        if name in known:
            continue
        entry = known_wrong_field(name, found.endpoint)
        real = str(entry.get("use")) if entry else ""
        if real in known and known[real].get("type") == "array":
            yield from _as_real_field(found, error.instance[name], real, name, enabled)


def _as_real_field(
    found: KeywordError, value: Any, real: str, written: str, enabled: Enabled | None
) -> Iterator[Finding]:
    for error in found.model.validator.errors_as(value, real):
        real_pointer = pointer_join("", *error.absolute_path)
        nested = KeywordError(found.model, error, real_pointer, value, found.endpoint, {})
        for finding in _explain(nested, enabled):
            if finding.code == registry.CRASH:
                yield finding
                continue
            moved = pointer_join("", written) + finding.pointer[len(real) + 1 :]
            fix = finding.fix.moved(finding.pointer, moved) if finding.fix else None
            yield replace(finding, pointer=moved, fix=fix)


def _not_finite(
    value: Any, pointer: str, path: tuple[Any, ...]
) -> Iterator[tuple[str, tuple[tuple[Any, ...], float]]]:
    """(pointer, (path, value)) of every NaN or infinity in a value (YAML's .nan and .inf)."""
    if isinstance(value, float) and not math.isfinite(value):
        yield pointer, (path, value)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _not_finite(item, pointer_join(pointer, key), (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _not_finite(item, pointer_join(pointer, index), (*path, index))


class _Nulls:
    """JSON null on a field of a model: the server's binding reads it as the field being absent
    (Genesys's own examples write `"value": null` on notExists predicates). An optional field
    set to null is only noted; a required one is missing. Null items inside lists stay errors
    (they are values, and the type check reports them)."""

    def __init__(self) -> None:
        self.optional: list[tuple[str, str, dict[str, Any]]] = []  # (pointer, name, model)
        self.required_at: set[str] = set()

    def strip(self, model: Model, value: Any, schema: dict[str, Any], pointer: str) -> Any:
        """The value as the server reads it: without the fields written as null."""
        schema = resolve(model, schema)
        if isinstance(value, list):
            items = schema.get("items")
            if not isinstance(items, dict):
                return value
            return [
                self.strip(model, item, items, pointer_join(pointer, index))
                for index, item in enumerate(value)
            ]
        properties = schema.get("properties")
        if not isinstance(value, dict) or not isinstance(properties, dict):
            return value
        required = schema.get("required", [])
        out = {}
        for name, item in value.items():
            at = pointer_join(pointer, name)
            if item is None and name in properties:
                if name in required:
                    self.required_at.add(at)
                else:
                    self.optional.append((at, name, schema))
                continue
            inner = properties.get(name)
            out[name] = self.strip(model, item, inner, at) if isinstance(inner, dict) else item
        return out

    def noted(self, model: Model) -> list[NullField]:
        return [NullField(p, name, model.context(schema)) for p, name, schema in self.optional]

    def required(self, finding: Finding) -> Finding:
        """A required field written as null is reported where it is written."""
        field = finding.data.get("field")
        if finding.code != "AQL203" or not isinstance(field, str):
            return finding
        at = pointer_join(finding.pointer, field)
        if at not in self.required_at:
            return finding
        return replace(
            finding,
            pointer=at,
            message=f"{finding.message}; null is no value (the server reads it as absent)",
            at_key=True,
        )


def owner(model: Model, error: Any) -> tuple[str, dict[str, Any] | None]:
    """The property whose enum failed and the model schema that declares it."""
    path = list(error.absolute_path)
    # An array item's enum belongs to the array property one step up.
    while path and isinstance(path[-1], int):
        path.pop()
    prop = str(path[-1]) if path else ""
    return prop, schema_of_instance_parent(model, error)


def schema_of_instance_parent(model: Model, error: Any) -> dict[str, Any] | None:
    path = list(error.absolute_path)
    while path and isinstance(path[-1], int):
        path.pop()
    if not path:
        return None
    path.pop()  # the property itself
    schema: dict[str, Any] = model.schema
    for part in path:
        schema = resolve(model, schema)
        if isinstance(part, int):
            schema = schema.get("items", {})
        else:
            schema = schema.get("properties", {}).get(part, {})
    return resolve(model, schema)


def instance_at(body: Any, path: list[Any]) -> Any:
    for part in path:
        try:
            body = body[part]
        except (KeyError, IndexError, TypeError):
            return None
    return body


def resolve(model: Model, schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        resolved: dict[str, Any] = model.schema["$defs"][ref.removeprefix("#/$defs/")]
        return resolved
    return schema

"""JSON Schema validation of request bodies and envelopes, with messages a human can act on.

jsonschema reports what failed in the schema's words; here each error becomes one finding in
the user's words: which field, in which endpoint's query, and what to write instead.
"""

from __future__ import annotations

import difflib
import functools
import math
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import Any

from aggqlint import catalog, placement
from aggqlint.data import load_json, load_yaml
from aggqlint.diagnostics import Finding, pointer_join
from aggqlint.endpoints import Endpoint
from aggqlint.fixes import Fix, RemoveEntry, RenameKey, ReplaceValue
from aggqlint.source import RawScalar
from aggqlint.validators import compile_schema

# Labels for nested models, by the end of their model name.
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
_JSON_TYPES = {
    dict: "an object",
    list: "a list",
    str: "a string",
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    type(None): "null",
}
_SCALAR_TYPES = {"string", "integer", "number", "boolean"}


class _Model:
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


@functools.cache
def _model_for(endpoint: Endpoint) -> _Model:
    return _Model(endpoint.schema(), f"{endpoint.name} query")


@functools.cache
def _envelope_model() -> _Model:
    schema = dict(load_json("schemas", "report.schema.json"))
    # The envelope schema's allOf routes `query` to the endpoint's body schema for editors;
    # aggqlint checks the body on its own (with better messages), so only the envelope is
    # validated here.
    schema.pop("allOf", None)
    return _Model(schema, "report definition")


def check_body(
    body: Any, endpoint: Endpoint, scalars: dict[str, RawScalar] | None = None
) -> list[Finding]:
    """Schema findings for a request body; pointers are relative to the body."""
    model = _model_for(endpoint)
    return list(_translate(model, body, endpoint, scalars or {}, ""))


def without_nulls(body: Any, endpoint: Endpoint) -> Any:
    """The body as the server reads it: fields of its models written as null left out. Rule
    families that look at values can take this instead of the body as written."""
    model = _model_for(endpoint)
    return _Nulls().strip(model, body, model.schema, "")


def check_envelope(document: dict[str, Any]) -> list[Finding]:
    model = _envelope_model()
    findings = []
    for finding in _translate(model, document, None, {}, ""):
        findings.append(
            Finding(
                "AQL025",
                finding.pointer,
                finding.message,
                finding.suggestion,
                finding.at_key,
                fix=finding.fix,
            )
        )
    return findings


def _translate(
    model: _Model,
    body: Any,
    endpoint: Endpoint | None,
    scalars: dict[str, RawScalar],
    base: str,
) -> Iterator[Finding]:
    _GUESSES.reset()
    nulls = _Nulls()
    if endpoint is not None:  # the envelope is aggqlint's own and never sent: no JSON nulls
        body = nulls.strip(model, body, model.schema, base)
        yield from nulls.findings(model)
    found: list[Finding] = []
    # The envelope's query is checked as a body, on its own.
    not_finite = dict(_not_finite(body, base, ())) if endpoint is not None else {}
    for pointer, (path, number) in not_finite.items():
        found.append(_not_finite_finding(pointer, path, number))
    for error in model.validator.errors(body):
        pointer = pointer_join(base, *error.absolute_path)
        if pointer in not_finite:
            continue  # said above; the backends disagree on whether NaN is a number
        handler = _HANDLERS.get(error.validator, _generic)
        for finding in handler(model, error, pointer, body, endpoint, scalars):
            found.append(nulls.required(finding))
    yield from placement.offer_endpoint(found, body, endpoint)


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


def _not_finite_finding(pointer: str, path: tuple[Any, ...], number: float) -> Finding:
    what = "NaN (YAML's .nan)" if math.isnan(number) else "infinity (YAML's .inf)"
    return Finding(
        "AQL204",
        pointer,
        f"{_field_label(path)} is {what}, which JSON cannot carry; write a number (for an "
        "open-ended range, leave that bound out)",
    )


class _Nulls:
    """JSON null on a field of a model: the server's binding reads it as the field being absent
    (Genesys's own examples write `"value": null` on notExists predicates). An optional field
    set to null is only noted; a required one is missing. Null items inside lists stay errors
    (they are values, and the type check reports them)."""

    def __init__(self) -> None:
        self.optional: list[tuple[str, str, dict[str, Any]]] = []  # (pointer, name, model)
        self.required_at: set[str] = set()

    def strip(self, model: _Model, value: Any, schema: dict[str, Any], pointer: str) -> Any:
        """The value as the server reads it: without the fields written as null."""
        schema = _resolve(model, schema)
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

    def findings(self, model: _Model) -> Iterator[Finding]:
        for pointer, name, schema in self.optional:
            yield Finding(
                "AQL210",
                pointer,
                f"'{name}' is null in {model.context(schema)}: the server reads it as absent "
                "(leaving the field out says the same)",
                at_key=True,
                data={"field": name},
            )

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


def _additional(
    model: _Model, error: Any, pointer: str, body: Any, endpoint: Endpoint | None, _s: Any
) -> Iterator[Finding]:
    known = list(error.schema.get("properties", {}))
    where = model.context(error.schema)
    aliases = load_yaml("rules", "aliases.yaml").get("fields", {})
    claimed: set[str] = set()
    shape = _shaped_filter_part(model, error, pointer)
    if shape is not None:
        claimed = set(shape.data["keys"])  # one finding for the whole predicate or clause
        yield shape
    for name in sorted(set(error.instance) - set(known) - claimed, key=list(error.instance).index):
        entry = aliases.get(name) if endpoint is not None else None
        if entry and entry.get("only") and endpoint and not _kind_matches(endpoint, entry["only"]):
            entry = None
        field_pointer = pointer_join(pointer, name)
        message = f"unknown field '{name}' in {where}"
        fix: Fix | None = None
        code = "AQL200"
        if entry:
            code = entry.get("code", code)
            if entry.get("use") and entry["use"] in known:
                message += f"; use '{entry['use']}'"
            if entry.get("hint"):
                message += f"; {entry['hint']}"
            if entry.get("fix") and pointer == "":
                from aggqlint.rules import shapes

                fix = shapes.typed_fix(entry["fix"], error.instance)
        else:
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
            lowered = [k for k in known if k.lower() == name.lower()]
            if lowered or close:
                right = (lowered or close)[0]
                message += f"; did you mean '{right}'?"
                rename = RenameKey(field_pointer, right)
                fix = (
                    Fix.display(right)  # renamed, it would be a duplicate key
                    if right in error.instance
                    else Fix.unsafe(f"rename '{name}' to '{right}'", rename, shown=right)
                )
            else:
                fix = Fix.unsafe(f"remove '{name}'", RemoveEntry(field_pointer))
                if endpoint is None and model.schema.get("patternProperties"):
                    message += "; keys of your own start with 'x-' (e.g. x-defaults)"
                elif name.startswith("x-") and pointer == "" and endpoint is not None:
                    message += (
                        "; the query is sent as written, so keys of your own (x-...) go at the "
                        "top of the report definition, beside 'query'"
                    )
        yield Finding(code, field_pointer, message, at_key=True, data={"field": name}, fix=fix)
        real = str(entry.get("use")) if entry else ""
        # Lists of names (groupBy, metrics) are checked as the real field; other invented
        # shapes (`where: {...}`) get their corrected fragment instead of a cascade of errors.
        if (
            real in known
            and pointer == ""
            and error.schema["properties"][real].get("type") == "array"
        ):
            yield from _as_real_field(model, error.instance[name], real, name, endpoint)


def _as_real_field(
    model: _Model, value: Any, real: str, written: str, endpoint: Endpoint | None
) -> Iterator[Finding]:
    """Check an invented field's contents as the real field it stands for (`groupBys: [queue]`
    is checked as `groupBy`), so the names inside get their own did-you-mean."""
    for error in model.validator.errors_as(value, real):
        handler = _HANDLERS.get(error.validator, _generic)
        real_pointer = pointer_join("", *error.absolute_path)
        for finding in handler(model, error, real_pointer, value, endpoint, {}):
            moved = pointer_join("", written) + finding.pointer[len(real) + 1 :]
            fix = finding.fix.moved(finding.pointer, moved) if finding.fix else None
            yield replace(finding, pointer=moved, fix=fix)


def _shaped_filter_part(model: _Model, error: Any, pointer: str) -> Finding | None:
    """The shape finding for the predicate or clause an error is about, if it has one."""
    if not model.where(error.schema)[0].endswith(("Predicate", "Clause")):
        return None
    return _filter_shape(error.instance, error.schema, pointer)


def _filter_shape(item: Any, schema: dict[str, Any], pointer: str) -> Finding | None:
    """One finding for a filter part in a shape the API does not have (rules/aliases.yaml
    `predicates`): a clause nested too deep, or a predicate from another query language."""
    from aggqlint.rules import shapes

    known = list(schema.get("properties", {}))
    found = shapes.filter_shape(item, known)
    if found is None:
        return None
    kind, keys = found
    if kind == "nested":
        part = "clause" if "predicates" in known else "predicate"
        return Finding(
            "AQL303",
            pointer_join(pointer, keys[0]),
            f"'{keys[0]}' inside a filter {part}: filters nest two levels at most (filter → "
            "clauses → predicates); a group of predicates goes in the filter's 'clauses', and a "
            "clause holds predicates only",
            at_key=True,
            data={"keys": keys},
        )
    types = schema.get("properties", {}).get("type", {}).get("enum", [])
    if "type" in item and "type" not in keys and item["type"] not in types:
        keys = ["type", *keys]  # `type: field` belongs to the same invented shape
    written = ", ".join(f"{key}: {item[key]}" for key in keys)
    return Finding(
        "AQL310",
        pointer,
        f"filter predicate written in another query language's shape ({written}); the API's "
        "predicate is {type: dimension, dimension: <name>, operator: matches, value: <text>}",
        fix=Fix.display(fixed, fragment=True) if (fixed := shapes.predicate(item, known)) else None,
        data={"keys": keys},
    )


def _kind_matches(endpoint: Endpoint, kinds: Iterable[str]) -> bool:
    return any(endpoint.kind.startswith(kind) for kind in kinds)


def _required(
    model: _Model, error: Any, pointer: str, body: Any, endpoint: Endpoint | None, _s: Any
) -> Iterator[Finding]:
    where = model.context(error.schema)
    if _shaped_filter_part(model, error, pointer) is not None:
        return  # the filter part's shape is reported whole (AQL303/AQL310), with its fix
    for name in error.validator_value:
        if isinstance(error.instance, dict) and name not in error.instance:
            suggestion = None
            message = f"'{name}' is required in {where}"
            if endpoint is not None and pointer == "":
                from aggqlint.rules import shapes

                suggestion = shapes.fix(name, error.instance, name)
            # The edit is the invented field's fix (AQL601): here, the fragment as advice.
            fix = Fix.display(suggestion, fragment=True) if suggestion else None
            yield Finding("AQL203", pointer, message, data={"field": name}, fix=fix)


def _enum(
    model: _Model, error: Any, pointer: str, body: Any, endpoint: Endpoint | None, _s: Any
) -> Iterator[Finding]:
    value = error.instance
    if isinstance(value, dict | list) or value is None:
        return  # the type error on the same value says it better
    allowed = [str(v) for v in error.validator_value]
    prop, owner_schema = _owner(model, error)
    owner, top = model.where(owner_schema) if owner_schema is not None else ("", False)
    role = catalog.role_of(owner, prop, top) if prop else None
    if owner.endswith("Predicate") and prop in ("type", "operator") and owner_schema is not None:
        predicate = _instance_at(body, list(error.absolute_path)[:-1])
        shape = _filter_shape(predicate, owner_schema, pointer.rsplit("/", 1)[0])
        if shape is not None:
            # One finding per predicate: the unknown-field handler gives it when the predicate
            # has unknown keys, else it comes from the misused `type` here.
            known = owner_schema.get("properties", {})
            if prop == "type" and isinstance(predicate, dict) and not set(predicate) - set(known):
                yield shape
            return
    text = str(value)
    same_case = [a for a in allowed if isinstance(value, str) and a.lower() == value.lower()]
    if same_case:
        yield Finding(
            "AQL207",
            pointer,
            f"'{text}' should be written '{same_case[0]}'; the API's names are case-sensitive "
            "in its schema, even where the server tolerates other spellings",
            same_case[0],
        )
        return
    where = endpoint.name if endpoint else model.label
    disputed = (
        catalog.disputed(endpoint, role, prop, value)
        if endpoint is not None and role is not None and isinstance(value, str)
        else None
    )
    if disputed is not None:
        yield Finding(
            "AQL211",
            pointer,
            f"the sources disagree on '{value}' in {where}: {disputed['sdk']}, but "
            f"{disputed['documented']} ({disputed['source']}); it may work",
            data={"source": disputed["source"]},
        )
        return
    if role in ("metric", "dimension") and isinstance(value, str):
        misplaced = None
        if endpoint is not None:
            path = list(error.absolute_path)
            model_name = "" if top else owner
            predicate = _instance_at(body, path[:-1]) if owner.endswith("Predicate") else None
            here = (str(path[0]) if path else prop, model_name, prop)
            misplaced = placement.misplaced(value, endpoint, here, pointer, predicate)
        yield misplaced or _unknown_name(value, role, allowed, pointer, where, prop)
        return
    shown = ", ".join(allowed[:8]) + (", …" if len(allowed) > 8 else "")
    close = difflib.get_close_matches(text, allowed, n=1, cutoff=0.6)
    if prop == "operator" and owner.endswith("Predicate"):
        words = load_yaml("rules", "aliases.yaml")["predicates"]["operators"]
        close = [words[text.lower()]] if words.get(text.lower()) in allowed else close
    hint = f"; did you mean '{close[0]}'?" if close else f"; expected one of {shown}"
    yield Finding(
        "AQL206",
        pointer,
        f"invalid value '{text}' for '{prop or 'value'}' in {model.context(owner_schema or {})}"
        f"{hint}",
        fix=Fix.unsafe(
            f"replace with '{close[0]}'", ReplaceValue(pointer, close[0]), shown=close[0]
        )
        if close
        else None,
    )


class _GuessBudget:
    """How many did-you-mean searches one body may still run. difflib costs a fraction of a
    millisecond per name; a generated body with 10,000 unknown names would take seconds for
    suggestions nobody reads (the output shows the first 20 of a code)."""

    PER_BODY = 200

    def __init__(self) -> None:
        self.left = self.PER_BODY

    def reset(self) -> None:
        self.left = self.PER_BODY

    def take(self) -> bool:
        self.left -= 1
        return self.left >= 0


_GUESSES = _GuessBudget()


@functools.lru_cache(maxsize=2048)
def _closest(value: str, allowed: tuple[str, ...]) -> str | None:
    close = difflib.get_close_matches(value, allowed, n=1, cutoff=0.6)
    if close:
        return close[0]
    lowered = value.lower().replace(".", "").replace("_", "")
    return next((a for a in allowed if lowered and a.lower().endswith(lowered)), None)


def _unknown_name(
    value: str, role: str, allowed: list[str], pointer: str, where: str, prop: str
) -> Finding:
    noun = "metric" if role == "metric" else "dimension"
    code = "AQL201" if role == "metric" else "AQL202"
    known_wrong, right = catalog.known_wrong_name(value, role)
    note = load_yaml("rules", "aliases.yaml").get("notes", {}).get(value)
    if note:
        return Finding(code, pointer, f"'{value}' is not a {noun} of {where}; {note}")
    if known_wrong and right in allowed:
        return Finding(
            code,
            pointer,
            f"unknown {noun} '{value}' for {where}; did you mean '{right}'?",
            fix=Fix.safe(f"replace with '{right}'", ReplaceValue(pointer, right), shown=right),
        )
    if value not in allowed:
        others = [name for name in catalog.endpoints_taking(value, role) if name != where]
        if others:
            others = catalog.nearest_first(others, where)
            if len(others) == 1:
                takers = f"it belongs to {others[0]}"
            else:
                shown = others[:3] if len(others) > 3 else others[:-1]
                last = f"{len(others) - 3} more" if len(others) > 3 else others[-1]
                takers = f"{', '.join(shown)} and {last} take it"
            # The endpoint fix is decided for the whole body (_offer_endpoint).
            return Finding(
                "AQL208",
                pointer,
                f"{noun} '{value}' is not available in {where}; {takers}",
                data={"endpoints": others, "name": value, "role": role},
            )
    guess = _closest(value, tuple(allowed)) if _GUESSES.take() else None
    hint = f"; did you mean '{guess}'?" if guess else f" (`aggqlint catalog {where}` lists them)"
    if known_wrong and right is None:
        hint = f"; no {noun} of that name exists (`aggqlint catalog {where}` lists them)"
    elif known_wrong:
        guess = None
        hint = f"; the real name is '{right}', which {where} does not take"
    return Finding(
        code,
        pointer,
        f"unknown {noun} '{value}' for {where}{hint}",
        fix=Fix.unsafe(f"replace with '{guess}'", ReplaceValue(pointer, guess), shown=guess)
        if guess
        else None,
    )


def _owner(model: _Model, error: Any) -> tuple[str, dict[str, Any] | None]:
    """The property whose enum failed and the model schema that declares it."""
    path = list(error.absolute_path)
    # An array item's enum belongs to the array property one step up.
    while path and isinstance(path[-1], int):
        path.pop()
    prop = str(path[-1]) if path else ""
    return prop, _schema_of_instance_parent(model, error)


def _schema_of_instance_parent(model: _Model, error: Any) -> dict[str, Any] | None:
    path = list(error.absolute_path)
    while path and isinstance(path[-1], int):
        path.pop()
    if not path:
        return None
    path.pop()  # the property itself
    schema: dict[str, Any] = model.schema
    for part in path:
        schema = _resolve(model, schema)
        if isinstance(part, int):
            schema = schema.get("items", {})
        else:
            schema = schema.get("properties", {}).get(part, {})
    return _resolve(model, schema)


def _instance_at(body: Any, path: list[Any]) -> Any:
    for part in path:
        try:
            body = body[part]
        except (KeyError, IndexError, TypeError):
            return None
    return body


def _resolve(model: _Model, schema: dict[str, Any]) -> dict[str, Any]:
    ref = schema.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        resolved: dict[str, Any] = model.schema["$defs"][ref.removeprefix("#/$defs/")]
        return resolved
    return schema


def _type(
    model: _Model,
    error: Any,
    pointer: str,
    body: Any,
    endpoint: Endpoint | None,
    scalars: dict[str, RawScalar],
) -> Iterator[Finding]:
    expected = error.validator_value
    expected_types = [expected] if isinstance(expected, str) else list(expected)
    value = error.instance
    got = _JSON_TYPES.get(type(value), type(value).__name__)
    prop, owner_schema = _owner(model, error)
    where = model.context(owner_schema) if owner_schema is not None else model.label
    name = _field_label(error.absolute_path)
    raw = scalars.get(pointer)
    want = " or ".join(_article(t) for t in expected_types)
    if "string" in expected_types and raw is not None and raw.text != _json_text(value):
        # YAML 1.1 changed what was written (`no` -> false, `0123` -> 83): the server would
        # get a different value than the one in the file.
        yield Finding(
            "AQL003",
            pointer,
            f"YAML reads {raw.text} as {got} {_json_text(value)}, not the text "
            f"'{raw.text}'; quote it",
            fix=Fix.safe("quote it", ReplaceValue(pointer, raw.text), shown=f"'{raw.text}'"),
        )
        return
    if set(expected_types) & _SCALAR_TYPES and _coercible(value, expected_types):
        # The envelope (no endpoint) is aggqlint's own and never sent: nothing converts it.
        advice = (
            f"the server converts it, but write {_canonical(value, expected_types)} to say what "
            "you mean"
            if endpoint is not None
            else "quote it"
        )
        yield Finding(
            "AQL205",
            pointer,
            f"{name} is {got} where the API takes {want}; {advice}",
            fix=Fix.advice(_canonical(value, expected_types)),
        )
        return
    if prop in ("metrics", "detailMetrics", "groupBy") and isinstance(value, dict) and endpoint:
        yield from _name_object(value, pointer, endpoint, prop)
        return
    if prop == "filter" and isinstance(value, list):
        from aggqlint.rules import shapes

        yield Finding(
            "AQL204",
            pointer,
            f"'filter' must be an object {{type: and|or, predicates: [...]}} in {where}, "
            "not a list",
            fix=Fix.display(
                shapes.fix("filter", {"filters": value}, "filter")
                or "filter: {type: and, predicates: [...]}",
                fragment=True,
            ),
        )
        return
    yield Finding("AQL204", pointer, f"{name} must be {want} in {where}, not {got}")


def _name_object(
    value: dict[str, Any], pointer: str, endpoint: Endpoint, prop: str
) -> Iterator[Finding]:
    """A metric or dimension written as an object ({name: ..., type: sum}): one finding for the
    shape, and one for the name inside when it is not a real one either."""
    role = "dimension" if prop == "groupBy" else "metric"
    key = next(
        (k for k in ("name", "id", "metric", "dimension") if isinstance(value.get(k), str)), None
    )
    name: str | None = value[key] if key else None
    vocab = catalog.vocabulary(endpoint)
    allowed = list(vocab.group_by if role == "dimension" else vocab.query_metrics)
    example = "mediaType" if role == "dimension" else "tHandle"
    inner = None
    if key is not None and name is not None and name not in allowed:
        inner = _unknown_name(name, role, allowed, pointer_join(pointer, key), endpoint.name, prop)
    suggestion = (inner.fix.shown if inner.fix else None) if inner else name
    yield Finding(
        "AQL209",
        pointer,
        f"'{prop}' takes plain {role} names from the {endpoint.name} list (e.g. '{example}'), "
        "not objects"
        + (
            "; statistics (count, sum, max, min) come back for every metric"
            if role == "metric"
            else ""
        ),
        fix=Fix.advice(suggestion),
        data={"name": name},
    )
    if inner is not None:
        yield inner


def _coercible(value: Any, expected: list[str]) -> bool:
    """Whether the server's JSON binding converts this scalar losslessly (Jackson does)."""
    if isinstance(value, bool):
        return "string" in expected
    if isinstance(value, int | float):
        return "string" in expected or ("integer" in expected and float(value).is_integer())
    if isinstance(value, str):
        text = value.strip()
        if "integer" in expected and text.lstrip("-").isdigit():
            return True
        if "number" in expected:
            try:
                float(text)
                return True
            except ValueError:
                return False
        return "boolean" in expected and text in ("true", "false")
    return False


def _canonical(value: Any, expected: list[str]) -> str:
    if isinstance(value, str):
        return value.strip()
    return f"'{_json_text(value)}'"


def _json_text(value: Any) -> str:
    if value is True:
        return "true"
    if value is False:
        return "false"
    if value is None:
        return "null"
    return str(value)


def _article(kind: str) -> str:
    return {"object": "an object", "array": "a list", "integer": "an integer"}.get(
        kind, f"a {kind}"
    )


def _field_label(path: Iterable[Any]) -> str:
    parts = list(path)
    if not parts:
        return "the body"
    last = parts[-1]
    if isinstance(last, int) and len(parts) > 1:
        return f"item {last} of '{parts[-2]}'"
    return f"'{last}'"


def _min_items(
    model: _Model, error: Any, pointer: str, body: Any, endpoint: Endpoint | None, _s: Any
) -> Iterator[Finding]:
    name = str(error.absolute_path[-1]) if error.absolute_path else "the list"
    least = int(error.validator_value)
    if name == "windows" and endpoint is None:
        message = "windows is empty: list at least one window, or remove windows"
    elif least == 1:
        message = f"{name} is empty: list at least one item, or remove {name}"
    else:
        message = f"{name} has {len(error.instance)} items; it takes at least {least}"
    yield Finding("AQL204", pointer, message)


_INTEGER_FORMATS = {"int32": "a 32-bit integer", "int64": "a 64-bit integer"}


def _bound(
    model: _Model, error: Any, pointer: str, body: Any, endpoint: Endpoint | None, _s: Any
) -> Iterator[Finding]:
    name = _field_label(error.absolute_path)
    limit = error.validator_value
    most = error.validator == "maximum"
    side = f"at most {limit:,}" if most else f"at least {limit:,}"
    kind = _INTEGER_FORMATS.get(str(error.schema.get("format")))
    if kind is not None:
        message = (
            f"{name} is {error.instance:,}, {'more' if most else 'less'} than the API's model "
            f"can hold ({kind}: {side})"
        )
    else:
        message = f"{name} is {error.instance:,}; the API takes {side}"
    yield Finding("AQL204", pointer, message)


def _generic(
    model: _Model, error: Any, pointer: str, body: Any, endpoint: Endpoint | None, _s: Any
) -> Iterator[Finding]:
    # No keyword of the shipped schemas ends here; should one appear, the message still names
    # the field and the rule in our words, never the validator library's.
    name = _field_label(error.absolute_path)
    where = model.context(_schema_of_instance_parent(model, error) or {})
    yield Finding(
        "AQL204",
        pointer,
        f"{name} does not fit {where} (its schema's '{error.validator}' rule)",
    )


def _pattern(
    model: _Model, error: Any, pointer: str, body: Any, endpoint: Endpoint | None, _s: Any
) -> Iterator[Finding]:
    # The only pattern is the report name's (the API's models have none): not blank, on one
    # line. Say which of the two it is, never the regex.
    value = str(error.instance)
    name = "report name" if pointer == "/report" else _field_label(error.absolute_path)
    control = next((c for c in value if ord(c) < 0x20 or ord(c) == 0x7F), None)
    if control is not None:
        what = {"\t": "a tab", "\n": "a line break", "\r": "a line break"}.get(
            control, f"the control character U+{ord(control):04X}"
        )
        yield Finding("AQL204", pointer, f"{name} has {what}; write it as plain text on one line")
    else:
        yield Finding("AQL204", pointer, f"{name} is blank; give it a name people can read")


def _max_length(
    model: _Model, error: Any, pointer: str, body: Any, endpoint: Endpoint | None, _s: Any
) -> Iterator[Finding]:
    name = "report name" if pointer == "/report" else _field_label(error.absolute_path)
    yield Finding(
        "AQL204",
        pointer,
        f"{name} is {len(error.instance)} characters long; "
        f"keep it to {error.validator_value} at most",
    )


_HANDLERS: dict[str, Any] = {
    "minimum": _bound,
    "maximum": _bound,
    "minItems": _min_items,
    "pattern": _pattern,
    "maxLength": _max_length,
    "additionalProperties": _additional,
    "required": _required,
    "enum": _enum,
    "type": _type,
}

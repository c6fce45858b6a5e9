"""The schema layer's rules: one per JSON Schema keyword, each explaining the validator's error
in the user's words (cfn-lint's rules/jsonschema). Each owns its codes; a shape finding
(AQL303/AQL310) is a filters rule, an invented field (AQL6xx) a shapes rule, a YAML 1.1
coercion (AQL003) an input rule, whichever keyword's error reveals it.

schema.py runs the validator and hands each error (a KeywordError) to the rules registered for
its keyword; did-you-mean searches are in didyoumean.py.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Iterator
from typing import Any

from aggqlint.api import bodyfit
from aggqlint.api import vocabulary as catalog
from aggqlint.api.endpoints import Endpoint
from aggqlint.checks import placement
from aggqlint.checks.didyoumean import GUESSES, close_match, closest, known_wrong_field
from aggqlint.checks.registry import rule
from aggqlint.checks.schema import (
    KeywordError,
    Model,
    NotFinite,
    NullField,
    instance_at,
    schema_of_instance_parent,
)
from aggqlint.checks.schema import (
    owner as owner_of,
)
from aggqlint.data import load_yaml
from aggqlint.diagnostics import Finding, pointer_join
from aggqlint.fixes import shapes
from aggqlint.fixes.model import Fix, RemoveEntry, RenameKey, ReplaceValue

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
# A number written with digits (JSON's or YAML's), as opposed to .inf or .nan.
_WRITTEN_NUMBER = re.compile(r"[-+]?[0-9][0-9_]*(\.[0-9_]*)?([eE][-+]?[0-9]+)?")


@rule("AQL210", scope="schema", keywords=("null-field",))
def null_field(nulls: list[NullField]) -> Iterator[Finding]:
    for null in nulls:
        yield Finding(
            "AQL210",
            null.pointer,
            f"'{null.name}' is null in {null.where}: the server reads it as absent "
            "(leaving the field out says the same)",
            at_key=True,
            data={"field": null.name},
        )


@rule(scope="schema", keywords=("not-finite",), borrows=("AQL204",))
def not_finite(values: list[NotFinite]) -> Iterator[Finding]:
    for value in values:
        yield _not_finite_finding(value.pointer, value.path, value.number, value.written)


def _not_finite_finding(
    pointer: str, path: tuple[Any, ...], number: float, written: str | None = None
) -> Finding:
    if written is not None and _WRITTEN_NUMBER.fullmatch(written):
        # 1e400 (JSON, or YAML's 1.0e+400): a number beyond a double, not a special value.
        return Finding(
            "AQL204",
            pointer,
            f"{_field_label(path)} is {written}, a number too large for a double: JSON "
            "consumers read it as infinity or refuse it; write a number within range (for an "
            "open-ended range, leave that bound out)",
        )
    what = "NaN (YAML's .nan)" if math.isnan(number) else "infinity (YAML's .inf)"
    return Finding(
        "AQL204",
        pointer,
        f"{_field_label(path)} is {what}, which JSON cannot carry; write a number (for an "
        "open-ended range, leave that bound out)",
    )


@rule("AQL303", "AQL310", scope="schema", keywords=("additionalProperties",))
def filter_part_shape(found: KeywordError) -> Iterator[Finding]:
    """A predicate or clause in a shape the API does not have: one finding for the whole part
    (the unknown-field rule leaves its keys alone)."""
    shape = _shaped_filter_part(found.model, found.error, found.pointer)
    if shape is not None:
        yield shape


@rule("AQL200", scope="schema", keywords=("additionalProperties",), borrows=("AQL212",))
def unknown_field(found: KeywordError) -> Iterator[Finding]:
    yield from _unknown_fields(found, invented=False)


@rule(
    "AQL601",
    "AQL602",
    "AQL603",
    "AQL604",
    "AQL605",
    scope="schema",
    keywords=("additionalProperties",),
)
def invented_field(found: KeywordError) -> Iterator[Finding]:
    """A field people make up (rules/aliases.yaml names its code: a made-up range, groupBy,
    metrics, filter or windows) with the fragment to write instead."""
    yield from _unknown_fields(found, invented=True)


def _unknown_fields(found: KeywordError, invented: bool) -> Iterator[Finding]:
    """The unknown fields of the error's object: the made-up ones the aliases table knows
    (invented) or the others."""
    model = found.model
    error = found.error
    pointer = found.pointer
    endpoint = found.endpoint
    known = list(error.schema.get("properties", {}))
    where = model.context(error.schema)
    claimed: set[str] = set()
    shape = _shaped_filter_part(model, error, pointer)
    if shape is not None:
        claimed = set(shape.data["keys"])  # one finding for the whole predicate or clause
    for name in sorted(set(error.instance) - set(known) - claimed, key=list(error.instance).index):
        entry = known_wrong_field(name, endpoint)
        if (entry is not None and entry.get("code", "AQL200") != "AQL200") != invented:
            continue
        field_pointer = pointer_join(pointer, name)
        message = f"unknown field '{name}' in {where}"
        fix: Fix | None = None
        code = "AQL200"
        if not invented and name == "dimension" and endpoint is not None:
            moved = _dimension_in_other_list(found)
            if moved is not None:
                yield moved  # a dimension in a list whose predicates take none (AQL212)
                continue
        mixed = (
            _filter_of_other_query(name, error.instance, known, endpoint)
            if pointer == "" and endpoint is not None
            else None
        )
        if entry is None and mixed is not None:
            hint, suggestion = mixed
            message += f"; {hint}"
            fix = Fix.display(suggestion, fragment=True) if suggestion else None
        elif entry:
            code = entry.get("code", code)
            if entry.get("use") and entry["use"] in known:
                message += f"; use '{entry['use']}'"
            if entry.get("hint"):
                message += f"; {entry['hint']}"
            if entry.get("fix") and pointer == "":
                fix = shapes.typed_fix(entry["fix"], error.instance)
        else:
            envelope = endpoint is None and model.schema.get("patternProperties")
            right = _meant_field(name, known) or (_envelope_key(name) if envelope else None)
            if right is not None:
                message += f"; did you mean '{right}'?"
                rename = RenameKey(field_pointer, right)
                fix = (
                    Fix.display(right)  # renamed, it would be a duplicate key
                    if right in error.instance
                    else Fix.unsafe(f"rename '{name}' to '{right}'", rename, shown=right)
                )
            else:
                # An unknown key of a report definition is no request field: the user's own
                # notes, or a wrapper's (a ticket's `payload:`); removing it would lose them.
                if not envelope:
                    fix = Fix.unsafe(f"remove '{name}'", RemoveEntry(field_pointer))
                if envelope:
                    message += "; keys of your own start with 'x-' (e.g. x-defaults)"
                elif name.startswith("x-") and pointer == "" and endpoint is not None:
                    message += (
                        "; the query is sent as written, so keys of your own (x-...) go at the "
                        "top of the report definition, beside 'query'"
                    )
        yield Finding(code, field_pointer, message, at_key=True, data={"field": name}, fix=fix)


def _envelope_key(name: str) -> str | None:
    """The report definition's key a wrong one stands for (rules/aliases.yaml `envelope`)."""
    table: dict[str, str] = load_yaml("rules", "aliases.yaml").get("envelope", {})
    return table.get(name)


def _meant_field(name: str, known: list[str]) -> str | None:
    """The model's field an unknown key is a misspelling of (same letters in another case
    first, then the closest spelling), or None."""
    lowered = [k for k in known if k.lower() == name.lower()]
    if lowered:
        return lowered[0]
    close = close_match(name, known)
    return str(close) if close else None


def _dimension_in_other_list(found: KeywordError) -> Finding | None:
    """A dimension predicate in a details list whose predicates take no dimension
    (resolutionFilters): where it belongs, as for a dimension in any other wrong list."""
    predicate = found.error.instance
    endpoint = found.endpoint
    path = list(found.error.absolute_path)
    if endpoint is None or not path or not isinstance(predicate.get("dimension"), str):
        return None
    model_name, _ = found.model.where(found.error.schema)
    if not model_name.endswith("Predicate"):
        return None
    here = (str(path[0]), model_name, "dimension")
    value_pointer = pointer_join(found.pointer, "dimension")
    return placement.misplaced(predicate["dimension"], endpoint, here, value_pointer, predicate)


def _filter_of_other_query(
    name: str, body: dict[str, Any], known: list[str], endpoint: Endpoint
) -> tuple[str, str | None] | None:
    """The details/aggregates mix-up: one 'filter' on a details query (which filters in lists
    by level) or a details list on a query that takes one 'filter'. The hint and the fix."""
    lists = [k for k in known if k.endswith("Filters")]
    value = body.get(name)
    if name == "filter" and lists:
        target = _list_for(value, lists, endpoint)
        hint = f"details queries filter in lists by level ({', '.join(lists)})"
        if target is None:
            return hint, None
        return f"{hint}: this filter goes in {target}", shapes.render({target: [value]})
    if name.endswith("Filters") and "filter" in known:
        hint = f"this query takes one 'filter' ({name} is for details queries)"
        if isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict):
            return hint, shapes.render({"filter": value[0]})
        return hint, None
    return None


def _list_for(value: Any, lists: list[str], endpoint: Endpoint) -> str | None:
    """The first details list (in the model's order) whose predicates take every dimension of
    an aggregate-style filter."""
    dimensions = set(bodyfit.predicate_dimensions(value))
    if not dimensions:
        return None
    for field in lists:
        takes: set[str] = set()
        for slot in catalog.slots(endpoint):
            if slot.field == field and slot.in_predicate and slot.prop == "dimension":
                takes |= slot.values
        if dimensions <= takes:
            return field
    return None


def _shaped_filter_part(model: Model, error: Any, pointer: str) -> Finding | None:
    """The shape finding for the predicate or clause an error is about, if it has one."""
    if not model.where(error.schema)[0].endswith(("Predicate", "Clause")):
        return None
    return _filter_shape(error.instance, error.schema, pointer)


def _filter_shape(item: Any, schema: dict[str, Any], pointer: str) -> Finding | None:
    """One finding for a filter part in a shape the API does not have (rules/aliases.yaml
    `predicates`): a clause nested too deep, or a predicate from another query language."""
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
        fix=_predicate_fix(item, known, pointer),
        data={"keys": keys},
    )


def _predicate_fix(item: dict[str, Any], known: list[str], pointer: str) -> Fix | None:
    """The predicate rewritten in the API's shape: unsafe, the operator is read from words
    (EQUALS, eq, =) and the field name from another language's names."""
    fields = shapes.predicate_fields(item, known)
    if fields is None:
        return None
    shown = shapes.predicate(item, known)
    rewrite = ReplaceValue(pointer, fields)
    return Fix.unsafe(
        "rewrite the predicate in the API's shape", rewrite, shown=shown, fragment=True
    )


@rule("AQL203", scope="schema", keywords=("required",))
def missing_required(found: KeywordError) -> Iterator[Finding]:
    model = found.model
    error = found.error
    pointer = found.pointer
    endpoint = found.endpoint
    where = model.context(error.schema)
    if _shaped_filter_part(model, error, pointer) is not None:
        return  # the filter part's shape is reported whole (AQL303/AQL310), with its fix
    for name in error.validator_value:
        if isinstance(error.instance, dict) and name not in error.instance:
            suggestion = None
            message = f"'{name}' is required in {where}"
            if endpoint is not None and pointer == "":
                suggestion = shapes.fix(name, error.instance, name)
            # The edit is the invented field's fix (AQL601): here, the fragment as advice.
            fix = Fix.display(suggestion, fragment=True) if suggestion else None
            yield Finding("AQL203", pointer, message, data={"field": name}, fix=fix)


@rule(
    "AQL201",
    "AQL202",
    "AQL206",
    "AQL207",
    "AQL208",
    "AQL211",
    "AQL212",
    scope="schema",
    keywords=("enum",),
    borrows=("AQL303", "AQL310"),
)
def enum_value(found: KeywordError) -> Iterator[Finding]:
    model = found.model
    error = found.error
    pointer = found.pointer
    body = found.body
    endpoint = found.endpoint
    value = error.instance
    if isinstance(value, dict | list) or value is None:
        return  # the type error on the same value says it better
    allowed = [str(v) for v in error.validator_value]
    prop, owner_schema = owner_of(model, error)
    owner, top = model.where(owner_schema) if owner_schema is not None else ("", False)
    role = catalog.role_of(owner, prop, top) if prop else None
    if owner.endswith("Predicate") and prop in ("type", "operator") and owner_schema is not None:
        predicate = instance_at(body, list(error.absolute_path)[:-1])
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
            fix=Fix.safe(
                f"write '{same_case[0]}'", ReplaceValue(pointer, same_case[0]), shown=same_case[0]
            ),
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
            predicate = instance_at(body, path[:-1]) if owner.endswith("Predicate") else None
            here = (str(path[0]) if path else prop, model_name, prop)
            misplaced = placement.misplaced(value, endpoint, here, pointer, predicate)
        yield misplaced or _unknown_name(value, role, allowed, pointer, where, prop)
        return
    shown = ", ".join(allowed[:8]) + (", …" if len(allowed) > 8 else "")
    close = [match] if (match := close_match(text, allowed)) else []
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
    guess = closest(value, tuple(allowed)) if GUESSES.take() else None
    hint = f"; did you mean '{guess}'?" if guess else f" (`aggqlint catalog {where}` lists them)"
    if known_wrong and right is None:
        guess = None  # a name known to stand for no single one: a spelling guess would mislead
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


@rule(
    "AQL003",
    "AQL205",
    "AQL209",
    scope="schema",
    keywords=("type",),
    borrows=("AQL204", "AQL201", "AQL202", "AQL208"),
)
def wrong_type(found: KeywordError) -> Iterator[Finding]:
    model = found.model
    error = found.error
    pointer = found.pointer
    endpoint = found.endpoint
    scalars = found.scalars
    expected = error.validator_value
    expected_types = [expected] if isinstance(expected, str) else list(expected)
    value = error.instance
    got = _JSON_TYPES.get(type(value), type(value).__name__)
    prop, owner_schema = owner_of(model, error)
    where = model.context(owner_schema) if owner_schema is not None else model.label
    name = _field_label(error.absolute_path)
    raw = scalars.get(pointer)
    want = " or ".join(_article(t) for t in expected_types)
    if "string" in expected_types and raw is not None and raw.text != _json_text(value):
        # YAML 1.1 changed what was written (`no` -> false, `0123` -> 83): the server would
        # get a different value than the one in the file.
        if isinstance(value, bool) and prop == "value":
            yield _yaml_boolean_value(raw.text, value, pointer)
            return
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
            # What the server reads anyway, written as that type: the meaning is kept.
            fix=Fix.safe(
                f"write {_canonical(value, expected_types)}",
                ReplaceValue(pointer, _converted(value, expected_types)),
                shown=_canonical(value, expected_types),
            ),
        )
        return
    if prop in ("metrics", "detailMetrics", "groupBy") and isinstance(value, dict) and endpoint:
        yield from _name_object(value, pointer, endpoint, prop)
        return
    if prop == "filter" and isinstance(value, list):
        yield Finding(
            "AQL204",
            pointer,
            f"'filter' must be an object {{type: and|or, predicates: [...]}} in {where}, "
            "not a list",
            fix=_filter_object_fix(value, pointer),
        )
        return
    key = bodyfit.metric_object_key(endpoint) if endpoint and prop == "metrics" else None
    if key is not None and isinstance(value, str):
        # The observation habit: names where activity and task management queries take objects.
        shape = f"{{{key}: {value}}}"
        yield Finding(
            "AQL204",
            pointer,
            f"{name} must be {want} in {where}, not {got}: each metric is an object "
            f"here; write {shape}",
            shape,
        )
        return
    yield Finding("AQL204", pointer, f"{name} must be {want} in {where}, not {got}")


def _yaml_boolean_value(written: str, value: bool, pointer: str) -> Finding:
    """`value: yes` in a predicate: the server gets true and reads it as the text "true",
    which is what a true/false dimension (released, rescored) holds. Quoting the word would
    send 'yes', which such a dimension never matches; so say both, and offer what is sent."""
    sent = _json_text(value)
    return Finding(
        "AQL003",
        pointer,
        f"YAML reads {written} as a boolean {sent}, not the text '{written}'; quote it: "
        f"'{sent}' for a true/false dimension (what is sent today), or '{written}' if the "
        f"dimension's values are words",
        # What the server gets today, written as the text it reads: the meaning is kept.
        fix=Fix.safe(f"write '{sent}'", ReplaceValue(pointer, sent), shown=f"'{sent}'"),
    )


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
        fix=_plain_name_fix(value, name, pointer) if inner is None else Fix.advice(suggestion),
        data={"name": name},
    )
    if inner is not None:
        yield inner


def _plain_name_fix(value: dict[str, Any], name: str | None, pointer: str) -> Fix | None:
    """The object replaced by the real name it holds: unsafe, its other keys (a statistic to
    pick, a label) go, and the server has no place for them. A name that is not real is fixed
    first, by the finding about it; the next pass then offers this."""
    if name is None:
        return None
    dropped = ", ".join(f"'{key}'" for key in value if value[key] != name)
    message = f"write the name '{name}'" + (f" (drops {dropped})" if dropped else "")
    return Fix.unsafe(message, ReplaceValue(pointer, name), shown=name)


def _filter_object_fix(value: list[Any], pointer: str) -> Fix:
    """The list written as the filter object it means: unsafe, 'and' is a guess (a list of
    conditions is most often all of them) and names are read from other languages'."""
    shape = shapes.filter_object(value)
    if shape is None:
        return Fix.display("filter: {type: and, predicates: [...]}", fragment=True)
    shown = shapes.render({"filter": shape})
    rewrite = ReplaceValue(pointer, shape)
    return Fix.unsafe("write the filter as an object", rewrite, shown=shown, fragment=True)


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


def _converted(value: Any, expected: list[str]) -> Any:
    """The value as the type the API takes (only for values _coercible says convert)."""
    if not isinstance(value, str):
        return _json_text(value)
    text = value.strip()
    if "integer" in expected and text.lstrip("-").isdigit():
        return int(text)
    if "number" in expected:
        number = float(text)
        return int(number) if number.is_integer() and "." not in text else number
    return text == "true"


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


@rule(
    "AQL204",
    scope="schema",
    keywords=("minItems", "minimum", "maximum", "pattern", "maxLength", "*"),
)
def value_not_fitting(found: KeywordError) -> Iterator[Finding]:
    """A value the model does not take: too few items, out of bounds, not one line, too long,
    or a keyword no message is written for yet."""
    explain = {
        "minItems": _min_items,
        "minimum": _bound,
        "maximum": _bound,
        "pattern": _pattern,
        "maxLength": _max_length,
    }.get(found.error.validator, _generic)
    yield from explain(found)


def _min_items(found: KeywordError) -> Iterator[Finding]:
    error = found.error
    pointer = found.pointer
    endpoint = found.endpoint
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


def _bound(found: KeywordError) -> Iterator[Finding]:
    error = found.error
    pointer = found.pointer
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


def _generic(found: KeywordError) -> Iterator[Finding]:
    model = found.model
    error = found.error
    pointer = found.pointer
    # No keyword of the shipped schemas ends here; should one appear, the message still names
    # the field and the rule in our words, never the validator library's.
    name = _field_label(error.absolute_path)
    where = model.context(schema_of_instance_parent(model, error) or {})
    yield Finding(
        "AQL204",
        pointer,
        f"{name} does not fit {where} (its schema's '{error.validator}' rule)",
    )


def _pattern(found: KeywordError) -> Iterator[Finding]:
    error = found.error
    pointer = found.pointer
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


def _max_length(found: KeywordError) -> Iterator[Finding]:
    error = found.error
    pointer = found.pointer
    name = "report name" if pointer == "/report" else _field_label(error.absolute_path)
    yield Finding(
        "AQL204",
        pointer,
        f"{name} is {len(error.instance)} characters long; "
        f"keep it to {error.validator_value} at most",
    )

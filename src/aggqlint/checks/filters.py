"""Filters: the `filter` of aggregate, observation and activity queries and the filter lists of
detail queries (`conversationFilters`, `segmentFilters`, ...), walked with their own models.

Types, unknown fields and enum values are the schema layer's; so are predicates in another
query language's shape (AQL310) and nesting deeper than the models allow (AQL303). A predicate
in such a shape is skipped here, so each problem gets one diagnostic.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from typing import Any

from msgspec import Struct

from aggqlint.checks.context import RuleContext, run_family
from aggqlint.checks.registry import rule
from aggqlint.data import load_yaml
from aggqlint.diagnostics import Finding, pointer_join
from aggqlint.fixes import shapes
from aggqlint.fixes.model import Fix

_SUBJECTS = ("dimension", "metric", "property")
_BOUNDS = ("gt", "gte", "lt", "lte")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


class _Part(Struct, frozen=True):
    """A filter, clause or predicate in the body, with the schema of its model."""

    pointer: str
    value: dict[str, Any]
    model: str
    schema: dict[str, Any]

    @property
    def fields(self) -> dict[str, Any]:
        fields: dict[str, Any] = self.schema.get("properties", {})
        return fields

    @property
    def misnamed(self) -> bool:
        """Whether it holds fields its model lacks: the schema layer reports those, and a
        subject or value may hide under a wrong name, so nothing is called missing here."""
        return bool(set(self.value) - set(self.fields))

    def items(self, prop: str, defs: dict[str, Any]) -> Iterator[_Part]:
        """The mappings in this part's list `prop`, each with the model its items have."""
        values = self.value.get(prop)
        model = _ref(self.fields.get(prop, {}).get("items", {}))
        if not isinstance(values, list) or model not in defs:
            return
        for index, item in enumerate(values):
            if isinstance(item, dict):
                yield _Part(pointer_join(self.pointer, prop, index), item, model, defs[model])


class _Walk(Struct, frozen=True):
    """The filter parts of one body, walked once for every filter rule."""

    filters: list[_Part]
    clauses: list[_Part]
    predicates: list[_Part]  # in the API's shape (others are the schema layer's, AQL310)


def _walk(context: RuleContext) -> _Walk:
    schema = context.endpoint.schema()
    defs: dict[str, Any] = schema.get("$defs", {})
    filters = list(_filters(context.body, context.endpoint.name, schema))
    if not filters:  # most bodies: nothing more to walk
        return _Walk([], [], [])
    clauses = [clause for part in filters for clause in part.items("clauses", defs)]
    predicates = [
        predicate
        for owner in (*filters, *clauses)
        for predicate in owner.items("predicates", defs)
        # another query language's shape: the schema layer reports it whole (AQL310)
        if shapes.filter_shape(predicate.value, list(predicate.fields)) is None
    ]
    return _Walk(filters, clauses, predicates)


def _parts(context: RuleContext) -> _Walk:
    return context.shared(_walk)


def check(context: RuleContext) -> Iterator[Finding]:
    """Every filter rule on one context (each guarded on its own)."""
    return run_family(__name__, context)


@rule("AQL301")
def empty_clause(context: RuleContext) -> Iterator[Finding]:
    for clause in _parts(context).clauses:
        predicates = clause.value.get("predicates")
        if predicates == []:
            yield Finding(
                "AQL301",
                pointer_join(clause.pointer, "predicates"),
                "this clause has no predicates; a clause combines its predicates with "
                f"'{clause.value.get('type', 'and')}', so give it at least one",
            )


@rule("AQL302")
def empty_filter(context: RuleContext) -> Iterator[Finding]:
    for part in _parts(context).filters:
        if part.model not in _data()["single_queue_filters"] and "type" in part.fields:
            yield from _empty_filter(part)


@rule("AQL311")
def missing_queue(context: RuleContext) -> Iterator[Finding]:
    for part in _single_queue_filters(context):
        if not _queues(part):
            yield Finding(
                "AQL311",
                pointer_join(part.pointer, "predicates"),
                "this filter needs a queueId predicate: the task management observation query "
                "always takes a single queue",
                fix=Fix.advice("- {dimension: queueId, value: <queue id>}", fragment=True),
            )


@rule("AQL312")
def second_queue(context: RuleContext) -> Iterator[Finding]:
    for part in _single_queue_filters(context):
        queues = _queues(part)
        for index in queues[1:]:
            yield Finding(
                "AQL312",
                pointer_join(part.pointer, "predicates", index),
                f"a second queueId predicate (the first is predicate {queues[0] + 1} of this "
                "filter); the task management observation query takes a single queue, so query "
                "one queue per request",
            )


@rule("AQL305")
def predicate_without_subject(context: RuleContext) -> Iterator[Finding]:
    for part in _parts(context).predicates:
        offered, given = _subjects(part)
        if offered and not given and not part.misnamed:
            yield Finding(
                "AQL305",
                part.pointer,
                f"this predicate names no {' or '.join(offered)} to test; "
                "a predicate is subject, operator and value",
            )


@rule("AQL304")
def predicate_type_mismatch(context: RuleContext) -> Iterator[Finding]:
    for part in _parts(context).predicates:
        _, given = _subjects(part)
        kind = part.value.get("type")
        if given and isinstance(kind, str) and kind in _SUBJECTS and kind not in given:
            yield Finding(
                "AQL304",
                pointer_join(part.pointer, "type"),
                f"predicate type '{kind}' reads the '{kind}' field, but this predicate gives "
                f"'{given[0]}'; write type: {given[0]} (or leave type out)",
                fix=Fix.advice(given[0]),
            )


@rule("AQL306")
def predicate_matches_nothing(context: RuleContext) -> Iterator[Finding]:
    for part in _parts(context).predicates:
        if _operator(part) == "matches":
            yield from _matches_nothing(part)


@rule("AQL309")
def empty_range(context: RuleContext) -> Iterator[Finding]:
    for part in _parts(context).predicates:
        window = part.value.get("range")
        unbounded = window == {} and "value" not in part.value  # AQL306's
        if _operator(part) == "matches" and isinstance(window, dict) and not unbounded:
            yield from _range(part.pointer, window)


@rule("AQL308")
def id_value_not_uuid(context: RuleContext) -> Iterator[Finding]:
    for part in _parts(context).predicates:
        if _operator(part) == "matches" and "value" in part.value:
            yield from _uuid_value(part)


@rule("AQL307")
def exists_with_value(context: RuleContext) -> Iterator[Finding]:
    for part in _parts(context).predicates:
        operator = part.value.get("operator")
        if _operator(part) in ("exists", "notexists"):
            for key in ("value", "range"):
                if key in part.value:
                    yield Finding(
                        "AQL307",
                        pointer_join(part.pointer, key),
                        f"'{operator}' only asks whether the subject is present, so this {key} "
                        f"is not used; to compare with it, write 'operator: matches'",
                    )


def _single_queue_filters(context: RuleContext) -> Iterator[_Part]:
    for part in _parts(context).filters:
        # missing or of the wrong type predicates: the schema layer reports it
        if part.model in _data()["single_queue_filters"] and isinstance(
            part.value.get("predicates"), list
        ):
            yield part


def _queues(part: _Part) -> list[int]:
    return [
        index
        for index, item in enumerate(part.value["predicates"])
        if isinstance(item, dict) and item.get("dimension") == "queueId"
    ]


def _subjects(part: _Part) -> tuple[list[str], list[str]]:
    """The predicate's left-hand side: the subjects its model offers and those it gives; none
    offered where the schema's `required` covers a missing subject."""
    offered = [key for key in _SUBJECTS if key in part.fields]
    if not offered or any(key in part.schema.get("required", []) for key in offered):
        return [], []
    return offered, [key for key in offered if key in part.value]


def _operator(part: _Part) -> str | None:
    """The predicate's operator in lower case (matches when left out); None where the model
    has none ({dimension, value} models: the schema requires the value) or it is not text."""
    if "operator" not in part.fields:
        return None
    operator = part.value.get("operator", "matches")
    return operator.lower() if isinstance(operator, str) else None


def _matches_nothing(part: _Part) -> Iterator[Finding]:
    has_value = "value" in part.value
    window = part.value.get("range")
    if window == {} and not has_value:
        yield Finding(
            "AQL306",
            pointer_join(part.pointer, "range"),
            "this range has no bound, so the predicate has nothing to match; "
            "give gt/gte and/or lt/lte, or a value",
        )
    elif not has_value and "range" not in part.value and not part.misnamed:
        subject = _subject_name(part.value)
        yield Finding(
            "AQL306",
            part.pointer,
            f"this predicate{subject} matches nothing: give a 'value' (or a 'range'), or "
            "write 'operator: exists' to test that it is present",
        )


def _filters(body: dict[str, Any], endpoint: str, schema: dict[str, Any]) -> Iterator[_Part]:
    """Every filter in the body: `filter`, `userFilter`, and the items of detail filter lists."""
    defs: dict[str, Any] = schema.get("$defs", {})
    for prop, is_list, model in _filter_fields(endpoint, schema):
        value = body.get(prop)
        if value is None:
            continue
        values = value if is_list and isinstance(value, list) else [value]
        for index, item in enumerate(values):
            pointer = pointer_join("", prop, index) if is_list else pointer_join("", prop)
            if isinstance(item, dict):
                yield _Part(pointer, item, model, defs[model])


_FILTER_FIELDS: dict[str, tuple[tuple[str, bool, str], ...]] = {}


def _filter_fields(endpoint: str, schema: dict[str, Any]) -> tuple[tuple[str, bool, str], ...]:
    """(field, is a list, filter model) of the endpoint's request model: read from its schema
    once per endpoint, not for every body."""
    if endpoint not in _FILTER_FIELDS:
        defs: dict[str, Any] = schema.get("$defs", {})
        found = []
        for prop, spec in schema.get("properties", {}).items():
            is_list = spec.get("type") == "array"
            model = _ref(spec.get("items", {}) if is_list else spec)
            if model.endswith("Filter") and model in defs:
                found.append((prop, is_list, model))
        _FILTER_FIELDS[endpoint] = tuple(found)
    return _FILTER_FIELDS[endpoint]


def _ref(spec: dict[str, Any]) -> str:
    ref = spec.get("$ref", "")
    return ref.removeprefix("#/$defs/") if isinstance(ref, str) else ""


def _empty_filter(part: _Part) -> Iterator[Finding]:
    lists = [part.value.get(key) for key in ("predicates", "clauses")]
    if any(value is not None and not isinstance(value, list) for value in lists):
        return  # a wrong type, which the schema layer reports
    if not any(lists):
        yield Finding(
            "AQL302",
            part.pointer,
            "this filter has neither predicates nor clauses, so it narrows nothing; add a "
            "predicate or remove the filter",
        )


def _subject_name(predicate: dict[str, Any]) -> str:
    name = next((predicate[k] for k in _SUBJECTS if isinstance(predicate.get(k), str)), None)
    return f" on '{name}'" if name else ""


def _uuid_value(part: _Part) -> Iterator[Finding]:
    dimension, value = part.value.get("dimension"), part.value.get("value")
    if not isinstance(dimension, str) or not isinstance(value, str):
        return  # wrong types are the schema's to report
    if dimension not in _data()["uuid_dimensions"]:
        return
    if not _UUID.fullmatch(value):
        yield Finding(
            "AQL308",
            pointer_join(part.pointer, "value"),
            f"'{value}' is not a UUID, but {dimension} values are object ids such as "
            "5b0e3c2a-3c1e-4f7e-9a2b-0c4d5e6f7a8b; a name matches nothing "
            "(look the id up in the admin UI or the API)",
        )


def _range(pointer: str, window: dict[str, Any]) -> Iterator[Finding]:
    bounds = {key: bound for key in _BOUNDS if (bound := number(window.get(key))) is not None}
    for low_key in ("gt", "gte"):
        for high_key in ("lt", "lte"):
            if low_key not in bounds or high_key not in bounds:
                continue
            low, high = bounds[low_key], bounds[high_key]
            inclusive = low_key == "gte" and high_key == "lte"
            if low > high or (low == high and not inclusive):
                yield Finding(
                    "AQL309",
                    pointer_join(pointer, "range"),
                    f"this range is empty: {low_key} {_show(low)} is not below "
                    f"{high_key} {_show(high)}, so no number falls inside",
                )
                return


def number(value: Any) -> float | None:
    """A bound as the server reads it: a number, or a string that holds one (JSON binding
    converts it); None for anything else (the schema layer reports those)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


def _show(value: float) -> str:
    return str(int(value)) if value.is_integer() else str(value)


@functools.cache
def _data() -> dict[str, frozenset[str]]:
    data = load_yaml("rules", "checks/filters.yaml").get("data", {})
    return {key: frozenset(values) for key, values in data.items()}

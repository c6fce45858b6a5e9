"""Metrics, dimensions, views and queryType: how the lists and options fit together.

Single names (unknown, wrong case, another endpoint's) are the schema layer's (AQL201, AQL202,
AQL207, AQL208); this family looks at what no one value shows: empty and repeated lists, a
ranked query without its sort metric, views that clash with metrics or slice nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from aggqlint import catalog
from aggqlint.data import load_yaml
from aggqlint.diagnostics import Finding, pointer_join
from aggqlint.fixes import Fix
from aggqlint.rules import RuleContext
from aggqlint.rules.filters import number

_NAME_LISTS = ("metrics", "groupBy", "detailMetrics")
_RANKED = ("topn", "bottomn")
_NOUNS = {"metrics": "metric", "groupBy": "dimension", "detailMetrics": "metric"}


def check(context: RuleContext) -> Iterator[Finding]:
    body = context.body
    schema = context.endpoint.schema()
    vocabulary = catalog.vocabulary(context.endpoint)
    yield from _empty_required(body, schema, context.endpoint.name)
    for prop in _NAME_LISTS:
        yield from _repeats(body.get(prop), prop)
    metrics = body.get("metrics")
    requested = None  # the query's metric names; None when 'metrics' is not a list
    if isinstance(metrics, list):
        requested = [name for name in metrics if isinstance(name, str)]
    if "queryType" in schema.get("properties", {}):
        yield from _query_type(body, requested, vocabulary.metrics)
    views = body.get("views")
    if isinstance(views, list):
        yield from _views(views, requested, vocabulary.metrics)
    yield from _companions(body, context.endpoint.name, schema)


def _companions(body: dict[str, Any], endpoint: str, schema: dict[str, Any]) -> Iterator[Finding]:
    """A metric entry without the field the facts say it needs ("required when requesting
    oWorkitemsDue"); the table, with its sources, is in rules/checks/metrics.yaml."""
    for rule in _data()["companions"]:
        entries = body.get(rule["list"])
        if endpoint not in rule["endpoints"] or not isinstance(entries, list):
            continue
        field = rule["requires"]
        choices = (
            schema.get("$defs", {}).get(rule["model"], {}).get("properties", {}).get(field, {})
        ).get("enum", [])
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict) or entry.get(field) is not None:
                continue
            name = entry.get(rule["key"])
            if name not in rule["names"]:
                continue
            fixed = {**entry, field: choices[0]} if choices else None
            options = f" ({' or '.join(choices)})" if choices else ""
            yield Finding(
                "AQL511",
                pointer_join("", rule["list"], index),
                f"'{name}' needs a '{field}'{options}: {rule['says']}; add it to this entry",
                fix=Fix.advice(_flow(fixed) if fixed else None, fragment=True),
            )


def _flow(entry: dict[str, Any]) -> str:
    """A metric object as one YAML flow mapping, the way these entries are usually written."""
    return "{" + ", ".join(f"{key}: {value}" for key, value in entry.items()) + "}"


@functools.cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml("rules", "checks/metrics.yaml")["data"]
    return data


def _empty_required(
    body: dict[str, Any], schema: dict[str, Any], endpoint: str
) -> Iterator[Finding]:
    for prop in schema.get("required", []):
        if body.get(prop) == [] and schema["properties"].get(prop, {}).get("type") == "array":
            noun = _NOUNS.get(prop, "entry")
            yield Finding(
                "AQL501",
                pointer_join("", prop),
                f"'{prop}' is empty; a {endpoint} query needs at least one {noun} here",
            )


def _repeats(values: Any, prop: str) -> Iterator[Finding]:
    if not isinstance(values, list):
        return
    first: dict[tuple[str, str | None], int] = {}
    for index, item in enumerate(values):
        key = _identity(item)
        if key is None:
            continue
        if key in first:
            yield Finding(
                "AQL502",
                pointer_join("", prop, index),
                f"'{key[0]}' is already entry {first[key] + 1} of '{prop}'; the repeat adds "
                "nothing",
            )
        else:
            first[key] = index


def _identity(item: Any) -> tuple[str, str | None] | None:
    """What makes two list entries the same: the name, or for metric objects (activity and
    task management queries) the metric name and its qualifier."""
    if isinstance(item, str):
        return (item, None)
    if isinstance(item, dict):
        name = item.get("metric", item.get("name"))
        qualifier = item.get("qualifier")
        if isinstance(name, str) and (qualifier is None or isinstance(qualifier, str)):
            return (name, qualifier)
    return None


def _query_type(
    body: dict[str, Any], requested: list[str] | None, known: frozenset[str]
) -> Iterator[Finding]:
    query_type = body.get("queryType")
    if isinstance(query_type, str) and query_type.lower() in _RANKED:
        yield from _ranked(body, query_type, requested, known)
    elif query_type is None or (isinstance(query_type, str) and query_type.lower() == "groupby"):
        shown = query_type or "groupBy (the default)"
        for key in ("sortMetric", "limit"):
            if key in body:
                yield Finding(
                    "AQL505",
                    pointer_join("", key),
                    f"'{key}' applies to topN and bottomN queries only, and this queryType is "
                    f"{shown}, so it is ignored; set queryType: topN (or bottomN), or remove it",
                    at_key=True,
                )


def _ranked(
    body: dict[str, Any], query_type: str, requested: list[str] | None, known: frozenset[str]
) -> Iterator[Finding]:
    distinct = list(dict.fromkeys(requested or []))
    sort = body.get("sortMetric")
    if len(distinct) > 1 and "sortMetric" not in body:
        yield Finding(
            "AQL503",
            "/queryType",
            f"a {query_type} query with several metrics ({', '.join(distinct)}) needs "
            "'sortMetric' to rank by: sortMetric: {name: <one of them>, function: "
            "sum|count|average|min|max}",
        )
    name = sort.get("name") if isinstance(sort, dict) else None
    if isinstance(name, str) and name in known and requested is not None and name not in distinct:
        yield Finding(
            "AQL504",
            "/sortMetric/name",
            f"results are ranked by '{name}', which is not among the query's metrics; "
            f"add it to 'metrics' so the response shows what it was ranked by",
        )


def _views(
    views: list[Any], requested: list[str] | None, known: frozenset[str]
) -> Iterator[Finding]:
    first: dict[str, int] = {}
    for index, view in enumerate(views):
        if not isinstance(view, dict):
            continue
        pointer = pointer_join("", "views", index)
        name = view.get("name")
        if isinstance(name, str):
            if name in first:
                yield Finding(
                    "AQL506",
                    pointer_join(pointer, "name"),
                    f"view name '{name}' is already used by view {first[name]}; "
                    "each view needs its own name",
                )
            elif name in known:
                yield Finding(
                    "AQL507",
                    pointer_join(pointer, "name"),
                    f"view name '{name}' is a built-in metric name; the view's results would "
                    f"come back under a metric's name, so name it e.g. '{name}Range'",
                    fix=Fix.advice(f"{name}Range"),
                )
            first.setdefault(name, index)
        target = view.get("target")
        requested_elsewhere = requested is not None and target not in requested
        if isinstance(target, str) and target in known and requested_elsewhere:
            yield Finding(
                "AQL508",
                pointer_join(pointer, "target"),
                f"view target '{target}' is not among the query's metrics; "
                "add it to 'metrics' to get the metric the view slices",
            )
        yield from _view_range(view, pointer)


def _view_range(view: dict[str, Any], pointer: str) -> Iterator[Finding]:
    window = view.get("range")
    if "range" not in view or window == {}:
        yield Finding(
            "AQL510",
            pointer_join(pointer, "range") if "range" in view else pointer,
            "this view has no range bound, so there is nothing to count against; "
            "give range: {gte: <from>, lt: <below>} (either bound alone also works)",
        )
        return
    if not isinstance(window, dict):
        return
    low, high = number(window.get("gte")), number(window.get("lt"))
    if low is not None and high is not None and low >= high:
        yield Finding(
            "AQL509",
            pointer_join(pointer, "range"),
            f"this view range is empty: gte {window.get('gte')} is not below lt "
            f"{window.get('lt')}, so no value falls inside",
        )

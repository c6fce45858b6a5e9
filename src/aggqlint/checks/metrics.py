"""Metrics, dimensions, views and queryType: how the lists and options fit together.

Single names (unknown, wrong case, another endpoint's) are the schema layer's (AQL201, AQL202,
AQL207, AQL208); this family looks at what no one value shows: empty and repeated lists, a
ranked query without its sort metric, views that clash with metrics or slice nothing.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator
from typing import Any

from aggqlint.api import vocabulary as catalog
from aggqlint.checks.context import RuleContext, run_family
from aggqlint.checks.filters import number
from aggqlint.checks.registry import rule
from aggqlint.data import load_yaml
from aggqlint.diagnostics import Finding, pointer_join
from aggqlint.fixes.model import Fix

_NAME_LISTS = ("metrics", "groupBy", "detailMetrics")
_RANKED = ("topn", "bottomn")
_NOUNS = {"metrics": "metric", "groupBy": "dimension", "detailMetrics": "metric"}


def check(context: RuleContext) -> Iterator[Finding]:
    """Every metrics rule on one context (each guarded on its own)."""
    return run_family(__name__, context)


@rule("AQL501")
def empty_required_list(context: RuleContext) -> Iterator[Finding]:
    yield from _empty_required(context.body, context.endpoint.schema(), context.endpoint.name)


@rule("AQL502")
def repeated_name(context: RuleContext) -> Iterator[Finding]:
    for prop in _NAME_LISTS:
        yield from _repeats(context.body.get(prop), prop)


@rule("AQL505")
def sort_without_ranking(context: RuleContext) -> Iterator[Finding]:
    if "queryType" in context.fields:
        yield from _unranked(context.body)


@rule("AQL503")
def ranked_without_sort_metric(context: RuleContext) -> Iterator[Finding]:
    ranked = _ranked_type(context)
    if ranked is not None:
        yield from _ranked_without_sort(context.body, ranked, _requested(context))


@rule("AQL504")
def sort_metric_not_requested(context: RuleContext) -> Iterator[Finding]:
    if _ranked_type(context) is not None:
        yield from _sort_not_requested(context.body, _requested(context), _known(context))


@rule("AQL506")
def view_name_repeated(context: RuleContext) -> Iterator[Finding]:
    for pointer, name, first in _view_names(context):
        if first is not None:
            yield Finding(
                "AQL506",
                pointer_join(pointer, "name"),
                f"view name '{name}' is already used by view {first}; each view needs its own name",
            )


@rule("AQL507")
def view_named_like_metric(context: RuleContext) -> Iterator[Finding]:
    known = _known(context)
    for pointer, name, first in _view_names(context):
        if first is None and name in known:
            yield Finding(
                "AQL507",
                pointer_join(pointer, "name"),
                f"view name '{name}' is a built-in metric name; the view's results would "
                f"come back under a metric's name, so name it e.g. '{name}Range'",
                fix=Fix.advice(f"{name}Range"),
            )


@rule("AQL508")
def view_target_not_requested(context: RuleContext) -> Iterator[Finding]:
    requested, known = _requested(context), _known(context)
    for pointer, view in _view_entries(context):
        target = view.get("target")
        requested_elsewhere = requested is not None and target not in requested
        if isinstance(target, str) and target in known and requested_elsewhere:
            yield Finding(
                "AQL508",
                pointer_join(pointer, "target"),
                f"view target '{target}' is not among the query's metrics; "
                "add it to 'metrics' to get the metric the view slices",
            )


@rule("AQL509")
def view_range_empty(context: RuleContext) -> Iterator[Finding]:
    for pointer, view in _view_entries(context):
        yield from _view_range(view, pointer, empty=True)


@rule("AQL510")
def view_range_unbounded(context: RuleContext) -> Iterator[Finding]:
    for pointer, view in _view_entries(context):
        yield from _view_range(view, pointer, empty=False)


@rule("AQL511")
def metric_without_companion(context: RuleContext) -> Iterator[Finding]:
    yield from _companions(context.body, context.endpoint.name, context.endpoint.schema())


def _requested(context: RuleContext) -> list[str] | None:
    """The query's metric names; None when 'metrics' is not a list."""
    metrics = context.body.get("metrics")
    if isinstance(metrics, list):
        return [name for name in metrics if isinstance(name, str)]
    return None


def _known(context: RuleContext) -> frozenset[str]:
    return catalog.vocabulary(context.endpoint).metrics


def _ranked_type(context: RuleContext) -> str | None:
    """The queryType when it is topN or bottomN and the model takes one."""
    query_type = context.body.get("queryType")
    if "queryType" not in context.fields or not isinstance(query_type, str):
        return None
    return query_type if query_type.lower() in _RANKED else None


def _view_names(context: RuleContext) -> Iterator[tuple[str, str, int | None]]:
    """(pointer, name, index of the first view with that name or None) for each named view."""
    first: dict[str, int] = {}
    for pointer, view in _view_entries(context):
        name = view.get("name")
        if isinstance(name, str):
            index = int(pointer.rsplit("/", 1)[1])
            yield pointer, name, first.get(name)
            first.setdefault(name, index)


def _view_entries(context: RuleContext) -> Iterator[tuple[str, dict[str, Any]]]:
    views = context.body.get("views")
    if isinstance(views, list):
        for index, view in enumerate(views):
            if isinstance(view, dict):
                yield pointer_join("", "views", index), view


def _companions(body: dict[str, Any], endpoint: str, schema: dict[str, Any]) -> Iterator[Finding]:
    """A metric entry without the field the facts say it needs ("required when requesting
    oWorkitemsDue"); the table, with its sources, is in rules/checks/metrics.yaml."""
    for companion in _data()["companions"]:
        entries = body.get(companion["list"])
        if endpoint not in companion["endpoints"] or not isinstance(entries, list):
            continue
        field = companion["requires"]
        choices = (
            schema.get("$defs", {}).get(companion["model"], {}).get("properties", {}).get(field, {})
        ).get("enum", [])
        for index, entry in enumerate(entries):
            if not isinstance(entry, dict) or entry.get(field) is not None:
                continue
            name = entry.get(companion["key"])
            if name not in companion["names"]:
                continue
            fixed = {**entry, field: choices[0]} if choices else None
            options = f" ({' or '.join(choices)})" if choices else ""
            yield Finding(
                "AQL511",
                pointer_join("", companion["list"], index),
                f"'{name}' needs a '{field}'{options}: {companion['says']}; add it to this entry",
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


def _unranked(body: dict[str, Any]) -> Iterator[Finding]:
    query_type = body.get("queryType")
    if query_type is None or (isinstance(query_type, str) and query_type.lower() == "groupby"):
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


def _ranked_without_sort(
    body: dict[str, Any], query_type: str, requested: list[str] | None
) -> Iterator[Finding]:
    distinct = list(dict.fromkeys(requested or []))
    if len(distinct) > 1 and "sortMetric" not in body:
        yield Finding(
            "AQL503",
            "/queryType",
            f"a {query_type} query with several metrics ({', '.join(distinct)}) needs "
            "'sortMetric' to rank by: sortMetric: {name: <one of them>, function: "
            "sum|count|average|min|max}",
        )


def _sort_not_requested(
    body: dict[str, Any], requested: list[str] | None, known: frozenset[str]
) -> Iterator[Finding]:
    distinct = list(dict.fromkeys(requested or []))
    sort = body.get("sortMetric")
    name = sort.get("name") if isinstance(sort, dict) else None
    if isinstance(name, str) and name in known and requested is not None and name not in distinct:
        yield Finding(
            "AQL504",
            "/sortMetric/name",
            f"results are ranked by '{name}', which is not among the query's metrics; "
            f"add it to 'metrics' so the response shows what it was ranked by",
        )


def _view_range(view: dict[str, Any], pointer: str, empty: bool) -> Iterator[Finding]:
    """empty: a range no value falls in (AQL509); else no bound at all (AQL510)."""
    window = view.get("range")
    if "range" not in view or window == {}:
        if empty:
            return
        yield Finding(
            "AQL510",
            pointer_join(pointer, "range") if "range" in view else pointer,
            "this view has no range bound, so there is nothing to count against; "
            "give range: {gte: <from>, lt: <below>} (either bound alone also works)",
        )
        return
    if not isinstance(window, dict) or not empty:
        return
    low, high = number(window.get("gte")), number(window.get("lt"))
    if low is not None and high is not None and low >= high:
        yield Finding(
            "AQL509",
            pointer_join(pointer, "range"),
            f"this view range is empty: gte {window.get('gte')} is not below lt "
            f"{window.get('lt')}, so no value falls inside",
        )

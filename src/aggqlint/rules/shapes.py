"""Invented shapes: fields people make up, and the corrected YAML fragment that replaces them.

The schema layer finds an unknown field such as `dateFrom`; rules/aliases.yaml names the fixer
(`fix: interval`), and the fixer here writes what the user should have written, built from the
values they gave.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import yaml

from aggqlint.data import load_yaml

_RANGE_PAIRS = (("dateFrom", "dateTo"), ("startDate", "endDate"), ("from", "to"))


def fix(kind: str, body: Any, field: str) -> str | None:
    """The corrected YAML fragment for an invented field (or a missing required one)."""
    if not isinstance(body, dict):
        return None
    fixer = _FIXERS.get(kind)
    return fixer(body) if fixer else None


def render(fragment: dict[str, Any]) -> str:
    """A YAML fragment as a user would write it: block keys, short lists in flow style."""
    parts = []
    for key, value in fragment.items():
        flow = None if isinstance(value, dict | list) else False
        text: str = yaml.safe_dump(
            {key: value}, default_flow_style=flow, sort_keys=False, allow_unicode=True, width=100
        )
        parts.append(text.strip())
    return "\n".join(parts)


def invented_range(body: dict[str, Any]) -> tuple[str, str] | None:
    """The (start, end) a body states with dateFrom/dateTo, dateRange or similar."""
    for start_key, end_key in _RANGE_PAIRS:
        start, end = body.get(start_key), body.get(end_key)
        if isinstance(start, str) and isinstance(end, str):
            return start, end
    date_range = body.get("dateRange")
    if isinstance(date_range, dict):
        for start_key, end_key in (("from", "to"), ("start", "end")):
            start, end = date_range.get(start_key), date_range.get(end_key)
            if isinstance(start, str) and isinstance(end, str):
                return start, end
    return None


def half_open_end(end: str) -> str:
    """An end written as the last millisecond of a day becomes the next midnight."""
    for suffix in ("T23:59:59.999", "T23:59:59"):
        index = end.find(suffix)
        if index == 10:
            try:
                day = datetime.fromisoformat(end[:10]) + timedelta(days=1)
            except ValueError:
                return end
            rest = end[len(end[:10]) + len(suffix) :]
            rest = rest.lstrip("0123456789") if suffix.endswith(".999") else rest
            fraction = ".000" if suffix.endswith(".999") else ""
            return f"{day.date().isoformat()}T00:00:00{fraction}{rest}"
    return end


def _looks_like_duration(text: Any) -> bool:
    return isinstance(text, str) and text.upper().startswith("P") and "/" not in text


def _interval(body: dict[str, Any]) -> str | None:
    found = invented_range(body)
    if found is None:
        return None
    start, end = found
    fragment: dict[str, Any] = {"interval": f"{start}/{half_open_end(end)}"}
    if _looks_like_duration(body.get("interval")) and "granularity" not in body:
        fragment["granularity"] = body["interval"]
    return render(fragment)


def _names(items: Any, role: str) -> list[str]:
    table = load_yaml("rules", "aliases.yaml").get(role, {})
    names = []
    for item in items if isinstance(items, list) else [items]:
        name = item
        if isinstance(item, dict):
            name = next((item[k] for k in ("id", "name", "dimension", "metric") if k in item), None)
        if isinstance(name, str):
            right = table.get(name, name)
            if right:  # a known wrong name with no single replacement is left out
                names.append(right)
    return names


def _group_by(body: dict[str, Any]) -> str | None:
    for key in ("groupings", "groupBys", "groups", "group_by"):
        if key in body:
            return render({"groupBy": _names(body[key], "dimensions")})
    return None


def _metrics(body: dict[str, Any]) -> str | None:
    for key in ("select", "metricNames", "metrics"):
        if body.get(key):
            names = _names(body[key], "metrics")
            if names:
                return render({"metrics": names})
    return None


def _filter(body: dict[str, Any]) -> str | None:
    where = body.get("where", body.get("filters"))
    items = where if isinstance(where, list) else [where]
    predicates = []
    for item in items:
        if not isinstance(item, dict):
            return None
        dimension = next((item[k] for k in ("dimension", "id", "field") if k in item), None)
        if not isinstance(dimension, str):
            return None
        dimension = _names([dimension], "dimensions")[0]
        predicate: dict[str, Any] = {
            "type": "dimension",
            "dimension": dimension,
            "operator": "matches",
        }
        if "value" in item:
            predicate["value"] = str(item["value"])
        predicates.append(predicate)
    return render({"filter": {"type": "and", "predicates": predicates}})


def _windows(body: dict[str, Any]) -> str | None:
    intervals = body.get("intervals")
    if not isinstance(intervals, list):
        return None
    windows = []
    for item in intervals:
        if isinstance(item, dict) and isinstance(item.get("start"), str) and "end" in item:
            windows.append(f"{item['start']}/{half_open_end(str(item['end']))}")
        elif isinstance(item, str):
            windows.append(item)
    if not windows:
        return None
    # The windows live in the report definition, around the query, not in the body.
    return render({"windows": windows}) + "\n# (in the report definition, beside 'query:')"


_FIXERS: dict[str, Callable[[dict[str, Any]], str | None]] = {
    "interval": _interval,
    "groupBy": _group_by,
    "metrics": _metrics,
    "filter": _filter,
    "windows": _windows,
}

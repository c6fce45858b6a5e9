"""Invented shapes: fields people make up, and the corrected YAML fragment that replaces them.

The schema layer finds an unknown field such as `dateFrom`; rules/aliases.yaml names the fixer
(`fix: interval`), and the fixer here writes what the user should have written, built from the
values they gave.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Collection
from datetime import datetime, timedelta
from typing import Any

from msgspec.structs import replace

from aggqlint.data import load_yaml
from aggqlint.diagnostics import pointer_join
from aggqlint.fixes import plain
from aggqlint.fixes.model import Fix, RemoveEntry, RenameKey, ReplaceEntry, rewrite_fields

_RANGE_PAIRS = (("dateFrom", "dateTo"), ("startDate", "endDate"), ("from", "to"))


def fix(kind: str, body: Any, field: str) -> str | None:
    """The corrected YAML fragment for an invented field (or a missing required one)."""
    if not isinstance(body, dict):
        return None
    fixer = _FIXERS.get(kind)
    return fixer(body) if fixer else None


def typed_fix(kind: str, body: Any, pointer: str = "") -> Fix | None:
    """The fix for an invented field as edits: the invented keys rewritten as the real ones.
    A key renamed with its value as written is safe; rebuilt values (a range made into
    'interval', names looked up) may change the meaning: unsafe. Windows belong outside the
    body: advice only."""
    if not isinstance(body, dict):
        return None
    found = _FIELDS.get(kind, _none)(body)
    if found is None:
        shown = fix(kind, body, kind)
        return Fix.display(shown, fragment=True) if shown else None
    fields, invented = found
    shown = render(fields)
    (real, value), *more = fields.items()
    if not more and len(invented) == 1 and value == body[invented[0]] and real not in body:
        # Only the key was wrong: renaming it keeps the value exactly as written.
        rename = RenameKey(pointer_join(pointer, invented[0]), real)
        return replace(
            Fix.safe(f"rename '{invented[0]}' to '{real}'", rename, shown=shown), fragment=True
        )
    changes = rewrite_fields(pointer, body, invented, fields)
    message = f"replace {', '.join(repr(k) for k in invented)} with {', '.join(map(repr, fields))}"
    return replace(Fix.unsafe(message, *changes, shown=shown), fragment=True)


def interval_fix(body: dict[str, Any], fragment: str | None) -> Fix | None:
    """The time family's corrected fragment for a wrong 'interval' (the range from invented
    fields, the duration moved to 'granularity'), as edits: the interval entry becomes the
    fragment's fields and the invented range fields go. May change the meaning: unsafe."""
    import yaml  # only when a fix is written: most runs never need PyYAML

    if not fragment:
        return None
    fields = yaml.safe_load(fragment)
    if not isinstance(fields, dict) or not isinstance(body, dict) or "interval" not in body:
        return Fix.advice(fragment, fragment=True)
    found = _interval_fields(body) if "interval" in fields else None
    invented = found[1] if found else []
    changes = [ReplaceEntry("/interval", fields)] + [
        RemoveEntry(pointer_join("", key)) for key in invented
    ]
    moved = ", ".join(repr(key) for key in fields)
    return replace(
        Fix.unsafe(f"write {moved} in place of 'interval'", *changes, shown=fragment),
        fragment=True,
    )


def _none(body: dict[str, Any]) -> None:
    return None


def render(fragment: dict[str, Any]) -> str:
    """A YAML fragment as a user would write it: block keys, short lists in flow style."""
    simple = plain.fragment(fragment)  # names and lists of names: no need for PyYAML
    if simple is not None:
        return simple
    # PyYAML's emitter is slow and the same fixes recur across a run's files: memoise by value.
    return _render(json.dumps(fragment, ensure_ascii=False, default=str))


@functools.lru_cache(maxsize=1024)
def _render(fragment_json: str) -> str:
    return pyyaml_fragment(json.loads(fragment_json))


def pyyaml_fragment(fragment: dict[str, Any]) -> str:
    """render's text as PyYAML writes it (for what fixes/plain.py leaves to it)."""
    import yaml  # only when a fix is written: most runs never need PyYAML

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


_LAST_MOMENT = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})T23:59:59(\.9+)?((?:Z|[+-].*)?)", re.ASCII)


def half_open_end(end: str) -> str:
    """An end written as the last second (or .999…) of a day becomes the next midnight."""
    match = _LAST_MOMENT.fullmatch(end)
    if match is None:
        return end
    try:
        day = datetime.fromisoformat(match[1]) + timedelta(days=1)
    except ValueError:
        return end
    fraction = ".000" if match[2] else ""
    return f"{day.date().isoformat()}T00:00:00{fraction}{match[3]}"


def _looks_like_duration(text: Any) -> bool:
    return isinstance(text, str) and text.upper().startswith("P") and "/" not in text


def _interval(body: dict[str, Any]) -> str | None:
    found = _interval_fields(body)
    return render(found[0]) if found else None


def _interval_fields(body: dict[str, Any]) -> tuple[dict[str, Any], list[str]] | None:
    found = invented_range(body)
    if found is None:
        return None
    start, end = found
    fragment: dict[str, Any] = {"interval": f"{start}/{half_open_end(end)}"}
    if _looks_like_duration(body.get("interval")) and "granularity" not in body:
        fragment["granularity"] = body["interval"]
    invented = [k for pair in _RANGE_PAIRS for k in pair if k in body] or ["dateRange"]
    if isinstance(body.get("dateRange"), dict) and "dateRange" not in invented:
        invented = ["dateRange"]
    return fragment, invented


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
    found = _group_by_fields(body)
    return render(found[0]) if found else None


def _group_by_fields(body: dict[str, Any]) -> tuple[dict[str, Any], list[str]] | None:
    for key in ("groupings", "groupBys", "groups", "group_by"):
        if key in body:
            return {"groupBy": _names(body[key], "dimensions")}, [key]
    return None


def _metrics(body: dict[str, Any]) -> str | None:
    found = _metrics_fields(body)
    return render(found[0]) if found else None


def _metrics_fields(body: dict[str, Any]) -> tuple[dict[str, Any], list[str]] | None:
    for key in ("select", "metricNames", "metrics"):
        if body.get(key):
            names = _names(body[key], "metrics")
            if names:
                return {"metrics": names}, [key]
    return None


def _filter(body: dict[str, Any]) -> str | None:
    found = _filter_fields(body)
    return render(found[0]) if found else None


def _filter_fields(body: dict[str, Any]) -> tuple[dict[str, Any], list[str]] | None:
    """A `where`/`filters` list (or one such item) as the API's filter object, and the
    invented keys it replaces; None when an item has no dimension a predicate could name."""
    invented: list[str] = [key for key in ("where", "filters") if key in body]
    if not invented:
        return None
    where = body[invented[0]]
    items = where if isinstance(where, list) else [where]
    predicates = []
    for item in items:
        if not isinstance(item, dict):
            return None
        dimension = next((item[k] for k in ("dimension", "id", "field") if k in item), None)
        if not isinstance(dimension, str):
            return None
        mapped = _names([dimension], "dimensions")
        if not mapped or not mapped[0]:
            return None  # nothing a predicate could be built on
        dimension = mapped[0]
        predicate: dict[str, Any] = {
            "type": "dimension",
            "dimension": dimension,
            "operator": "matches",
        }
        if "value" in item:
            predicate["value"] = str(item["value"])
        predicates.append(predicate)
    return {"filter": {"type": "and", "predicates": predicates}}, invented


def filter_object(value: list[Any]) -> dict[str, Any] | None:
    """A filter written as a list of predicates, as the API's filter object (or None)."""
    found = _filter_fields({"filters": value})
    return found[0]["filter"] if found else None


def filter_shape(item: Any, known: Collection[str]) -> tuple[str, list[str]] | None:
    """How a filter predicate or clause departs from the API's shape, and the keys that show it:
    ("nested", keys) for a clause where only predicates may go, ("invented", keys) for a
    predicate from another query language; None for the API's own shape. `known` holds the
    fields of the model the item is checked against."""
    if not isinstance(item, dict):
        return None
    table = load_yaml("rules", "aliases.yaml")["predicates"]
    nested = [key for key in item if key in table["nesting"] and key not in known]
    if nested:
        return "nested", nested
    if "predicates" in known:
        return None  # a clause: only predicates come in other languages' shapes
    invented = [key for key in item if key in table["fields"] and key not in known]
    kind = item.get("type")
    if isinstance(kind, str) and kind.lower() in table["operators"]:
        invented.insert(0, "type")  # an operator word where the predicate type goes (EQUALS)
    return ("invented", invented) if invented else None


def predicate(item: dict[str, Any], known: Collection[str]) -> str | None:
    """The API's predicate for one written in another shape ({type: EQUALS, field: queue.id}),
    as a flow mapping; None when it has no equivalent (an operator the API lacks)."""
    fields = predicate_fields(item, known)
    if fields is None:
        return None
    simple = plain.flow(fields)
    if simple is not None:
        return simple
    import yaml  # only when a fix is written: most runs never need PyYAML

    text: str = yaml.safe_dump(
        fields, default_flow_style=True, sort_keys=False, allow_unicode=True, width=1000
    )
    return text.strip()


def predicate_fields(item: dict[str, Any], known: Collection[str]) -> dict[str, Any] | None:
    """predicate's answer as the mapping it writes."""
    table = load_yaml("rules", "aliases.yaml")["predicates"]
    stands_for = {**table["fields"], "dimension": "dimension", "operator": "operator"}
    subject = next(
        (v for k, v in item.items() if stands_for.get(k) == "dimension" and isinstance(v, str)),
        None,
    )
    if subject is None:
        return None
    words = [v for k, v in item.items() if stands_for.get(k) == "operator"] + [item.get("type")]
    operator: str | None = "matches"
    for word in words:
        if isinstance(word, str) and word.lower() in table["operators"]:
            operator = table["operators"][word.lower()]
            break
    if operator is None:
        return None
    dimension = (_names([subject], "dimensions") or [subject])[0]
    fragment: dict[str, Any] = {"type": "dimension", "dimension": dimension, "operator": operator}
    value = item.get("value")
    scalar = isinstance(value, str | int | float) and not isinstance(value, bool)
    if operator == "matches" and scalar:
        fragment["value"] = str(value)
    elif operator == "matches" and isinstance(item.get("range"), dict):
        fragment["range"] = item["range"]
    # Models whose predicates are plain {dimension, value} pairs take no type or operator.
    return {key: part for key, part in fragment.items() if key in known}


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


# The fixers that can be written as edits: the fields, and the invented keys they replace.
_FIELDS: dict[str, Callable[[dict[str, Any]], tuple[dict[str, Any], list[str]] | None]] = {
    "interval": _interval_fields,
    "groupBy": _group_by_fields,
    "metrics": _metrics_fields,
    "filter": _filter_fields,
}

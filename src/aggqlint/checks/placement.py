"""Where a real name goes: a metric or dimension of the endpoint written in the wrong place
(another filter list, groupBy for metrics, a metric sortMetric cannot rank by), and the
endpoint to offer when a query's names all belong to another one.

The schema layer's enum rule (rules/schema_keywords.py) calls these when an enum refuses a
name; the slots come from the generated schemas (catalog.slots), so nothing here lists names.
"""

from __future__ import annotations

from typing import Any

from msgspec.structs import replace

from aggqlint.api import bodyfit
from aggqlint.api import vocabulary as catalog
from aggqlint.api.endpoints import Endpoint, all_endpoints
from aggqlint.diagnostics import Finding
from aggqlint.fixes.model import Fix


def misplaced(
    value: str,
    endpoint: Endpoint,
    here: tuple[str, str, str],
    pointer: str,
    predicate: Any,
) -> Finding | None:
    """A real name of this endpoint written in the wrong place (a segment dimension in
    conversationFilters, a metric in groupBy, a metric sortMetric cannot rank by): one finding
    saying where it goes. `here` is (top-level field, model, property) of the failing enum."""
    field, model, prop = here
    role = catalog.role_of(model, prop, model == "") or ""
    takers = [
        slot
        for slot in catalog.slots(endpoint)
        if value in slot.values and (slot.field, slot.model, slot.prop) != here
    ]
    if not takers:
        return None
    same = [t for t in takers if t.model == model and t.field == field]
    tops = [t for t in takers if not t.in_predicate and t.field in ("metrics", "groupBy")]
    lists = [t for t in takers if t.in_predicate and t.field != field]
    where = endpoint.name
    if model.endswith("Predicate"):
        if same:
            slot = same[0]
            moved = _moved(predicate, prop, slot, endpoint)
            return Finding(
                "AQL212",
                pointer,
                f"'{value}' is a {slot.role} in {field}, not a {_other(slot.role)}: "
                f"write '{slot.prop}: {value}' in this predicate",
                _flow(moved) if moved is not None else f"{slot.prop}: {value}",
                data={"field": slot.prop},
            )
        if lists:
            return _move_predicate(value, prop, lists, pointer, predicate, endpoint)
        if tops and tops[0].role != role:
            return Finding(
                "AQL212",
                pointer,
                f"'{value}' is a {tops[0].role} of {where}; its filter predicates take "
                f"{role}s only (ask for the {tops[0].role} in '{tops[0].field}')",
            )
        if tops:
            return Finding(
                "AQL212",
                pointer,
                f"'{value}' is a {tops[0].field} {role} of {where}, but not one its filter "
                f"predicates take: {tops[0].field} only",
            )
        return None
    target = (tops or lists or takers)[0]
    if field == "detailMetrics" and target.field == "metrics":
        shown = ", ".join(sorted(_slot_values(endpoint, field)))
        message = (
            f"'{value}' is a metric of {where} but not a detail metric: ask for it in "
            f"'metrics' only (detailMetrics takes {shown})"
        )
    elif field == "sortMetric" and target.field == "metrics":
        message = (
            f"'{value}' is a metric of {where}, but not one sortMetric can rank groups by; "
            "keep it in 'metrics' and sort by another metric"
        )
    elif field == "groupBy" and target.in_predicate:
        message = (
            f"'{value}' is a filter dimension of {where}, but not one it can group by: "
            "filter on it with a predicate instead"
        )
    elif target.field in ("metrics", "groupBy"):
        message = (
            f"'{value}' is a {target.role}, not a {_other(target.role)}: it goes in "
            f"'{target.field}'"
        )
    else:
        message = f"{where} takes '{value}' in '{target.field}', not in '{field}'"
    return Finding("AQL212", pointer, message, data={"field": target.field})


def _other(role: str) -> str:
    return "dimension" if role == "metric" else "metric"


def _slot_values(endpoint: Endpoint, field: str) -> frozenset[str]:
    return next((s.values for s in catalog.slots(endpoint) if s.field == field), frozenset())


def _move_predicate(
    value: str,
    prop: str,
    lists: list[catalog.Slot],
    pointer: str,
    predicate: Any,
    endpoint: Endpoint,
) -> Finding:
    """A details query's predicate in the wrong filter list: where it belongs, and the
    predicate written in its new place."""
    slot = lists[0]
    noun = slot.field.removesuffix("Filters")
    article = "an" if noun[:1] in "aeiou" else "a"
    message = f"'{value}' is {article} {noun} {slot.role}; move this predicate to {slot.field}"
    if slot.prop != prop:
        message += f" as '{slot.prop}: {value}'"
    others = [t.field for t in lists[1:] if t.field != slot.field]
    if others:
        message += f" ({' and '.join(dict.fromkeys(others))} take it too)"
    suggestion = None
    moved = _moved(predicate, prop, slot, endpoint)
    if moved is not None:
        from aggqlint.fixes import shapes

        suggestion = shapes.render({slot.field: [{"type": "and", "predicates": [moved]}]})
    fix = Fix.display(suggestion, fragment=True) if suggestion else None
    return Finding("AQL212", pointer, message, data={"field": slot.field}, fix=fix)


def _moved(
    predicate: Any, prop: str, slot: catalog.Slot, endpoint: Endpoint
) -> dict[str, Any] | None:
    """The predicate as the slot's model takes it: the name under the slot's property (and
    `type` saying so), without fields that model lacks."""
    if not isinstance(predicate, dict):
        return None
    defs = endpoint.schema().get("$defs", {})
    known = defs.get(slot.model, {}).get("properties", {})
    moved = {(slot.prop if key == prop else key): item for key, item in predicate.items()}
    if slot.prop != prop and "type" in moved:
        moved["type"] = slot.prop
    return {key: item for key, item in moved.items() if key in known}


def _flow(fragment: dict[str, Any]) -> str:
    import yaml

    text: str = yaml.safe_dump(
        fragment, default_flow_style=True, sort_keys=False, allow_unicode=True, width=1000
    )
    return text.strip()


def offer_endpoint(found: list[Finding], body: Any, endpoint: Endpoint | None) -> list[Finding]:
    """Names of other endpoints (AQL208) get an endpoint fix only when it is surely meant: one
    endpoint takes every such name, every other name the body uses (metric objects too) and
    every field of the body, and it is the only one of the same family or, failing that, of
    the same kind of query."""
    others = [f for f in found if f.code == "AQL208"]
    if endpoint is None or not isinstance(body, dict):
        return found
    if not others:
        return _offer_for_fields(found, body, endpoint)
    failing = {(f.data["name"], f.data["role"]) for f in others}
    # Every name must fit the other endpoint: those that fit today, and a misspelt one too
    # (its right spelling may well be this endpoint's, so nothing is sure then).
    fits = set(others[0].data["endpoints"])
    for name, role in failing | set(bodyfit.names_used(body)):
        fits &= set(catalog.endpoints_taking(name, role))
    # And the whole body: following the fix must not give new errors (fields it lacks, a
    # required field, metric objects where it lists names).
    fits = {e for e in fits if bodyfit.fits(all_endpoints()[_as_sent(e, endpoint)], body)}
    kind = endpoint.kind.removesuffix("-job")
    same_family = [e for e in fits if catalog.family(e) == catalog.family(endpoint.name)]
    same_kind = [e for e in fits if all_endpoints()[e].kind == kind]
    meant = same_family if same_family else same_kind
    if len(meant) != 1:
        return found
    target = _as_sent(meant[0], endpoint)
    out = []
    for f in found:
        if f.code == "AQL208":
            sure = f"; {target} takes every name of this query: set endpoint: {target}"
            if f.data["endpoints"] == [target]:
                sure = ", which takes every name of this query: set endpoint to it"
            f = replace(f, message=f.message + sure, fix=Fix.display(target))
        out.append(f)
    return out


def _as_sent(name: str, endpoint: Endpoint) -> str:
    """An async query is meant to stay one: the other endpoint's job, where it has one."""
    if endpoint.kind.endswith("-job") and f"{name}/jobs" in all_endpoints():
        return f"{name}/jobs"
    return name


def _offer_for_fields(
    found: list[Finding], body: dict[str, Any], endpoint: Endpoint
) -> list[Finding]:
    """Top-level fields the endpoint refuses (an aggregate body on a details endpoint): when
    the whole body, fields and names, fits exactly one other endpoint (of the same family if
    any does), say so once, on the first refused field, with the endpoint to set."""
    refused = [
        f
        for f in found
        if f.code == "AQL200" and f.pointer.count("/") == 1 and f.data.get("field") in body
    ]
    if not refused or body.keys() <= endpoint.fields:
        return found
    endpoints = all_endpoints()
    bases = {
        other.name.removesuffix("/jobs")
        for other in endpoints.values()
        if other.name != endpoint.name and bodyfit.fits(other, body)
    }
    bases.discard(endpoint.name.removesuffix("/jobs"))
    same_family = [b for b in bases if catalog.family(b) == catalog.family(endpoint.name)]
    meant = same_family if same_family else sorted(bases)
    if len(meant) != 1:
        return found
    target = _as_sent(meant[0], endpoint)
    if not bodyfit.fits(endpoints[target], body):
        return found  # a job must stay a job: its own model must take the body too
    why = _why_not(endpoint, endpoints[target])
    first = refused[0]
    offer = replace(
        first,
        message=f"{first.message}; every field of this query fits {target}{why}: "
        f"set endpoint: {target}",
        fix=Fix.display(target),
    )
    return [offer if f is first else f for f in found]


def _why_not(endpoint: Endpoint, target: Endpoint) -> str:
    """Why the endpoint is not the one meant, where the two kinds of query tell it."""
    kind = endpoint.kind.removesuffix("-job")
    other = target.kind.removesuffix("-job")
    if kind == "detail" and other == "aggregate":
        records = catalog.family(endpoint.name).removesuffix("s")
        return f" (details queries return {records} records, not aggregates)"
    if kind == "aggregate" and other == "detail":
        return " (aggregate queries return metrics, not records)"
    return ""

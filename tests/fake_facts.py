"""What the fake Genesys server accepts, read straight from `facts/genesys/` (never from
aggqlint's schemas or rules), so that `aggqlint drift` against the fake measures aggqlint
against an independent reading of the facts.

The fake refuses a body only where the facts say the real server does:
- the request model of the endpoint (endpoints.json -> models/<Model>.json): required fields
  (a JSON null counts as absent), the JSON kind of each field (object, list, scalar) and the
  enums (metrics, dimensions, operators, ...), nested models included;
- requirements the SDK states in descriptions (limits.md section 3): a metric's qualifier for
  oWorkitemsDue, sortMetric for a topN/bottomN query of several metrics, the queueId predicate
  of a task-management observation;
- `interval`: an ISO-8601 interval (limits.md section 1);
- synchronous detail queries: the documented interval lengths (limits.md section 1) and, where
  it was observed, the paging cap (errors.json, limits.md section 5).

Where the facts are silent or in conflict it accepts, and says why below.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

FACTS = Path(__file__).resolve().parents[1] / "facts" / "genesys"

# Where the facts record a conflict between sources, the fake takes the more lenient one:
# limits.md section 4, the developer center allows `mediaType` on user observations while the
# SDK enum lists only `userId`.
DOCUMENTED_EXTRAS: dict[tuple[str, str], frozenset[str]] = {
    ("UserObservationQueryPredicate", "dimension"): frozenset({"mediaType"}),
}

# An ISO-8601 duration, for the `start/duration` and `duration/end` forms of an interval.
_DURATION = re.compile(r"P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?")


@dataclass(frozen=True)
class Refusal:
    """Why the fake answers 400, in the facts' ErrorBody terms."""

    code: str
    message: str
    field_name: str | None = (
        None  # where in the body, as a dotted path (ErrorBody.details.fieldName)
    )
    params: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Endpoint:
    path: str
    model: str
    category: str  # endpoints.json: aggregate_query, observation_query, detail_query, ...


@dataclass(frozen=True)
class DetailLimits:
    without_filter: timedelta
    with_filter: timedelta
    paging_cap: int
    paging_message: str
    paging_paths: frozenset[str]  # where the paging cap was observed


@cache
def endpoints() -> dict[str, Endpoint]:
    """Every POST query endpoint with a request body model, by path."""
    data = json.loads((FACTS / "endpoints.json").read_text(encoding="utf-8"))
    found = {}
    for entry in data["endpoints"]:
        if entry["method"] == "POST" and entry["is_query_endpoint"] and entry["request_model"]:
            found[entry["path"]] = Endpoint(
                entry["path"], entry["request_model"], entry["category"]
            )
    return found


@cache
def model(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((FACTS / "models" / f"{name}.json").read_text("utf-8"))
    return data


@cache
def message_template(code: str) -> str:
    """errors.json's message template for a generic platform error code."""
    data = json.loads((FACTS / "errors.json").read_text(encoding="utf-8"))
    for entry in data["generic_platform_error_codes"]["codes"]:
        if entry["code"] == code and "message_template" in entry:
            template: str = entry["message_template"]
            return template
    raise LookupError(f"errors.json has no message template for {code}")


@cache
def detail_limits() -> DetailLimits:
    """The documented limits of synchronous detail queries. A missing figure is a KeyError at
    start: the fake must not quietly stop enforcing what the facts say."""
    text = (FACTS / "limits.md").read_text(encoding="utf-8")
    # "With no filter, the interval may be at most **7 days**. With a filter, the limit rises
    # to **31 days**." and "the Genesys Analytics Query Builder UI says 7 days without a filter
    # and **32** days with one". The sources disagree; Genesys's own tool sends 32-day queries,
    # so the stand-in takes the longer span (aggqlint warns on the 32nd day, AQL412).
    short = re.search(r"no filter, the interval may be at most \*\*(\d+) days\*\*", text)
    documented = re.search(r"With a filter, the limit rises to \*\*(\d+) days\*\*", text)
    builder = re.search(r"Query Builder UI says .* and \*\*(\d+)\*\* days with one", text)
    if not short or not documented or not builder:
        raise KeyError("limits.md no longer states the detail interval limits")
    long = max(documented, builder, key=lambda match: int(match.group(1)))
    errors = json.loads((FACTS / "errors.json").read_text(encoding="utf-8"))
    [paging] = [m for m in errors["observed_error_messages"] if m["id"].endswith("limit_100000")]
    cap = re.search(r"exceed (\d+) results", paging["message"])
    # The message was seen on the synchronous conversation detail query only; on users/details
    # the cap is unknown, so the fake does not enforce it there.
    paths = re.findall(r"POST (/api/v2/analytics/[\w/]+)", paging["context"])
    if not cap or not paths:
        raise KeyError("errors.json no longer states where the paging cap applies")
    return DetailLimits(
        timedelta(days=int(short.group(1))),
        timedelta(days=int(long.group(1))),
        int(cap.group(1)),
        paging["message"],
        frozenset(paths),
    )


def judge(endpoint: Endpoint, body: Any) -> Refusal | None:
    """None when the facts say the server takes this body; otherwise the first problem."""
    refusal = _check_object(endpoint.model, body, "")
    if refusal is None and endpoint.category == "detail_query":
        refusal = _check_detail_limits(endpoint, body)
    return refusal


# -- the request model -------------------------------------------------------------------------


def _check_object(name: str, value: Any, where: str) -> Refusal | None:
    if not isinstance(value, dict):
        what = f"'{where}'" if where else "The request body"
        return Refusal("bad.request", f"{what} must be a JSON object", where or None)
    spec = model(name)
    for prop in spec["properties"]:
        path = f"{where}.{prop['name']}" if where else prop["name"]
        present = value.get(prop["name"])
        # A JSON null is an absent field (Genesys's own examples write "value": null).
        if present is None:
            if prop["required"]:
                return Refusal(
                    "bad.request",
                    f"The field '{path}' is required in {name}",
                    path,
                    {"field": path},
                )
            condition = _required_when(prop, value)
            if condition:
                return Refusal(
                    "bad.request",
                    f"The field '{path}' is required {condition}",
                    path,
                    {"field": path},
                )
            continue
        refusal = _check_value(name, prop, present, path)
        if refusal is not None:
            return refusal
    refusal = _check_always_required_predicate(spec, value, where)
    if refusal is not None:
        return refusal
    # Fields the model does not have: the facts do not say whether the server refuses them
    # (no observed "unknown field" message in errors.json or limits.md), so the fake lets
    # them through.
    return None


# Requirements the SDK states in a property's description rather than its `required` flag
# (limits.md section 3): "Required when requesting oWorkitemsDue" (a metric's qualifier) and
# "Required when requesting multiple metrics. Only applicable for topN/bottomN query type."
# (sortMetric).
_WHEN_METRIC = re.compile(r"Required when requesting (?!multiple)(\w+)")
_WHEN_SEVERAL = re.compile(r"Required when requesting multiple metrics")
_ONLY_FOR_TYPES = re.compile(r"Only applicable for ([\w/]+) query type")
_ALWAYS_PREDICATE = re.compile(r"A single (\w+) predicate is always required")


def _required_when(prop: dict[str, Any], body: dict[str, Any]) -> str | None:
    """The condition, worded, under which this optional field is required and which holds."""
    description = prop.get("description") or ""
    metric = _WHEN_METRIC.search(description)
    if metric and metric.group(1) in (body.get("name"), body.get("metric")):
        return f"when requesting {metric.group(1)}"
    if _WHEN_SEVERAL.search(description):
        only = _ONLY_FOR_TYPES.search(description)
        if only and body.get("queryType") not in only.group(1).split("/"):
            return None
        metrics = body.get("metrics")
        if isinstance(metrics, list) and len({json.dumps(m, sort_keys=True) for m in metrics}) > 1:
            return "when requesting multiple metrics"
    return None


def _check_always_required_predicate(
    spec: dict[str, Any], value: dict[str, Any], where: str
) -> Refusal | None:
    """ "A single queueId predicate is always required" (TaskManagementObservationQueryFilter).
    Whether several are refused is not in the facts: at least one is asked for."""
    for prop in spec["properties"]:
        wanted = _ALWAYS_PREDICATE.search(prop.get("description") or "")
        if not wanted:
            continue
        dimension = wanted.group(1)
        if not any(_predicates_with(value, dimension)):
            path = f"{where}.{prop['name']}" if where else prop["name"]
            return Refusal(
                "bad.request", f"A {dimension} predicate is always required in '{path}'", path
            )
    return None


def _predicates_with(filter_value: dict[str, Any], dimension: str) -> list[Any]:
    found = []
    for predicate in filter_value.get("predicates") or []:
        if isinstance(predicate, dict) and predicate.get("dimension") == dimension:
            found.append(predicate)
    for clause in filter_value.get("clauses") or []:
        if isinstance(clause, dict):
            found.extend(_predicates_with(clause, dimension))
    return found


def _check_value(owner: str, prop: dict[str, Any], value: Any, path: str) -> Refusal | None:
    kind = prop["type"]
    if kind == "object":
        return _check_object(prop["ref"], value, path)
    if kind == "object(map)":
        return None if isinstance(value, dict) else _wrong_kind(path, "a JSON object")
    if kind == "array":
        if not isinstance(value, list):
            return _wrong_kind(path, "a list")
        items = prop["items"]
        for index, item in enumerate(value):
            item_path = f"{path}[{index}]"
            if items.get("ref"):
                refusal = _check_object(items["ref"], item, item_path)
            else:
                refusal = _check_scalar(owner, prop["name"], items, item, item_path)
            if refusal is not None:
                return refusal
        return None
    refusal = _check_scalar(owner, prop["name"], prop, value, path)
    if refusal is None and prop["name"] == "interval" and kind == "string":
        refusal = _check_interval(value, path)
    return refusal


def _check_scalar(
    owner: str, name: str, spec: dict[str, Any], value: Any, path: str
) -> Refusal | None:
    if isinstance(value, dict | list):
        return _wrong_kind(path, "a single value")
    if not _reads_as(spec["type"], value):
        return _invalid_value(value, path, spec["type"])
    allowed = spec.get("enum")
    if allowed is not None:
        extras = DOCUMENTED_EXTRAS.get((owner, name), frozenset())
        # Case: production queries written with upper-case `AND` were accepted, and the facts
        # do not say the server matches enums by case, so a case-only difference passes (as
        # aggqlint's AQL207 only warns).
        folded = {str(item).casefold() for item in (*allowed, *extras)}
        if str(value).casefold() not in folded:
            return _invalid_value(value, path, ", ".join(allowed))
    return None


def _reads_as(kind: str, value: Any) -> bool:
    """Whether a JSON scalar can be read as the model's type. Whether the server converts a
    scalar of another JSON type ("25" for an integer, 7 for a string) is not in the facts, so
    anything that reads as the type is let through."""
    if kind == "integer":
        if isinstance(value, bool):
            return False
        if isinstance(value, float):
            return value.is_integer()
        return isinstance(value, int) or (isinstance(value, str) and value.strip().isdigit())
    if kind == "number":
        if isinstance(value, bool):
            return False
        if isinstance(value, str):
            try:
                float(value)
            except ValueError:
                return False
            return True
        return isinstance(value, int | float)
    if kind == "boolean":
        return isinstance(value, bool) or value in ("true", "false")
    return True  # string: any scalar reads as text


def _wrong_kind(path: str, expected: str) -> Refusal:
    return Refusal("bad.request", f"The field '{path}' must be {expected}", path)


def _invalid_value(value: Any, path: str, allowed: str) -> Refusal:
    shown = json.dumps(value) if not isinstance(value, str) else value
    message = message_template("invalid.value") % (shown, path, allowed)
    return Refusal("invalid.value", message, path, {"value": shown, "field": path})


# -- intervals and detail limits ---------------------------------------------------------------


def _check_interval(value: Any, path: str) -> Refusal | None:
    if _interval_span(value) is None:
        return Refusal("invalid.date", message_template("invalid.date"), path)
    return None


def _interval_span(value: Any) -> tuple[datetime | None, datetime | None] | None:
    """(start, end) of an ISO-8601 interval, None for an end given as a duration; None for
    text that is not an interval."""
    if not isinstance(value, str) or value.count("/") != 1:
        return None
    ends: list[datetime | None] = []
    for part in value.split("/"):
        if _DURATION.fullmatch(part):
            ends.append(None)
            continue
        moment = _instant(part)
        if moment is None:
            return None
        ends.append(moment)
    start, end = ends
    if start is None and end is None:
        return None
    if start is not None and end is not None and end <= start:
        return None
    return start, end


def _instant(text: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    # The SDK example `YYYY-MM-DDThh:mm:ss/...` has no offset: UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _check_detail_limits(endpoint: Endpoint, body: dict[str, Any]) -> Refusal | None:
    limits = detail_limits()
    # An interval given as start/duration or duration/end: its length is not checked here.
    start, end = _interval_span(body["interval"]) or (None, None)
    filters = [
        p["name"] for p in model(endpoint.model)["properties"] if p["name"].endswith("Filters")
    ]
    filtered = any(body.get(name) for name in filters)
    allowed = limits.with_filter if filtered else limits.without_filter
    if start is not None and end is not None and end - start > allowed:
        # No observed message for this one: the wording is the fake's own.
        kind = "with a filter" if filtered else "without a filter"
        return Refusal(
            "bad.request",
            f"The interval of a detail query {kind} may span at most {allowed.days} days",
            "interval",
        )
    if endpoint.path in limits.paging_paths:
        # Without `paging` the first page of the default size is asked for; with it, the
        # model has already required both numbers.
        paging = body.get("paging")
        reach = int(paging["pageSize"]) * int(paging["pageNumber"]) if paging else 0
        if reach > limits.paging_cap:
            return Refusal("bad.request", limits.paging_message, "paging")
    return None


# -- async jobs --------------------------------------------------------------------------------

# AsyncQueryStatus.state (models/AsyncQueryStatus.json): the states the fake's jobs pass through.
JOB_STATES = tuple(
    next(p for p in model("AsyncQueryStatus")["properties"] if p["name"] == "state")["enum"]
)


@dataclass(frozen=True)
class JobRoute:
    method: str
    pattern: re.Pattern[str]  # the path, {jobId} captured
    category: str  # aggregate_job_status, detail_job_results, detail_job_availability, ...
    submit_path: str  # the POST .../jobs path the job came from


@cache
def job_routes() -> tuple[JobRoute, ...]:
    """Every GET/DELETE of a job (status, results, cancel, availability), from endpoints.json."""
    data = json.loads((FACTS / "endpoints.json").read_text(encoding="utf-8"))
    routes = []
    for entry in data["endpoints"]:
        category = entry["category"]
        if "_job_" not in category or category.endswith("_submit"):
            continue
        path = entry["path"]
        submit = path.split("/{jobId}")[0].removesuffix("/availability")
        pattern = re.escape(path).replace(re.escape("{jobId}"), "(?P<job>[^/?]+)")
        routes.append(JobRoute(entry["method"], re.compile(pattern + r"$"), category, submit))
    # availability before {jobId}: '.../jobs/availability' also fits '.../jobs/{jobId}'
    routes.sort(key=lambda r: not r.category.endswith("availability"))
    return tuple(routes)


def job_route(method: str, path: str) -> tuple[JobRoute, str | None] | None:
    for route in job_routes():
        match = route.pattern.match(path)
        if route.method == method and match:
            return route, match.groupdict().get("job")
    return None

"""Which metric and dimension names a place in a body takes, and what they mean (from the
schemas' vocabulary and rules/catalog.yaml)."""

from __future__ import annotations

import functools
from zoneinfo import available_timezones

from aggqlint.api import isotime
from aggqlint.api.endpoints import Endpoint, all_endpoints
from aggqlint.api.vocabulary import vocabulary

METRIC_LISTS = ("metrics", "detailMetrics")  # the query's own metric list
METRIC_KEYS = ("metric", "target")  # a predicate's metric, a view's target


def role_of(keys: list[str]) -> str | None:
    """What the value under these keys (innermost first) names: 'query-metric', 'metric',
    'group-by', 'dimension', 'endpoint', 'time-zone' or None."""
    if not keys:
        return None
    key, parent = keys[0], keys[1] if len(keys) > 1 else ""
    if key in METRIC_LISTS:
        return "query-metric"
    if key in METRIC_KEYS or (key == "name" and parent == "sortMetric"):
        return "metric"
    if key == "groupBy":
        return "group-by"
    if key == "dimension":
        return "dimension"
    if key == "endpoint" and len(keys) == 1:
        return "endpoint"
    if key == "timeZone":
        return "time-zone"
    return None


def names_for(role: str, endpoint: Endpoint | None) -> list[str]:
    """The names valid in that place: the endpoint's, or every sync endpoint's when the
    document's endpoint is not known."""
    if role == "endpoint":
        return sorted(all_endpoints())
    if role == "time-zone":
        return list(time_zones())
    endpoints = [endpoint] if endpoint else _sync_endpoints()
    found: set[str] = set()
    for each in endpoints:
        vocab = vocabulary(each)
        if role == "query-metric":
            found.update(vocab.query_metrics or vocab.metrics)
        elif role == "metric":
            found.update(vocab.metrics)
        elif role == "group-by":
            found.update(vocab.group_by)
        elif role == "dimension":
            found.update(vocab.filter_dimensions)
    return sorted(found, key=str.lower)


def _sync_endpoints() -> list[Endpoint]:
    return [e for e in all_endpoints().values() if not e.kind.endswith("-job")]


@functools.cache
def time_zones() -> tuple[str, ...]:
    """The zone names aggqlint accepts in timeZone (the IANA names Java knows)."""
    return tuple(sorted(z for z in available_timezones() if isotime.is_valid_timezone(z)))


@functools.cache
def all_metrics() -> frozenset[str]:
    return frozenset(m for e in _sync_endpoints() for m in vocabulary(e).metrics)


@functools.cache
def all_dimensions() -> frozenset[str]:
    return frozenset(d for e in _sync_endpoints() for d in vocabulary(e).dimensions)

"""What metric and dimension names mean, from rules/catalog.yaml, and the listings built from it.

The names an endpoint takes come from the schemas (`catalog.vocabulary`); this module only adds
the words a person needs to choose among them, and finds names by those words.
"""

from __future__ import annotations

import functools
import re
from typing import Any

from msgspec import Struct

from aggqlint.api.endpoints import Endpoint, all_endpoints
from aggqlint.api.vocabulary import Vocabulary, vocabulary
from aggqlint.data import load_yaml

CATALOG_FILE = "catalog.yaml"
# The first letter of a metric name gives its kind; used only for a name the catalog lacks.
_KIND_BY_PREFIX = {"n": ("count", "count"), "t": ("timer", "ms"), "o": ("observation", "")}
_WORD = re.compile(r"[A-Z][a-z0-9]*|[A-Z]+(?![a-z])|[a-z0-9]+")


class MetricInfo(Struct, frozen=True):
    name: str
    kind: str
    unit: str
    text: str
    documented: bool  # False: no source gives the meaning; `text` only reads the name
    words: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        if not self.text:
            return "not described yet"
        return self.text if self.documented else f"no documented meaning; by its name: {self.text}"


class DimensionInfo(Struct, frozen=True):
    name: str
    text: str
    group_by: bool  # usable in `groupBy`
    filter: bool  # usable in filter predicates

    @property
    def description(self) -> str:
        return self.text or "not described yet"


class EndpointListing(Struct, frozen=True):
    endpoint: Endpoint
    metrics: tuple[MetricInfo, ...]
    dimensions: tuple[DimensionInfo, ...]
    metrics_in_filters_only: bool = False  # detail queries take metrics only in predicates


class SearchHit(Struct, frozen=True):
    """A name found by `search` across endpoints, with the sync endpoints that take it."""

    role: str  # "metric" or "dimension"
    name: str
    description: str
    endpoints: tuple[str, ...]
    metric: MetricInfo | None = None


@functools.cache
def _catalog() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml("rules", CATALOG_FILE) or {}
    return data


def metric_info(name: str) -> MetricInfo:
    entry = _catalog().get("metrics", {}).get(name)
    if entry is None:
        kind, unit = _KIND_BY_PREFIX.get(name[:1], ("", ""))
        return MetricInfo(name, kind, unit, "", True)
    return MetricInfo(
        name,
        entry["kind"],
        entry["unit"],
        entry["text"],
        entry.get("documented", True),
        tuple(entry.get("words", ())),
    )


def dimension_text(name: str) -> str:
    text: str = _catalog().get("dimensions", {}).get(name, "")
    return text


def listing(endpoint: Endpoint, word: str | None = None) -> EndpointListing:
    """An endpoint's query metrics and its groupBy and filter dimensions, narrowed by `word`."""
    vocab = vocabulary(endpoint)
    metrics = tuple(m for m in map(metric_info, _metric_names(vocab)) if _metric_matches(m, word))
    dimensions = tuple(d for d in _dimensions(vocab) if _dimension_matches(d, word))
    return EndpointListing(endpoint, metrics, dimensions, not vocab.query_metrics)


def search(word: str) -> list[SearchHit]:
    """Metrics and dimensions of every endpoint whose name, description or usual words match,
    each with the endpoints that list it (job endpoints take the same names as their twins)."""
    metric_at: dict[str, list[str]] = {}
    dimension_at: dict[str, list[str]] = {}
    for endpoint in all_endpoints().values():
        if endpoint.kind.endswith("-job"):
            continue
        vocab = vocabulary(endpoint)
        for name in _metric_names(vocab):
            metric_at.setdefault(name, []).append(endpoint.name)
        for name in vocab.dimensions:
            dimension_at.setdefault(name, []).append(endpoint.name)
    hits = [
        SearchHit("metric", m.name, m.description, tuple(metric_at[m.name]), m)
        for m in map(metric_info, sorted(metric_at, key=str.lower))
        if _metric_matches(m, word)
    ]
    for name in sorted(dimension_at, key=str.lower):
        info = DimensionInfo(name, dimension_text(name), False, False)
        if _dimension_matches(info, word):
            hits.append(SearchHit("dimension", name, info.description, tuple(dimension_at[name])))
    return hits


def name_words(name: str) -> str:
    """'nBotSessions' -> 'bot sessions': a name as the words a person would search for."""
    parts = _WORD.findall(name)
    if len(parts) > 1 and parts[0] in _KIND_BY_PREFIX:
        parts = parts[1:]
    return " ".join(p.lower() for p in parts)


def _metric_names(vocab: Vocabulary) -> tuple[str, ...]:
    # Detail queries have no `metrics` list; the metrics their filter predicates take stand in.
    return vocab.query_metrics or tuple(sorted(vocab.metrics, key=str.lower))


def _dimensions(vocab: Vocabulary) -> list[DimensionInfo]:
    return [
        DimensionInfo(
            name, dimension_text(name), name in vocab.group_by, name in vocab.filter_dimensions
        )
        for name in sorted(vocab.dimensions, key=str.lower)
    ]


def _metric_matches(info: MetricInfo, word: str | None) -> bool:
    if not word:
        return True
    return _matches(word, info.name, info.text, *info.words)


def _dimension_matches(info: DimensionInfo, word: str | None) -> bool:
    return not word or _matches(word, info.name, info.text)


def _matches(word: str, name: str, *texts: str) -> bool:
    # At the start of a word, so 'hold' finds "hold time" but not "threshold".
    pattern = re.compile(r"\b" + re.escape(word.strip().lower()))
    haystacks = (name.lower(), name_words(name), *(t.lower() for t in texts))
    return any(pattern.search(hay) for hay in haystacks)

"""How the catalog is shown: endpoints, and the metrics and dimensions of one, as text or JSON."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from aggqlint.api.endpoints import Endpoint
    from aggqlint.api.glossary import DimensionInfo, EndpointListing, MetricInfo, SearchHit


def endpoints_text(endpoints: list[Endpoint]) -> str:
    rows = [("ENDPOINT", "KIND", "PATH", "")]
    rows += [(e.name, e.kind, e.path, "preview" if e.preview else "") for e in endpoints]
    return _table(rows)


def endpoints_json(endpoints: list[Endpoint]) -> str:
    return _dumps({"endpoints": [_endpoint_json(e) for e in endpoints]})


def _endpoint_json(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "name": endpoint.name,
        "kind": endpoint.kind,
        "path": endpoint.path,
        "model": endpoint.model,
        "preview": endpoint.preview,
    }


def listing_text(found: EndpointListing, metrics: bool, dimensions: bool) -> str:
    endpoint = found.endpoint
    preview = ", preview" if endpoint.preview else ""
    blocks = [f"{endpoint.name} ({endpoint.kind}{preview}): {endpoint.path}\n"]
    if metrics:
        metric_rows = [(m.name, m.kind, m.unit, m.description) for m in found.metrics]
        where = ", in filter predicates only" if found.metrics_in_filters_only else ""
        heading = f"metrics ({len(metric_rows)}{where})\n"
        blocks.append(heading + _table(metric_rows, indent="  "))
    if dimensions:
        dimension_rows = [(d.name, _usable_in(d), d.description) for d in found.dimensions]
        legend = "; g: groupBy, f: filter" if dimension_rows else ""
        heading = f"dimensions ({len(dimension_rows)}{legend})\n"
        blocks.append(heading + _table(dimension_rows, indent="  "))
    return "\n".join(blocks)


def _usable_in(dimension: DimensionInfo) -> str:
    return f"{'g' if dimension.group_by else '-'}{'f' if dimension.filter else '-'}"


def listing_json(found: EndpointListing, metrics: bool, dimensions: bool) -> str:
    document: dict[str, Any] = {"endpoint": _endpoint_json(found.endpoint)}
    if metrics:
        document["metrics"] = [_metric_json(m) for m in found.metrics]
        document["metricsInFiltersOnly"] = found.metrics_in_filters_only
    if dimensions:
        document["dimensions"] = [
            {
                "name": d.name,
                "groupBy": d.group_by,
                "filter": d.filter,
                "description": d.description,
            }
            for d in found.dimensions
        ]
    return _dumps(document)


def _metric_json(metric: MetricInfo) -> dict[str, Any]:
    return {
        "name": metric.name,
        "kind": metric.kind,
        "unit": metric.unit,
        "documented": metric.documented,
        "description": metric.description,
    }


def search_text(hits: list[SearchHit]) -> str:
    lines = []
    for hit in hits:
        kind = f"{hit.metric.kind} {hit.metric.unit}" if hit.metric else "dimension"
        lines.append(f"{hit.name}  ({kind})  {hit.description}")
        lines.append(f"    endpoints: {', '.join(hit.endpoints)}")
    return "".join(f"{line}\n" for line in lines)


def search_json(word: str, hits: list[SearchHit]) -> str:
    return _dumps(
        {
            "search": word,
            "metrics": [
                _metric_json(h.metric) | {"endpoints": list(h.endpoints)}
                for h in hits
                if h.metric is not None
            ],
            "dimensions": [
                {"name": h.name, "description": h.description, "endpoints": list(h.endpoints)}
                for h in hits
                if h.metric is None
            ],
        }
    )


def _table(rows: Iterable[tuple[str, ...]], indent: str = "") -> str:
    """Left-aligned columns; the last column is free text and is never padded."""
    rows = list(rows)
    if not rows:
        return ""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        lines.append((indent + "  ".join([*cells, row[-1]])).rstrip())
    return "".join(f"{line}\n" for line in lines)


def _dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

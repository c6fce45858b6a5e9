"""aggqlint catalog: the endpoints, and the metrics and dimensions each one takes, explained."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NoReturn

import click

if TYPE_CHECKING:
    from aggqlint.api.endpoints import Endpoint
    from aggqlint.api.glossary import DimensionInfo, EndpointListing, MetricInfo, SearchHit

EXIT_USAGE = 2
EXIT_NOTHING_FOUND = 1  # like grep: --search found nothing


@click.command(short_help="List endpoints, or the metrics and dimensions of one, explained.")
@click.argument("endpoint", required=False)
@click.option("--metrics", "only_metrics", is_flag=True, help="List only the metrics.")
@click.option("--dimensions", "only_dimensions", is_flag=True, help="List only the dimensions.")
@click.option(
    "--search",
    "word",
    metavar="WORD",
    help="Only names whose name, description or usual words match WORD (e.g. 'handle time').",
)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
def catalog(
    endpoint: str | None,
    only_metrics: bool,
    only_dimensions: bool,
    word: str | None,
    output_format: str,
) -> None:
    """List the query endpoints, or the metrics and dimensions ENDPOINT takes, with meanings.

    ENDPOINT is a short name (conversations/aggregates) or a full path. Without ENDPOINT,
    --search looks through every endpoint.
    """
    from aggqlint.api import glossary
    from aggqlint.api.endpoints import EndpointError, all_endpoints, resolve_endpoint

    show_metrics = only_metrics or not only_dimensions
    show_dimensions = only_dimensions or not only_metrics
    as_json = output_format == "json"
    if endpoint is None and word is None:
        if only_metrics or only_dimensions:
            _usage("--metrics and --dimensions need an ENDPOINT (or --search WORD)")
        endpoints = list(all_endpoints().values())
        _emit(_endpoints_json(endpoints) if as_json else _endpoints_text(endpoints))
        return
    if endpoint is None:
        assert word is not None
        hits = [
            h
            for h in glossary.search(word)
            if (show_metrics and h.role == "metric") or (show_dimensions and h.role == "dimension")
        ]
        _emit(_search_json(word, hits) if as_json else _search_text(hits))
        _exit_if_empty(bool(hits), f"nothing matches {word!r}")
        return
    try:
        resolved = resolve_endpoint(endpoint)
    except EndpointError as err:
        _usage(err.message)
    found = glossary.listing(resolved, word)
    if as_json:
        _emit(_listing_json(found, show_metrics, show_dimensions))
    else:
        _emit(_listing_text(found, show_metrics, show_dimensions))
    shown = (show_metrics and found.metrics) or (show_dimensions and found.dimensions)
    _exit_if_empty(bool(shown) or word is None, f"nothing in {resolved.name} matches {word!r}")


def _usage(message: str) -> NoReturn:
    click.echo(f"aggqlint: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _emit(text: str) -> None:
    click.echo(text, nl=False)


def _exit_if_empty(found: bool, message: str) -> None:
    if not found:
        click.echo(f"aggqlint: {message}", err=True)
        sys.exit(EXIT_NOTHING_FOUND)


def _endpoints_text(endpoints: list[Endpoint]) -> str:
    rows = [("ENDPOINT", "KIND", "PATH", "")]
    rows += [(e.name, e.kind, e.path, "preview" if e.preview else "") for e in endpoints]
    return _table(rows)


def _endpoints_json(endpoints: list[Endpoint]) -> str:
    return _dumps({"endpoints": [_endpoint_json(e) for e in endpoints]})


def _endpoint_json(endpoint: Endpoint) -> dict[str, Any]:
    return {
        "name": endpoint.name,
        "kind": endpoint.kind,
        "path": endpoint.path,
        "model": endpoint.model,
        "preview": endpoint.preview,
    }


def _listing_text(found: EndpointListing, metrics: bool, dimensions: bool) -> str:
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


def _listing_json(found: EndpointListing, metrics: bool, dimensions: bool) -> str:
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


def _search_text(hits: list[SearchHit]) -> str:
    lines = []
    for hit in hits:
        kind = f"{hit.metric.kind} {hit.metric.unit}" if hit.metric else "dimension"
        lines.append(f"{hit.name}  ({kind})  {hit.description}")
        lines.append(f"    endpoints: {', '.join(hit.endpoints)}")
    return "".join(f"{line}\n" for line in lines)


def _search_json(word: str, hits: list[SearchHit]) -> str:
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

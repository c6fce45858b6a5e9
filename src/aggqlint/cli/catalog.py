"""aggqlint catalog: the endpoints, and the metrics and dimensions each one takes, explained."""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from aggqlint.cli.common import EXIT_USAGE
from aggqlint.output.catalog import (
    endpoints_json,
    endpoints_text,
    listing_json,
    listing_text,
    search_json,
    search_text,
)

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
        _emit(endpoints_json(endpoints) if as_json else endpoints_text(endpoints))
        return
    if endpoint is None:
        assert word is not None
        hits = [
            h
            for h in glossary.search(word)
            if (show_metrics and h.role == "metric") or (show_dimensions and h.role == "dimension")
        ]
        _emit(search_json(word, hits) if as_json else search_text(hits))
        _exit_if_empty(bool(hits), f"nothing matches {word!r}")
        return
    try:
        resolved = resolve_endpoint(endpoint)
    except EndpointError as err:
        _usage(err.message)
    found = glossary.listing(resolved, word)
    if as_json:
        _emit(listing_json(found, show_metrics, show_dimensions))
    else:
        _emit(listing_text(found, show_metrics, show_dimensions))
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

"""aggqlint schema: print the JSON Schema an editor uses to complete and check report files."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from aggqlint.cli.common import EXIT_USAGE


@click.command(short_help="Print the JSON Schema that editors use for report files.")
@click.argument("endpoint", required=False)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the schema to FILE instead of standard output.",
)
def schema(endpoint: str | None, output: Path | None) -> None:
    """Print the report-definition schema as one standalone JSON document.

    With ENDPOINT (short name or full path), print that endpoint's request-body schema instead.
    """
    from aggqlint.api.editor_schema import bundle_report_schema, dumps, endpoint_schema
    from aggqlint.api.endpoints import EndpointError, resolve_endpoint

    if endpoint is None:
        document = bundle_report_schema()
    else:
        try:
            document = endpoint_schema(resolve_endpoint(endpoint))
        except EndpointError as err:
            click.echo(f"aggqlint: {err.message}", err=True)
            sys.exit(EXIT_USAGE)
    text = dumps(document)
    if output is None:
        click.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as err:
        click.echo(f"aggqlint: cannot write {output}: {err.strerror}", err=True)
        sys.exit(EXIT_USAGE)

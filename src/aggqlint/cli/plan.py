"""aggqlint plan: the exact requests a run would send, without sending anything."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from aggqlint.cli.common import (
    PATHS,
    PathOptions,
    definition_options,
    path_options,
    plan_paths,
)
from aggqlint.output.plan import PLAN_FORMATS, report_problems


@click.command()
@click.argument("paths", nargs=-1, required=True, type=PATHS)
@definition_options
@path_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(PLAN_FORMATS)),
    default="text",
    show_default=True,
    help="text: one block per request; json: a list of requests; curl: runnable commands.",
)
@click.option("--region", help="Region for --format curl (e.g. eu-west-1) [default: us-east-1].")
@click.option("--api-url", help="API base URL for --format curl, instead of a region.")
def plan(
    paths: tuple[str, ...],
    output_format: str,
    endpoint: str | None,
    now_text: str | None,
    config_path: Path | None,
    profile: str | None,
    exclude: tuple[str, ...],
    force_exclude: bool,
    stdin_filename: str | None,
    region: str | None,
    api_url: str | None,
) -> None:
    """Show the exact requests, windows and chunks expanded; send nothing.

    Definitions with errors are not planned: their diagnostics are shown and the exit code
    is 1.
    """
    from aggqlint.api.regions import DEFAULT_REGION, RegionError, resolve_hosts

    try:
        hosts = resolve_hosts(
            region, api_url, None, os.environ, default_region=DEFAULT_REGION, need_login=False
        )
    except RegionError as err:
        raise click.BadParameter(str(err), param_hint="--region/--api-url") from None
    result = plan_paths(
        paths,
        endpoint,
        now_text,
        config_path,
        profile,
        PathOptions(exclude, force_exclude, stdin_filename),
    )
    output = PLAN_FORMATS[output_format](result.requests, hosts.api_url)
    if output:
        click.echo(output, nl=False)
    click.echo(report_problems(result), err=True, nl=False)
    sys.exit(1 if result.has_errors else 0)

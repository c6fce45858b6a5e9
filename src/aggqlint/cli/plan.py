"""aggqlint plan: the exact requests a run would send, without sending anything."""

from __future__ import annotations

import json
import os
import shlex
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from aggqlint.cli.common import (
    PathOptions,
    definition_options,
    path_options,
    plan_paths,
)

if TYPE_CHECKING:
    from aggqlint.requests.plan import Plan, PlannedRequest


def _text(requests: list[PlannedRequest], api_url: str) -> str:
    blocks = []
    for request in requests:
        body = json.dumps(request.body, indent=2, ensure_ascii=False)
        blocks.append(
            f"# {_one_line(request.label)} ({request.source_file})\n"
            f"{request.method} {request.path}\n{body}\n"
        )
    return "\n".join(blocks)


def _json(requests: list[PlannedRequest], api_url: str) -> str:
    return json.dumps([r.as_dict() for r in requests], indent=2, ensure_ascii=False) + "\n"


def _curl(requests: list[PlannedRequest], api_url: str) -> str:
    from aggqlint.requests.plan import canonical_json

    commands = []
    for request in requests:
        data = canonical_json(request.body).decode("utf-8")
        commands.append(
            f"# {_one_line(request.label)}\n"
            f"curl -sS -X {request.method} {shlex.quote(api_url + request.path)} \\\n"
            # Double quotes: the shell fills in the token; it never appears in the plan.
            '  -H "Authorization: Bearer $GENESYS_TOKEN" \\\n'
            "  -H 'Content-Type: application/json' \\\n"
            f"  --data-raw {shlex.quote(data)}\n"
        )
    return "\n".join(commands)


# --format name -> renderer(requests, api base URL)
PLAN_FORMATS: dict[str, Callable[[list[PlannedRequest], str], str]] = {
    "text": _text,
    "json": _json,
    "curl": _curl,
}


def _one_line(text: str) -> str:
    return " ".join(text.split())


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
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


def report_problems(result: Plan, action: str = "planned") -> str:
    """Diagnostics as `aggqlint check` prints them, then which definitions were left out."""
    from aggqlint.diagnostics import Severity
    from aggqlint.output import Style
    from aggqlint.output.text import format_line

    lines = [format_line(d, Style()) for d in result.diagnostics]
    for definition in result.blocked:
        errors = sum(1 for d in definition.all_diagnostics if d.severity is Severity.ERROR)
        noun = "error" if errors == 1 else "errors"
        lines.append(
            f"not {action}: {definition.report} ({definition.source_file}) has {errors} {noun}"
        )
    count = len(result.requests)
    definitions = sum(1 for d in result.definitions if not d.has_errors)
    lines.append(
        f"{count} request{'s' if count != 1 else ''} {action} from {definitions} "
        f"definition{'s' if definitions != 1 else ''}"
    )
    return "\n".join(lines) + "\n"

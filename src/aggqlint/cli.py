"""The command line: click parses options, the core does the work and returns values.

This is the only module that imports click; everything it calls works without it.
"""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

import click

from aggqlint import __version__
from aggqlint.output import FORMATTERS

EXIT_USAGE = 2


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        raise click.BadParameter(f"{value!r} needs an offset, e.g. {value}Z")
    return parsed


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="aggqlint")
def cli() -> None:
    """Lint Genesys Cloud Analytics query definitions before they reach the server."""


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(FORMATTERS)),
    default="text",
    show_default=True,
    help="Output format.",
)
@click.option("--endpoint", help="Endpoint for bare query bodies (short name or full path).")
@click.option(
    "--now", "now_text", metavar="DATETIME", help="Fix 'now' (ISO 8601) for reproducible runs."
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default=None,
    help="Lowest severity that makes the exit code 1 [default: error].",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors, summary line last.")
@click.option("--color/--no-color", default=None, help="Colour output (default: on a terminal).")
def check(
    paths: tuple[str, ...],
    output_format: str,
    endpoint: str | None,
    now_text: str | None,
    fail_on: str | None,
    quiet: bool,
    color: bool | None,
) -> None:
    """Check report definitions and query bodies (files or directories)."""
    from aggqlint.diagnostics import Severity
    from aggqlint.endpoints import EndpointError, resolve_endpoint
    from aggqlint.lint import LintOptions, UsageError, exit_code, lint_paths
    from aggqlint.output import Style, render

    if endpoint:
        try:
            resolve_endpoint(endpoint)
        except EndpointError as err:
            raise click.BadParameter(err.message, param_hint="--endpoint") from None
    options = LintOptions(endpoint=endpoint, now=_parse_now(now_text))
    try:
        result = lint_paths(paths, options)
    except UsageError as err:
        click.echo(f"aggqlint: {err}", err=True)
        sys.exit(EXIT_USAGE)
    style = Style(color=_use_color(color), quiet=quiet)
    click.echo(render(output_format, result, style), nl=False)
    sys.exit(exit_code(result, Severity.parse(fail_on) if fail_on else Severity.ERROR))


def _use_color(flag: bool | None) -> bool:
    import os

    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


def main(argv: list[str] | None = None) -> Any:
    try:
        return cli.main(args=argv, prog_name="aggqlint")
    except KeyboardInterrupt:
        click.echo("aggqlint: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the last line of defence: a message, never a traceback
        click.echo(f"aggqlint: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(3)


if __name__ == "__main__":  # pragma: no cover
    main()

"""aggqlint check: lint files and directories."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from aggqlint.cli.common import (
    EXIT_USAGE,
    PATHS,
    PathOptions,
    definition_options,
    lint_options,
    path_options,
    use_color,
)
from aggqlint.cli.fixing import show_diff, write_fixes
from aggqlint.output import FORMATTERS


@click.command()
@click.argument("paths", nargs=-1, required=True, type=PATHS)
@definition_options
@path_options
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(FORMATTERS)),
    default=None,
    help="Output format [default: text; github when GITHUB_ACTIONS=true].",
)
@click.option(
    "--output-file",
    type=click.Path(dir_okay=False),
    help="Write the --format output to this file; the console then gets the text format.",
)
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info"]),
    default=None,
    help="Lowest severity that makes the exit code 1 [default: the config's, else error].",
)
@click.option(
    "--select",
    multiple=True,
    metavar="CODES",
    help="Check only these codes, names or prefixes (comma-separated; replaces the config's).",
)
@click.option(
    "--ignore",
    multiple=True,
    metavar="CODES",
    help="Also skip these codes, names or prefixes (comma-separated; adds to the config's).",
)
@click.option(
    "--fix",
    is_flag=True,
    help="Apply the safe fixes to the files (standard input: print the fixed text).",
)
@click.option(
    "--unsafe-fixes",
    is_flag=True,
    help="With --fix or --diff, apply the unsafe fixes too (they may change what is asked).",
)
@click.option(
    "--diff",
    is_flag=True,
    help="Print what --fix would change as a unified diff; write nothing (exit 1 if any).",
)
@click.option(
    "--include-python",
    is_flag=True,
    help="Also read *.py files when walking folders (named .py files are always read): "
    "the query bodies their code builds, with requests or the SDK.",
)
@click.option(
    "--no-cache",
    is_flag=True,
    help="Check every file afresh, and keep nothing in .aggqlint_cache/ (see docs/check.md).",
)
@click.option("-q", "--quiet", is_flag=True, help="Print only errors, summary line last.")
@click.option("--color/--no-color", default=None, help="Colour output (default: on a terminal).")
def check(
    paths: tuple[str, ...],
    output_format: str | None,
    output_file: str | None,
    endpoint: str | None,
    now_text: str | None,
    fail_on: str | None,
    config_path: Path | None,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    profile: str | None,
    exclude: tuple[str, ...],
    force_exclude: bool,
    stdin_filename: str | None,
    fix: bool,
    unsafe_fixes: bool,
    diff: bool,
    include_python: bool,
    no_cache: bool,
    quiet: bool,
    color: bool | None,
) -> None:
    """Check report definitions and query bodies (files, directories, or - for stdin)."""
    from aggqlint.checks.engine import Fixing, UsageError, exit_code, lint_paths
    from aggqlint.config.files import CliOverrides
    from aggqlint.output import Style, render

    try:
        overrides = CliOverrides(select, ignore, profile, fail_on)
        # check reports a surely-meant wrong --endpoint on each body instead of refusing it.
        paths_chosen = PathOptions(exclude, force_exclude, stdin_filename)
        options = lint_options(
            endpoint,
            now_text,
            config_path,
            overrides,
            strict_endpoint=False,
            paths=paths_chosen,
            cache=not no_cache,
        )
        options.include_python = include_python
        fixing = Fixing(unsafe=unsafe_fixes) if fix or diff else None
        result = lint_paths(paths, options, fixing)
    except UsageError as err:
        click.echo(f"aggqlint: {err}", err=True)
        sys.exit(EXIT_USAGE)
    style = Style(color=use_color(color), quiet=quiet)
    if diff:
        sys.exit(show_diff(result, style))
    written = write_fixes(result) if fix else True
    chosen = output_format or default_format()
    if output_file:
        _write_report(output_file, render(chosen, result, Style(quiet=quiet)))
        chosen = "text"
    # With --fix, the fixed standard input is the output: the report goes to stderr.
    to_stderr = fix and any(checked.disk_path is None for checked in result.files)
    report = render(chosen, result, style)
    click.echo(report, nl=False, color=style.color, err=to_stderr)  # --color when piped
    if not written:
        sys.exit(EXIT_USAGE)  # a file left as it was: its fixes are not on disk
    sys.exit(exit_code(result))  # each file's policy holds its fail-on (--fail-on wins)


def default_format() -> str:
    # Under GitHub Actions the workflow commands become annotations on the changed files.
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def _write_report(path: str, text: str) -> None:
    try:
        Path(path).write_text(text, encoding="utf-8")
    except OSError as err:
        click.echo(f"aggqlint: cannot write {path}: {err.strerror or err}", err=True)
        sys.exit(EXIT_USAGE)

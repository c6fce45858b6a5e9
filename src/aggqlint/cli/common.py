"""Options and helpers shared by several commands."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from msgspec import Struct

if TYPE_CHECKING:
    from click.shell_completion import CompletionItem

    from aggqlint.checks.engine import LintOptions
    from aggqlint.config.files import CliOverrides
    from aggqlint.requests.plan import Plan


class PathText(click.types.StringParamType):
    """A path argument as written, completed as a file by the shell. click.Path stats every
    argument to judge it; the engine does that itself (once, with a located message), and a
    pre-commit run names thousands of files."""

    name = "path"

    def shell_complete(
        self, ctx: click.Context, param: click.Parameter, incomplete: str
    ) -> list[CompletionItem]:
        from click.shell_completion import CompletionItem

        return [CompletionItem(incomplete, type="file")]


PATHS = PathText()

EXIT_USAGE = 2


def parse_now(value: str | None) -> datetime | None:
    """--now: a fixed ISO 8601 instant with an offset, for reproducible runs."""
    if value is None:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise click.BadParameter(f"{value!r} is not an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        raise click.BadParameter(f"{value!r} needs an offset, e.g. {value}Z")
    return parsed


def use_color(flag: bool | None) -> bool:
    """--color/--no-color wins; otherwise colour only on a terminal and never with NO_COLOR."""
    if flag is not None:
        return flag
    if os.environ.get("NO_COLOR"):
        return False
    return sys.stdout.isatty()


F = TypeVar("F", bound=Callable[..., Any])


def definition_options(function: F) -> F:
    """The options every command that reads definitions takes: --endpoint, --now, --config and
    --profile (passed as endpoint, now_text, config_path, profile)."""
    options = [
        click.option(
            "--endpoint", help="Endpoint for bare query bodies (short name or full path)."
        ),
        click.option(
            "--now",
            "now_text",
            metavar="DATETIME",
            help="Fix 'now' (ISO 8601) for reproducible runs.",
        ),
        click.option(
            "--config",
            "config_path",
            type=click.Path(path_type=Path),
            help="Use this config file for every path (no search for aggqlint.toml, pyproject).",
        ),
        click.option(
            "--profile", help="Limits profile from the config's [profiles] (e.g. dev, prod)."
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


class PathOptions(Struct, frozen=True):
    """Which files the path arguments stand for: --exclude, --force-exclude, --stdin-filename."""

    exclude: tuple[str, ...] = ()
    force_exclude: bool = False
    stdin_filename: str | None = None


def path_options(function: F) -> F:
    """--exclude, --force-exclude and --stdin-filename (passed as exclude, force_exclude,
    stdin_filename; PathOptions.of gathers them)."""
    options = [
        click.option(
            "--exclude",
            multiple=True,
            metavar="PATTERNS",
            help="Also skip these paths when walking folders (gitignore-style globs relative "
            "to the working directory; comma-separated; adds to the config's).",
        ),
        click.option(
            "--force-exclude",
            is_flag=True,
            help="Apply the excludes to paths named on the command line too (for pre-commit).",
        ),
        click.option(
            "--stdin-filename",
            metavar="PATH",
            help="Name for standard input (path '-'): shown in diagnostics, .json reads it as "
            "JSON, and the config and per-file settings are those of that path.",
        ),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def lint_options(
    endpoint: str | None,
    now_text: str | None,
    config_path: Path | None,
    overrides: CliOverrides,
    *,
    strict_endpoint: bool = True,
    paths: PathOptions | None = None,
    cache: bool = False,
) -> LintOptions:
    """What check, plan and submit lint with, from the definition options. A bad --endpoint
    is a usage error; with strict_endpoint off, one that surely names a known endpoint (a
    path missing /query) is instead reported on each body, which is still checked. cache:
    keep results between runs, unless the config says not to (check's). A bad config or
    profile raises lint.UsageError (exit 2)."""
    from aggqlint.api.endpoints import EndpointError, resolve_endpoint
    from aggqlint.checks.engine import LintOptions
    from aggqlint.config.files import load_settings

    if endpoint:
        try:
            resolve_endpoint(endpoint)
        except EndpointError as err:
            if strict_endpoint or not err.certain:
                raise click.BadParameter(err.message, param_hint="--endpoint") from None
    paths = paths or PathOptions()
    settings = load_settings(config_path, overrides, paths.exclude)
    kept = None
    if cache and settings.cache_allowed():
        from aggqlint.checks.cache import ResultCache

        # AGGQLINT_CACHE_DIR: where a CI job keeps it between runs; else the working folder.
        kept = ResultCache(Path(os.environ.get("AGGQLINT_CACHE_DIR") or Path.cwd()))
    return LintOptions(
        cache=kept,
        endpoint=endpoint,
        now=parse_now(now_text),
        policy_for=settings.policy_for,
        excluded=settings.excluded,
        force_exclude=paths.force_exclude,
        stdin_filename=paths.stdin_filename,
    )


def plan_paths(
    paths: tuple[str, ...],
    endpoint: str | None,
    now_text: str | None,
    config_path: Path | None,
    profile: str | None,
    files: PathOptions,
) -> Plan:
    """What plan and submit start from: the requests the definitions stand for, checked as
    check checks them. A usage problem (a bad path, config or profile) exits 2."""
    from aggqlint.checks.engine import UsageError
    from aggqlint.config.files import CliOverrides
    from aggqlint.requests.plan import plan_requests

    try:
        overrides = CliOverrides(profile=profile)
        options = lint_options(endpoint, now_text, config_path, overrides, paths=files)
        return plan_requests(paths, options)
    except UsageError as err:
        click.echo(f"aggqlint: {err}", err=True)
        sys.exit(EXIT_USAGE)

"""Options and helpers shared by several commands."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

if TYPE_CHECKING:
    from aggqlint.config import CliOverrides
    from aggqlint.lint import LintOptions


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


def lint_options(
    endpoint: str | None,
    now_text: str | None,
    config_path: Path | None,
    overrides: CliOverrides,
    *,
    strict_endpoint: bool = True,
) -> LintOptions:
    """What check, plan and submit lint with, from the definition options. A bad --endpoint
    is a usage error; with strict_endpoint off, one that surely names a known endpoint (a
    path missing /query) is instead reported on each body, which is still checked. A bad
    config or profile raises lint.UsageError (exit 2)."""
    from aggqlint.config import load_policy_factory
    from aggqlint.endpoints import EndpointError, resolve_endpoint
    from aggqlint.lint import LintOptions

    if endpoint:
        try:
            resolve_endpoint(endpoint)
        except EndpointError as err:
            if strict_endpoint or not err.certain:
                raise click.BadParameter(err.message, param_hint="--endpoint") from None
    policy_for = load_policy_factory(config_path, overrides)
    return LintOptions(endpoint=endpoint, now=parse_now(now_text), policy_for=policy_for)

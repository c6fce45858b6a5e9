"""Options and helpers shared by several commands."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click


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

"""Options and helpers shared by several commands."""

from __future__ import annotations

import os
import sys
from datetime import datetime

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

"""Formatters: diagnostics to text. Each format is one module with `render(result, style)`;
the CLI's --format choices are this registry's keys."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Protocol

from msgspec import Struct

if TYPE_CHECKING:
    from aggqlint.checks.engine import LintResult

# format name -> module under aggqlint.output (imported only when chosen)
FORMATTERS: dict[str, str] = {
    "text": "text",
    "json": "json_format",
    "sarif": "sarif",
    "github": "github",
    "junit": "junit",
    "gitlab": "gitlab",
}


class Style(Struct, frozen=True):
    color: bool = False
    quiet: bool = False  # errors only, summary last


class _Formatter(Protocol):
    def render(self, result: LintResult, style: Style) -> str: ...


def render(name: str, result: LintResult, style: Style) -> str:
    module: _Formatter = importlib.import_module(f"aggqlint.output.{FORMATTERS[name]}")
    return module.render(result, style)

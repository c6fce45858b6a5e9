"""The compatibility rules: one module per family, each a `check(context)` yielding findings.

Modules are imported when first used, so a run only pays for what it checks.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from aggqlint.diagnostics import Finding
from aggqlint.endpoints import Endpoint


@dataclass
class RuleContext:
    body: dict[str, Any]  # the request body under check
    endpoint: Endpoint
    windows: list[str] = field(default_factory=list)  # the report definition's windows
    chunk: str | None = None
    limits: dict[str, Any] = field(default_factory=dict)  # from the config profile
    now: datetime | None = None  # fixed "now" for reproducible runs (--now)
    in_envelope: bool = False  # body sits under `query:` (windows/chunk pointers are ../)


Check = Callable[[RuleContext], Iterable[Finding]]

# family name -> module under aggqlint.rules defining `check(context)`.
FAMILIES: dict[str, str] = {}


def run_families(context: RuleContext) -> Iterator[tuple[str, Finding | BaseException]]:
    """(family, finding) pairs; a family that raises yields its exception instead, and the
    run goes on with the next family."""
    for family, module_name in FAMILIES.items():
        try:
            module = importlib.import_module(f"aggqlint.rules.{module_name}")
            for finding in module.check(context):
                yield family, finding
        except Exception as exc:  # a broken rule is a diagnostic, never a crash
            yield family, exc

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
    windows: list[str | None] = field(default_factory=list)  # the definition's (None: not text)
    chunk: str | None = None
    limits: dict[str, Any] = field(default_factory=dict)  # from the config profile
    now: datetime | None = None  # fixed "now" for reproducible runs (--now)
    in_envelope: bool = False  # body sits under `query:` (windows/chunk pointers are ../)


Check = Callable[[RuleContext], Iterable[Finding]]

# family name -> module under aggqlint.rules defining `check(context)`.
FAMILIES: dict[str, str] = {
    "metrics": "metrics",
    "filters": "filters",
    "time": "time",
    "limits": "limits",
}

# family name -> module defining `check_document(value)`, with pointers relative to the
# document. These look at the whole document (envelope, unknown keys, body) whatever its
# shape, also when no endpoint is known and the body is never checked: a leaked credential
# matters in a file that is broken in other ways too.
DOCUMENT_FAMILIES: dict[str, str] = {"leaked-secrets": "secrets"}


def run_families(context: RuleContext) -> Iterator[tuple[str, Finding | BaseException]]:
    """(family, finding) pairs; a family that raises yields its exception instead, and the
    run goes on with the next family."""
    return _run(FAMILIES, "check", context)


def run_document_families(document: Any) -> Iterator[tuple[str, Finding | BaseException]]:
    return _run(DOCUMENT_FAMILIES, "check_document", document)


def _run(
    registry: dict[str, str], function: str, argument: Any
) -> Iterator[tuple[str, Finding | BaseException]]:
    for family, module_name in registry.items():
        try:
            module = importlib.import_module(f"aggqlint.rules.{module_name}")
            for finding in getattr(module, function)(argument):
                yield family, finding
        except Exception as exc:  # a broken rule is a diagnostic, never a crash
            yield family, exc

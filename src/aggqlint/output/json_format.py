"""One JSON object: the diagnostics and a summary, for scripts."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from aggqlint.diagnostics import Severity
from aggqlint.output import Style

if TYPE_CHECKING:
    from aggqlint.checks.engine import LintResult


def render(result: LintResult, style: Style) -> str:
    diagnostics = [
        d.as_dict() for d in result.diagnostics if not style.quiet or d.severity is Severity.ERROR
    ]
    counts = {str(s): sum(1 for d in result.diagnostics if d.severity is s) for s in Severity}
    document: dict[str, Any] = {
        "diagnostics": diagnostics,
        "summary": {"files_checked": len(result.files), **counts},
    }
    if result.fixing is not None:
        document["fixes"] = _fixes(result)
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _fixes(result: LintResult) -> dict[str, Any]:
    """What --fix did (or, with --diff, would do): the diagnostics it fixed, as they were
    before, and the fixes it dropped, with why."""
    outcomes = [checked.fixed for checked in result.files if checked.fixed is not None]
    return {
        "applied": [d.as_dict() for outcome in outcomes for d in outcome.applied],
        "dropped": [
            {**dropped.diagnostic.as_dict(), "reason": dropped.reason}
            for outcome in outcomes
            for dropped in outcome.dropped
        ],
        "files_changed": [
            checked.path for checked in result.files if checked.fixed and checked.fixed.changed
        ],
    }

"""One JSON object: the diagnostics and a summary, for scripts."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from aggqlint.diagnostics import Severity
from aggqlint.output import Style

if TYPE_CHECKING:
    from aggqlint.checks.engine import LintResult


def render(result: LintResult, style: Style) -> str:
    diagnostics = [
        d.as_dict() for d in result.diagnostics if not style.quiet or d.severity is Severity.ERROR
    ]
    counts = {str(s): sum(1 for d in result.diagnostics if d.severity is s) for s in Severity}
    document = {
        "diagnostics": diagnostics,
        "summary": {"files_checked": len(result.files), **counts},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

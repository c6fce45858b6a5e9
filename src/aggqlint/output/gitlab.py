"""GitLab Code Quality report: a JSON list of issues for the merge request widget.

Severity: error → major, warning → minor, info → info. GitLab's blocker and critical are left
for problems worse than a query the server would reject (the same choice as
eslint-formatter-gitlab makes for ESLint errors and warnings).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from aggqlint.diagnostics import Diagnostic, Severity
from aggqlint.output import Style

if TYPE_CHECKING:
    from aggqlint.checks.engine import LintResult

SEVERITIES = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def render(result: LintResult, style: Style) -> str:
    shown = [d for d in result.diagnostics if not style.quiet or d.severity is Severity.ERROR]
    seen: dict[str, int] = {}
    issues = [_issue(d, seen) for d in shown]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _issue(diagnostic: Diagnostic, seen: dict[str, int]) -> dict[str, Any]:
    loc = diagnostic.location
    return {
        "description": f"{diagnostic.code} {diagnostic.message}",
        "check_name": diagnostic.code,
        "fingerprint": _fingerprint(diagnostic, seen),
        "severity": SEVERITIES[diagnostic.severity],
        "location": {
            "path": PurePath(loc.file).as_posix(),
            "lines": {"begin": loc.line or 1},
        },
    }


def _fingerprint(diagnostic: Diagnostic, seen: dict[str, int]) -> str:
    # No line number in the hash: GitLab compares fingerprints between the branch and its
    # target, and an issue that only moved down a few lines is not a new issue.
    loc = diagnostic.location
    parts = [PurePath(loc.file).as_posix(), str(loc.document), diagnostic.code, loc.pointer]
    key = "\0".join([*parts, diagnostic.message])
    # The same finding twice at one place would collapse into one issue; number the repeats.
    repeat = seen.get(key, 0)
    seen[key] = repeat + 1
    if repeat:
        key += f"\0{repeat}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()

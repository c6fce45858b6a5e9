"""`file:line:col: CODE severity message`, an indented fix where there is one, a summary line."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aggqlint.diagnostics import Diagnostic, Severity
from aggqlint.fixes.model import Applicability
from aggqlint.output import Style

if TYPE_CHECKING:
    from aggqlint.checks.engine import LintResult

_COLORS = {Severity.ERROR: "31", Severity.WARNING: "33", Severity.INFO: "36"}


def render(result: LintResult, style: Style) -> str:
    lines = []
    shown = [d for d in result.diagnostics if not style.quiet or d.severity is Severity.ERROR]
    for diagnostic in shown:
        lines.append(format_line(diagnostic, style))
        fix = fix_block(diagnostic)
        if fix:
            lines.extend(f"    {line}" for line in fix.splitlines())
    if result.fixing is not None or not style.quiet:
        lines.extend(fix_lines(result))
    lines.append(summary(result))  # last, always: scripts read it with tail -1
    return "\n".join(lines) + "\n"


def fix_lines(result: LintResult) -> list[str]:
    """Before the summary: what --fix did, or what it would do."""
    from aggqlint.output import fixes

    if result.fixing is not None:
        return fixes.summary_lines(result)
    offer = fixes.hint(result)
    return [offer] if offer else []


def format_line(diagnostic: Diagnostic, style: Style) -> str:
    where = place(diagnostic)
    severity = str(diagnostic.severity)
    if style.color:
        severity = f"\033[{_COLORS[diagnostic.severity]}m{severity}\033[0m"
        where = f"\033[1m{where}\033[0m"
    return f"{where}: {diagnostic.code} {severity} {diagnostic.message}"


def place(diagnostic: Diagnostic) -> str:
    """FILE:LINE:COLUMN, as terminals and editors turn into a link (FILE when no line)."""
    loc = diagnostic.location
    return f"{loc.file}:{loc.line}:{loc.column}" if loc.line is not None else loc.file


def fix_block(diagnostic: Diagnostic) -> str | None:
    """The fix, worth its own lines unless the message already quotes it; unsafe ones say so."""
    fix = diagnostic.fix
    shown = fix.shown if fix else None
    if fix is None or not shown or f"'{shown}'" in diagnostic.message:
        return None
    label = "fix (unsafe):" if fix.applicability is Applicability.UNSAFE else "fix:"
    if fix.fragment or "\n" in shown:
        return label + "\n" + "\n".join(f"  {line}" for line in shown.splitlines())
    return f"{label} {shown}"


def summary(result: LintResult) -> str:
    counts = {severity: 0 for severity in Severity}
    files_with = set()
    for diagnostic in result.diagnostics:
        counts[diagnostic.severity] += 1
        files_with.add(diagnostic.location.file)
    checked = len(result.files)
    noun = "file" if checked == 1 else "files"
    parts = [
        # "info" has no plural: "2 errors, 3 info"
        f"{counts[s]} {s!s}{'s' if counts[s] != 1 and s is not Severity.INFO else ''}"
        for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
        if counts[s]
    ]
    if not parts:
        return f"no problems ({checked} {noun} checked)"
    affected = len(files_with)
    return (
        f"{', '.join(parts)} in {affected} file{'s' if affected != 1 else ''} "
        f"({checked} {noun} checked)"
    )

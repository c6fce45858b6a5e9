"""What --fix did and what it could do, in words: the summary lines and the unified diff."""

from __future__ import annotations

from typing import TYPE_CHECKING

from aggqlint.diagnostics import Diagnostic
from aggqlint.fixes.apply import applicable
from aggqlint.fixes.model import Applicability
from aggqlint.output.text import place

if TYPE_CHECKING:
    from aggqlint.checks.engine import CheckedFile, LintResult


def count(diagnostics: list[Diagnostic]) -> int:
    """How many problems the diagnostics stand for: a "... and N more" line stands for N."""
    return sum(int(d.data.get("more", 1)) for d in diagnostics)


def summary_lines(result: LintResult, would: bool = False) -> list[str]:
    """After --fix (or for --diff, would=True): the fixes dropped, what was fixed and what
    remains, and the unsafe fixes left for --unsafe-fixes."""
    lines = [
        f"{place(d)}: {d.code} fix not applied: {dropped.reason}"
        for checked in result.files
        if checked.fixed is not None
        for dropped in checked.fixed.dropped
        for d in [dropped.diagnostic]
    ]
    fixed = sum(len(c.fixed.applied) for c in result.files if c.fixed is not None)
    remaining = count(result.diagnostics)
    if would:
        lines.append(f"Would fix {_problems(fixed)} ({remaining} would remain).")
    elif fixed or remaining:  # with nothing found, the summary line says it all
        found = _problems(fixed + remaining)
        lines.append(f"Found {found} ({fixed} fixed, {remaining} remaining).")
    unsafe_only = _fixable(result.diagnostics, Applicability.UNSAFE)
    if unsafe_only and not (result.fixing and result.fixing.unsafe):
        lines.append(f"{_more_fixes(unsafe_only)} available with --unsafe-fixes.")
    return lines


def hint(result: LintResult) -> str | None:
    """For a check without --fix: how many problems --fix would fix."""
    safe = _fixable(result.diagnostics, Applicability.SAFE)
    unsafe = _fixable(result.diagnostics, Applicability.UNSAFE)
    if not safe and not unsafe:
        return None
    if not safe:
        return f"{_fixes(unsafe)} available with --fix --unsafe-fixes."
    more = f" ({unsafe} more with --unsafe-fixes)" if unsafe else ""
    return f"{safe} fixable with --fix{more}."


def unified_diff(checked: CheckedFile) -> str:
    """The change --fix makes to a file, as `diff -u` writes it (empty when none)."""
    import difflib  # only for --diff

    if checked.fixed is None or not checked.fixed.changed:
        return ""
    before = checked.fixed.original.splitlines(keepends=True)
    after = checked.fixed.text.splitlines(keepends=True)
    # As git writes paths: a/ and b/ before the path (an absolute one without its first /).
    name = checked.path.lstrip("/")
    lines = difflib.unified_diff(before, after, f"a/{name}", f"b/{name}")
    # A last line without a line break is marked as diff marks it, so the diff applies.
    return "".join(
        line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines
    )


def _fixable(diagnostics: list[Diagnostic], applicability: Applicability) -> int:
    unsafe = applicability is Applicability.UNSAFE
    return sum(
        1
        for d in diagnostics
        if d.fix is not None
        and d.fix.applicability is applicability
        and applicable(d, unsafe=unsafe)
    )


def _problems(number: int) -> str:
    return f"{number} problem{'s' if number != 1 else ''}"


def _more_fixes(number: int) -> str:
    return f"{number} more fix{'es' if number != 1 else ''}"


def _fixes(number: int) -> str:
    return f"{number} fix{'es' if number != 1 else ''}"

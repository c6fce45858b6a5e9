"""check --fix and --diff: writing the fixed files, or showing the change as a diff."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from aggqlint.checks.engine import LintResult
    from aggqlint.output import Style


def write_fixes(result: LintResult) -> bool:
    """Write each changed file (standard input: print its text, changed or not). False when a
    file could not be written; it is then left as it was, and the report says why."""
    from aggqlint.fixes.write import WriteError, write_fixed

    written = True
    for checked in result.files:
        outcome = checked.fixed
        if checked.disk_path is None:
            text = outcome.text if outcome is not None else checked.source.text
            sys.stdout.write(text)
            sys.stdout.flush()
            continue
        if outcome is None or not outcome.changed:
            continue
        try:
            write_fixed(checked.disk_path, outcome.original, outcome.text, checked.source.bom)
        except WriteError as err:
            click.echo(f"aggqlint: {checked.path}: not fixed, {err}", err=True)
            written = False
    return written


def show_diff(result: LintResult, style: Style) -> int:
    """The diff on stdout, what it does on stderr. Exit 1 when there is a diff, else the
    exit code check would have."""
    from aggqlint.checks.engine import exit_code
    from aggqlint.output.fixes import summary_lines, unified_diff

    changes = "".join(unified_diff(checked) for checked in result.files)
    click.echo(changes, nl=False)
    for line in summary_lines(result, would=True):
        click.echo(line, err=True)
    return 1 if changes else exit_code(result)

"""GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per diagnostic.

The runner turns each line into an annotation on the file and line; the summary line stays
plain text for whoever reads the log.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from aggqlint.diagnostics import Diagnostic, Severity
from aggqlint.output import Style
from aggqlint.output.text import fix_block, summary

if TYPE_CHECKING:
    from aggqlint.checks.engine import LintResult

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(result: LintResult, style: Style) -> str:
    shown = [d for d in result.diagnostics if not style.quiet or d.severity is Severity.ERROR]
    lines = [command(d) for d in shown]
    lines.append(summary(result))
    return "\n".join(lines) + "\n"


def command(diagnostic: Diagnostic) -> str:
    loc = diagnostic.location
    properties = [("file", loc.file)]
    if loc.line is not None:
        properties.append(("line", str(loc.line)))
        if loc.column is not None:
            properties.append(("col", str(loc.column)))
        if loc.end_line is not None:
            properties.append(("endLine", str(loc.end_line)))
            # GitHub reads columns only on a one-line annotation.
            if loc.end_column is not None and loc.end_line == loc.line:
                properties.append(("endColumn", str(loc.end_column)))
    title = f"{diagnostic.code} {diagnostic.rule}" if diagnostic.rule else diagnostic.code
    properties.append(("title", title))
    joined = ",".join(f"{key}={escape_property(value)}" for key, value in properties)
    message = diagnostic.message
    fix = fix_block(diagnostic)
    if fix:
        # An annotation may span lines, so the corrected fragment keeps its YAML layout.
        message = f"{message}\n{fix}"
    return f"::{_COMMANDS[diagnostic.severity]} {joined}::{escape_data(message)}"


# The escapes of @actions/core (toolkit/packages/core/src/command.ts): a raw newline would end
# the command, and in properties ',' and ':' would end the value.
def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")

"""aggqlint's diagnostics and edits as LSP values (lsprotocol types)."""

from __future__ import annotations

from lsprotocol import types

from aggqlint.diagnostics import Diagnostic, Severity
from aggqlint.fixes.model import Edit
from aggqlint.lsp.positions import Lines, units

SOURCE = "aggqlint"
# Where a code's documentation lives: docs/rules.md, one heading per rule. A client may
# give another base in initializationOptions.rulesUrl (a mirror, an internal copy).
RULES_URL = "https://github.com/OWNER/aggqlint/blob/main/docs/rules.md"

_SEVERITIES = {
    Severity.ERROR: types.DiagnosticSeverity.Error,
    Severity.WARNING: types.DiagnosticSeverity.Warning,
    Severity.INFO: types.DiagnosticSeverity.Information,
}


def rule_url(code: str, name: str, base: str = RULES_URL) -> str:
    """The rule's heading in docs/rules.md ('#aql208-metric-wrong-endpoint')."""
    return f"{base}#{code.lower()}-{name}"


def to_range(lines: Lines, diagnostic: Diagnostic) -> types.Range:
    """Where the diagnostic points; a diagnostic without an end (or without any place) covers
    the character at its start, or the file's first character."""
    loc = diagnostic.location
    line, column = loc.line or 1, loc.column or 1
    start = lines.to_client(line, column)
    if loc.end_line is not None and loc.end_column is not None:
        end = lines.to_client(loc.end_line, loc.end_column)
    else:
        end = start
    if end <= start:
        # An empty range shows nothing in most editors: the character there, if any.
        text = lines.line(start[0])
        char = lines.to_character(*start)
        end = (start[0], start[1] + units(text[char : char + 1], lines.encoding))
    return types.Range(types.Position(*start), types.Position(*end))


def to_lsp(lines: Lines, diagnostic: Diagnostic, rules_url: str = RULES_URL) -> types.Diagnostic:
    message = diagnostic.message
    if diagnostic.suggestion and diagnostic.fix is not None and not diagnostic.fix.edits:
        # Advice with nothing to apply: the message is where the editor shows it.
        message = f"{message}\nsuggestion: {diagnostic.suggestion}"
    return types.Diagnostic(
        range=to_range(lines, diagnostic),
        message=message,
        severity=_SEVERITIES[diagnostic.severity],
        code=diagnostic.code,
        code_description=types.CodeDescription(
            href=rule_url(diagnostic.code, diagnostic.rule, rules_url)
        ),
        source=SOURCE,
        data={"rule": diagnostic.rule},
    )


def to_text_edit(lines: Lines, edit: Edit) -> types.TextEdit:
    start = lines.to_client(edit.start.line, edit.start.column)
    end = lines.to_client(edit.end.line, edit.end.column)
    return types.TextEdit(
        range=types.Range(types.Position(*start), types.Position(*end)),
        new_text=edit.content,
    )


def whole_change(lines: Lines, new_text: str) -> types.TextEdit | None:
    """One edit turning the text into new_text: the part between their common beginning and
    end (the cursor and folds outside it stay put). None when nothing changes."""
    old = lines.text
    if old == new_text:
        return None
    start = 0
    limit = min(len(old), len(new_text))
    while start < limit and old[start] == new_text[start]:
        start += 1
    end_old, end_new = len(old), len(new_text)
    while end_old > start and end_new > start and old[end_old - 1] == new_text[end_new - 1]:
        end_old -= 1
        end_new -= 1
    return types.TextEdit(
        range=types.Range(
            types.Position(*lines.position_of(start)), types.Position(*lines.position_of(end_old))
        ),
        new_text=new_text[start:end_new],
    )

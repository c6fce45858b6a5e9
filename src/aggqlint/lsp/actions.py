"""Code actions: each fix as a quick fix, the safe ones all at once (`source.fixAll.aggqlint`,
exactly `check --fix`), and an inline suppression for one line."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from lsprotocol import types

from aggqlint.config.suppressions import MALFORMED, UNUSED, find_comments
from aggqlint.diagnostics import Diagnostic
from aggqlint.fixes.model import Applicability
from aggqlint.lsp.convert import RULES_URL, to_lsp, to_text_edit, whole_change
from aggqlint.lsp.positions import Lines

FIX_ALL = "source.fixAll.aggqlint"
REASON = "reason"  # the placeholder after `--`: the person writes why
# An `# aggqlint: disable=...` comment already on the line: the new code joins its list.
_DISABLE = re.compile(
    r"#\s*aggqlint\s*:\s*disable\s*=\s*(?P<codes>[A-Za-z0-9_,\s-]*?)(?=\s*--|\s*$)"
)


def wanted(kind: str, only: Sequence[str] | None) -> bool:
    """Whether the client asked for actions of this kind (`only` holds kind prefixes)."""
    if not only:
        return True
    return any(kind == prefix or kind.startswith(prefix + ".") for prefix in only)


def code_actions(
    uri: str,
    lines: Lines,
    diagnostics: list[Diagnostic],
    requested: types.Range,
    only: Sequence[str] | None,
    fixed_text: Callable[[], str | None],
    as_json: bool,
    rules_url: str = RULES_URL,
) -> list[types.CodeAction]:
    """The actions for the diagnostics touching the requested range. fixed_text gives the
    text `check --fix` makes (asked only when that action is wanted)."""
    actions: list[types.CodeAction] = []
    here = [(d, to_lsp(lines, d, rules_url)) for d in diagnostics]
    here = [(d, shown) for d, shown in here if _touches(shown.range, requested)]
    if wanted(types.CodeActionKind.QuickFix, only):
        for diagnostic, shown in here:
            fix = quick_fix(uri, lines, diagnostic, shown)
            if fix is not None:
                actions.append(fix)
        for diagnostic, shown in here:
            if not as_json:
                disable = disable_for_line(uri, lines, diagnostic, shown)
                if disable is not None:
                    actions.append(disable)
    if fix_all_wanted(only, diagnostics):
        action = fix_all_action(uri, lines, fixed_text())
        if action is not None:
            actions.append(action)
    return actions


def fix_all_wanted(only: Sequence[str] | None, diagnostics: list[Diagnostic]) -> bool:
    """Asked for by kind, or, when no kind is asked for, offered if a safe fix exists: each
    offer costs a whole check --fix."""
    if only:
        return wanted(FIX_ALL, only)
    return any(_safe(d) for d in diagnostics)


def quick_fix(
    uri: str, lines: Lines, diagnostic: Diagnostic, shown: types.Diagnostic
) -> types.CodeAction | None:
    fix = diagnostic.fix
    if fix is None or not fix.edits or fix.applicability is Applicability.DISPLAY:
        return None
    title = f"{diagnostic.code}: {fix.message}"
    if fix.applicability is Applicability.UNSAFE:
        title += " (unsafe fix: may change what the query asks)"
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[shown],
        is_preferred=fix.applicability is Applicability.SAFE,
        edit=types.WorkspaceEdit(changes={uri: [to_text_edit(lines, e) for e in fix.edits]}),
    )


def disable_for_line(
    uri: str, lines: Lines, diagnostic: Diagnostic, shown: types.Diagnostic
) -> types.CodeAction | None:
    """`# aggqlint: disable=CODE -- reason` for the diagnostic's line: at its end, joined to
    a directive already there, or on a line of its own above a line that ends in a comment
    (a directive alone on a line silences the next line with content)."""
    line = diagnostic.location.line
    if line is None or diagnostic.code in (UNUSED, MALFORMED):
        return None
    code = diagnostic.code
    index = line - 1
    text = lines.line(index)
    comment = next((c for c in find_comments(lines.text) if c.line == line), None)
    directive = f"# aggqlint: disable={code} -- {REASON}"
    if comment is None:
        start = end = lines.to_client(line, len(text) + 1)
        new_text = f"  {directive}"
    elif (match := _DISABLE.match(comment.text)) is not None:
        if code in re.split(r"[\s,]+", match["codes"]):
            return None
        at = lines.to_client(line, comment.column + match.end("codes"))
        start = end = at
        new_text = f",{code}"
    else:
        indent = text[: len(text) - len(text.lstrip())]
        start = end = (index, 0)
        new_text = f"{indent}{directive}\n"
    edit = types.TextEdit(
        range=types.Range(types.Position(*start), types.Position(*end)), new_text=new_text
    )
    return types.CodeAction(
        title=f"Disable {code} for this line",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[shown],
        edit=types.WorkspaceEdit(changes={uri: [edit]}),
    )


def fix_all_action(uri: str, lines: Lines, fixed: str | None) -> types.CodeAction | None:
    if fixed is None:
        return None
    change = whole_change(lines, fixed)
    if change is None:
        return None
    return types.CodeAction(
        title="aggqlint: fix all safe problems",
        kind=FIX_ALL,
        edit=types.WorkspaceEdit(changes={uri: [change]}),
    )


def _safe(diagnostic: Diagnostic) -> bool:
    fix = diagnostic.fix
    return fix is not None and bool(fix.edits) and fix.applicability is Applicability.SAFE


def _touches(shown: types.Range, requested: types.Range) -> bool:
    def key(position: types.Position) -> tuple[int, int]:
        return position.line, position.character

    return key(shown.start) <= key(requested.end) and key(requested.start) <= key(shown.end)

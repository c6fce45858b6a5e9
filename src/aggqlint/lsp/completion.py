"""Completion of metric and dimension names valid for the document's endpoint, endpoint
short names and time zones."""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types

from aggqlint.api.glossary import dimension_text, metric_info
from aggqlint.lsp.context import document_endpoint, keys_at, prefix_word
from aggqlint.lsp.names import names_for, role_of
from aggqlint.lsp.positions import Lines

_KINDS = {
    "endpoint": types.CompletionItemKind.Module,
    "time-zone": types.CompletionItemKind.Constant,
}


def complete(lines: Lines, position: types.Position, path: Path | None) -> types.CompletionList:
    index = lines.to_character(position.line, position.character)
    keys = keys_at(lines.lines, position.line, index)
    role = role_of(keys)
    if role is None:
        return types.CompletionList(is_incomplete=False, items=[])
    endpoint = None
    if role not in ("endpoint", "time-zone"):
        endpoint = document_endpoint(lines.text, lines.lines, position.line, path, index)
    line = lines.line(position.line)
    typed = prefix_word(line, index)
    start = lines.to_client(position.line + 1, typed.start + 1)
    replace = types.Range(types.Position(*start), position)
    items = []  # all of them: the client filters by what is typed, as the person types on
    for name in names_for(role, endpoint):
        items.append(
            types.CompletionItem(
                label=name,
                kind=_KINDS.get(role, types.CompletionItemKind.Value),
                detail=_detail(role, name),
                documentation=_documentation(role, name),
                text_edit=types.TextEdit(range=replace, new_text=name),
            )
        )
    return types.CompletionList(is_incomplete=False, items=items)


def _detail(role: str, name: str) -> str | None:
    if role in ("query-metric", "metric"):
        info = metric_info(name)
        return ", ".join(part for part in ("metric", info.kind, info.unit) if part)
    if role in ("group-by", "dimension"):
        return "dimension"
    return None


def _documentation(role: str, name: str) -> str | None:
    if role in ("query-metric", "metric"):
        return metric_info(name).description
    if role in ("group-by", "dimension"):
        return dimension_text(name) or None
    return None

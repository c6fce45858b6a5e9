"""Hover: what a metric or dimension name means, its unit and kind, and where it is valid;
on a rule code or name in an `# aggqlint:` comment, the rule's summary."""

from __future__ import annotations

import re
from pathlib import Path

from lsprotocol import types

from aggqlint.api.endpoints import Endpoint
from aggqlint.api.glossary import dimension_text, metric_info
from aggqlint.api.vocabulary import endpoints_taking, vocabulary
from aggqlint.config.codes import UnknownRule, lookup
from aggqlint.lsp.context import NAME_CHARS, Word, document_endpoint, word_at
from aggqlint.lsp.convert import RULES_URL, rule_url
from aggqlint.lsp.names import all_dimensions, all_metrics
from aggqlint.lsp.positions import Lines

_DIRECTIVE = re.compile(r"#\s*aggqlint\s*:")


def hover(
    lines: Lines, position: types.Position, path: Path | None, rules_url: str = RULES_URL
) -> types.Hover | None:
    line = lines.line(position.line)
    index = lines.to_character(position.line, position.character)
    directive = _DIRECTIVE.search(line)
    if directive is not None and index >= directive.start():
        word = word_at(line, index, NAME_CHARS + "-")
        return _answer(lines, position.line, word, _rule_text(word, rules_url))
    word = word_at(line, index)
    if word is None:
        return None
    name = word.text
    if name in all_metrics():
        endpoint = document_endpoint(lines.text, lines.lines, position.line, path)
        return _answer(lines, position.line, word, _metric_text(name, endpoint))
    if name in all_dimensions():
        endpoint = document_endpoint(lines.text, lines.lines, position.line, path)
        return _answer(lines, position.line, word, _dimension_text(name, endpoint))
    return None


def _answer(lines: Lines, line: int, word: Word | None, text: str | None) -> types.Hover | None:
    if word is None or text is None:
        return None
    start = lines.to_client(line + 1, word.start + 1)
    end = lines.to_client(line + 1, word.end + 1)
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
        range=types.Range(types.Position(*start), types.Position(*end)),
    )


def _rule_text(word: Word | None, rules_url: str) -> str | None:
    if word is None or word.text in ("aggqlint", "disable", "disable-file"):
        return None
    try:
        meta = lookup(word.text)
    except UnknownRule:
        return None
    link = rule_url(meta.code, meta.name, rules_url)
    return f"**{meta.code}** {meta.name} ({meta.severity})\n\n{meta.summary}\n\n[Rule docs]({link})"


def _metric_text(name: str, endpoint: Endpoint | None) -> str:
    info = metric_info(name)
    kind = ", ".join(part for part in (info.kind, info.unit) if part)
    lines = [
        f"**{name}**: metric ({kind})" if kind else f"**{name}**: metric",
        "",
        info.description,
    ]
    lines += [
        "",
        _where(
            name, "metric", endpoint, endpoint is not None and name in vocabulary(endpoint).metrics
        ),
    ]
    return "\n".join(lines)


def _dimension_text(name: str, endpoint: Endpoint | None) -> str:
    text = dimension_text(name) or "not described yet"
    lines = [f"**{name}**: dimension", "", text]
    if endpoint is not None:
        vocab = vocabulary(endpoint)
        uses = [
            u
            for u, ok in (
                ("groupBy", name in vocab.group_by),
                ("filters", name in vocab.filter_dimensions),
            )
            if ok
        ]
        if uses:
            lines += ["", f"In {endpoint.name}: {' and '.join(uses)}"]
    lines += [
        "",
        _where(
            name,
            "dimension",
            endpoint,
            endpoint is not None and name in vocabulary(endpoint).dimensions,
        ),
    ]
    return "\n".join(lines)


def _where(name: str, role: str, endpoint: Endpoint | None, valid: bool) -> str:
    taking = endpoints_taking(name, role)
    where = "Valid in: " + (", ".join(taking) if taking else "no query's own list (filters only)")
    if endpoint is not None and not valid:
        where += f"\n\nNot valid for {endpoint.name}, this document's endpoint."
    return where

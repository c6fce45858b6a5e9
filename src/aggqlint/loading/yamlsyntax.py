"""YAML syntax errors in our own words.

PyYAML's messages ("while parsing a flow sequence did not find expected ',' or ']'") change
between releases and seldom point at the cause. The wording here is chosen from what does not
change: the exception's class (a scanner or a parser error), its two marks (context_mark where
the construct the parser was reading opened, problem_mark where it gave up) and the characters
of the text at those marks. The parser's message text is never matched.

Where a finding is located:
- an unclosed '[' or '{': where the parser gave up (where the missing ',' or closing bracket
  belongs, or the first thing that cannot continue the list); the message names where the
  bracket opened.
- an unclosed quote: at the opening quote (the parser gives up only at the end of the file or at
  the next quote, far from the mistake).
- a '//' or '/*' comment (JSON with comments saved as .yaml): at the comment.
- a key without ':': at the key.
- everything else: where the parser gave up.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

# A JSON-with-comments comment: at the start of a line, or after a ',' that ends a value.
_JSON_COMMENT = re.compile(r"(?:^|,)[ \t]*(//|/\*)", re.MULTILINE)
_CLOSER = {"[": ("]", "list"), "{": ("}", "mapping")}


def word_yaml_error(text: str, exc: yaml.MarkedYAMLError) -> tuple[str, tuple[int, int]]:
    """(message, 1-based (line, column)) for a PyYAML syntax error in text.

    text must be the text the parser read (its marks index into it)."""
    problem, context = exc.problem_mark, exc.context_mark
    mark = problem or context
    assert mark is not None  # the caller handles an error without marks
    at_problem = _char(text, mark.index)
    if at_problem == "\t":
        return "YAML syntax error: a tab: YAML indents with spaces only", _position(mark)
    comment = _json_comment(text, context, mark)
    if comment is not None:
        kind, position = comment
        return (
            f"YAML syntax error: '{kind}' starts a comment in JSON with comments, not in YAML; "
            "YAML comments start with '#'",
            position,
        )
    opener = _char(text, context.index) if context is not None else ""
    if context is not None and isinstance(exc, yaml.scanner.ScannerError):
        if opener in ("'", '"'):
            return (
                f"YAML syntax error: the string opened with {opener} here is not closed; end "
                f"it with {opener} (a {opener} inside it must be "
                + ("doubled: '')" if opener == "'" else 'escaped: \\")'),
                _position(context),
            )
        if opener not in ("[", "{", "") and at_problem != ":" and _is_plain_key(opener):
            key = _word_at(text, context.index)
            return (
                f"YAML syntax error: '{key}' has no ':'; write '{key}: value' for a field, or "
                f"'- {key}' for a list item",
                _position(context),
            )
    if isinstance(exc, yaml.scanner.ScannerError) and at_problem == ":":
        return (
            "YAML syntax error: a ':' inside a plain value; quote the value, or, if this line "
            "starts a new key, indent it like the keys above",
            _position(mark),
        )
    if isinstance(exc, yaml.parser.ParserError) and context is not None:
        where = f"{context.line + 1}:{context.column + 1}"
        if opener in _CLOSER:
            closer, what = _CLOSER[opener]
            return (
                f"YAML syntax error: the '{opener}' opened at {where} is not closed; end the "
                f"{what} with '{closer}' (or a ',' is missing between two of its entries)",
                _position(mark),
            )
        if _starts_line(text, mark.index) and mark.column == context.column:
            if opener == "-":
                return (
                    f"YAML syntax error: a 'key: value' line where the list opened at {where} "
                    "expects its next '- ' item; make it an item, or indent it under one",
                    _position(mark),
                )
            if at_problem == "-":
                return (
                    f"YAML syntax error: a '- ' list item where the mapping opened at {where} "
                    "expects its next key; put the list under a key, indented",
                    _position(mark),
                )
        elif _starts_line(text, mark.index):
            column = mark.column + 1
            if opener == "-":
                return (
                    f"YAML syntax error: this line (column {column}) does not continue the "
                    f"list opened at {where}, whose items start with '- ' at column "
                    f"{context.column + 1}; fix its indentation",
                    _position(mark),
                )
            return (
                f"YAML syntax error: this line's indentation (column {column}) matches none of "
                f"the mappings above it (the one opened at {where} has its keys at column "
                f"{context.column + 1}); align it with its sibling keys",
                _position(mark),
            )
    # Anything rarer: our own words; the parser's problem only as a hint in parentheses.
    hint = f" (parser: {exc.problem})" if exc.problem else ""
    return f"YAML syntax error: the parser stopped here{hint}", _position(mark)


def _char(text: str, index: int) -> str:
    return text[index] if 0 <= index < len(text) else ""


def _position(mark: Any) -> tuple[int, int]:
    return mark.line + 1, mark.column + 1


def _is_plain_key(first: str) -> bool:
    return first.isalnum() or first in "_$@"


def _word_at(text: str, index: int) -> str:
    end = index
    while end < len(text) and text[end] not in "\r\n" and end - index < 60:
        end += 1
    return text[index:end].rstrip(" \t")


def _starts_line(text: str, index: int) -> bool:
    line_start = text.rfind("\n", 0, index) + 1
    return not text[line_start:index].strip(" ")


def _json_comment(text: str, context: Any, problem: Any) -> tuple[str, tuple[int, int]] | None:
    """The first '//' or '/*' comment (outside quotes) on the lines from where a flow '[' or
    '{' opened (or, in block YAML, from the line before the problem) to where the parser gave
    up. A block mapping's context is its first key, maybe far above: a '//' line in a block
    scalar there is text, not the cause."""
    flow = context is not None and _char(text, context.index) in _CLOSER
    first_line = context.line if flow else max(problem.line - 1, 0)
    start = _line_start(text, min(first_line, problem.line))
    stop = text.find("\n", problem.index)
    stop = len(text) if stop < 0 else stop
    for found in _JSON_COMMENT.finditer(text, start, stop):
        index = found.start(1)
        line_start = text.rfind("\n", 0, index) + 1
        if _outside_quotes(text[line_start:index]):
            line = text.count("\n", 0, index) + 1
            kind = "//" if found.group(1) == "//" else "/* */"
            return kind, (line, index - line_start + 1)
    return None


def _line_start(text: str, line: int) -> int:
    index = 0
    for _ in range(line):
        found = text.find("\n", index)
        if found < 0:
            return len(text)
        index = found + 1
    return index


def _outside_quotes(before: str) -> bool:
    """Whether the end of a line's beginning is outside quoted strings (JSON's double quotes
    with backslash escapes; YAML's single quotes with '' for a quote)."""
    quote = ""
    index = 0
    while index < len(before):
        char = before[index]
        if quote == '"' and char == "\\":
            index += 2
            continue
        if quote and char == quote:
            quote = ""
        elif not quote and char in "\"'":
            quote = char
        index += 1
    return not quote

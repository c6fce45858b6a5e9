"""Inline suppressions: `# aggqlint: disable=CODE[,CODE] -- reason` comments in YAML files.

`disable=` silences the codes on its own line, or, alone on a line, on the next line that
holds content; `disable-file=` silences them in the whole file. Codes or rule names both
work (`disable=unknown-metric`). A suppression that silences nothing is reported (AQL007),
and so is a directive aggqlint cannot read (AQL011), so stale or mistyped ones do not
linger. JSON has no comments, so JSON files have no suppressions.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterator
from typing import Any

from msgspec import Struct
from msgspec.structs import replace

from aggqlint.checks.metadata import rule
from aggqlint.config.codes import UnknownRule, lookup
from aggqlint.diagnostics import Diagnostic, Location
from aggqlint.loading.source import Source

UNUSED = "AQL007"
MALFORMED = "AQL011"
_KINDS = ("disable", "disable-file")
_DIRECTIVE = re.compile(r"#\s*aggqlint\s*:(?P<rest>.*)")
_COMMAND = re.compile(r"(?P<kind>[A-Za-z-]+)\s*(?:=(?P<codes>.*))?")
_USAGE = "write '# aggqlint: disable=CODE[,CODE] -- reason' or 'disable-file=CODE'"


class Comment(Struct, frozen=True):
    line: int  # 1-based, of the '#'
    column: int
    text: str  # from the '#' to the end of the line
    alone: bool  # nothing but blanks before it on its line


class Directive(Struct, frozen=True):
    line: int
    column: int
    codes: tuple[str, ...]
    file_wide: bool
    target: int | None  # the line it silences; None when file-wide or no line follows
    reason: str = ""


class Suppressed(Struct, frozen=True):
    kept: list[Diagnostic]  # what is still reported, with AQL007/AQL011 added
    suppressed: list[Diagnostic]  # what the comments silenced


def apply_suppressions(
    diagnostics: list[Diagnostic], source: Source, ran: Callable[[str], bool] | None = None
) -> Suppressed:
    """Drop the diagnostics the file's comments silence; report unused and unreadable ones.
    ran(code): whether the rule reporting code ran at all; the config's select/ignore skips
    rules before running them, so a suppression of a skipped code is not called unused."""
    if source.path.lower().endswith(".json") or "aggqlint" not in source.text:
        return Suppressed(list(diagnostics), [])
    directives, problems = read_directives(source.text, source.is_python)
    if not directives and not problems:
        return Suppressed(list(diagnostics), [])
    used: set[tuple[int, str]] = set()  # (directive index, code)
    kept, suppressed = _match(diagnostics, directives, used)
    notes = [_note(source, MALFORMED, line, column, message) for line, column, message in problems]
    for index, directive in enumerate(directives):
        unused = [
            c
            for c in directive.codes
            if (index, c) not in used and c not in (UNUSED, MALFORMED) and (ran is None or ran(c))
        ]
        if unused:
            notes.append(_unused(source, directive, unused))
    # Directives may silence these notes too (`disable-file=AQL007`); that use is not tracked,
    # so a suppression of AQL007 or AQL011 is never itself reported as unused.
    more_kept, more_suppressed = _match(notes, directives, used)
    return Suppressed(kept + more_kept, suppressed + more_suppressed)


def _match(
    diagnostics: list[Diagnostic], directives: list[Directive], used: set[tuple[int, str]]
) -> tuple[list[Diagnostic], list[Diagnostic]]:
    by_line: dict[int, list[int]] = {}
    file_wide = []
    for index, directive in enumerate(directives):
        if directive.file_wide:
            file_wide.append(index)
        elif directive.target is not None:
            by_line.setdefault(directive.target, []).append(index)
    kept, suppressed = [], []
    for diagnostic in diagnostics:
        line = diagnostic.location.line
        candidates = by_line.get(line, []) + file_wide if line else []
        hits = [i for i in candidates if diagnostic.code in directives[i].codes]
        if not hits:
            kept.append(diagnostic)
            continue
        used.update((i, diagnostic.code) for i in hits)
        first = directives[hits[0]]
        data: dict[str, Any] = {
            **diagnostic.data,
            "suppression": {"line": first.line, "reason": first.reason},
        }
        suppressed.append(replace(diagnostic, data=data))
    return kept, suppressed


def read_directives(
    text: str, python: bool = False
) -> tuple[list[Directive], list[tuple[int, int, str]]]:
    """The suppression comments in YAML (or Python) text, and (line, column, message) for
    unreadable ones."""
    directives: list[Directive] = []
    problems: list[tuple[int, int, str]] = []
    comments = list(python_comments(text) if python else find_comments(text))
    lines = text.split("\n")  # numbered as find_comments and the YAML marks number them
    skipped = {c.line for c in comments if c.alone}  # comment-only lines hold no content
    for comment in comments:
        match = _DIRECTIVE.match(comment.text)
        if match is None:
            continue
        rest, _, reason = match["rest"].partition("--")
        command = _COMMAND.fullmatch(rest.strip())
        if command is None:
            problems.append((comment.line, comment.column, f"unreadable suppression; {_USAGE}"))
            continue
        kind = command["kind"].lower()
        if kind not in _KINDS:
            hint = _did_you_mean_kind(kind)
            message = f"unknown suppression '{kind}'{hint}; {_USAGE}"
            problems.append((comment.line, comment.column, message))
            continue
        if not (command["codes"] or "").strip():
            message = f"'{kind}' needs the codes it silences, e.g. {kind}=AQL201"
            problems.append((comment.line, comment.column, message))
            continue
        codes = []
        for item in command["codes"].split(","):
            if not item.strip():
                continue
            try:
                codes.append(lookup(item).code)
            except UnknownRule as err:
                problems.append((comment.line, comment.column, f"suppression names an {err}"))
        if not codes:
            continue
        target: int | None = comment.line
        if comment.alone:
            target = _next_content_line(lines, comment.line, skipped)
        directives.append(
            Directive(
                comment.line,
                comment.column,
                tuple(dict.fromkeys(codes)),
                kind == "disable-file",
                target,
                reason.strip(),
            )
        )
    return directives, problems


def _did_you_mean_kind(kind: str) -> str:
    if kind in ("disable-line", "disable-next-line", "noqa", "ignore"):
        return "; did you mean 'disable'?"
    if kind in ("disable-all", "file-disable", "disable-for-file"):
        return "; did you mean 'disable-file'?"
    return ""


def _next_content_line(lines: list[str], after: int, skipped: set[int]) -> int | None:
    for number in range(after + 1, len(lines) + 1):
        if lines[number - 1].strip() and number not in skipped:
            return number
    return None


def find_comments(text: str) -> Iterator[Comment]:
    """Every YAML comment in text. A '#' inside a quoted or block scalar is content, so the
    scalars' extents come from PyYAML's scanner; a comment also needs a blank before it."""
    spans, limit = _token_spans(text)
    starts = [start for start, _ in spans]
    line_starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
    for match in re.finditer("#", text):
        index = match.start()
        if index >= limit:
            break
        if index > 0 and text[index - 1] not in " \t\r\n":
            continue
        at = bisect.bisect_right(starts, index) - 1
        if at >= 0 and spans[at][0] <= index < spans[at][1]:
            continue
        line = bisect.bisect_right(line_starts, index)
        line_start = line_starts[line - 1]
        end = text.find("\n", index)
        yield Comment(
            line,
            index - line_start + 1,
            text[index : end if end >= 0 else len(text)].rstrip("\r"),
            not text[line_start:index].strip(),
        )


def python_comments(text: str) -> Iterator[Comment]:
    """Every comment in Python code, from its tokens (a '#' in a string is not one)."""
    import io
    import tokenize

    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            if token.type == tokenize.COMMENT:
                line, column = token.start
                alone = not token.line[:column].strip()
                yield Comment(line, column + 1, token.string, alone)
    except (tokenize.TokenError, SyntaxError):
        return  # the reader reports code that does not parse (AQL806)


def _token_spans(text: str) -> tuple[list[tuple[int, int]], int]:
    """(start, end) offsets of every token that can hold a '#', and the offset up to which the
    scan is trustworthy (the end, or where a syntax error stopped the scanner)."""
    import yaml  # here: a run that meets no YAML comment never imports PyYAML

    spans: list[tuple[int, int]] = []
    loader: Any = yaml.SafeLoader(text)  # the pure-Python scanner: its marks are character offsets
    try:
        while True:
            token = loader.get_token()
            if token is None or isinstance(token, yaml.StreamEndToken):
                return spans, len(text)
            start, end = token.start_mark.index, token.end_mark.index
            if isinstance(token, yaml.ScalarToken) and token.style in ("|", ">"):
                # A block scalar's span begins at its indicator, whose line may end in a comment.
                newline = text.find("\n", start)
                start = newline + 1 if newline >= 0 else end
            if end > start:
                spans.append((start, end))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        return spans, mark.index if mark is not None else 0
    finally:
        loader.dispose()


def _note(source: Source, code: str, line: int, column: int, message: str) -> Diagnostic:
    meta = rule(code)
    location = Location(source.path, line, column, "", _document_at(source, line))
    return Diagnostic(code, meta.severity, message, location, meta.name)


def _unused(source: Source, directive: Directive, unused: list[str]) -> Diagnostic:
    codes = ", ".join(unused)
    if directive.file_wide:
        where = "in this file"
    elif directive.target is None:
        where = "after it (no line follows)"
    else:
        where = f"on line {directive.target}"
    diagnostic = _note(
        source,
        UNUSED,
        directive.line,
        directive.column,
        f"suppression of {codes} is unused: nothing reports {'it' if len(unused) == 1 else 'them'}"
        f" {where}",
    )
    still = [c for c in directive.codes if c not in unused]
    kind = "disable-file" if directive.file_wide else "disable"
    reason = f" -- {directive.reason}" if directive.reason else ""
    suggestion = f"# aggqlint: {kind}={','.join(still)}{reason}" if still else "remove the comment"
    return replace(diagnostic, suggestion=suggestion)


def _document_at(source: Source, line: int) -> int:
    # Diagnostics sort by document first, so a note must carry the document its line is in.
    index = 0
    for document in source.documents:
        start = document.positions.values.get("", (1, 1))[0]
        if start <= line:
            index = document.index
    return index

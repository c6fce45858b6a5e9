"""An editor's buffer checked as `aggqlint check` checks the file it will be saved as.

The buffer goes through the command line's own path (lint_paths, standard input named after
the file), so the config nearest to the file, its per-file ignores, endpoint globs, profile
and excludes apply exactly as on the command line; `source.fixAll` is `check --fix` on the
same text. The settings are read afresh for every check: an edited aggqlint.toml or
pyproject.toml applies to the next keystroke.

Unlike a named file, a buffer is judged as a file found in a folder: a YAML or JSON file that
is no report definition (a compose file, a workflow) gets no findings at all.
"""

from __future__ import annotations

import io
from pathlib import Path

from msgspec import Struct, field

from aggqlint.checks.engine import Fixing, LintOptions, UsageError, lint_paths
from aggqlint.config.files import CliOverrides, load_settings
from aggqlint.diagnostics import Diagnostic
from aggqlint.loading.inputs import STDIN, SUFFIXES

NOT_A_REPORT = "AQL012"  # "skipped": said by a folder walk, noise in an editor


class Linted(Struct):
    diagnostics: list[Diagnostic] = field(default_factory=list)
    config_error: str | None = None  # the config cannot be used: the command line exits 2


def checked_here(path: Path | None, language: str | None = None) -> bool:
    """Whether aggqlint checks a buffer at all: YAML and JSON files, by name or language."""
    if path is not None and path.suffix.lower() in SUFFIXES:
        return True
    return language in ("yaml", "json")


def lint_buffer(path: Path | None, text: str) -> Linted:
    """The diagnostics `aggqlint check` reports for text saved at path."""
    try:
        result = lint_paths([STDIN], _options(path, text))
    except UsageError as err:
        return Linted(config_error=str(err))
    diagnostics = [d for f in result.files for d in f.diagnostics if d.code != NOT_A_REPORT]
    return Linted(diagnostics)


def fix_all(path: Path | None, text: str, unsafe: bool = False) -> str | None:
    """The text `aggqlint check --fix` makes of text saved at path; None when its config cannot
    be used."""
    try:
        result = lint_paths([STDIN], _options(path, text), Fixing(unsafe=unsafe))
    except UsageError:
        return None
    for checked in result.files:
        if checked.fixed is not None:
            return _with_bom(text, checked.fixed.text)
    return text


def _options(path: Path | None, text: str) -> LintOptions:
    settings = load_settings(None, CliOverrides())
    return LintOptions(
        policy_for=settings.policy_for,
        excluded=settings.excluded,
        # A file the config excludes gets no findings, as pre-commit's `--force-exclude` runs.
        force_exclude=True,
        stdin=io.BytesIO(text.encode("utf-8", "surrogatepass")),
        stdin_filename=str(path) if path is not None else None,
        stdin_found=True,
    )


def _with_bom(original: str, fixed: str) -> str:
    # The engine reads the text without its byte order mark; the editor's buffer keeps it.
    if original.startswith("\ufeff") and not fixed.startswith("\ufeff"):
        return "\ufeff" + fixed
    return fixed

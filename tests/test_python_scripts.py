"""Python scripts that build analytics queries, checked as `aggqlint check script.py` checks
them: `data/python/seeds/` holds the shared mistaken scripts (each mistake their docstring
lists is reported at its line) and the two correct ones; `data/python/scripts/` holds scripts
written the way developers write them (SDK objects, requests with dicts, a mix, variables,
loops building windows). Beside each, `<name>.expected`: one `LINE:COL CODE` per diagnostic in
the order aggqlint prints them, optionally `~ TEXT` the message must contain; `#` lines say
why. Adding a case is adding two files."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from aggqlint.checks.engine import LintOptions, exit_code, lint_paths
from aggqlint.diagnostics import Severity

HERE = Path(__file__).resolve().parent / "data" / "python"
SCRIPTS = sorted(HERE.glob("*/*.py"))
_MISTAKE_LINE = re.compile(r"^\s*(?:-\s|Mistakes)")


def _expected(script: Path) -> list[tuple[str, str | None]]:
    lines = script.with_suffix(".expected").read_text(encoding="utf-8").splitlines()
    out = []
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        where, _, text = line.partition(" ~ ")
        out.append((where.strip(), text.strip() or None))
    return out


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_script_gives_exactly_the_expected_diagnostics(script: Path) -> None:
    found = lint_paths([str(script)], LintOptions()).diagnostics
    shown = [f"{d.location.line}:{d.location.column} {d.code}" for d in found]
    expected = _expected(script)
    assert shown == [where for where, _ in expected], "\n".join(
        f"{s} {d.message}" for s, d in zip(shown, found, strict=True)
    )
    for diagnostic, (_, text) in zip(found, expected, strict=True):
        if text is not None:
            assert text in diagnostic.message


@pytest.mark.parametrize("script", SCRIPTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_correct_scripts_pass_and_mistaken_ones_fail(script: Path) -> None:
    result = lint_paths([str(script)], LintOptions())
    clean = "correct" in script.stem or script.stem.startswith("clean_")
    assert exit_code(result) == (0 if clean else 1)
    if clean:  # at most the note that computed values were not read
        assert all(d.severity is Severity.INFO for d in result.diagnostics)


def _docstring_mistake_lines(script: Path) -> int:
    doc = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8"))) or ""
    return sum(1 for line in doc.splitlines() if line.lstrip().startswith("- "))


def test_every_listed_mistake_of_the_seed_scripts_has_its_line() -> None:
    # The mistaken seeds list their mistakes in the docstring, one "- " item each (the
    # requests one in a sentence); each item's lines carry at least one error.
    for script in sorted((HERE / "seeds").glob("*.py")):
        if "correct" in script.stem:
            continue
        errors = {
            d.location.line
            for d in lint_paths([str(script)]).diagnostics
            if d.severity is Severity.ERROR
        }
        assert len(errors) >= _docstring_mistake_lines(script), script.name

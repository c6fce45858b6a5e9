"""Hand-written report definitions for every endpoint family, as Genesys developers write them.

`corpus/valid/<family>/` holds queries the server accepts: they must give no error, and no
other diagnostic than the warnings and infos listed in an optional `<name>.expected` beside the
file (deliberate advice on shapes the server takes, such as naive timestamps or `AND`).
`corpus/invalid/<family>/` holds realistic mistakes, each with `<name>.expected` beside it: one
`LINE:COL CODE` per line in the order aggqlint prints them, optionally followed by
`~ TEXT` when the message must say TEXT (where it sends the user); `#` lines say why.

Files are checked as `aggqlint check` checks them, config included (an `aggqlint.toml` in a
folder names the endpoint of its bare JSON bodies), with a fixed "now". Adding a case is adding
a file. Cases where today's code and the corpus disagree are listed, with the reason, in
`corpus/known-disagreements.txt`; they run as strict xfails, so a fix that makes one pass
fails the run until its line is removed.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from aggqlint.checks.engine import LintOptions, lint_paths
from aggqlint.config.files import CliOverrides, load_policy_factory
from aggqlint.diagnostics import Diagnostic, Severity

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus"
FACTS = HERE.parent / "facts" / "genesys" / "endpoints.json"
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
SUFFIXES = {".yaml", ".yml", ".json"}


def _cases(kind: str) -> list[Path]:
    root = CORPUS / kind
    return sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in SUFFIXES)


def _case_id(path: Path) -> str:
    return path.relative_to(CORPUS).as_posix()


def _known_disagreements() -> dict[str, str]:
    """corpus path -> why today's code disagrees (one `PATH  # reason` per line)."""
    known: dict[str, str] = {}
    for line in (CORPUS / "known-disagreements.txt").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            path, _, reason = line.partition("#")
            known[path.strip()] = reason.strip()
    return known


KNOWN = _known_disagreements()
VALID = _cases("valid")
INVALID = _cases("invalid")


def _params(paths: list[Path]) -> list[object]:
    params: list[object] = []
    for path in paths:
        case = _case_id(path)
        marks = [pytest.mark.xfail(strict=True, reason=KNOWN[case])] if case in KNOWN else []
        params.append(pytest.param(path, id=case, marks=marks))
    return params


def _expected_lines(case: Path) -> list[str]:
    path = case.with_suffix(".expected")
    if not path.exists():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def _expected(case: Path) -> list[str]:
    """The `LINE:COL CODE` list, without the message parts."""
    return [line.partition("~")[0].strip() for line in _expected_lines(case)]


def _message_parts(case: Path) -> list[tuple[int, str]]:
    """(index in the list, text the message must contain) for lines with `~ TEXT`."""
    parts = [line.partition("~") for line in _expected_lines(case)]
    return [(i, text.strip()) for i, (_, tilde, text) in enumerate(parts) if tilde]


def _assert_diagnostics(path: Path, diagnostics: list[Diagnostic]) -> None:
    assert _found(diagnostics) == _expected(path)
    for index, text in _message_parts(path):
        assert text in diagnostics[index].message, _found(diagnostics)[index]


def _lint(path: Path) -> list[Diagnostic]:
    options = LintOptions(
        now=NOW, policy_for=load_policy_factory(None, CliOverrides()), max_repeats=None
    )
    return lint_paths([str(path)], options).diagnostics


def _found(diagnostics: list[Diagnostic]) -> list[str]:
    return [f"{d.location.line}:{d.location.column} {d.code}" for d in diagnostics]


def _families_in_facts() -> set[str]:
    """The family of every query endpoint: /api/v2/analytics/<family>/..."""
    endpoints = json.loads(FACTS.read_text(encoding="utf-8"))["endpoints"]
    return {
        e["path"].split("/")[4]
        for e in endpoints
        if e["is_query_endpoint"] and e["method"] == "POST" and e["request_model"]
    }


@pytest.mark.parametrize("path", _params(VALID))
def test_valid_definition_is_clean(path: Path) -> None:
    diagnostics = _lint(path)
    assert [f"{d.code} {d.message}" for d in diagnostics if d.severity is Severity.ERROR] == []
    _assert_diagnostics(path, diagnostics)


@pytest.mark.parametrize("path", _params(INVALID))
def test_invalid_definition_gets_exactly_its_diagnostics(path: Path) -> None:
    expected = _expected(path)
    assert expected, f"{_case_id(path)} has no .expected beside it"
    _assert_diagnostics(path, _lint(path))


def test_every_endpoint_family_has_valid_and_invalid_cases() -> None:
    families = _families_in_facts()
    assert len(families) == 23  # the facts' 52 query endpoints fall in 23 families
    valid = [_case_id(p).split("/")[1] for p in VALID]
    invalid = [_case_id(p).split("/")[1] for p in INVALID]
    thin = {f: (valid.count(f), invalid.count(f)) for f in families}
    assert {f: n for f, n in thin.items() if n[0] < 2 or n[1] < 1} == {}
    assert set(valid) | set(invalid) <= families  # no folder named after a non-family


def test_known_disagreements_name_corpus_files_with_a_reason() -> None:
    for case, reason in KNOWN.items():
        assert (CORPUS / case).is_file(), case
        assert reason, case


def test_every_expected_file_has_its_case() -> None:
    for kind in ("valid", "invalid"):
        for expected in (CORPUS / kind).rglob("*.expected"):
            cases = [expected.with_suffix(s) for s in SUFFIXES]
            assert any(c.is_file() for c in cases), _case_id(expected)

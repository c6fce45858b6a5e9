"""Golden tests of `check --fix`: each case in tests/fixes/golden is NAME.in.EXT (the file as
written), NAME.out.EXT (exactly the bytes --fix must leave) and optionally NAME.args (more
options for check, such as --unsafe-fixes or --endpoint). Adding a case is adding those files.

Every case is run through the CLI on a temporary copy: --diff writes nothing and prints a diff
that turns the input into the expected output; --fix writes exactly the expected bytes, and
nothing outside the ranges its fixes edit has moved. A second --fix changes nothing."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SRC, fix_ranges, run_aggqlint, unchanged_outside

from aggqlint.checks.engine import Fixing, LintOptions, exit_code, lint_paths
from aggqlint.checks.metadata import all_rules

GOLDEN = Path(__file__).parent / "fixes" / "golden"
CASES = sorted(p.name.split(".in.")[0] for p in GOLDEN.glob("*.in.*"))


def _case(name: str) -> tuple[Path, Path, list[str]]:
    (before,) = GOLDEN.glob(f"{name}.in.*")
    after = GOLDEN / before.name.replace(".in.", ".out.")
    args_file = GOLDEN / f"{name}.args"
    args = shlex.split(args_file.read_text(encoding="utf-8")) if args_file.exists() else []
    return before, after, args


def _options(args: list[str]) -> LintOptions:
    endpoint = args[args.index("--endpoint") + 1] if "--endpoint" in args else None
    return LintOptions(endpoint=endpoint)


def test_every_case_has_its_expected_output() -> None:
    assert len(CASES) >= 20
    for name in CASES:
        before, after, _ = _case(name)
        assert after.exists(), f"{name}: no {after.name}"
        assert before.read_bytes() != after.read_bytes(), f"{name}: nothing to fix"


def apply_unified_diff(text: str, diff: str) -> str:
    """text with a unified diff (one file, as `diff -u` writes it) applied; fails loudly on a
    context line that does not match. Independent of difflib, which aggqlint uses to write."""
    lines = text.splitlines(keepends=True)
    out: list[str] = []
    cursor = 0
    body = diff.splitlines(keepends=True)
    assert body[0].startswith("--- a/") and body[1].startswith("+++ b/"), diff
    index = 2
    while index < len(body):
        header = re.match(r"@@ -(\d+)(?:,(\d+))? \+\d+(?:,\d+)? @@", body[index])
        assert header, body[index]
        start = int(header[1]) - (0 if header[2] == "0" else 1)
        out.extend(lines[cursor:start])
        cursor = start
        index += 1
        while index < len(body) and not body[index].startswith("@@"):
            line = body[index]
            index += 1
            if index < len(body) and body[index].startswith("\\ No newline"):
                line = line.removesuffix("\n")
                index += 1
            kind, content = line[0], line[1:]
            if kind in " -":
                assert lines[cursor] == content, (lines[cursor], content)
                cursor += 1
            if kind in " +":
                out.append(content)
    out.extend(lines[cursor:])
    return "".join(out)


def edited_ranges(path: Path, args: list[str]) -> list[tuple[int, int]]:
    """The ranges of the file's text that the fixes --fix would apply edit, merged."""
    result = lint_paths([str(path)], _options(args))
    return fix_ranges(result.diagnostics, "--unsafe-fixes" in args)


def run_bytes(*args: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """run_aggqlint, with stdout as bytes (text mode would turn CRLF into LF)."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = str(SRC) + os.pathsep + environment.get("PYTHONPATH", "")
    environment.pop("GITHUB_ACTIONS", None)
    command = [sys.executable, "-m", "aggqlint", *args]
    return subprocess.run(command, cwd=cwd, env=environment, capture_output=True, timeout=60)


def _decoded(data: bytes) -> str:
    return data.decode("utf-8").removeprefix("\ufeff")


@pytest.mark.parametrize("name", CASES)
def test_golden(name: str, tmp_path: Path) -> None:
    before, after, args = _case(name)
    target = tmp_path / before.name.replace(".in.", ".")
    shutil.copyfile(before, target)
    original, expected = before.read_bytes(), after.read_bytes()

    shown = run_bytes("check", "--no-color", target.name, "--diff", *args, cwd=tmp_path)
    assert shown.returncode == 1, shown.stderr
    assert target.read_bytes() == original  # --diff writes nothing
    diff = shown.stdout.decode("utf-8")  # as bytes: a CRLF file's diff lines end in CRLF
    assert apply_unified_diff(_decoded(original), diff) == _decoded(expected)

    fixed = run_aggqlint("check", "--no-color", target.name, "--fix", *args, cwd=tmp_path)
    assert "Traceback" not in fixed.stderr
    assert target.read_bytes() == expected, fixed.stdout + fixed.stderr
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind

    ranges = edited_ranges(before, args)
    assert ranges, name
    assert unchanged_outside(_decoded(original), _decoded(expected), ranges), name

    # The exit code is what a plain check of the fixed file says; a second --fix does nothing.
    assert fixed.returncode == exit_code(lint_paths([str(target)], _options(args))), fixed.stdout
    again = lint_paths([str(target)], _options(args), Fixing("--unsafe-fixes" in args))
    assert again.files[0].fixed is not None and not again.files[0].fixed.changed, name


def _golden_codes() -> set[str]:
    return {name.split("-")[0].upper() for name in CASES if name.startswith("aql")}


def test_every_rule_declared_fixable_has_a_golden_case() -> None:
    declared = {code for code, meta in all_rules().items() if meta.fixable}
    assert declared - _golden_codes() == set()


def test_every_rule_whose_fix_applies_is_declared_fixable() -> None:
    declared = {code for code, meta in all_rules().items() if meta.fixable}
    assert _golden_codes() - declared == set()

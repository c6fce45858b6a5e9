"""Terminal manners of `aggqlint check`: colour only where it helps, -q, paths as typed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import SRC, UNKNOWN_METRIC_REPORT, run_aggqlint

from aggqlint.cli import cli

BAD = UNKNOWN_METRIC_REPORT
ERROR_LINE = (
    "reports/bad.yaml:5:13: AQL201 error unknown metric 'handleTime' for "
    "conversations/aggregates; did you mean 'tHandle'?"
)
WARNING_LINE = (
    "reports/empty.yaml:1:1: AQL010 warning file is empty: no report definition or query to check"
)
SUMMARY = "1 error, 1 warning in 2 files (2 files checked)"
HINT = "1 fixable with --fix."  # the error's fix, offered before the summary (not with -q)
COLOURED = (
    "\x1b[1mreports/bad.yaml:5:13\x1b[0m: AQL201 \x1b[31merror\x1b[0m unknown metric "
    "'handleTime' for conversations/aggregates; did you mean 'tHandle'?"
)
ESC = "\x1b["


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A folder with one file holding an error and one (empty) file holding a warning."""
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "bad.yaml").write_text(BAD, encoding="utf-8")
    (reports / "empty.yaml").write_text("", encoding="utf-8")
    return tmp_path


def _on_terminal(cwd: Path, *args: str, env: dict[str, str] | None = None) -> str:
    """Run aggqlint with stdout on a pseudo-terminal, as when a person runs it in a shell."""
    import pty

    environment = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "GITHUB_ACTIONS")}
    environment["PYTHONPATH"] = str(SRC)
    environment.update(env or {})
    leader, follower = pty.openpty()
    try:
        subprocess.run(
            [sys.executable, "-m", "aggqlint", *args],
            cwd=cwd,
            env=environment,
            stdout=follower,
            stderr=subprocess.DEVNULL,
            timeout=60,
            check=False,
        )
    finally:
        os.close(follower)
    chunks = []
    while True:
        try:
            chunk = os.read(leader, 65536)
        except OSError:  # Linux: EIO once the terminal's other end is closed and drained
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(leader)
    return b"".join(chunks).decode("utf-8").replace("\r\n", "\n")


terminal_only = pytest.mark.skipif(sys.platform == "win32", reason="needs a POSIX pty")


@terminal_only
def test_colour_on_a_terminal(project: Path) -> None:
    output = _on_terminal(project, "check", "reports/bad.yaml")
    assert output == f"{COLOURED}\n{HINT}\n1 error in 1 file (1 file checked)\n"


@terminal_only
@pytest.mark.parametrize(
    ("args", "env"),
    [
        ((), {"NO_COLOR": "1"}),
        (("--no-color",), {}),
    ],
)
def test_no_colour_on_a_terminal_when_asked(
    project: Path, args: tuple[str, ...], env: dict[str, str]
) -> None:
    output = _on_terminal(project, "check", "reports/bad.yaml", *args, env=env)
    assert output == f"{ERROR_LINE}\n{HINT}\n1 error in 1 file (1 file checked)\n"


@terminal_only
def test_empty_no_color_does_not_count(project: Path) -> None:
    # no-color.org: NO_COLOR disables colour only when it is set to a non-empty value.
    output = _on_terminal(project, "check", "reports/bad.yaml", env={"NO_COLOR": ""})
    assert ESC in output


def test_no_colour_when_piped(project: Path) -> None:
    result = run_aggqlint("check", "reports", cwd=project)
    assert result.returncode == 1
    assert result.stdout == f"{ERROR_LINE}\n{WARNING_LINE}\n{HINT}\n{SUMMARY}\n"


@pytest.mark.parametrize("env", [{}, {"NO_COLOR": "1"}])
def test_color_flag_wins_even_when_piped(project: Path, env: dict[str, str]) -> None:
    # `aggqlint check --color reports | less -R` must keep its colours.
    result = run_aggqlint("check", "reports/bad.yaml", "--color", cwd=project, env=env)
    assert result.stdout == f"{COLOURED}\n{HINT}\n1 error in 1 file (1 file checked)\n"


def test_cli_runner_colour_follows_the_flag(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(project)
    runner = CliRunner()
    plain = runner.invoke(cli, ["check", "reports/bad.yaml"])
    assert ESC not in plain.output
    coloured = runner.invoke(cli, ["check", "reports/bad.yaml", "--color"], env={"NO_COLOR": "1"})
    assert coloured.output.splitlines()[0] == COLOURED


def test_quiet_prints_only_errors_then_the_summary(project: Path) -> None:
    result = run_aggqlint("check", "-q", "reports", cwd=project)
    assert result.returncode == 1
    assert result.stdout == f"{ERROR_LINE}\n{SUMMARY}\n"
    only_warnings = run_aggqlint("check", "--quiet", "reports/empty.yaml", cwd=project)
    assert only_warnings.returncode == 0
    assert only_warnings.stdout == "1 warning in 1 file (1 file checked)\n"


def test_paths_are_shown_as_seen_from_the_working_directory(project: Path) -> None:
    absolute = project / "reports" / "bad.yaml"
    inside = run_aggqlint("check", str(absolute), cwd=project)
    assert inside.stdout.splitlines()[0] == ERROR_LINE
    (project / "sub").mkdir()
    above = run_aggqlint("check", "../reports/bad.yaml", cwd=project / "sub")
    assert above.stdout.splitlines()[0] == "../" + ERROR_LINE
    elsewhere = project / "elsewhere"
    elsewhere.mkdir()
    outside = run_aggqlint("check", str(absolute), cwd=elsewhere)
    assert outside.stdout.splitlines()[0] == ERROR_LINE.replace(
        "reports/bad.yaml", str(absolute), 1
    )

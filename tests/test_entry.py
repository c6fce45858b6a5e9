"""The console entry: check (and the other read-only commands) end with os._exit once their
output is flushed. Every byte still arrives, and the exit status is the one the command set."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from conftest import REPO, run_aggqlint


def test_exit_status_is_the_commands(tmp_path: Path) -> None:
    clean = tmp_path / "ok.json"
    body = '{"interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z", "metrics": ["nOffered"]'
    clean.write_text(body + "}")
    args = ("--no-cache", "--endpoint", "conversations/aggregates")
    assert run_aggqlint("check", *args, str(clean)).returncode == 0
    clean.write_text(body + ', "x": 1}')
    assert run_aggqlint("check", *args, str(clean)).returncode == 1
    missing = run_aggqlint("check", str(tmp_path / "missing.yaml"))
    assert missing.returncode == 2
    assert missing.stderr == f"aggqlint: no such file or directory: {tmp_path / 'missing.yaml'}\n"


def test_a_large_output_arrives_whole(tmp_path: Path) -> None:
    """stdout is a file here, fully buffered: the last write must reach it before the exit."""
    shutil.copytree(REPO / "tests" / "corpus", tmp_path / "corpus")
    out = tmp_path / "out.json"
    with out.open("wb") as handle:
        run = subprocess.run(
            [sys.executable, "-m", "aggqlint", "check", "corpus", "--no-cache", "--format", "json"],
            cwd=tmp_path,
            env={**os.environ, "PYTHONPATH": str(REPO / "src")},
            stdout=handle,
            timeout=300,
        )
    assert run.returncode == 1
    report = json.loads(out.read_text(encoding="utf-8"))
    files = [p for p in (tmp_path / "corpus").rglob("*") if p.suffix in (".yaml", ".yml", ".json")]
    assert report["summary"]["files_checked"] == len(files)
    summary = report["summary"]
    assert len(report["diagnostics"]) == summary["error"] + summary["warning"] + summary["info"]
    assert len(report["diagnostics"]) > 300


def test_a_closed_pipe_is_not_an_error_message(tmp_path: Path) -> None:
    shutil.copytree(REPO / "tests" / "corpus", tmp_path / "corpus")
    run = subprocess.run(
        f"{sys.executable} -m aggqlint check corpus --no-cache | head -1",
        shell=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.stdout.count("\n") == 1
    assert "Traceback" not in run.stderr and "Exception ignored" not in run.stderr


def test_a_message_exit_prints_it_and_exits_1() -> None:
    run = subprocess.run(
        [sys.executable, "-c", "from aggqlint.entry import _exit_now; _exit_now('stopped')"],
        env={**os.environ, "PYTHONPATH": str(REPO / "src")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert (run.returncode, run.stderr) == (1, "stopped\n")

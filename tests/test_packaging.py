"""The wheel ships schemas/ and rules/: installed outside the repository, aggqlint still works."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from conftest import REPO


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    # Build from a copy so the test never writes build artefacts into the working tree.
    source = out / "src-copy"
    shutil.copytree(
        REPO,
        source,
        # The tools' caches (.mypy_cache, .aggqlint_cache, ...), not code named cache.py.
        ignore=shutil.ignore_patterns(".git", ".venv", ".*_cache", "build", "dist", "__pycache__"),
    )
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(source)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    [built] = out.glob("aggqlint-*.whl")
    return built


def test_wheel_contains_the_data(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "aggqlint/_data/schemas/index.json" in names
    assert "aggqlint/_data/schemas/report.schema.json" in names
    assert "aggqlint/_data/schemas/models/ConversationAggregationQuery.schema.json" in names
    assert "aggqlint/_data/rules/aliases.yaml" in names
    assert any(n.startswith("aggqlint/_data/rules/checks/") for n in names)


def test_installed_wheel_runs_from_another_directory(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "-q",
            "--no-deps",
            "--target",
            str(target),
            str(wheel),
        ],
        check=True,
        timeout=300,
    )
    report = tmp_path / "elsewhere" / "r.yaml"
    report.parent.mkdir()
    report.write_text(
        "report: r\nendpoint: conversations/aggregates\nquery:\n"
        "  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z\n  metrics: [handleTime]\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(target)
    result = subprocess.run(
        [sys.executable, "-m", "aggqlint", "check", "r.yaml"],
        cwd=report.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stderr
    assert "r.yaml:5:13: AQL201 error unknown metric 'handleTime'" in result.stdout
    assert (
        str(target)
        in subprocess.run(
            [sys.executable, "-c", "import aggqlint.data as d; print(d.data_root('schemas'))"],
            env=env,
            cwd=report.parent,
            capture_output=True,
            text=True,
        ).stdout
    )

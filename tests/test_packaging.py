"""The wheel ships schemas/ and rules/: installed outside the repository, aggqlint still works."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
import yaml
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


def test_wheel_carries_each_yaml_data_file_as_the_same_json(wheel: Path) -> None:
    """hatch_build.py: the JSON copy holds exactly the data the YAML does."""
    archive = zipfile.ZipFile(wheel)
    sources = sorted((REPO / "rules").rglob("*.yaml"))
    assert len(sources) >= 15
    for source in sources:
        relative = source.relative_to(REPO / "rules").as_posix()
        copy = json.loads(archive.read(f"aggqlint/_data/rules/{relative}.json"))
        assert copy == yaml.safe_load(source.read_text(encoding="utf-8")), relative


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("site")
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(target), wheel],
        check=True,
        timeout=300,
    )
    return target


def test_installed_wheel_checks_json_without_pyyaml(installed: Path, tmp_path: Path) -> None:
    """A run on JSON bodies reads the data's JSON copies and never imports PyYAML (~35 ms of
    every start), and says what a run from the checkout says."""
    body = tmp_path / "body.json"
    body.write_text(
        json.dumps(
            {
                "interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z",
                "metrics": ["nOffered", "tHandle"],
                "groupBy": ["queueId"],
            },
            indent=2,
        )
    )
    args = ["check", "--no-cache", "--endpoint", "conversations/aggregates", "--format", "json"]
    probe = (
        "import sys\n"
        "from aggqlint.cli import cli\n"
        "try:\n"
        f"    cli.main(args={[*args, str(body)]!r}, prog_name='aggqlint')\n"
        "except SystemExit as exit:\n"
        "    sys.stderr.write(f'exit={exit.code} yaml={\"yaml\" in sys.modules}')\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    wheel_run = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(installed)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert wheel_run.stderr == "exit=0 yaml=False"
    checkout_run = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(REPO / "src")},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert checkout_run.stderr == "exit=0 yaml=True"  # the checkout reads the YAML itself
    assert wheel_run.stdout == checkout_run.stdout
    assert json.loads(wheel_run.stdout)["summary"]["files_checked"] == 1


def test_installed_wheel_runs_from_another_directory(installed: Path, tmp_path: Path) -> None:
    target = installed
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


def test_installed_wheel_keys_its_cache_by_the_record_of_installed_files(
    installed: Path, tmp_path: Path
) -> None:
    """An installed wheel stamps cache entries with pip's RECORD (a hash of every installed
    file): another build of the same version is not served this one's results."""
    site = tmp_path / "site"
    shutil.copytree(installed, site)
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(site)
    probe = "from aggqlint.checks.cache import _stamp; print(_stamp())"

    def stamp() -> str:
        run = subprocess.run(
            [sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=60
        )
        assert run.returncode == 0, run.stderr
        return run.stdout.strip()

    first = stamp()
    assert stamp() == first
    [record] = site.glob("aggqlint-*.dist-info/RECORD")
    record.write_text(record.read_text() + "aggqlint/extra.py,sha256=x,1\n")
    assert stamp() != first

"""The `aggqlint-python` pre-commit hook: its definition, and its entry run the way pre-commit
runs it (every staged Python file named on the command line)."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import yaml
from conftest import REPO, run_aggqlint

SEEDS = REPO / "tests" / "data" / "python" / "seeds"


def _hook() -> dict[str, object]:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [hook for hook in hooks if hook["id"] == "aggqlint-python"]
    return dict(hook)


def test_hook_definition() -> None:
    hook = _hook()
    assert (hook["entry"], hook["language"], hook["types"]) == (
        "aggqlint check --force-exclude --include-python",
        "python",
        ["python"],
    )
    assert "files" not in hook  # every Python file; aggqlint reads those that mention the API


def test_the_entry_fails_only_on_the_files_with_mistaken_queries(tmp_path: Path) -> None:
    for name in ("sdk_correct.py", "sdk_detail_custom_interval.py"):
        shutil.copy(SEEDS / name, tmp_path / name)
    (tmp_path / "setup.py").write_text("from setuptools import setup\nsetup()\n", "utf-8")
    (tmp_path / "users.py").write_text(
        'import requests\nrequests.post("https://x/api/v2/users/search", json={"a": 1})\n',
        "utf-8",
    )
    files = sorted(p.name for p in tmp_path.iterdir())
    ran = run_aggqlint(*shlex.split(str(_hook()["entry"]))[1:], *files, cwd=tmp_path)
    assert ran.returncode == 1, ran.stdout
    flagged = {line.split(":")[0] for line in ran.stdout.splitlines() if ": AQL" in line}
    assert flagged == {"sdk_correct.py", "sdk_detail_custom_interval.py"}
    assert all(
        " info " in line for line in ran.stdout.splitlines() if line.startswith("sdk_correct")
    )

    (tmp_path / "sdk_detail_custom_interval.py").unlink()
    files.remove("sdk_detail_custom_interval.py")
    passed = run_aggqlint(*shlex.split(str(_hook()["entry"]))[1:], *files, cwd=tmp_path)
    assert passed.returncode == 0, passed.stdout

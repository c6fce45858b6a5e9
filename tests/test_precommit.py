"""The hook in .pre-commit-hooks.yaml, run by the real pre-commit against the working tree.

pre-commit installs a hook from a git commit, so the test commits a snapshot of the working
tree (tracked and untracked, not ignored files) into a repository under the pytest cache. The
commit is deterministic (fixed author and dates), so an unchanged tree gives the same sha and
pre-commit reuses the environment it built last time; the first run pip-installs aggqlint
from the snapshot (a minute or so).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]

BAD = """\
report: queue-hourly
endpoint: conversations/aggregates
query:
  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
  metrics: [handleTime, nOffered]
"""
# Not a report definition: outside the hook's default `files`, so never checked.
OTHER = "steps:\n  - run: make test\n"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

_GIT_ENV = {
    "GIT_AUTHOR_NAME": "aggqlint tests",
    "GIT_AUTHOR_EMAIL": "tests@aggqlint.invalid",
    "GIT_AUTHOR_DATE": "2026-01-01T00:00:00+00:00",
    "GIT_COMMITTER_NAME": "aggqlint tests",
    "GIT_COMMITTER_EMAIL": "tests@aggqlint.invalid",
    "GIT_COMMITTER_DATE": "2026-01-01T00:00:00+00:00",
    # The user's git configuration (signing, hooks, templates) must not change the commit.
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_CONFIG_NOSYSTEM": "1",
}


def _environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GIT_", "PRE_COMMIT"))}
    # Under GitHub Actions the hook would print workflow commands instead of text.
    env.pop("GITHUB_ACTIONS", None)
    env.update(_GIT_ENV)
    env.update(extra)
    return env


def _git(cwd: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "init.defaultBranch=main", *args],
        cwd=cwd,
        env=_environment(),
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout.strip()


def _snapshot(target: Path) -> str:
    """Commit the working tree's current files into `target`; return the commit sha."""
    listed = _git(REPO, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    for name in sorted(set(listed.split("\0")) - {""}):
        source = REPO / name
        if source.is_file():  # a tracked file deleted in the working tree is left out
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    _git(target, "init", "-q")
    _git(target, "add", "-A")
    _git(target, "commit", "-q", "--no-verify", "-m", "working tree snapshot")
    return _git(target, "rev-parse", "HEAD")


@pytest.fixture(scope="module")
def cache_dir(pytestconfig: pytest.Config, tmp_path_factory: pytest.TempPathFactory) -> Path:
    cache = getattr(pytestconfig, "cache", None)  # None with -p no:cacheprovider
    if cache is not None:
        return Path(cache.mkdir("aggqlint-pre-commit"))
    return tmp_path_factory.mktemp("pre-commit-cache")


@pytest.fixture(scope="module")
def project(cache_dir: Path) -> Iterator[Path]:
    hook_repo = cache_dir / "hook-repo"
    rev = _snapshot(hook_repo)
    # A fixed place for the project too: `pre-commit gc` then knows which environment is
    # still in use and drops the ones built for earlier snapshots, so the cache stays small.
    root = cache_dir / "project"
    if root.exists():
        shutil.rmtree(root)
    root.mkdir()
    _git(root, "init", "-q")
    config = {"repos": [{"repo": str(hook_repo), "rev": rev, "hooks": [{"id": "aggqlint"}]}]}
    (root / ".pre-commit-config.yaml").write_text(yaml.safe_dump(config), encoding="utf-8")
    (root / "reports").mkdir()
    (root / "pipeline.yaml").write_text(OTHER, encoding="utf-8")
    yield root
    subprocess.run(
        [sys.executable, "-m", "pre_commit", "gc"],
        cwd=root,
        env=_environment(PRE_COMMIT_HOME=str(cache_dir / "home")),
        capture_output=True,
        timeout=120,
    )


def _pre_commit(project: Path, cache_dir: Path) -> subprocess.CompletedProcess[str]:
    _git(project, "add", "-A")
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "run", "--all-files", "--color", "never"],
        cwd=project,
        env=_environment(PRE_COMMIT_HOME=str(cache_dir / "home")),
        capture_output=True,
        text=True,
        timeout=900,  # the first run builds the hook's virtualenv from PyPI
    )


def test_hook_fails_on_a_bad_definition_and_passes_when_fixed(
    project: Path, cache_dir: Path
) -> None:
    bad = project / "reports" / "bad.yaml"
    bad.write_text(BAD, encoding="utf-8")
    failed = _pre_commit(project, cache_dir)
    output = failed.stdout + failed.stderr
    assert failed.returncode == 1, output
    assert "aggqlint" in output and "Failed" in output
    assert (
        "reports/bad.yaml:5:13: AQL201 error unknown metric 'handleTime' for "
        "conversations/aggregates; did you mean 'tHandle'?"
    ) in output
    assert "(1 file checked)" in output and "pipeline.yaml" not in output

    bad.write_text(BAD.replace("handleTime", "tHandle"), encoding="utf-8")
    passed = _pre_commit(project, cache_dir)
    output = passed.stdout + passed.stderr
    assert passed.returncode == 0, output
    assert "aggqlint" in output and "Passed" in output


def test_fix_hook_fixes_the_file_and_fails_the_commit_once(project: Path, cache_dir: Path) -> None:
    config = project / ".pre-commit-config.yaml"
    original = config.read_text(encoding="utf-8")
    config.write_text(original.replace("id: aggqlint", "id: aggqlint-fix"), encoding="utf-8")
    bad = project / "reports" / "fixable.yaml"
    written = BAD.replace("queue-hourly", "queue-fixed").replace("metrics:", "# count\n  metrics:")
    bad.write_text(written, encoding="utf-8")
    try:
        fixed = _pre_commit(project, cache_dir)
        output = fixed.stdout + fixed.stderr
        # The file was changed by the hook: pre-commit fails the run so the fix is looked at.
        assert fixed.returncode == 1, output
        assert "aggqlint (fix)" in output and "files were modified by this hook" in output
        assert "Found 1 problem (1 fixed, 0 remaining)." in output
        assert "- exit code:" not in output  # aggqlint itself passed: nothing remains
        assert bad.read_text(encoding="utf-8") == written.replace("handleTime", "tHandle")
        again = _pre_commit(project, cache_dir)
        assert again.returncode == 0, again.stdout + again.stderr
    finally:
        bad.unlink(missing_ok=True)
        config.write_text(original, encoding="utf-8")


def test_hook_definitions() -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    by_id = {hook["id"]: hook for hook in hooks}
    hook = by_id["aggqlint"]
    assert (hook["entry"], hook["language"], hook["types_or"]) == (
        "aggqlint check --force-exclude",
        "python",
        ["yaml", "json"],
    )
    assert hook["require_serial"] is False
    fix = by_id["aggqlint-fix"]
    assert fix["entry"] == "aggqlint check --fix --force-exclude"
    # Both take the same files: the fix hook is the check hook that also fixes.
    assert {k: v for k, v in fix.items() if k not in ("id", "name", "description", "entry")} == {
        k: v for k, v in hook.items() if k not in ("id", "name", "description", "entry")
    }


@pytest.mark.parametrize(
    ("path", "checked"),
    [
        ("reports/queue-hourly.yaml", True),
        ("teams/service/queries/agents.yml", True),
        ("analytics/daily.json", True),
        ("config/shift-blocks.aggq.yaml", True),
        ("shift.aggq.json", True),
        (".github/workflows/ci.yaml", False),
        ("docker-compose.yml", False),
        ("myreports/x.yaml", False),
        ("reports.yaml", False),
    ],
)
def test_default_files_pattern(path: str, checked: bool) -> None:
    hooks = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    (hook,) = [hook for hook in hooks if hook["id"] == "aggqlint"]
    pattern = re.compile(hook["files"])  # pre-commit applies `files` with re.search
    assert bool(pattern.search(path)) is checked


def test_the_hook_keeps_the_config_excludes(project: Path, cache_dir: Path) -> None:
    # pre-commit names every file; the hook's --force-exclude applies aggqlint's own excludes.
    drafts = project / "reports" / "drafts"
    drafts.mkdir(parents=True, exist_ok=True)
    (drafts / "wip.yaml").write_text(BAD, encoding="utf-8")
    (project / "aggqlint.toml").write_text('extend-exclude = ["reports/drafts/"]\n', "utf-8")
    try:
        passed = _pre_commit(project, cache_dir)
        output = passed.stdout + passed.stderr
        assert passed.returncode == 0, output
        assert "wip.yaml" not in output
        (project / "aggqlint.toml").unlink()
        failed = _pre_commit(project, cache_dir)
        assert failed.returncode == 1
        assert "reports/drafts/wip.yaml:5:13: AQL201" in failed.stdout + failed.stderr
    finally:
        shutil.rmtree(drafts)
        (project / "aggqlint.toml").unlink(missing_ok=True)

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fake_genesys import FakeGenesys, serve
from hypothesis import settings

# Property tests explore the same examples on every run, so CI never fails at random;
# `HYPOTHESIS_PROFILE=explore pytest` searches fresh examples by hand.
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"


def run_aggqlint(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess, as a user would."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = str(SRC) + os.pathsep + environment.get("PYTHONPATH", "")
    environment.pop("GITHUB_ACTIONS", None)
    environment.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "aggqlint", *args],
        cwd=cwd or REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture
def repo() -> Path:
    return REPO


@pytest.fixture
def fake() -> Iterator[FakeGenesys]:
    """A local fake Genesys Cloud (token and query endpoints) on 127.0.0.1."""
    with serve() as server:
        yield server

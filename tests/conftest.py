from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from fake_genesys import FakeGenesys, serve
from hypothesis import settings

from aggqlint.checks.engine import lint_text
from aggqlint.diagnostics import Diagnostic

# Property tests explore the same examples on every run, so CI never fails at random;
# `HYPOTHESIS_PROFILE=explore pytest` searches fresh examples by hand.
settings.register_profile("repeatable", derandomize=True, print_blob=True)
settings.register_profile("explore", max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "repeatable"))

REPO = Path(__file__).resolve().parents[1]
SRC = REPO / "src"
_CACHE_DIR = tempfile.mkdtemp(prefix="aggqlint-tests-cache-")
atexit.register(shutil.rmtree, _CACHE_DIR, True)  # the tests' cache goes with the test run


def run_aggqlint(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None, timeout: float = 60
) -> subprocess.CompletedProcess[str]:
    """Run the real CLI in a subprocess, as a user would."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = str(SRC) + os.pathsep + environment.get("PYTHONPATH", "")
    environment.pop("GITHUB_ACTIONS", None)
    # check keeps results between runs: in a folder of the tests' own, not the repository.
    environment.setdefault("AGGQLINT_CACHE_DIR", _CACHE_DIR)
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


def only(diagnostics: list[Diagnostic], code: str) -> Diagnostic:
    """The one diagnostic with this code (fails when there are none or several)."""
    [diagnostic] = [d for d in diagnostics if d.code == code]
    return diagnostic


def definition(query: str, endpoint: str = "conversations/aggregates") -> str:
    """A report definition around a query body (YAML), which starts on line 4 under `query:`."""
    head = f"report: r\nendpoint: {endpoint}\nquery:\n"
    return head + "".join(f"  {line}\n" for line in query.strip("\n").splitlines())


def lint_query(query: str, endpoint: str = "conversations/aggregates") -> list[Diagnostic]:
    """Lint a query body (YAML, indented under `query:` from line 4) in a report definition."""
    return lint_text(definition(query, endpoint), "r.yaml")


# A definition that checks clean, and one with a single unknown metric (5:13 AQL201).
GOOD_REPORT = """\
report: ok
endpoint: conversations/aggregates
query:
  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
  metrics: [nOffered]
"""
UNKNOWN_METRIC_REPORT = """\
report: bad
endpoint: conversations/aggregates
query:
  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
  metrics: [handleTime]
"""


def write_file(root: Path, name: str, text: str) -> Path:
    """text at root/name, folders made as needed."""
    path = root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def write_dedented(tmp_path: Path, text: str, name: str = "report.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def hourly_definition(tmp_path: Path, hours: int, name: str = "hourly") -> Path:
    """A definition that chunks into `hours` one-hour requests from 2026-11-01T00:00Z."""
    end = f"2026-11-{1 + hours // 24:02d}T{hours % 24:02d}:00:00Z"
    return write_dedented(
        tmp_path,
        f"""\
        report: {name}
        endpoint: conversations/aggregates
        query:
          interval: 2026-11-01T00:00:00Z/{end}
          metrics: [nOffered]
        chunk: PT1H
        """,
        f"{name}.yaml",
    )


def lint_snippet(
    text: str,
    filename: str = "example.yaml",
    config: str | None = None,
    args: Sequence[str] = (),
    walk: bool = False,
) -> list[Diagnostic]:
    """Check `text` as the file `filename` the way `aggqlint check FILE ARGS...` does (with
    `walk`, `aggqlint check FOLDER ARGS...`, the folder holding only that file): the real
    option parsing of the check command, the config `config` (the text of an aggqlint.toml
    beside the file, found by the usual search) and the engine; only the rendering is left out,
    so the diagnostics come back as objects."""
    from aggqlint.checks.engine import lint_paths
    from aggqlint.cli.check import check as check_command
    from aggqlint.cli.common import PathOptions, lint_options
    from aggqlint.config.files import CliOverrides

    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        if config is not None:
            (root / "aggqlint.toml").write_text(config, encoding="utf-8")
        path = root / filename
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        target = str(root if walk else path)
        params = check_command.make_context("check", [target, *args]).params
        overrides = CliOverrides(
            params["select"], params["ignore"], params["profile"], params["fail_on"]
        )
        paths = PathOptions(params["exclude"], params["force_exclude"], params["stdin_filename"])
        options = lint_options(
            params["endpoint"],
            params["now_text"],
            params["config_path"],
            overrides,
            strict_endpoint=False,
            paths=paths,
        )
        return lint_paths([target], options).diagnostics


def check(
    text: str,
    *expected: tuple[int, int, str],
    filename: str = "example.yaml",
    config: str | None = None,
    args: Sequence[str] = (),
) -> list[Diagnostic]:
    """yamllint's RuleTestCase.check for aggqlint: `text` (dedented) gives exactly the
    diagnostics `(line, column, code)` listed, no more and no fewer. Both sides are compared
    in source order (line, column, code), so the tuples may be written in any order. To test
    one family alone, select it as a user would: `args=["--select", "AQL5"]`. Returns the
    diagnostics, for assertions on their messages and fixes."""
    found = lint_snippet(textwrap.dedent(text), filename, config, args)
    located = sorted((d.location.line or 0, d.location.column or 0, d.code) for d in found)
    assert located == sorted(expected), "\n".join(
        f"{d.location.line}:{d.location.column} {d.code} {d.message}" for d in found
    )
    return found


def fix_ranges(diagnostics: Sequence[Diagnostic], unsafe: bool) -> list[tuple[int, int]]:
    """The ranges of a text that the fixes --fix would apply edit (merged, in order)."""
    from aggqlint.fixes.apply import applicable

    spans = sorted(
        (edit.start.offset, edit.end.offset)
        for d in diagnostics
        if d.fix is not None and applicable(d, unsafe)
        for edit in d.fix.edits
    )
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def unchanged_outside(before: str, after: str, ranges: list[tuple[int, int]]) -> bool:
    """after is before with only the text inside the ranges replaced (by anything)."""
    import re

    pieces, cursor = [], 0
    for start, end in ranges:
        pieces.append(re.escape(before[cursor:start]))
        cursor = end
    pieces.append(re.escape(before[cursor:]))
    return re.fullmatch("(.*?)".join(pieces), after, re.DOTALL) is not None

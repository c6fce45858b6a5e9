"""The shipped examples: the report definitions at the top are clean, the mistakes are not."""

from __future__ import annotations

import json

import pytest
from conftest import REPO, run_aggqlint

VALID = sorted(p.name for p in (REPO / "examples").glob("*.yaml"))
MISTAKES = sorted(p.name for p in (REPO / "examples" / "mistakes").iterdir())


def test_there_are_examples_for_the_main_endpoints() -> None:
    text = "".join((REPO / "examples" / name).read_text() for name in VALID)
    for endpoint in (
        "conversations/aggregates",
        "users/aggregates",
        "queues/observations",
        "conversations/details",
    ):
        assert f"endpoint: {endpoint}" in text or f"analytics/{endpoint}/query" in text


@pytest.mark.parametrize("name", VALID)
def test_valid_examples_have_no_diagnostics(name: str) -> None:
    result = run_aggqlint("check", f"examples/{name}", "--now", "2026-11-23T00:00:00Z")
    assert result.returncode == 0, result.stdout
    assert result.stdout == "no problems (1 file checked)\n"


def test_the_main_job_reports_every_mistake_file() -> None:
    result = run_aggqlint("check", "examples/", "--format", "json", "--now", "2026-11-23T00:00:00Z")
    assert result.returncode == 1
    diagnostics = json.loads(result.stdout)["diagnostics"]
    failing = {d["file"] for d in diagnostics if d["severity"] == "error"}
    assert failing == {f"examples/mistakes/{name}" for name in MISTAKES}
    # The bare body is checked as the endpoint examples/aggqlint.toml maps it to.
    codes = {d["code"] for d in diagnostics if d["file"].endswith("agent-summary.json")}
    assert "AQL023" not in codes and {"AQL101", "AQL603", "AQL204"} <= codes

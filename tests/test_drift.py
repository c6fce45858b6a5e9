"""aggqlint drift: where the server and aggqlint disagreed, read back from recordings."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from fake_genesys import FakeGenesys, Step, rate_limited, rejected, serve

from aggqlint.cli import cli

# Four reports, sent in this order with --force:
#   agreed      - aggqlint passes it, the server accepts it
#   missed      - aggqlint passes it, the server rejects it (scripted: a rule aggqlint lacks)
#   false-alarm - aggqlint flags dateFrom (AQL601); the facts do not say whether the server
#                 refuses a field its model lacks, so the fake accepts it
#   both-reject - aggqlint flags handleTime (AQL201), the fake refuses it too (not in the
#                 metrics enum of the facts)
REPORTS = """\
    report: agreed
    endpoint: conversations/aggregates
    query:
      interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
      metrics: [nOffered]
    ---
    report: missed
    endpoint: flows/aggregates
    query:
      interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
      groupBy: [flowId]
      metrics: [nFlow]
    windows:
      - 2026-11-01T00:00:00Z/2026-11-01T12:00:00Z
      - 2026-11-01T12:00:00Z/2026-11-02T00:00:00Z
    ---
    report: false-alarm
    endpoint: conversations/aggregates
    query:
      interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
      dateFrom: 2026-11-01T00:00:00Z
      metrics: [nOffered]
    ---
    report: both-reject
    endpoint: conversations/aggregates
    query:
      interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
      metrics: [handleTime]
    """
SCOPE_MESSAGE = "Requested groupBy dimensions are not supported for aggregate queries in scope FLOW"


@pytest.fixture
def fake() -> Iterator[FakeGenesys]:
    with serve() as server:
        yield server


def drift(*args: str) -> Result:
    return CliRunner().invoke(cli, ["drift", *args])


@pytest.fixture
def recording(fake: FakeGenesys, tmp_path: Path) -> Path:
    definitions = tmp_path / "reports.yaml"
    definitions.write_text(textwrap.dedent(REPORTS), encoding="utf-8")
    # agreed; missed window 1 accepted, window 2 rejected; then the server's own logic.
    fake.script(Step(), Step(), rejected(SCOPE_MESSAGE), rate_limited("0"))
    path = tmp_path / "run.jsonl"
    environment = {**fake.env(), "GENESYSCLOUD_REGION": None, "NO_PROXY": "127.0.0.1"}
    result = CliRunner().invoke(
        cli, ["submit", str(definitions), "--record", str(path), "--force"], env=environment
    )
    assert result.exit_code == 1, result.output
    return path


def test_drift_finds_both_kinds_of_disagreement(recording: Path) -> None:
    result = drift(str(recording))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert lines[0] == "missed rules: the server rejected what aggqlint passed (1)"
    source = json.loads(recording.read_text().splitlines()[0])["file"]
    assert lines[1] == (
        f"  {recording}:3: missed window 2 ({source}): 400 bad.request: {SCOPE_MESSAGE}"
    )
    assert lines[2] == "false alarms: the server accepted what aggqlint flagged (1)"
    assert lines[3].endswith(": 200, aggqlint said AQL601")
    assert "false-alarm" in lines[3]
    assert lines[-1].startswith(
        "5 exchanges: 1 missed rule, 1 false alarm, 2 agreed accepted, 1 agreed rejected, "
        "0 not judged"
    )


def test_drift_json(recording: Path) -> None:
    result = drift(str(recording), "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    [missed] = report["missed_rules"]
    assert missed["report"] == "missed"
    assert missed["window"] == 1
    assert missed["endpoint"] == "flows/aggregates"
    assert missed["status"] == 400
    assert missed["server_message"] == SCOPE_MESSAGE
    assert missed["server_code"] == "bad.request"
    assert missed["line"] == 3
    [alarm] = report["false_alarms"]
    assert (alarm["report"], alarm["codes"], alarm["status"]) == ("false-alarm", ["AQL601"], 200)
    assert report["summary"] == {
        "exchanges": 5,
        "missed_rules": 1,
        "false_alarms": 1,
        "agreed_accepted": 2,
        "agreed_rejected": 1,
        "not_judged": 0,
        "malformed_lines": 0,
    }


def test_no_disagreement_is_exit_0(fake: FakeGenesys, tmp_path: Path) -> None:
    definitions = tmp_path / "ok.yaml"
    definitions.write_text(textwrap.dedent(REPORTS).split("---")[0], encoding="utf-8")
    fake.script(rate_limited("0"), rate_limited("0"), rate_limited("0"))
    path = tmp_path / "run.jsonl"
    environment = {**fake.env(), "GENESYSCLOUD_REGION": None, "NO_PROXY": "127.0.0.1"}
    submitted = CliRunner().invoke(
        cli,
        ["submit", str(definitions), "--record", str(path), "--max-attempts", "2"],
        env=environment,
    )
    assert submitted.exit_code == 1  # still rate limited after two attempts
    result = drift(str(path))
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "1 exchange: 0 missed rules, 0 false alarms, 0 agreed accepted, 0 agreed rejected, "
        "1 not judged (network errors, 5xx, 401/403/429)"
    ]


def test_malformed_lines_are_reported_by_number(recording: Path) -> None:
    with recording.open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
        handle.write("\n")
        handle.write("[1, 2]\n")
        handle.write('{"report": "x", "diagnostics": []}\n')
        handle.write('{"report": "x", "status": 200, "diagnostics": [7]}\n')
        handle.write('{"report": "x", "status": 200, "diagnostics": []')  # torn, no newline
    result = drift(str(recording), "--format", "json")
    assert result.exit_code == 1
    problems = {m["line"]: m["problem"] for m in json.loads(result.stdout)["malformed_lines"]}
    assert sorted(problems) == [6, 8, 9, 10, 11]
    assert problems[6].startswith("not JSON")
    assert problems[8] == "a JSON list, not a record"
    assert problems[9] == "no 'status' field"
    assert problems[10] == "a diagnostic without a 'code'"
    text = drift(str(recording))
    assert f"  {recording}:6: not JSON" in text.stdout
    assert "Traceback" not in text.output


def test_a_missing_recording_is_a_usage_error(tmp_path: Path) -> None:
    result = drift(str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 2
    assert "cannot read" in result.stderr

"""A 2xx whose body is not a JSON object (not JSON, empty, a list, null): submit and drift
read it the same way (recording.verdict): the server accepted the request, and the answer
is noted as holding no result. End to end over real HTTP to the local fake."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import write_dedented as write
from fake_genesys import FakeGenesys, Step
from fake_genesys import read_records as records
from fake_genesys import submit_with as submit

from aggqlint.cli import cli

# clean: aggqlint passes it. flagged: aggqlint refuses dateFrom (AQL601), sent with --force.
DEFINITIONS = """\
    report: clean
    endpoint: conversations/aggregates
    query:
      interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
      metrics: [nOffered]
    ---
    report: flagged
    endpoint: conversations/aggregates
    query:
      interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
      dateFrom: 2026-11-01T00:00:00Z
      metrics: [nOffered]
    """
NOT_JSON = "accepted, but the answer was not JSON: no result to read"


@pytest.mark.parametrize(
    ("answer", "note", "recorded"),
    [
        (b'{"results": [{"group": ', NOT_JSON, '{"results": [{"group": '),
        (b"<html>ok</html>", NOT_JSON, "<html>ok</html>"),
        (b"", "accepted, but the answer was empty: no result to read", None),
        (b"[]", "accepted, but the answer was a list, not a JSON object: no result to read", []),
        (b"null", "accepted, but the answer was null, not a JSON object: no result to read", None),
        (
            b'"ok"',
            "accepted, but the answer was a string, not a JSON object: no result to read",
            "ok",
        ),
    ],
)
def test_submit_and_drift_agree_on_a_2xx_that_is_no_json_object(
    fake: FakeGenesys, tmp_path: Path, answer: bytes, note: str, recorded: object
) -> None:
    fake.script(Step(200, answer), Step(200, answer))
    recording = tmp_path / "run.jsonl"
    path = write(tmp_path, DEFINITIONS)
    result = submit(fake, str(path), "--record", str(recording), "--force")
    timed = re.sub(r"\(\d+ ms,", "(N ms,", result.stdout)
    assert timed.splitlines() == [
        f"200 clean (N ms, 1 attempt): {note}",
        f"200 flagged (N ms, 1 attempt): {note}",
        f"2 sent, 2 accepted, 0 rejected, 0 failed; recorded in {recording}",
    ]
    assert result.exit_code == 0  # every request was accepted

    clean, flagged = records(recording)
    for line in (clean, flagged):
        assert (line["status"], line["error"], line["response"]) == (200, note, recorded)
        assert line["attempts"] == 1
    assert flagged["diagnostics"] == [{"code": "AQL601", "severity": "error"}]

    text = CliRunner().invoke(cli, ["drift", str(recording)])
    assert text.exit_code == 1  # the false alarm
    assert text.stdout.splitlines() == [
        "false alarms: the server accepted what aggqlint flagged (1)",
        f"  {recording}:2: flagged ({path}): 200, aggqlint said AQL601 ({note})",
        "2 exchanges: 0 missed rules, 1 false alarm, 1 agreed accepted, 0 agreed rejected, "
        "0 not judged (network errors, 5xx, 401/403/429)",
    ]
    as_json = json.loads(
        CliRunner().invoke(cli, ["drift", str(recording), "--format", "json"]).stdout
    )
    [alarm] = as_json["false_alarms"]
    assert (alarm["report"], alarm["status"], alarm["note"]) == ("flagged", 200, note)
    assert as_json["summary"]["agreed_accepted"] == 1


def test_an_old_recording_of_a_2xx_that_was_not_json_counts_as_accepted(tmp_path: Path) -> None:
    # Recordings written before this rule hold the JSON parser's own message in `error`;
    # drift reads the status alone, so they count the same way.
    recording = tmp_path / "old.jsonl"
    line = {
        "report": "old",
        "status": 200,
        "error": "response is not valid JSON: whatever the parser said",
        "response": "<html>",
        "diagnostics": [],
    }
    recording.write_text(json.dumps(line) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["drift", str(recording)])
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "1 exchange: 0 missed rules, 0 false alarms, 1 agreed accepted, 0 agreed rejected, "
        "0 not judged (network errors, 5xx, 401/403/429)"
    ]


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (None, "not judged"),
        (200, "accepted"),
        (202, "accepted"),
        (400, "rejected"),
        (404, "rejected"),
        (401, "not judged"),
        (403, "not judged"),
        (429, "not judged"),
        (500, "not judged"),
        (503, "not judged"),
        (302, "not judged"),
    ],
)
def test_one_reading_of_a_status(status: int | None, expected: str) -> None:
    from aggqlint.requests.recording import verdict

    assert verdict(status) == expected

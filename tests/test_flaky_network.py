"""submit on a flaky network: timeouts, dropped connections, malformed answers, refused
connections and an interrupted run. Real HTTP against the local fake server."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import hourly_definition as hourly
from fake_genesys import FakeGenesys, drop_connection, malformed_json, slow
from fake_genesys import read_records as records
from fake_genesys import submit_with as submit

REPO = Path(__file__).resolve().parents[1]
SHIFT_BLOCKS = REPO / "examples" / "shift-blocks.yaml"


def test_a_read_timeout_is_retried(fake: FakeGenesys, tmp_path: Path) -> None:
    fake.script(slow(1.5))
    recording = tmp_path / "run.jsonl"
    started = time.monotonic()
    result = submit(fake, str(SHIFT_BLOCKS), "--record", str(recording), "--read-timeout", "0.3")
    assert result.exit_code == 0, result.output
    assert time.monotonic() - started < 1.5  # did not wait for the slow answer
    first, second = records(recording)
    assert (first["status"], first["attempts"], first["error"]) == (200, 2, None)
    assert second["attempts"] == 1


def test_timeouts_until_the_bound_are_recorded_as_errors(fake: FakeGenesys, tmp_path: Path) -> None:
    fake.delay = 1.0
    recording = tmp_path / "run.jsonl"
    started = time.monotonic()
    result = submit(
        fake,
        str(SHIFT_BLOCKS),
        "--record",
        str(recording),
        "--read-timeout",
        "0.2",
        "--max-attempts",
        "2",
    )
    assert result.exit_code == 1
    assert time.monotonic() - started < 3.0
    for line in records(recording):
        assert line["status"] is None
        assert line["attempts"] == 2
        assert line["error"].startswith("ReadTimeout")
        assert line["response"] is None
    assert "---" in result.stdout and "ReadTimeout" in result.stdout
    assert "2 failed" in result.stdout


@pytest.mark.parametrize("where", ["mid-body", "before-headers"])
def test_a_dropped_connection_is_retried(fake: FakeGenesys, tmp_path: Path, where: str) -> None:
    fake.script(drop_connection(where))
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(SHIFT_BLOCKS), "--record", str(recording))
    assert result.exit_code == 0, result.output
    first, _ = records(recording)
    assert (first["status"], first["attempts"], first["error"]) == (200, 2, None)
    assert len(fake.query_requests) == 3


def test_malformed_json_is_recorded_as_text_with_a_note(fake: FakeGenesys, tmp_path: Path) -> None:
    # The 200 is the server's verdict on the body; the broken answer is noted, not a failure
    # (tests/test_unusable_answers.py follows it through drift).
    fake.script(malformed_json())
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(SHIFT_BLOCKS), "--record", str(recording))
    assert result.exit_code == 0
    first, second = records(recording)
    assert first["status"] == 200
    assert first["attempts"] == 1  # a complete answer is not retried
    assert first["error"] == "accepted, but the answer was not JSON: no result to read"
    assert first["response"] == '{"results": [{"group": '
    assert second["error"] is None


def test_a_refused_connection_fails_after_the_bound(fake: FakeGenesys, tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port with nobody listening
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}"
    recording = tmp_path / "run.jsonl"
    result = submit(
        fake,
        str(SHIFT_BLOCKS),
        "--record",
        str(recording),
        "--max-attempts",
        "2",
        GENESYSCLOUD_API_URL=closed,
    )
    assert result.exit_code == 1
    for line in records(recording):
        assert (line["status"], line["attempts"]) == (None, 2)
        assert line["error"].startswith("ConnectionError")
    assert len(fake.token_requests) == 1  # the login host was fine


def _start(fake: FakeGenesys, *args: str) -> subprocess.Popen[str]:
    environment = {**os.environ, **fake.env(), "NO_PROXY": "127.0.0.1,localhost"}
    environment["PYTHONPATH"] = str(REPO / "src")
    environment.pop("GENESYSCLOUD_REGION", None)
    return subprocess.Popen(
        [sys.executable, "-m", "aggqlint", "submit", *args],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for(condition: Any, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the run never got there"
        time.sleep(0.02)


def test_sigint_keeps_what_finished(fake: FakeGenesys, tmp_path: Path) -> None:
    fake.delay = 0.2
    recording = tmp_path / "run.jsonl"
    process = _start(fake, str(hourly(tmp_path, 30)), "--record", str(recording))
    _wait_for(lambda: len(fake.query_requests) >= 4)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=10)
    assert process.returncode == 130, stderr
    lines = records(recording)  # valid JSON Lines, every line whole
    assert 3 <= len(lines) < 30
    assert [line["window"] for line in lines] == list(range(len(lines)))
    assert all(line["status"] == 200 for line in lines)
    assert "interrupted" in stdout
    assert "Traceback" not in stderr
    assert stdout.count("200 hourly window") == len(lines)


def test_sigint_does_not_wait_for_a_hung_server(fake: FakeGenesys, tmp_path: Path) -> None:
    fake.delay = 30
    recording = tmp_path / "run.jsonl"
    process = _start(fake, str(SHIFT_BLOCKS), "--record", str(recording), "--concurrency", "2")
    _wait_for(lambda: fake.in_flight == 2)
    started = time.monotonic()
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=10)
    assert process.returncode == 130, stderr
    assert time.monotonic() - started < 6
    assert records(recording) == []

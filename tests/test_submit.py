"""aggqlint submit against a local fake Genesys Cloud: recording, retries, auth, refusal,
concurrency, redaction."""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import hourly_definition as hourly
from conftest import write_dedented as write
from fake_genesys import (
    FakeGenesys,
    Step,
    rate_limited,
    rejected,
    unauthorized,
    unavailable,
)
from fake_genesys import read_records as records
from fake_genesys import submit_with as submit

REPO = Path(__file__).resolve().parents[1]
SHIFT_BLOCKS = REPO / "examples" / "shift-blocks.yaml"
AGGREGATES_PATH = "/api/v2/analytics/conversations/aggregates/query"
ISO_UTC = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z")


def test_happy_path_records_every_field(fake: FakeGenesys, tmp_path: Path) -> None:
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(SHIFT_BLOCKS), "--record", str(recording))
    assert result.exit_code == 0, result.output
    assert "2 sent, 2 accepted, 0 rejected, 0 failed" in result.stdout
    lines = records(recording)
    assert len(lines) == 2
    sent = fake.query_requests
    for index, (line, request) in enumerate(zip(lines, sent, strict=True)):
        assert line["v"] == 1
        assert ISO_UTC.fullmatch(line["time"])
        assert line["report"] == "shift-blocks"
        assert line["file"].endswith("examples/shift-blocks.yaml")
        assert line["document"] == 0
        assert line["window"] == index
        assert line["endpoint"] == "conversations/aggregates"
        assert line["method"] == "POST"
        assert line["path"] == AGGREGATES_PATH
        assert line["url"] == fake.base_url + AGGREGATES_PATH
        assert line["request"] == request.json()
        assert line["request_sha256"] == hashlib.sha256(request.body).hexdigest()
        assert line["status"] == 200
        assert line["error"] is None
        assert line["correlation_id"] == line["response_headers"]["inin-correlation-id"]
        assert line["context_id"] is None  # only error bodies carry one
        assert line["response_headers"]["content-type"] == "application/json"
        assert line["response_headers"]["inin-ratelimit-allowed"] == "300"
        assert "set-cookie" not in line["response_headers"]
        [result_group] = line["response"]["results"]
        assert result_group["data"][0]["interval"] == line["request"]["interval"]
        assert line["response_truncated"] is False
        assert line["elapsed_ms"] > 0
        assert line["attempts"] == 1
        assert line["forced"] is False
        assert line["diagnostics"] == []
    assert [line["request"]["interval"] for line in lines] == [
        "2023-10-01T08:00:00Z/2023-10-01T12:00:00Z",
        "2023-10-01T13:00:00Z/2023-10-01T17:00:00Z",
    ]
    # One token for the whole run, fetched with HTTP Basic client credentials.
    [token_request] = fake.token_requests
    assert token_request.headers["Authorization"].startswith("Basic ")
    assert token_request.body == b"grant_type=client_credentials"
    assert [r.headers["Authorization"] for r in sent] == [f"Bearer {fake.tokens[0]}"] * 2
    assert {r.headers["Content-Type"] for r in sent} == {"application/json"}


def test_recordings_are_appended(fake: FakeGenesys, tmp_path: Path) -> None:
    recording = tmp_path / "run.jsonl"
    recording.write_text('{"torn": ', encoding="utf-8")  # a line left by a crash
    assert submit(fake, str(SHIFT_BLOCKS), "--record", str(recording)).exit_code == 0
    assert submit(fake, str(SHIFT_BLOCKS), "--record", str(recording)).exit_code == 0
    lines = recording.read_text(encoding="utf-8").splitlines()
    assert lines[0] == '{"torn": '
    assert [json.loads(line)["window"] for line in lines[1:]] == [0, 1, 0, 1]


def test_nothing_leaks_the_secret_or_the_token(fake: FakeGenesys, tmp_path: Path) -> None:
    # The server echoes the Authorization header and the client secret in its error
    # messages: the recording and the output must still hold neither.
    fake.script(
        rejected("you sent {authorization} with {client_secret}"),
        Step(200, {"results": [], "note": "token {authorization}"}),
    )
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(SHIFT_BLOCKS), "--record", str(recording))
    assert result.exit_code == 1
    written = recording.read_text(encoding="utf-8")
    assert "[redacted]" in written
    assert "[redacted]" in result.stdout
    secrets = [fake.client_secret, *fake.tokens]
    for text in (written, result.stdout, result.stderr):
        for secret in secrets:
            assert secret not in text
    assert "Bearer" not in written.replace("Bearer [redacted]", "")


def test_429_waits_for_retry_after(fake: FakeGenesys, tmp_path: Path) -> None:
    fake.script(rate_limited("1"))
    recording = tmp_path / "run.jsonl"
    started = time.monotonic()
    result = submit(fake, str(SHIFT_BLOCKS), "--record", str(recording))
    elapsed = time.monotonic() - started
    assert result.exit_code == 0
    assert 1.0 <= elapsed < 4.0
    first, second, _ = fake.query_requests
    assert second.at - first.at >= 0.99
    line = records(recording)[0]
    assert (line["status"], line["attempts"]) == (200, 2)


def test_429_without_retry_after_backs_off(fake: FakeGenesys, tmp_path: Path) -> None:
    fake.script(rate_limited(), rate_limited())
    recording = tmp_path / "run.jsonl"
    assert submit(fake, str(SHIFT_BLOCKS), "--record", str(recording)).exit_code == 0
    assert [line["attempts"] for line in records(recording)] == [3, 1]


def test_retry_after_is_capped_by_max_wait(fake: FakeGenesys, tmp_path: Path) -> None:
    fake.script(rate_limited("3600"))
    started = time.monotonic()
    result = submit(
        fake, str(SHIFT_BLOCKS), "--record", str(tmp_path / "r.jsonl"), "--max-wait", "0.2"
    )
    assert result.exit_code == 0
    assert time.monotonic() - started < 3.0


@pytest.mark.parametrize("status", [502, 503, 504])
def test_a_burst_of_gateway_errors_is_retried(
    fake: FakeGenesys, tmp_path: Path, status: int
) -> None:
    fake.script(*[unavailable(status)] * 3)
    recording = tmp_path / "run.jsonl"
    assert submit(fake, str(SHIFT_BLOCKS), "--record", str(recording)).exit_code == 0
    first = records(recording)[0]
    assert (first["status"], first["attempts"]) == (200, 4)


def test_retries_stop_at_max_attempts(fake: FakeGenesys, tmp_path: Path) -> None:
    fake.script(*[unavailable()] * 5)
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(SHIFT_BLOCKS), "--record", str(recording), "--max-attempts", "3")
    assert result.exit_code == 1
    first, second = records(recording)
    assert (first["status"], first["attempts"]) == (503, 3)
    assert first["response"]["code"] == "service.unavailable"
    assert first["context_id"] == first["correlation_id"]
    assert (second["status"], second["attempts"]) == (200, 3)  # the burst's last two, then ok
    assert len(fake.query_requests) == 6
    assert "1 accepted" in result.stdout


def test_a_400_is_never_retried(fake: FakeGenesys, tmp_path: Path) -> None:
    fake.script(rejected("Requested groupBy dimensions are not supported"))
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(SHIFT_BLOCKS), "--record", str(recording))
    assert result.exit_code == 1
    first, second = records(recording)
    assert (first["status"], first["attempts"]) == (400, 1)
    assert first["response"]["message"] == "Requested groupBy dimensions are not supported"
    assert first["context_id"] == first["correlation_id"]
    assert second["status"] == 200
    assert len(fake.query_requests) == 2
    assert "Requested groupBy dimensions are not supported" in result.stdout


def test_a_401_gets_one_token_refresh(fake: FakeGenesys, tmp_path: Path) -> None:
    fake.script(unauthorized())
    recording = tmp_path / "run.jsonl"
    assert submit(fake, str(SHIFT_BLOCKS), "--record", str(recording)).exit_code == 0
    assert len(fake.token_requests) == 2
    old, new = (f"Bearer {token}" for token in fake.tokens)
    # The 401, the retry with a fresh token, then the next request keeps the fresh one.
    assert [r.headers["Authorization"] for r in fake.query_requests] == [old, new, new]
    assert [line["attempts"] for line in records(recording)] == [2, 1]


def test_a_second_401_is_recorded_not_refreshed_again(fake: FakeGenesys, tmp_path: Path) -> None:
    fake.script(unauthorized(), unauthorized())
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(SHIFT_BLOCKS), "--record", str(recording))
    assert result.exit_code == 1
    assert len(fake.token_requests) == 2
    first, _ = records(recording)
    assert (first["status"], first["attempts"]) == (401, 2)
    # A final 401 says nothing about the body: failed, as drift counts it, not rejected.
    assert "2 sent, 1 accepted, 0 rejected, 1 failed" in result.stdout


def test_expired_tokens_are_refreshed_once_for_the_run(fake: FakeGenesys, tmp_path: Path) -> None:
    from aggqlint.api.regions import Hosts
    from aggqlint.requests.plan import plan_requests
    from aggqlint.requests.recording import Recorder, Redactor
    from aggqlint.requests.selection import select_work
    from aggqlint.requests.submit import Credentials, SubmitOptions, Submitter

    hosts = Hosts(fake.base_url, fake.base_url)
    options = SubmitOptions(hosts, backoff_base=0.01)
    credentials = Credentials(fake.client_id, fake.client_secret)
    redactor = Redactor(fake.client_secret)
    submitter = Submitter(options, credentials, redactor)
    submitter.authenticate()
    fake.expire_tokens()
    work = select_work(plan_requests([str(SHIFT_BLOCKS)]), force=False).work
    with Recorder(tmp_path / "run.jsonl", redactor) as recorder:
        outcome = submitter.run(work, recorder)
    assert outcome.all_accepted
    assert [e.attempts for e in outcome.exchanges] == [2, 1]
    assert len(fake.tokens) == 2


def test_token_endpoint_failure_sends_nothing(fake: FakeGenesys, tmp_path: Path) -> None:
    fake.token_failure = Step(500, {"error": "server_error", "description": "{client_secret}"})
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(SHIFT_BLOCKS), "--record", str(recording))
    assert result.exit_code == 2
    assert "token endpoint" in result.stderr and "answered 500" in result.stderr
    assert fake.client_secret not in result.stderr
    assert not fake.query_requests
    assert not recording.exists()


def test_wrong_client_secret_is_exit_2(fake: FakeGenesys, tmp_path: Path) -> None:
    recording = tmp_path / "run.jsonl"
    result = submit(
        fake,
        str(SHIFT_BLOCKS),
        "--record",
        str(recording),
        GENESYSCLOUD_OAUTHCLIENT_SECRET="not-the-secret",
    )
    assert result.exit_code == 2
    assert "answered 401 (invalid_client; client not found)" in result.stderr
    assert "not-the-secret" not in result.stderr
    assert not fake.query_requests and not recording.exists()


@pytest.mark.parametrize(
    "missing", ["GENESYSCLOUD_OAUTHCLIENT_ID", "GENESYSCLOUD_OAUTHCLIENT_SECRET"]
)
def test_missing_credentials_send_nothing(fake: FakeGenesys, tmp_path: Path, missing: str) -> None:
    result = submit(
        fake, str(SHIFT_BLOCKS), "--record", str(tmp_path / "r.jsonl"), **{missing: None}
    )
    assert result.exit_code == 2
    assert f"{missing} is not set" in result.stderr
    assert fake.log == []


def test_no_region_is_a_usage_error(fake: FakeGenesys, tmp_path: Path) -> None:
    result = submit(
        fake,
        str(SHIFT_BLOCKS),
        "--record",
        str(tmp_path / "r.jsonl"),
        GENESYSCLOUD_API_URL=None,
        GENESYSCLOUD_LOGIN_URL=None,
    )
    assert result.exit_code == 2
    assert "no region" in result.stderr
    assert fake.log == []


BAD_METRIC = """\
    report: good
    endpoint: conversations/aggregates
    query:
      interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
      metrics: [nOffered]
    ---
    report: bad-metric
    endpoint: conversations/aggregates
    query:
      interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
      metrics: [handleTime]
    """


def test_definitions_with_errors_are_refused(fake: FakeGenesys, tmp_path: Path) -> None:
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(write(tmp_path, BAD_METRIC)), "--record", str(recording))
    assert result.exit_code == 1
    assert "AQL201 error unknown metric 'handleTime'" in result.stderr
    assert "not submitted: bad-metric" in result.stderr
    assert [r.json()["metrics"] for r in fake.query_requests] == [["nOffered"]]
    assert [line["report"] for line in records(recording)] == ["good"]


def test_force_sends_them_and_records_their_codes(fake: FakeGenesys, tmp_path: Path) -> None:
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(write(tmp_path, BAD_METRIC)), "--record", str(recording), "--force")
    assert result.exit_code == 1  # the server refuses the metric too (its enum in the facts)
    assert "sending despite errors (--force): bad-metric" in result.stderr
    good, bad = records(recording)
    assert (good["forced"], good["diagnostics"], good["status"]) == (False, [], 200)
    assert bad["forced"] is True
    assert bad["diagnostics"] == [{"code": "AQL201", "severity": "error"}]
    assert (bad["status"], bad["response"]["code"]) == (400, "invalid.value")
    assert bad["response"]["details"] == [{"errorCode": "invalid.value", "fieldName": "metrics[0]"}]


def test_an_unreadable_file_is_not_submitted(fake: FakeGenesys, tmp_path: Path) -> None:
    broken = write(tmp_path, "report: [unclosed\n", "broken.yaml")
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(broken), str(SHIFT_BLOCKS), "--record", str(recording))
    assert result.exit_code == 1
    assert "AQL001" in result.stderr
    assert "not submitted: what could not be read in" in result.stderr
    assert "broken.yaml" in result.stderr
    assert len(records(recording)) == 2  # the readable file was still sent
    assert "1 not submitted" in result.stdout


def test_a_file_with_one_unreadable_document_still_sends_the_others(
    fake: FakeGenesys, tmp_path: Path
) -> None:
    text = SHIFT_BLOCKS.read_text(encoding="utf-8") + "---\nreport: !!python/object x\n"
    mixed = write(tmp_path, text, "mixed.yaml")
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(mixed), "--record", str(recording))
    assert result.exit_code == 1
    assert "not submitted: what could not be read in" in result.stderr
    assert len(records(recording)) == 2  # the shift blocks of the first document were sent


def test_the_fake_reads_the_facts_not_aggqlint(fake: FakeGenesys, tmp_path: Path) -> None:
    # `dateFrom` is no field of the model, and aggqlint refuses it (AQL601). Whether the real
    # server refuses an unknown field is not in the facts, so the fake lets it through; the
    # missing `metrics` it refuses, in the ErrorBody shape.
    path = write(
        tmp_path,
        """\
        report: forum
        endpoint: conversations/aggregates
        query:
          interval: 2023-10-01T00:00:00Z/2023-10-02T00:00:00Z
          dateFrom: 2023-10-01T00:00:00Z
          metrics: [tHandle]
        ---
        report: no-metrics
        endpoint: conversations/aggregates
        query:
          interval: 2023-10-01T00:00:00Z/2023-10-02T00:00:00Z
          groupBy: [queueId]
        """,
    )
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(path), "--record", str(recording), "--force")
    assert result.exit_code == 1
    unknown, missing = records(recording)
    assert unknown["status"] == 200
    assert {"code": "AQL601", "severity": "error"} in unknown["diagnostics"]
    assert missing["status"] == 400
    assert missing["response"] == {
        "message": "The field 'metrics' is required in ConversationAggregationQuery",
        "code": "bad.request",
        "status": 400,
        "contextId": missing["correlation_id"],
        "messageParams": {"field": "metrics"},
        "details": [{"errorCode": "bad.request", "fieldName": "metrics"}],
        "errors": [],
    }


def test_concurrency_bounds_requests_in_flight_and_keeps_lines_whole(
    fake: FakeGenesys, tmp_path: Path
) -> None:
    fake.delay = 0.1
    recording = tmp_path / "run.jsonl"
    result = submit(
        fake, str(hourly(tmp_path, 12)), "--record", str(recording), "--concurrency", "4"
    )
    assert result.exit_code == 0, result.output
    lines = records(recording)
    assert sorted(line["window"] for line in lines) == list(range(12))
    assert 2 <= fake.max_in_flight <= 4
    assert len(fake.token_requests) == 1


def test_a_job_endpoint_is_recorded_with_its_job_id(fake: FakeGenesys, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        report: export
        endpoint: conversations/details/jobs
        query:
          interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
        """,
    )
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(path), "--record", str(recording), "--no-wait")
    assert result.exit_code == 0, result.output
    [line] = records(recording)  # --no-wait: the submission only, no availability check
    assert (line["status"], line["call"]) == (202, "submit")
    assert set(line["response"]) == {"jobId"}
    assert line["job_id"] == line["response"]["jobId"]
    assert [r.method for r in fake.log if r.path.startswith("/api/")] == ["POST"]


def test_tls_verification_is_never_turned_off() -> None:
    from aggqlint.requests.submit import new_session

    assert new_session(4).verify is True
    for module in ("requests/submit.py", "requests/recording.py", "cli/submit.py"):
        source = (REPO / "src" / "aggqlint" / module).read_text(encoding="utf-8")
        assert "verify=False" not in source and "verify = False" not in source


def test_plain_http_only_to_this_machine() -> None:
    from aggqlint.api.regions import RegionError, resolve_hosts

    local = resolve_hosts(None, "http://127.0.0.1:8080", "http://localhost:9", {})
    assert (local.api_url, local.login_url) == ("http://127.0.0.1:8080", "http://localhost:9")
    with pytest.raises(RegionError, match="must use https"):
        resolve_hosts(None, "http://api.example.com", None, {})


def test_regions_resolve_from_options_and_environment() -> None:
    from aggqlint.api.regions import RegionError, resolve_hosts

    ireland = resolve_hosts("eu-west-1", None, None, {})
    assert ireland.api_url == "https://api.mypurecloud.ie"
    assert ireland.login_url == "https://login.mypurecloud.ie"
    from_env = resolve_hosts(None, None, None, {"GENESYSCLOUD_REGION": "ap_southeast_2"})
    assert from_env.login_url == "https://login.mypurecloud.com.au"
    proxied = resolve_hosts("us-east-1", "https://api.proxy.example", None, {})
    assert proxied.login_url == "https://login.mypurecloud.com"
    derived = resolve_hosts(None, "https://api.usw2.pure.cloud", None, {})
    assert derived.login_url == "https://login.usw2.pure.cloud"
    with pytest.raises(RegionError, match="did you mean eu-west-1"):
        resolve_hosts("eu-wets-1", None, None, {})


def test_the_region_table_matches_the_facts() -> None:
    facts = json.loads((REPO / "facts" / "genesys" / "regions.json").read_text())
    table = json.loads((REPO / "rules" / "regions.json").read_text())
    assert table["source"]["commit"] == facts["source"]["primary"]["commit"]
    assert table["regions"] == {
        r["region"]: {"api_base_url": r["api_base_url"], "login_base_url": r["login_base_url"]}
        for r in facts["regions"]
    }


def test_retry_after_reads_seconds_and_dates() -> None:
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    from aggqlint.requests.backoff import Backoff, parse_retry_after

    assert parse_retry_after("7") == 7.0
    assert parse_retry_after("-3") == 0.0
    assert parse_retry_after("soon") is None
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 < (parse_retry_after(later) or 0) <= 30
    backoff = Backoff(base=0.5, max_wait=4.0)
    assert backoff.delay(1, "120") == 4.0
    assert all(
        0 <= backoff.delay(attempt) <= min(4.0, 0.5 * 2 ** (attempt - 1))
        for attempt in range(1, 12)
    )


def test_check_never_imports_requests() -> None:
    code = (
        "import sys\n"
        "from aggqlint.cli import main\n"
        "try:\n"
        f"    main(['check', {str(SHIFT_BLOCKS)!r}])\n"
        "except SystemExit:\n"
        "    pass\n"
        "assert 'requests' not in sys.modules, 'check imported requests'\n"
    )
    env = {"PYTHONPATH": str(REPO / "src")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr

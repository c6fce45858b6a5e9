"""aggqlint submit follows async jobs against the local stand-in server (real HTTP): polls
until a final state, reads every results page by cursor, records each exchange linked by job
id, reports FAILED/EXPIRED with the server's message, cancels on timeout and Ctrl-C, and
checks data availability before details jobs. The backoff clock is injected where a test
would otherwise wait."""

from __future__ import annotations

import json
import signal
import threading
import time
from pathlib import Path

import pytest
from conftest import write_dedented as write
from fake_genesys import FakeGenesys, Step, rate_limited, rejected, unavailable
from fake_genesys import read_records as records
from fake_genesys import submit_with as submit
from fake_jobs import JobPlan
from test_flaky_network import _start, _wait_for

from aggqlint.requests.jobs import FollowOptions, PollSchedule

AGGREGATE_JOB = """\
report: queue-volumes
endpoint: conversations/aggregates/jobs
query:
  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
  granularity: PT12H
  groupBy: [queueId]
  metrics: [nOffered, tHandle]
"""
DETAILS_JOB = """\
report: calls-export
endpoint: conversations/details/jobs
query:
  interval: {interval}
"""
JOBS = "/api/v2/analytics/conversations/aggregates/jobs"
DETAIL_JOBS = "/api/v2/analytics/conversations/details/jobs"


class FakeClock:
    """Time that passes only when submit sleeps: the tests never wait for real."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float, cancel: threading.Event) -> bool:
        self.sleeps.append(seconds)
        self.now += seconds
        return cancel.is_set()


def _details(tmp_path: Path, interval: str = "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z") -> Path:
    return write(tmp_path, DETAILS_JOB.format(interval=interval))


def test_an_aggregates_job_is_followed_to_its_last_page(fake: FakeGenesys, tmp_path: Path) -> None:
    fake.next_jobs(JobPlan(rows=5))  # the fake's aggregate results pages hold 2 groups
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(write(tmp_path, AGGREGATE_JOB)), "--record", str(recording))
    assert result.exit_code == 0, result.output
    [job_id] = fake.jobs
    lines = records(recording)
    assert [(r["call"], r["method"], r["status"], r["page"]) for r in lines] == [
        ("submit", "POST", 202, None),
        ("poll", "GET", 200, None),
        ("poll", "GET", 200, None),
        ("poll", "GET", 200, None),
        ("results", "GET", 200, 1),
        ("results", "GET", 200, 2),
        ("results", "GET", 200, 3),
    ]
    assert {r["job_id"] for r in lines} == {job_id}
    assert len({r["run"] for r in lines}) == 1
    assert [r["response"]["state"] for r in lines[1:4]] == ["QUEUED", "PENDING", "FULFILLED"]
    assert [r["path"] for r in lines[1:]] == [f"{JOBS}/{job_id}"] * 3 + [
        f"{JOBS}/{job_id}/results"
    ] * 3
    # Each page asks with the cursor the previous one gave; the last page has none.
    cursors = [r["response"].get("cursor") for r in lines[4:]]
    assert cursors[2] is None
    assert lines[4]["url"] == f"{fake.base_url}{JOBS}/{job_id}/results"
    for page, cursor in zip(lines[5:], cursors[:2], strict=True):
        assert page["url"].endswith(f"/results?cursor={cursor.replace('=', '%3D')}")
    assert sum(len(r["response"]["results"]) for r in lines[4:]) == 5
    # Follow-ups carry no body and no diagnostics; the submission carries the checked body.
    assert lines[0]["request"]["metrics"] == ["nOffered", "tHandle"]
    assert all(r["request"] is None and r["request_sha256"] is None for r in lines[1:])
    assert result.stdout.splitlines()[1] == (
        f"FULFILLED queue-volumes: job {job_id}, 3 results pages, 5 groups (3 polls)"
    )
    assert result.stdout.splitlines()[-1].startswith(
        "1 sent, 1 accepted, 0 rejected, 0 failed, 1 job (1 fulfilled), 6 follow-up requests;"
    )
    for secret in [fake.client_secret, *fake.tokens]:
        assert secret not in recording.read_text() and secret not in result.output


def test_a_details_job_checks_availability_then_reads_every_page(
    fake: FakeGenesys, tmp_path: Path
) -> None:
    fake.next_jobs(JobPlan(rows=7))  # details results pages of 3: 3, 3, 1
    recording = tmp_path / "run.jsonl"
    path = _details(tmp_path, "2026-11-28T00:00:00Z/2026-11-30T00:00:00Z")
    result = submit(fake, str(path), "--record", str(recording))
    assert result.exit_code == 0, result.output
    lines = records(recording)
    assert [r["call"] for r in lines] == ["availability", "submit"] + ["poll"] * 3 + ["results"] * 3
    assert lines[0]["path"] == f"{DETAIL_JOBS}/availability"
    assert lines[0]["response"] == {"dataAvailabilityDate": "2026-11-29T06:00:00.000Z"}
    assert [len(r["response"]["conversations"]) for r in lines[5:]] == [3, 3, 1]
    assert result.stderr == (
        "warning: calls-export: data is complete only before 2026-11-29T06:00:00.000Z "
        "(dataAvailabilityDate) but the interval ends 2026-11-30T00:00:00.000Z; the job's "
        "results will be partial\n"
    )


def test_a_details_job_inside_the_available_data_warns_nothing(
    fake: FakeGenesys, tmp_path: Path
) -> None:
    result = submit(fake, str(_details(tmp_path)), "--record", str(tmp_path / "r.jsonl"))
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_a_failed_job_exits_1_with_the_servers_message(fake: FakeGenesys, tmp_path: Path) -> None:
    fake.next_jobs(JobPlan(("QUEUED", "FAILED"), error="Query timed out in the data lake"))
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(_details(tmp_path)), "--record", str(recording))
    assert result.exit_code == 1
    [job_id] = fake.jobs
    assert f"FAILED calls-export: job {job_id}: Query timed out in the data lake\n" in result.stdout
    assert "1 job (1 failed)" in result.stdout
    lines = records(recording)
    assert [r["call"] for r in lines] == ["availability", "submit", "poll", "poll"]
    assert lines[-1]["response"]["errorMessage"] == "Query timed out in the data lake"
    assert fake.jobs[job_id].results_read == 0


def test_an_expired_job_exits_1(fake: FakeGenesys, tmp_path: Path) -> None:
    fake.next_jobs(JobPlan(("PENDING", "EXPIRED")))
    result = submit(fake, str(write(tmp_path, AGGREGATE_JOB)), "--record", str(tmp_path / "r"))
    assert result.exit_code == 1
    [job_id] = fake.jobs
    assert f"EXPIRED queue-volumes: job {job_id}: no message from the server\n" in result.stdout


def test_drift_does_not_judge_failed_and_expired_jobs(fake: FakeGenesys, tmp_path: Path) -> None:
    from click.testing import CliRunner

    from aggqlint.cli import cli

    fake.next_jobs(JobPlan(("FAILED",)), JobPlan(("EXPIRED",)), JobPlan())
    recording = tmp_path / "run.jsonl"
    path = write(tmp_path, AGGREGATE_JOB + "---\n" + AGGREGATE_JOB.replace("volumes", "v2"))
    submit(fake, str(path), "--record", str(recording))
    submit(fake, str(write(tmp_path, AGGREGATE_JOB, "ok.yaml")), "--record", str(recording))
    drift = CliRunner().invoke(cli, ["drift", str(recording)])
    assert drift.exit_code == 0
    assert drift.stdout.splitlines()[-1].startswith(
        "3 exchanges: 0 missed rules, 0 false alarms, 1 agreed accepted, 0 agreed rejected, "
        "2 not judged"
    )


def test_no_wait_only_submits(fake: FakeGenesys, tmp_path: Path) -> None:
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(_details(tmp_path)), "--record", str(recording), "--no-wait")
    assert result.exit_code == 0
    [line] = records(recording)
    [job_id] = fake.jobs
    assert (line["call"], line["job_id"]) == ("submit", job_id)
    assert result.stdout.startswith("202 calls-export (")
    assert result.stdout.splitlines()[0].endswith(f": job {job_id}")
    assert fake.jobs[job_id].polls == 0


def _submitter(fake: FakeGenesys, clock: FakeClock, **follow: float) -> object:
    from aggqlint.api.regions import Hosts
    from aggqlint.requests.recording import Redactor
    from aggqlint.requests.submit import Credentials, SubmitOptions, Submitter

    options = SubmitOptions(
        Hosts(fake.base_url, fake.base_url),
        backoff_base=0.5,
        follow=FollowOptions(poll_base=1.0, poll_max=8.0, **follow),  # type: ignore[arg-type]
    )
    submitter = Submitter(
        options, Credentials(fake.client_id, fake.client_secret), Redactor(), clock
    )
    return submitter


def _run(fake: FakeGenesys, tmp_path: Path, clock: FakeClock, text: str, **follow: float):  # type: ignore[no-untyped-def]
    from aggqlint.requests.plan import plan_requests
    from aggqlint.requests.recording import Recorder, Redactor
    from aggqlint.requests.selection import select_work

    submitter = _submitter(fake, clock, **follow)
    work = select_work(plan_requests([str(write(tmp_path, text))]), force=False).work
    with Recorder(tmp_path / "run.jsonl", Redactor()) as recorder:
        return submitter.run(work, recorder)  # type: ignore[attr-defined]


def test_polls_back_off_with_jitter_and_honour_retry_after(
    fake: FakeGenesys, tmp_path: Path
) -> None:
    fake.next_jobs(JobPlan(("QUEUED",) * 5 + ("FULFILLED",), rows=1))
    fake.poll_script.extend([rate_limited("7"), unavailable(503)])
    clock = FakeClock()
    started = time.monotonic()
    outcome = _run(fake, tmp_path, clock, AGGREGATE_JOB)
    assert time.monotonic() - started < 3  # no real waiting
    [job] = outcome.jobs
    assert (job.state, job.polls, job.pages, job.rows) == ("FULFILLED", 6, 1, 1)
    # The first poll was answered 429 (Retry-After: 7) then 503: one exchange, three attempts.
    polls = [e for e in outcome.exchanges if e.call == "poll"]
    assert [e.attempts for e in polls] == [3, 1, 1, 1, 1, 1]
    assert clock.sleeps[0] == 7.0
    assert 0 <= clock.sleeps[1] <= 0.5 * 2  # backoff after the 503, second attempt
    waits = clock.sleeps[2:]  # between polls: doubling ceilings 1, 2, 4, 8, 8; half fixed
    assert len(waits) == 5
    for wait, ceiling in zip(waits, [1, 2, 4, 8, 8], strict=True):
        assert ceiling / 2 <= wait <= ceiling


def test_poll_schedule_is_jittered_between_half_and_the_ceiling() -> None:
    import random

    schedule = PollSchedule(1.0, 30.0, random.Random(4))
    delays = [schedule.delay(n) for n in range(1, 9)]
    for delay, ceiling in zip(delays, [1, 2, 4, 8, 16, 30, 30, 30], strict=True):
        assert ceiling / 2 <= delay <= ceiling
    assert len(set(delays[5:])) == 3  # the same ceiling, different waits


def test_a_job_past_its_timeout_is_cancelled_and_recorded(
    fake: FakeGenesys, tmp_path: Path
) -> None:
    fake.next_jobs(JobPlan(("PENDING",)))
    clock = FakeClock()
    outcome = _run(fake, tmp_path, clock, AGGREGATE_JOB, timeout=60.0)
    [job] = outcome.jobs
    assert job.state == "TIMED OUT"
    assert job.message == "cancelled while PENDING"
    assert 59.9 <= clock.now <= 60.0 + 1e-9
    [fake_job] = fake.jobs.values()
    assert fake_job.deleted
    last = records(tmp_path / "run.jsonl")[-1]
    assert (last["call"], last["method"], last["status"]) == ("cancel", "DELETE", 204)
    assert last["job_id"] == job.job_id
    assert not outcome.complete


def test_ctrl_c_cancels_a_running_job(fake: FakeGenesys, tmp_path: Path) -> None:
    fake.next_jobs(JobPlan(("QUEUED", "PENDING")))
    recording = tmp_path / "run.jsonl"
    process = _start(fake, str(write(tmp_path, AGGREGATE_JOB)), "--record", str(recording))
    _wait_for(lambda: any(job.polls >= 2 for job in fake.jobs.values()))
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=10)
    assert process.returncode == 130, stderr
    [job] = fake.jobs.values()
    assert job.deleted
    lines = records(recording)
    assert lines[0]["call"] == "submit"
    assert {r["call"] for r in lines[1:-1]} == {"poll"}
    assert (lines[-1]["call"], lines[-1]["status"], lines[-1]["job_id"]) == (
        "cancel",
        204,
        job.job_id,
    )
    assert f"INTERRUPTED queue-volumes: job {job.job_id}: cancelled while PENDING" in stdout
    assert "Traceback" not in stderr


def test_plan_shows_the_availability_check_polls_and_pages(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from aggqlint.cli import cli

    path = _details(tmp_path)
    result = CliRunner().invoke(cli, ["plan", str(path)], env={"GENESYSCLOUD_REGION": None})
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"# calls-export ({path})\n"
        f"# first GET {DETAIL_JOBS}/availability  (dataAvailabilityDate: a warning when the "
        "interval ends after it)\n"
        f"POST {DETAIL_JOBS}\n"
        '{\n  "interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z"\n}\n'
        f"# then GET {DETAIL_JOBS}/{{jobId}}  (until FULFILLED, FAILED, CANCELLED or EXPIRED)\n"
        f"# then GET {DETAIL_JOBS}/{{jobId}}/results?cursor=  (every results page, by cursor)\n"
    )
    listed = CliRunner().invoke(cli, ["plan", str(path), "--format", "json"])
    [request] = json.loads(listed.stdout)
    assert [(s["when"], s["method"], s["path"]) for s in request["follow_ups"]] == [
        ("first", "GET", f"{DETAIL_JOBS}/availability"),
        ("then", "GET", f"{DETAIL_JOBS}/{{jobId}}"),
        ("then", "GET", f"{DETAIL_JOBS}/{{jobId}}/results?cursor="),
    ]


def test_a_400_at_job_submission_is_judged_like_any_query(
    fake: FakeGenesys, tmp_path: Path
) -> None:
    from click.testing import CliRunner

    from aggqlint.cli import cli

    fake.script(rejected("Invalid metric for this job", "bad.request"))
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(write(tmp_path, AGGREGATE_JOB)), "--record", str(recording))
    assert result.exit_code == 1
    [line] = records(recording)  # nothing to follow
    assert (line["call"], line["status"], line["job_id"]) == ("submit", 400, None)
    assert fake.jobs == {}
    drift = CliRunner().invoke(cli, ["drift", str(recording)])
    assert drift.exit_code == 1
    assert "missed rules: the server rejected what aggqlint passed (1)" in drift.stdout


def test_polls_and_pages_keep_secrets_out(fake: FakeGenesys, tmp_path: Path) -> None:
    # A status answer that echoes the Authorization header and the client secret.
    echo = {"state": "QUEUED", "note": "{authorization} {client_secret}"}
    fake.poll_script.append(Step(200, echo))
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(write(tmp_path, AGGREGATE_JOB)), "--record", str(recording))
    assert result.exit_code == 0, result.output
    written = recording.read_text(encoding="utf-8")
    assert '"note":"Bearer [redacted] [redacted]"' in written
    for secret in [fake.client_secret, *fake.tokens]:
        assert secret not in written and secret not in result.output


def test_timeout_option_cancels_a_job_that_does_not_finish(
    fake: FakeGenesys, tmp_path: Path
) -> None:
    fake.next_jobs(JobPlan(("QUEUED",)))
    recording = tmp_path / "run.jsonl"
    path = write(tmp_path, AGGREGATE_JOB)
    result = submit(fake, str(path), "--record", str(recording), "--timeout", "0")
    assert result.exit_code == 1
    [job] = fake.jobs.values()
    assert job.deleted
    assert f"TIMED OUT queue-volumes: job {job.job_id}: cancelled while QUEUED\n" in result.stdout
    assert [r["call"] for r in records(recording)] == ["submit", "poll", "cancel"]
    assert "1 job (1 timed out)" in result.stdout


@pytest.mark.parametrize(
    ("endpoint", "extra", "key"),
    [
        ("conversations/aggregates/jobs", "  metrics: [nOffered]\n", "results"),
        ("users/aggregates/jobs", "  metrics: [tAgentRoutingStatus]\n", "results"),
        ("conversations/details/jobs", "", "conversations"),
        ("users/details/jobs", "", "userDetails"),
    ],
)
def test_every_job_kind_is_followed_to_its_last_page(
    fake: FakeGenesys, tmp_path: Path, endpoint: str, extra: str, key: str
) -> None:
    fake.next_jobs(JobPlan(rows=4))
    text = (
        f"report: r\nendpoint: {endpoint}\nquery:\n"
        f"  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z\n{extra}"
    )
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(write(tmp_path, text)), "--record", str(recording))
    assert result.exit_code == 0, result.output
    pages = [r for r in records(recording) if r["call"] == "results"]
    assert sum(len(r["response"][key]) for r in pages) == 4
    assert "cursor" not in pages[-1]["response"]
    assert all("cursor" in r["response"] for r in pages[:-1])


def test_a_status_poll_that_fails_loses_the_job_and_exits_1(
    fake: FakeGenesys, tmp_path: Path
) -> None:
    fake.poll_script.append(rejected("Internal failure", "internal.server.error", status=500))
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(write(tmp_path, AGGREGATE_JOB)), "--record", str(recording))
    assert result.exit_code == 1
    [job_id] = fake.jobs
    assert (
        f"LOST queue-volumes: job {job_id}: status poll: answered 500: Internal failure\n"
        in result.stdout
    )
    # the failed poll is shown as it happened, a follow-up of the job
    assert f"500 queue-volumes poll of job {job_id} (" in result.stdout
    assert [r["call"] for r in records(recording)] == ["submit", "poll"]

"""aggqlint plan: definitions expand into the exact requests, each checked; nothing is sent."""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from conftest import write_dedented as write
from fake_genesys import FakeGenesys, serve

from aggqlint.checks.engine import LintOptions
from aggqlint.cli import cli
from aggqlint.config.policy import Policy
from aggqlint.requests.plan import Plan, canonical_json, plan_requests

REPO = Path(__file__).resolve().parents[1]
SHIFT_BLOCKS = REPO / "examples" / "shift-blocks.yaml"
AGGREGATES_PATH = "/api/v2/analytics/conversations/aggregates/query"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["plan", *args], env={"GENESYSCLOUD_REGION": None})


def intervals(plan: Plan) -> list[str]:
    return [r.body["interval"] for r in plan.requests]


def test_shift_blocks_example_is_two_requests_one_per_window() -> None:
    plan = plan_requests([str(SHIFT_BLOCKS)])
    assert not plan.has_errors
    assert intervals(plan) == [
        "2023-10-01T08:00:00Z/2023-10-01T12:00:00Z",
        "2023-10-01T13:00:00Z/2023-10-01T17:00:00Z",
    ]
    for index, request in enumerate(plan.requests):
        assert request.report == "shift-blocks"
        assert request.method == "POST"
        assert request.path == AGGREGATES_PATH
        assert request.window == index
        assert request.body["groupBy"] == ["mediaType"]
        assert request.body["metrics"] == ["tHandle"]
        assert "granularity" not in request.body
        assert request.diagnostics == ()


def test_shift_blocks_json_output_lists_each_request() -> None:
    result = invoke(str(SHIFT_BLOCKS), "--format", "json")
    assert result.exit_code == 0, result.stderr
    requests = json.loads(result.stdout)
    assert [r["window"] for r in requests] == [0, 1]
    first = requests[0]
    assert first["report"] == "shift-blocks"
    assert first["file"].endswith("shift-blocks.yaml")
    assert first["document"] == 0
    assert first["endpoint"] == "conversations/aggregates"
    assert first["method"] == "POST"
    assert first["path"] == AGGREGATES_PATH
    assert first["body"]["interval"] == "2023-10-01T08:00:00Z/2023-10-01T12:00:00Z"
    assert "2 requests planned from 1 definition" in result.stderr


def test_text_output_is_one_block_per_request() -> None:
    result = invoke(str(SHIFT_BLOCKS))
    assert result.exit_code == 0
    blocks = result.stdout.split("\n\n")
    assert len(blocks) == 2
    header, request_line, *body = blocks[1].splitlines()
    assert header.startswith("# shift-blocks window 2/2 (")
    assert request_line == f"POST {AGGREGATES_PATH}"
    assert json.loads("\n".join(body))["interval"].startswith("2023-10-01T13:00:00Z")


def test_a_week_in_daily_chunks_on_an_hourly_grid_is_seven_requests(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        report: week-hourly
        endpoint: conversations/aggregates
        query:
          interval: 2026-11-02T00:00:00Z/2026-11-09T00:00:00Z
          granularity: PT1H
          metrics: [nOffered]
        chunk: P1D
        """,
    )
    plan = plan_requests([str(path)])
    assert not plan.has_errors
    assert intervals(plan) == [
        f"2026-11-{day:02d}T00:00:00.000Z/2026-11-{day + 1:02d}T00:00:00.000Z"
        for day in range(2, 9)
    ]
    assert [r.window for r in plan.requests] == list(range(7))
    assert all(r.body["granularity"] == "PT1H" for r in plan.requests)


def test_chunks_follow_local_days_across_a_dst_change(tmp_path: Path) -> None:
    # Europe/London moves to BST at 01:00 UTC on 2026-03-29: that local day has 23 hours.
    body = """\
        report: london-days
        endpoint: conversations/aggregates
        query:
          interval: 2026-03-28T00:00:00Z/2026-03-31T00:00:00+01:00
          granularity: PT1H
          {zone}
          metrics: [nOffered]
        chunk: P1D
        """
    london = plan_requests([str(write(tmp_path, body.format(zone="timeZone: Europe/London")))])
    assert intervals(london) == [
        "2026-03-28T00:00:00.000Z/2026-03-29T00:00:00.000Z",
        "2026-03-29T00:00:00.000Z/2026-03-29T23:00:00.000Z",  # 23 hours: local midnight
        "2026-03-29T23:00:00.000Z/2026-03-30T23:00:00.000Z",
    ]
    utc = plan_requests([str(write(tmp_path, body.format(zone=""), "utc.yaml"))])
    assert intervals(utc) == [
        "2026-03-28T00:00:00.000Z/2026-03-29T00:00:00.000Z",
        "2026-03-29T00:00:00.000Z/2026-03-30T00:00:00.000Z",
        "2026-03-30T00:00:00.000Z/2026-03-30T23:00:00.000Z",
    ]


def test_chunks_stay_on_the_granularity_grid(tmp_path: Path) -> None:
    # PT100M chunks on a PT30M grid: each chunk takes the whole buckets that fit (90 minutes).
    path = write(
        tmp_path,
        """\
        report: grid
        endpoint: conversations/aggregates
        query:
          interval: 2026-11-01T00:00:00Z/2026-11-01T06:00:00Z
          granularity: PT30M
          metrics: [nOffered]
        chunk: PT100M
        """,
    )
    plan = plan_requests([str(path)])
    assert intervals(plan) == [
        "2026-11-01T00:00:00.000Z/2026-11-01T01:30:00.000Z",
        "2026-11-01T01:30:00.000Z/2026-11-01T03:00:00.000Z",
        "2026-11-01T03:00:00.000Z/2026-11-01T04:30:00.000Z",
        "2026-11-01T04:30:00.000Z/2026-11-01T06:00:00.000Z",
    ]


def test_each_window_is_chunked_on_its_own(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        report: shifts-hourly
        endpoint: conversations/aggregates
        query:
          interval: 2023-10-01T08:00:00Z/2023-10-01T17:00:00Z
          metrics: [tHandle]
        windows:
          - 2023-10-01T08:00:00Z/2023-10-01T10:00:00Z
          - 2023-10-01T13:00:00Z/2023-10-01T14:00:00Z
        chunk: PT1H
        """,
    )
    plan = plan_requests([str(path)])
    assert intervals(plan) == [
        "2023-10-01T08:00:00.000Z/2023-10-01T09:00:00.000Z",
        "2023-10-01T09:00:00.000Z/2023-10-01T10:00:00.000Z",
        "2023-10-01T13:00:00.000Z/2023-10-01T14:00:00.000Z",
    ]
    assert [r.window for r in plan.requests] == [0, 1, 2]
    assert {r.windows for r in plan.requests} == {3}


def test_the_profile_max_interval_shortens_the_chunk(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        report: capped
        endpoint: conversations/aggregates
        query:
          interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
          metrics: [nOffered]
        chunk: P1D
        """,
    )
    # The limits rule (AQL410) calls a chunk longer than max-interval an error; a user who
    # ignores it (or sends with --force) still gets chunks within the limit.
    policy = Policy(limits={"max-interval": "PT6H"}, ignore=frozenset({"AQL410"}))
    plan = plan_requests([str(path)], LintOptions(policy_for=lambda _: policy))
    assert [r.body["interval"][11:16] for r in plan.requests] == [
        "00:00",
        "06:00",
        "12:00",
        "18:00",
    ]
    per_endpoint = Policy(
        limits={"endpoints": {"conversations/aggregates": {"max-interval": "PT12H"}}},
        ignore=frozenset({"AQL410"}),
    )
    plan = plan_requests([str(path)], LintOptions(policy_for=lambda _: per_endpoint))
    assert len(plan.requests) == 2


def test_ten_thousand_chunks(tmp_path: Path) -> None:
    start = datetime(2020, 1, 1, tzinfo=UTC)
    end = start + timedelta(hours=10_000)
    path = write(
        tmp_path,
        f"""\
        report: ten-thousand
        endpoint: conversations/aggregates
        query:
          interval: 2020-01-01T00:00:00Z/{end:%Y-%m-%dT%H:%M:%SZ}
          granularity: PT1H
          metrics: [nOffered]
        chunk: PT1H
        """,
    )
    plan = plan_requests([str(path)], LintOptions(now=datetime(2026, 11, 23, tzinfo=UTC)))
    requests = plan.requests
    assert len(requests) == 10_000
    assert [r.window for r in requests] == list(range(10_000))
    for index in (0, 1, 4_999, 9_999):
        begin = start + timedelta(hours=index)
        expected = (
            f"{begin:%Y-%m-%dT%H:%M:%S}.000Z/{begin + timedelta(hours=1):%Y-%m-%dT%H:%M:%S}.000Z"
        )
        assert requests[index].body["interval"] == expected
    # Contiguous: each chunk starts where the one before ends.
    assert all(
        a.body["interval"].split("/")[1] == b.body["interval"].split("/")[0]
        for a, b in itertools.pairwise(requests)
    )
    assert not any(r.diagnostics for r in requests)


def test_definitions_with_errors_are_not_planned(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        report: good
        endpoint: conversations/aggregates
        query:
          interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
          metrics: [nOffered]
        ---
        report: bad
        endpoint: conversations/aggregates
        query:
          interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
          metrics: [handleTime]
        """,
    )
    result = invoke(str(path), "--format", "json")
    assert result.exit_code == 1
    assert [r["report"] for r in json.loads(result.stdout)] == ["good"]
    assert "report.yaml:11:13: AQL201 error unknown metric 'handleTime'" in result.stderr
    assert "not planned: bad (" in result.stderr
    assert "1 request planned from 1 definition" in result.stderr


def test_window_and_chunk_findings_are_not_repeated_as_interval_findings(
    tmp_path: Path,
) -> None:
    # Each chunk's request (10 days) and window 2's request (30 minutes) would say again, of
    # their 'interval', what check says of the chunk and of window 2.
    path = write(
        tmp_path,
        """\
        report: details-chunk-too-long
        endpoint: conversations/details
        query: {interval: 2026-11-01T00:00:00Z/2026-11-21T00:00:00Z}
        chunk: P10D
        ---
        report: window-granularity
        endpoint: conversations/aggregates
        query: {granularity: PT1H, metrics: [nOffered]}
        windows:
          - 2026-11-01T08:00:00Z/2026-11-01T12:00:00Z
          - 2026-11-01T13:00:00Z/2026-11-01T13:30:00Z
        """,
    )
    plan = plan_requests([str(path)], LintOptions(now=datetime(2026, 11, 30, tzinfo=UTC)))
    found = [(d.location.line, d.location.column, d.code) for d in plan.diagnostics]
    assert found == [(4, 8, "AQL401"), (11, 5, "AQL111")]
    assert [d.report for d in plan.blocked] == ["details-chunk-too-long"]


def test_a_chunk_that_cannot_be_applied_blocks_the_definition(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        report: daily
        endpoint: conversations/aggregates
        query:
          interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
          metrics: [nOffered]
        chunk: daily
        """,
    )
    plan = plan_requests([str(path)])
    assert plan.has_errors and not plan.requests
    errors = [d for d in plan.diagnostics if str(d.severity) == "error"]
    assert any(d.location.pointer == "/chunk" for d in errors)


def test_bare_body_with_endpoint_is_planned_as_written(tmp_path: Path) -> None:
    path = tmp_path / "queue-today.json"
    body = {"interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z", "metrics": ["nOffered"]}
    path.write_text(json.dumps(body), encoding="utf-8")
    result = invoke(str(path), "--endpoint", "conversations/aggregates", "--format", "json")
    assert result.exit_code == 0, result.stderr
    [request] = json.loads(result.stdout)
    assert request["report"] == "queue-today"
    assert request["window"] is None
    assert request["body"] == body


def test_curl_output_defaults_to_us_east_1_and_follows_region() -> None:
    result = invoke(str(SHIFT_BLOCKS), "--format", "curl")
    assert result.exit_code == 0
    assert result.stdout.count("curl -sS -X POST") == 2
    assert f"https://api.mypurecloud.com{AGGREGATES_PATH}" in result.stdout
    assert '-H "Authorization: Bearer $GENESYS_TOKEN"' in result.stdout
    ireland = invoke(str(SHIFT_BLOCKS), "--format", "curl", "--region", "eu-west-1")
    assert f"https://api.mypurecloud.ie{AGGREGATES_PATH}" in ireland.stdout
    unknown = invoke(str(SHIFT_BLOCKS), "--format", "curl", "--region", "eu-west-9")
    assert unknown.exit_code == 2
    assert "unknown region 'eu-west-9'" in unknown.stderr


@pytest.fixture
def fake() -> Iterator[FakeGenesys]:
    with serve() as server:
        yield server


@pytest.mark.skipif(shutil.which("curl") is None, reason="curl is not installed")
def test_curl_commands_run_as_they_are(fake: FakeGenesys) -> None:
    result = invoke(str(SHIFT_BLOCKS), "--format", "curl", "--api-url", fake.base_url)
    assert result.exit_code == 0
    token = fake._issue_token()
    assert token not in result.stdout
    environment = {**os.environ, "GENESYS_TOKEN": token}
    for variable in ("http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"):
        environment.pop(variable, None)
    shell = subprocess.run(
        ["bash", "-e"], input=result.stdout, env=environment, capture_output=True, text=True
    )
    assert shell.returncode == 0, shell.stderr
    assert shell.stdout.count('"results"') == 2
    sent = fake.query_requests
    assert [r.headers["Authorization"] for r in sent] == [f"Bearer {token}"] * 2
    planned = plan_requests([str(SHIFT_BLOCKS)]).requests
    assert [r.body for r in sent] == [canonical_json(p.body) for p in planned]


def test_a_request_problem_points_at_its_window(monkeypatch: pytest.MonkeyPatch) -> None:
    # Whatever the rules of the day say about a window's interval, plan reports it at the
    # window's line in the definition, not at the query's own interval.
    from aggqlint.diagnostics import Diagnostic, Location, Severity
    from aggqlint.requests import plan as plan_module

    def lint_payload(
        body: dict[str, object], endpoint: str, now: object = None
    ) -> list[Diagnostic]:
        if str(body["interval"]).startswith("2023-10-01T13"):
            where = Location("<payload>", None, None, "/interval")
            return [Diagnostic("AQL009", Severity.ERROR, "afternoon is wrong", where)]
        return []

    monkeypatch.setattr(plan_module, "lint_payload", lint_payload)
    plan = plan_requests([str(SHIFT_BLOCKS)])
    assert plan.has_errors and not plan.requests
    [problem] = [d for d in plan.diagnostics if d.message == "afternoon is wrong"]
    assert problem.location.pointer == "/windows/1"
    text = SHIFT_BLOCKS.read_text(encoding="utf-8").splitlines()
    assert text[problem.location.line - 1].strip() == "- 2023-10-01T13:00:00Z/2023-10-01T17:00:00Z"


def test_a_daily_chunk_up_to_year_9999_is_refused_at_once(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """\
        report: forever
        endpoint: conversations/aggregates
        query:
          interval: 2026-01-01T00:00:00Z/9999-12-31T23:59:59Z
          granularity: P1D
          metrics: [nOffered]
        chunk: P1D
        """,
    )
    result = invoke(str(path), "--now", "2026-11-30T00:00:00Z")
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    lines = result.stderr.replace(f"{path}", "report.yaml").splitlines()
    assert lines[0].startswith("report.yaml:4:13: AQL108 warning 'interval' ends at 9999-12-31")
    assert lines[1] == (
        "report.yaml:7:8: AQL124 error 'chunk' P1D cuts the interval into more than 100,000 "
        "requests, the most aggqlint plans for one definition; use a longer chunk or a shorter "
        "interval (an end in year 9999 is not open-ended to the API)"
    )
    assert "not planned: forever (" in result.stderr


@pytest.mark.parametrize(
    ("interval", "zone", "chunk"),
    [
        ("0001-01-01T00:00:00Z/0001-02-01T00:00:00Z", "America/Los_Angeles", "PT1H"),
        ("0001-01-01T00:00:00Z/0001-02-01T00:00:00Z", "Pacific/Kiritimati", "P1D"),
        ("0001-01-01T00:00:00Z/0001-02-01T00:00:00Z", "UTC", "PT99999999999H"),
        ("9999-12-30T00:00:00Z/9999-12-31T23:59:59Z", "UTC", "PT1H"),
        ("9999-12-30T00:00:00Z/9999-12-31T23:59:59Z", "Pacific/Kiritimati", "P1D"),
        ("2026-01-01T00:00:00Z/9999-12-31T23:59:59Z", "UTC", "P999999Y"),
    ],
)
def test_intervals_at_the_ends_of_the_calendar_plan_or_refuse_cleanly(
    tmp_path: Path, interval: str, zone: str, chunk: str
) -> None:
    path = write(
        tmp_path,
        f"""\
        report: edge
        endpoint: conversations/aggregates
        query:
          interval: {interval}
          timeZone: {zone}
          metrics: [nOffered]
        chunk: {chunk}
        """,
    )
    plan = plan_requests([str(path)], LintOptions(now=datetime(2026, 11, 30, tzinfo=UTC)))
    assert "AQL009" not in {d.code for d in plan.diagnostics}
    refused = [d for d in plan.diagnostics if d.code in ("AQL025", "AQL124")]
    assert bool(refused) == (not plan.requests)

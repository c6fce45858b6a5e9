"""Whatever `plan` (and so `submit`) refuses to expand, `check` reports first, as an error at
the same place. Open-ended and out-of-range intervals never crash either of them."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from conftest import write_dedented
from msgspec import structs

from aggqlint.checks.engine import LintOptions, LintResult, lint_paths
from aggqlint.config.policy import Policy
from aggqlint.requests.plan import plan_result

NOW = datetime(2026, 11, 30, tzinfo=UTC)
OBSERVATION = """\
    report: r
    endpoint: queues/observations
    query:
      filter:
        type: or
        predicates:
          - {dimension: queueId, value: 7f0b2c33-9f6e-4ed4-a2e6-1c4b9e2f0a11}
      metrics: [oWaiting]
    """


def aggregate(*lines: str, envelope: str = "") -> str:
    """A conversations/aggregates definition whose query holds these lines and nOffered."""
    body = "".join(f"  {line}\n" for line in (*lines, "metrics: [nOffered]"))
    return f"report: r\nendpoint: conversations/aggregates\nquery:\n{body}{envelope}"


WEEK = "interval: 2026-11-01T00:00:00Z/2026-11-08T00:00:00Z"
# Every refusal plan.py makes (each `raise _ExpansionError`), as a definition that triggers
# it: (case, definition, what check reports for it: "LINE:COL CODE").
REFUSALS = [
    ("chunk not a duration", aggregate(WEEK, envelope="chunk: daily\n"), "6:8 AQL120"),
    ("chunk zero", aggregate(WEEK, envelope="chunk: PT0S\n"), "6:8 AQL120"),
    (
        "windows, no interval in the model",
        OBSERVATION + "windows: [2026-11-01T00:00:00Z/2026-11-02T00:00:00Z]\n",
        "9:1 AQL123",
    ),
    ("chunk, no interval in the model", OBSERVATION + "chunk: PT1H\n", "9:1 AQL123"),
    ("chunk, no interval in the body", aggregate(envelope="chunk: P1D\n"), "4:3 AQL203"),
    (
        "unreadable interval",
        aggregate("interval: yesterday", envelope="chunk: P1D\n"),
        "4:13 AQL102",
    ),
    (
        "backwards interval",
        aggregate("interval: 2026-11-02T00:00:00Z/2026-11-01T00:00:00Z", envelope="chunk: P1D\n"),
        "4:13 AQL106",
    ),
    (
        "more than 100,000 requests",
        aggregate("interval: 2026-01-01T00:00:00Z/9999-12-31T23:59:59Z", envelope="chunk: P1D\n"),
        "6:8 AQL124",
    ),
    (
        "year 1 west of UTC",
        aggregate(
            "interval: 0001-01-01T00:00:00Z/0001-03-01T00:00:00Z",
            "timeZone: America/New_York",
            envelope="chunk: P1D\n",
        ),
        "4:13 AQL124",
    ),
]


def _definition(tmp_path: Path, text: str) -> Path:
    return write_dedented(tmp_path, text)


@pytest.mark.parametrize(("case", "text", "expected"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_check_reports_what_plan_refuses(
    tmp_path: Path, case: str, text: str, expected: str
) -> None:
    path = _definition(tmp_path, text)
    options = LintOptions(now=NOW)
    result = lint_paths([str(path)], options)
    errors = [
        f"{d.location.line}:{d.location.column} {d.code}"
        for d in result.diagnostics
        if str(d.severity) == "error"
    ]
    assert expected in errors, case
    # plan, on its own (the file's diagnostics removed), refuses the definition too.
    [checked] = result.files
    silent = LintResult([structs.replace(checked, diagnostics=[])])
    plan = plan_result(silent, NOW)
    refusals = [d for d in plan.diagnostics if d.code == "AQL025"]
    assert refusals, case
    assert not plan.requests


def test_plan_says_what_check_says_for_an_interval_without_a_model(tmp_path: Path) -> None:
    path = _definition(tmp_path, OBSERVATION + "chunk: PT1H\n")
    [checked] = lint_paths([str(path)], LintOptions(now=NOW)).files
    [reported] = [d for d in checked.diagnostics if d.code == "AQL123"]
    plan = plan_result(LintResult([structs.replace(checked, diagnostics=[])]), NOW)
    [refused] = [d for d in plan.diagnostics if d.code == "AQL025"]
    assert (
        refused.message
        == reported.message
        == (
            "'chunk' cuts the interval, but a queues/observations query has no 'interval' (it "
            "reports the current state), so there is nothing to cut: remove 'chunk'"
        )
    )
    assert (refused.location.line, refused.location.column) == (9, 8)


def test_a_chunk_shortened_by_the_profile_is_counted_as_plan_cuts_it(tmp_path: Path) -> None:
    # P1Y chunks over 300 years are 300 requests; the profile's max-interval P1D makes them
    # 109,573, which plan refuses: check says so first, in the same words.
    path = write_dedented(
        tmp_path,
        aggregate("interval: 2000-01-01T00:00:00Z/2300-01-01T00:00:00Z", envelope="chunk: P1Y\n"),
    )
    options = LintOptions(now=NOW, policy_for=lambda _: Policy(limits={"max-interval": "P1D"}))
    result = lint_paths([str(path)], options)
    [reported] = [d for d in result.diagnostics if d.code == "AQL124"]
    assert (reported.location.line, reported.location.column) == (6, 8)
    assert reported.message.startswith(
        "'chunk' P1Y, shortened to the profile's max-interval P1D, cuts the interval into more "
        "than 100,000 requests"
    )
    [checked] = result.files
    plan = plan_result(LintResult([structs.replace(checked, diagnostics=[])]), NOW)
    [refused] = [d for d in plan.diagnostics if d.code == "AQL025"]
    assert refused.message == reported.message


def test_windows_supply_the_interval_so_check_and_plan_both_accept_a_body_without_one(
    tmp_path: Path,
) -> None:
    text = aggregate(
        envelope="windows:\n"
        "  - 2026-11-02T08:00:00Z/2026-11-02T12:00:00Z\n"
        "  - 2026-11-02T13:00:00Z/2026-11-02T17:00:00Z\n"
    )
    result = lint_paths([str(_definition(tmp_path, text))], LintOptions(now=NOW))
    assert [d.code for d in result.diagnostics] == []
    plan = plan_result(result, NOW)
    assert [r.body["interval"] for r in plan.requests] == [
        "2026-11-02T08:00:00Z/2026-11-02T12:00:00Z",
        "2026-11-02T13:00:00Z/2026-11-02T17:00:00Z",
    ]
    # A chunk cuts the body's own interval: without one, it is still required.
    chunked = lint_paths(
        [str(_definition(tmp_path, aggregate(envelope="chunk: P1D\n")))], LintOptions(now=NOW)
    )
    assert [(d.code, d.location.line) for d in chunked.diagnostics] == [("AQL203", 4)]

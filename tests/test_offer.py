"""Messages that send people to the right query: an aggregate body on a details endpoint (the
endpoint to set), sync/job field mix-ups (limits.md §3, §5), and a misspelt required key
reported once (QA findings F19, F9, F16)."""

from __future__ import annotations

import textwrap
from pathlib import Path

from conftest import lint_query as _lint_query
from conftest import run_aggqlint

from aggqlint.diagnostics import Diagnostic

INTERVAL = "interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z"


def lint_query(query: str, endpoint: str) -> list[Diagnostic]:
    return _lint_query(textwrap.dedent(query), endpoint)


def _lines(diagnostics: list[Diagnostic]) -> list[str]:
    return [f"{d.location.line}:{d.location.column} {d.code} {d.message}" for d in diagnostics]


AGGREGATE_BODY = f"""\
{INTERVAL}
granularity: PT1H
groupBy: [queueId]
metrics: [tHandle, nConnected]
"""


def test_an_aggregate_body_on_details_names_the_endpoint_once() -> None:
    found = lint_query(AGGREGATE_BODY, "conversations/details")
    assert _lines(found) == [
        "5:3 AQL200 unknown field 'granularity' in conversations/details query; every field "
        "of this query fits conversations/aggregates (details queries return conversation "
        "records, not aggregates): set endpoint: conversations/aggregates",
        "6:3 AQL200 unknown field 'groupBy' in conversations/details query",
        "7:3 AQL200 unknown field 'metrics' in conversations/details query",
    ]
    assert found[0].fix is not None and "conversations/aggregates" in str(found[0].fix.shown)


def test_a_details_job_with_an_aggregate_body_is_offered_the_aggregate_job() -> None:
    found = lint_query(AGGREGATE_BODY, "conversations/details/jobs")
    assert "set endpoint: conversations/aggregates/jobs" in found[0].message
    assert [f"{d.location.line}:{d.location.column} {d.code}" for d in found] == [
        "5:3 AQL200",
        "6:3 AQL200",
        "7:3 AQL200",
    ]


def test_no_endpoint_is_offered_when_a_name_fits_nowhere_else() -> None:
    # nConnectedd is no metric of conversations/aggregates: the body does not surely mean it.
    body = AGGREGATE_BODY.replace("nConnected", "nConnectedd")
    found = lint_query(body, "conversations/details")
    assert not any("set endpoint" in d.message for d in found)
    assert [d.code for d in found] == ["AQL200", "AQL200", "AQL200"]


def test_limit_on_a_sync_details_query_names_the_job() -> None:
    found = lint_query(f"{INTERVAL}\nlimit: 1000", "conversations/details")
    assert _lines(found) == [
        "5:3 AQL200 unknown field 'limit' in conversations/details query; only the details "
        "job (.../details/jobs) takes 'limit'; this query pages with 'paging: {pageSize, "
        "pageNumber}'"
    ]


def test_paging_on_a_details_job_says_jobs_take_limit() -> None:
    found = lint_query(
        f"{INTERVAL}\npaging: {{pageSize: 100, pageNumber: 1}}", "users/details/jobs"
    )
    assert _lines(found) == [
        "5:3 AQL200 unknown field 'paging' in users/details/jobs query; a details job takes "
        "'limit' and no 'paging': its results page with a cursor on GET "
        ".../jobs/{jobId}/results; only the synchronous details query takes 'paging'"
    ]


def test_page_size_on_a_sync_aggregate_names_the_aggregate_job() -> None:
    found = lint_query(f"{INTERVAL}\nmetrics: [nFlow]\npageSize: 100", "flows/aggregates")
    assert _lines(found) == [
        "6:3 AQL200 unknown field 'pageSize' in flows/aggregates query; 'pageSize' belongs to "
        "the aggregate job (.../aggregates/jobs); a synchronous aggregate query has no paging"
    ]


def test_limit_on_an_aggregate_without_it_gets_no_details_hint() -> None:
    found = lint_query(f"{INTERVAL}\nmetrics: [nFlow]\nlimit: 5", "flows/aggregates")
    assert len(found) == 1 and found[0].code == "AQL200"
    assert "details job" not in found[0].message


def test_a_misspelt_required_key_is_reported_once_as_the_unknown_key() -> None:
    found = lint_query(
        f"{INTERVAL}\npaging: {{page_size: 25, page_number: 1}}", "conversations/details"
    )
    assert _lines(found) == [
        "5:12 AQL200 unknown field 'page_size' in paging; did you mean 'pageSize'?",
        "5:27 AQL200 unknown field 'page_number' in paging; did you mean 'pageNumber'?",
    ]


def test_a_missing_required_key_without_a_misspelling_is_still_required() -> None:
    found = lint_query(f"{INTERVAL}\npaging: {{page_size: 25}}", "conversations/details")
    assert _lines(found) == [
        "5:11 AQL203 'pageNumber' is required in paging",
        "5:12 AQL200 unknown field 'page_size' in paging; did you mean 'pageSize'?",
    ]


def test_with_unknown_fields_ignored_the_misspelt_required_key_is_still_missing(
    tmp_path: Path,
) -> None:
    # The AQL200 that would say it is turned off: the requirement must not vanish with it.
    text = (
        "report: r\nendpoint: conversations/details\nquery:\n  "
        + INTERVAL
        + "\n  paging: {page_size: 25, page_number: 1}\n"
    )
    path = tmp_path / "r.yaml"
    path.write_text(text, encoding="utf-8")
    result = run_aggqlint("check", str(path), "--ignore", "AQL200")
    assert "AQL203 error 'pageSize' is required in paging" in result.stdout
    assert "AQL203 error 'pageNumber' is required in paging" in result.stdout

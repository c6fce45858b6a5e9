"""The limits family (AQL4xx): documented detail-query limits and the config profile's limits."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from aggqlint.api import isotime
from aggqlint.api.endpoints import all_endpoints
from aggqlint.checks import limits
from aggqlint.checks.context import RuleContext
from aggqlint.checks.engine import LintOptions, lint_text
from aggqlint.checks.metadata import all_rules
from aggqlint.config.policy import Policy
from aggqlint.diagnostics import Diagnostic, Severity

NOW = datetime(2024, 1, 1, tzinfo=UTC)
DAY = "2023-10-01T00:00:00Z/2023-10-02T00:00:00Z"
PROD = {"profile": "prod", "max-interval": "PT4H", "max-buckets": 8}  # the seed-003 team
DEV = {"profile": "dev", "max-interval": "P1D"}


def lint(text: str, profile: dict[str, Any] | None = None, **options: Any) -> list[Diagnostic]:
    return lint_text(text, "x.yaml", LintOptions(now=NOW, **options), Policy(limits=profile or {}))


def where(
    text: str, code: str, profile: dict[str, Any] | None = None, **options: Any
) -> list[tuple[int | None, int | None]]:
    return [
        (d.location.line, d.location.column)
        for d in lint(text, profile, **options)
        if d.code == code
    ]


def one(text: str, code: str, profile: dict[str, Any] | None = None) -> Diagnostic:
    [found] = [d for d in lint(text, profile) if d.code == code]
    return found


def detail(
    interval: str, *more: str, endpoint: str = "conversations/details", envelope: str = ""
) -> str:
    body = "".join(f"  {line}\n" for line in (f"interval: {interval}", *more))
    return f"report: r\nendpoint: {endpoint}\n{envelope}query:\n{body}"


def aggregate(interval: str, *more: str, envelope: str = "") -> str:
    lines = (f"interval: {interval}", "metrics: [nOffered]", *more)
    body = "".join(f"  {line}\n" for line in lines)
    return f"report: r\nendpoint: conversations/aggregates\n{envelope}query:\n{body}"


EIGHT_DAYS = "2023-10-01T00:00:00Z/2023-10-09T00:00:00Z"
SEVEN_DAYS = "2023-10-01T00:00:00Z/2023-10-08T00:00:00Z"
SEGMENT_FILTER = "segmentFilters: [{type: and, predicates: [{dimension: mediaType, value: voice}]}]"


# --- AQL401 detail-interval-too-long -------------------------------------------------------


def test_a_detail_query_without_a_filter_spans_at_most_7_days() -> None:
    found = one(detail(EIGHT_DAYS), "AQL401")
    assert (found.location.line, found.location.column) == (4, 13)
    assert "8 days" in found.message and "at most 7 days" in found.message
    assert found.suggestion == "chunk: P7D"


def test_seven_days_without_a_filter_is_allowed() -> None:
    assert where(detail(SEVEN_DAYS), "AQL401") == []


def test_a_filter_allows_31_days() -> None:
    thirty_one = "2023-10-01T00:00:00Z/2023-11-01T00:00:00Z"
    assert [d.code for d in lint(detail(thirty_one, SEGMENT_FILTER))] == []


def test_the_32nd_day_the_query_builder_allows_is_a_warning() -> None:
    # limits.md §1: the developer center says 31 days, Genesys's Query Builder 32.
    thirty_two = "2023-10-01T00:00:00Z/2023-11-02T00:00:00Z"
    [found] = lint(detail(thirty_two, SEGMENT_FILTER))
    assert (found.code, found.severity, found.location.line) == ("AQL412", Severity.WARNING, 4)
    assert "spans 32 days; a conversations/details query may span at most 31 days" in found.message
    assert "Genesys's Query Builder allows 32 days" in found.message
    assert found.suggestion == "chunk: P31D"


def test_past_32_days_with_a_filter_is_an_error() -> None:
    thirty_three = "2023-10-01T00:00:00Z/2023-11-03T00:00:00Z"
    [found] = lint(detail(thirty_three, SEGMENT_FILTER))
    assert (found.code, found.severity, found.location.line) == ("AQL401", Severity.ERROR, 4)
    assert "at most 31 days, even with a filter (32 days in Genesys's Query Builder)" in (
        found.message
    )
    assert found.suggestion == "chunk: P31D"


def test_a_32_day_chunk_of_a_filtered_query_is_a_warning() -> None:
    long = "2023-10-01T00:00:00Z/2023-12-01T00:00:00Z"
    found = one(detail(long, SEGMENT_FILTER, envelope="chunk: P32D\n"), "AQL412")
    assert (found.location.line, found.location.column, found.suggestion) == (3, 8, "P31D")
    assert where(detail(long, SEGMENT_FILTER, envelope="chunk: P33D\n"), "AQL401") == [(3, 8)]


def test_an_empty_filter_list_is_no_filter() -> None:
    assert where(detail(EIGHT_DAYS, "conversationFilters: []"), "AQL401") == [(4, 13)]


def test_user_detail_filters_count() -> None:
    text = detail(
        EIGHT_DAYS,
        "userFilters: [{type: or, predicates: [{dimension: userId, value: u}]}]",
        endpoint="users/details",
    )
    assert where(text, "AQL401") == []
    assert where(detail(EIGHT_DAYS, endpoint="users/details"), "AQL401") == [(4, 13)]


def test_detail_jobs_have_no_documented_limit() -> None:
    text = detail(
        "2023-01-01T00:00:00Z/2023-12-01T00:00:00Z", endpoint="conversations/details/jobs"
    )
    assert where(text, "AQL401") == []


def test_each_window_is_checked_instead_of_the_interval() -> None:
    windows = f"windows:\n  - {SEVEN_DAYS}\n  - {EIGHT_DAYS}\n"
    text = detail("2023-10-01T00:00:00Z/2023-12-01T00:00:00Z", envelope=windows)
    found = [d for d in lint(text) if d.code == "AQL401"]
    assert [(d.location.line, d.location.column) for d in found] == [(5, 5)]
    assert found[0].suggestion is None  # a chunk would cut the windows again


def test_a_chunk_is_checked_instead_of_the_interval() -> None:
    long = "2023-10-01T00:00:00Z/2023-12-01T00:00:00Z"
    assert where(detail(long, envelope="chunk: P7D\n"), "AQL401") == []
    found = one(detail(long, envelope="chunk: P1M\n"), "AQL401")
    assert (found.location.line, found.location.column) == (3, 8)
    assert found.suggestion == "P7D"


def test_a_month_chunk_fits_the_31_days_of_a_filtered_query() -> None:
    text = detail(
        "2023-10-01T00:00:00Z/2023-12-01T00:00:00Z", SEGMENT_FILTER, envelope="chunk: P1M\n"
    )
    assert where(text, "AQL401") == []


def test_a_bare_detail_body_is_not_offered_a_chunk() -> None:
    text = f"interval: {EIGHT_DAYS}\n"
    [found] = [d for d in lint(text, endpoint="conversations/details") if d.code == "AQL401"]
    assert (found.location.line, found.location.column) == (1, 11)
    assert found.suggestion is None
    assert "shorter intervals" in found.message


# --- AQL402 / AQL403 pagination-past-cap ---------------------------------------------------


def test_paging_past_100000_results_is_an_error() -> None:
    found = one(detail(SEVEN_DAYS, "paging: {pageSize: 100, pageNumber: 1001}"), "AQL402")
    assert (found.location.line, found.location.column) == (5, 39)
    assert (
        "100,100" in found.message and "Pagination may not exceed 100000 results" in found.message
    )


def test_paging_up_to_100000_results_is_fine() -> None:
    assert where(detail(SEVEN_DAYS, "paging: {pageSize: 100, pageNumber: 1000}"), "AQL402") == []


def test_page_sizes_written_as_strings_count() -> None:
    text = detail(SEVEN_DAYS, "paging: {pageSize: '100', pageNumber: '1001'}")
    assert where(text, "AQL402") == [(5, 41)]


def test_one_huge_page_points_at_the_page_size() -> None:
    text = detail(SEVEN_DAYS, "paging: {pageSize: 200000, pageNumber: 1}")
    assert where(text, "AQL402") == [(5, 22)]


def test_user_detail_paging_past_the_cap_only_warns() -> None:
    text = detail(SEVEN_DAYS, "paging: {pageSize: 100, pageNumber: 1001}", endpoint="users/details")
    assert where(text, "AQL402") == []
    found = one(text, "AQL403")
    assert (found.location.line, found.location.column) == (5, 39)
    assert str(found.severity) == "warning"


def test_user_detail_paging_within_the_cap() -> None:
    text = detail(SEVEN_DAYS, "paging: {pageSize: 100, pageNumber: 10}", endpoint="users/details")
    assert where(text, "AQL403") == []


# --- AQL404 large-page-size ----------------------------------------------------------------


@pytest.mark.parametrize("size", ["101", "'250'", "1000"])
def test_page_sizes_above_100_warn(size: str) -> None:
    found = one(detail(SEVEN_DAYS, f"paging: {{pageSize: {size}, pageNumber: 1}}"), "AQL404")
    assert (found.location.line, found.location.column) == (5, 22)
    assert found.suggestion == "100"


@pytest.mark.parametrize("size", ["25", "100", "'100'"])
def test_page_sizes_up_to_100_pass(size: str) -> None:
    assert where(detail(SEVEN_DAYS, f"paging: {{pageSize: {size}, pageNumber: 1}}"), "AQL404") == []


# --- AQL410 profile-max-interval -----------------------------------------------------------


def test_no_profile_no_aggregate_limit() -> None:
    text = aggregate("2023-01-01T00:00:00Z/2024-01-01T00:00:00Z", "granularity: PT30M")
    assert [d.code for d in lint(text) if d.code.startswith("AQL4")] == []


def test_an_interval_longer_than_the_profile_allows() -> None:
    found = one(aggregate(DAY), "AQL410", PROD)
    assert (found.location.line, found.location.column) == (4, 13)
    assert "max-interval PT4H in profile 'prod'" in found.message
    assert found.suggestion == "chunk: PT4H"


def test_an_interval_within_the_profile() -> None:
    assert where(aggregate(DAY), "AQL410", DEV) == []


def test_a_per_endpoint_limit_wins() -> None:
    profile = {**DEV, "endpoints": {"conversations/aggregates": {"max-interval": "PT12H"}}}
    found = one(aggregate(DAY), "AQL410", profile)
    assert "max-interval PT12H for conversations/aggregates in profile 'dev'" in found.message
    other = {**DEV, "endpoints": {"users/aggregates": {"max-interval": "PT12H"}}}
    assert where(aggregate(DAY), "AQL410", other) == []


def test_a_day_limit_follows_the_query_zone_across_dst() -> None:
    # Midnight to midnight in London on 2023-10-29 is 25 hours, and still one day there.
    long_day = "2023-10-29T00:00:00+01:00/2023-10-30T00:00:00Z"
    assert where(aggregate(long_day, "timeZone: Europe/London"), "AQL410", DEV) == []
    assert where(aggregate(long_day), "AQL410", DEV) == [(4, 13)]


def test_a_chunk_longer_than_the_profile_allows() -> None:
    found = one(aggregate(DAY, envelope="chunk: P1D\n"), "AQL410", PROD)
    assert (found.location.line, found.location.column) == (3, 8)
    assert found.suggestion == "PT4H"


def test_a_long_chunk_over_a_short_interval_sends_only_the_interval() -> None:
    short = "2023-10-01T00:00:00Z/2023-10-01T04:00:00Z"
    text = aggregate(short, "granularity: PT30M", envelope="chunk: P1D\n")
    assert [d.code for d in lint(text, PROD) if d.code.startswith("AQL4")] == []
    assert where(detail(SEVEN_DAYS, envelope="chunk: P1M\n"), "AQL401") == []


def test_a_chunk_within_the_profile_covers_a_long_interval() -> None:
    assert where(aggregate(DAY, envelope="chunk: PT4H\n"), "AQL410", PROD) == []


def test_a_chunk_shorter_than_a_bucket_sends_the_bucket() -> None:
    text = aggregate(DAY, "granularity: P1D", envelope="chunk: PT4H\n")
    found = one(text, "AQL410", PROD)
    assert "each request spans one P1D bucket" in found.message


def test_windows_are_checked_against_the_profile() -> None:
    windows = "windows:\n  - 2023-10-01T08:00:00Z/2023-10-01T12:00:00Z\n"
    windows += "  - 2023-10-01T12:00:00Z/2023-10-01T18:00:00Z\n"
    assert where(aggregate(DAY, envelope=windows), "AQL410", PROD) == [(5, 5)]


# --- AQL411 profile-max-buckets ------------------------------------------------------------


def test_more_buckets_than_the_profile_allows() -> None:
    found = one(aggregate(DAY, "granularity: PT30M"), "AQL411", PROD)
    assert (found.location.line, found.location.column) == (4, 13)
    assert "48 buckets of PT30M" in found.message
    assert found.suggestion == "chunk: PT4H"


def test_buckets_within_the_profile() -> None:
    text = aggregate("2023-10-01T00:00:00Z/2023-10-01T04:00:00Z", "granularity: PT30M")
    assert where(text, "AQL411", PROD) == []


def test_no_granularity_is_one_bucket() -> None:
    assert where(aggregate(DAY), "AQL411", {"max-buckets": 1}) == []


def test_buckets_per_chunk() -> None:
    assert (
        where(aggregate(DAY, "granularity: PT30M", envelope="chunk: PT4H\n"), "AQL411", PROD) == []
    )
    found = one(aggregate(DAY, "granularity: PT30M", envelope="chunk: PT6H\n"), "AQL411", PROD)
    assert (found.location.line, found.location.column) == (3, 8)
    assert "12 buckets" in found.message
    assert found.suggestion == "PT4H"


def test_the_seed_003_team_profiles() -> None:
    """dev allows a day per query, prod 4 hours at PT30M: the right way passes dev, and
    passes prod once chunked."""
    right_way = aggregate("2023-10-01T00:00:00.000Z/2023-10-02T00:00:00.000Z", "granularity: PT30M")
    assert [d.code for d in lint(right_way, DEV) if d.code.startswith("AQL4")] == []
    assert [d.code for d in lint(right_way, PROD) if d.code.startswith("AQL4")] == [
        "AQL410",
        "AQL411",
    ]
    chunked = aggregate(
        "2023-10-01T00:00:00.000Z/2023-10-02T00:00:00.000Z",
        "granularity: PT30M",
        envelope="chunk: PT4H\n",
    )
    assert [d.code for d in lint(chunked, PROD) if d.code.startswith("AQL4")] == []


# --- metadata ------------------------------------------------------------------------------


def test_every_limits_code_is_declared() -> None:
    declared = {code for code, meta in all_rules().items() if meta.family == "limits"}
    assert declared == {
        "AQL401",
        "AQL402",
        "AQL403",
        "AQL404",
        "AQL405",
        "AQL410",
        "AQL411",
        "AQL412",
    }


# --- properties ----------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    start=st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2030, 12, 31)),
    seconds=st.integers(min_value=1, max_value=60 * 86_400),
    filtered=st.booleans(),
)
def test_the_detail_limit_fires_exactly_past_7_or_32_days(
    start: datetime, seconds: int, filtered: bool
) -> None:
    begin = start.replace(tzinfo=UTC, microsecond=0)
    end = begin + timedelta(seconds=seconds)
    body: dict[str, Any] = {
        "interval": f"{isotime.format_instant(begin)}/{isotime.format_instant(end)}"
    }
    if filtered:
        body["segmentFilters"] = [{"type": "and", "predicates": []}]
    context = RuleContext(body, all_endpoints()["conversations/details"], now=NOW)
    codes = [f.code for f in limits.check(context)]
    allowed = timedelta(days=32 if filtered else 7)
    assert ("AQL401" in codes) == (end - begin > allowed)
    disputed = filtered and timedelta(days=31) < end - begin <= allowed
    assert ("AQL412" in codes) == disputed


@settings(max_examples=200, deadline=None)
@given(
    size=st.integers(min_value=1, max_value=300_000),
    number=st.integers(min_value=1, max_value=300_000),
    as_text=st.booleans(),
)
def test_the_pagination_cap_is_the_product(size: int, number: int, as_text: bool) -> None:
    paging: dict[str, Any] = {"pageSize": size, "pageNumber": number}
    if as_text:
        paging = {key: str(value) for key, value in paging.items()}
    body = {"interval": "2023-10-01T00:00:00Z/2023-10-02T00:00:00Z", "paging": paging}
    context = RuleContext(body, all_endpoints()["conversations/details"], now=NOW)
    codes = [f.code for f in limits.check(context)]
    assert ("AQL402" in codes) == (size * number > 100_000)
    assert ("AQL404" in codes) == (size > 100)


@settings(max_examples=100, deadline=None)
@given(
    chunk_minutes=st.integers(min_value=1, max_value=3 * 24 * 60),
    size=st.sampled_from(["PT15M", "PT30M", "PT1H", "PT7H", "P1D"]),
    hours=st.integers(min_value=1, max_value=24 * 10),
)
def test_no_planned_chunk_holds_more_buckets_than_counted(
    chunk_minutes: int, size: str, hours: int
) -> None:
    """The count per chunk that AQL411 uses bounds every window the plan makes."""
    chunk = isotime.Duration(minutes=chunk_minutes)
    granularity = isotime.parse_duration(size)
    start = datetime(2023, 10, 1, tzinfo=UTC)
    most = limits._buckets_per_chunk(chunk, granularity)
    for begin, end in isotime.split(start, start + timedelta(hours=hours), chunk, UTC, granularity):
        assert isotime.bucket_count(begin, end, granularity, UTC)[0] <= most


# --- AQL405 count-below-one ------------------------------------------------------------------


def located(text: str) -> list[str]:
    return [f"{d.location.line}:{d.location.column} {d.code}" for d in lint(text)]


def test_zero_and_negative_paging_in_a_details_query_warns() -> None:
    text = (
        "report: r\nendpoint: conversations/details\nquery:\n"
        f"  interval: {DAY}\n  paging: {{pageSize: 0, pageNumber: -1}}\n"
    )
    assert located(text) == ["5:22 AQL405", "5:37 AQL405"]
    size, number = [d for d in lint(text) if d.code == "AQL405"]
    assert str(size.severity) == "warning"
    assert size.message == (
        "'pageSize' is 0: a page of 0 results asks for nothing; the API documents no minimum, "
        "so this only warns — use 1 or more"
    )
    assert number.message.endswith("the first page is 1")
    assert number.suggestion == "1"


def test_string_page_sizes_are_read_as_numbers_and_add_no_error() -> None:
    text = (
        "report: r\nendpoint: users/details\nquery:\n"
        f'  interval: {DAY}\n  paging: {{pageSize: "25", pageNumber: "0"}}\n'
    )
    found = lint(text)
    assert [
        f"{d.location.line}:{d.location.column} {d.code}"
        for d in found
        if d.code.startswith("AQL4")
    ] == ["5:40 AQL405"]
    assert all(str(d.severity) != "error" for d in found)


def test_top_level_page_size_of_an_async_aggregate_job() -> None:
    text = (
        "report: r\nendpoint: conversations/aggregates/jobs\nquery:\n"
        f"  interval: {DAY}\n  metrics: [nOffered]\n  pageSize: -5\n"
    )
    assert located(text) == ["6:13 AQL405"]


def test_limit_of_a_top_n_query_and_of_a_detail_job() -> None:
    top = (
        "report: r\nendpoint: conversations/aggregates\nquery:\n"
        f"  interval: {DAY}\n  metrics: [nOffered]\n  groupBy: [queueId]\n"
        "  queryType: topN\n  limit: 0\n"
    )
    assert located(top) == ["8:10 AQL405"]
    job = (
        "report: r\nendpoint: conversations/details/jobs\nquery:\n"
        f"  interval: {DAY}\n  limit: -10\n"
    )
    assert located(job) == ["5:10 AQL405"]
    assert "'limit' is -10: a cap of -10 results asks for nothing" in one(job, "AQL405").message


@pytest.mark.parametrize("value", ["1", "25", "100", '"25"', "25.0", "true", '"many"', "null"])
def test_positive_or_unreadable_counts_are_not_this_rule(value: str) -> None:
    text = (
        "report: r\nendpoint: conversations/details\nquery:\n"
        f"  interval: {DAY}\n  paging: {{pageSize: {value}, pageNumber: 1}}\n"
    )
    assert "AQL405" not in {d.code for d in lint(text)}

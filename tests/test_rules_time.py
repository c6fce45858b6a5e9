"""The time family (AQL1xx): interval, granularity, timeZone, windows and chunk."""

from __future__ import annotations

import string
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from aggqlint.api import isotime, timespans
from aggqlint.api.endpoints import all_endpoints
from aggqlint.checks import time as timing
from aggqlint.checks.context import RuleContext
from aggqlint.checks.engine import LintOptions, lint_text
from aggqlint.checks.metadata import all_rules
from aggqlint.config.policy import Policy
from aggqlint.diagnostics import Diagnostic, Finding

NOW = datetime(2024, 1, 1, tzinfo=UTC)
SEEDS = Path(__file__).parent / "corpus" / "seeds"
AGGREGATE = "report: r\nendpoint: conversations/aggregates\n"
DAY = "2023-10-01T00:00:00Z/2023-10-02T00:00:00Z"


def lint(text: str, now: datetime | None = NOW, **options: Any) -> list[Diagnostic]:
    return lint_text(text, "x.yaml", LintOptions(now=now, **options), Policy())


def where(text: str, code: str, **options: Any) -> list[tuple[int | None, int | None]]:
    """The line:column of every diagnostic with this code."""
    return [(d.location.line, d.location.column) for d in lint(text, **options) if d.code == code]


def one(text: str, code: str, **options: Any) -> Diagnostic:
    [found] = [d for d in lint(text, **options) if d.code == code]
    return found


def query(*lines: str, envelope: str = "") -> str:
    """A conversations/aggregates report definition whose query holds these lines."""
    body = "".join(f"  {line}\n" for line in lines)
    return AGGREGATE + envelope + "query:\n" + body


def interval(value: str, *more: str, envelope: str = "") -> str:
    return query(f"interval: {value}", "metrics: [nOffered]", *more, envelope=envelope)


# --- AQL101 interval-is-duration -----------------------------------------------------------


def test_a_duration_in_interval_moves_to_granularity() -> None:
    found = one(interval("P1D"), "AQL101")
    assert (found.location.line, found.location.column) == (4, 13)
    assert "put P1D in 'granularity'" in found.message
    assert found.suggestion == "granularity: P1D"


def test_a_duration_in_interval_beside_a_granularity_is_not_moved_twice() -> None:
    found = one(interval("PT1H", "granularity: PT1H"), "AQL101")
    assert "already in 'granularity'" in found.message
    assert found.suggestion is None


def test_a_duration_in_a_detail_interval_does_not_mention_granularity() -> None:
    text = "report: r\nendpoint: conversations/details\nquery:\n  interval: P1D\n"
    found = one(text, "AQL101")
    assert "granularity" not in found.message
    assert found.suggestion is None


def test_a_duration_in_windows_means_chunk() -> None:
    text = interval(DAY, envelope=f"windows:\n  - {DAY}\n  - P1D\n")
    found = one(text, "AQL101")
    assert (found.location.line, found.location.column) == (5, 5)
    assert found.location.pointer == "/windows/1"
    assert found.suggestion == "chunk: P1D"


def test_a_real_interval_is_not_a_duration() -> None:
    assert where(interval(DAY), "AQL101") == []


def test_a_bare_body_locates_the_interval() -> None:
    text = "interval: PT1H\nmetrics: [nOffered]\n"
    assert where(text, "AQL101", endpoint="conversations/aggregates") == [(1, 11)]


# --- AQL102 interval-is-word ---------------------------------------------------------------


def test_a_bucket_word_in_interval_becomes_its_duration() -> None:
    found = one(interval("hour"), "AQL102")
    assert (found.location.line, found.location.column) == (4, 13)
    assert found.suggestion == "granularity: PT1H"


def test_a_word_that_is_no_bucket_size_has_no_granularity_fix() -> None:
    found = one(interval("custom"), "AQL102")
    assert "'custom'" in found.message
    assert found.suggestion is None


def test_a_word_in_windows() -> None:
    text = interval(DAY, envelope="windows: [daily]\n")
    found = one(text, "AQL102")
    assert (found.location.line, found.location.column) == (3, 11)
    assert found.suggestion == "chunk: P1D"


def test_timestamps_are_not_words() -> None:
    assert where(interval(DAY), "AQL102") == []


# --- AQL103 malformed-interval -------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "says"),
    [
        ("2023-10-01T00:00:00Z", "single timestamp"),
        ("2023-13-01T00:00:00Z/2023-10-02T00:00:00Z", "month must be in 1..12"),
        ("R5/2023-10-01T00:00:00Z/PT1H", "repeating"),
        ("P1D/PT1H", "duration on both sides"),
        ("2023-10-01 00:00:00Z/2023-10-02T00:00:00Z", "use 'T'"),
    ],
)
def test_malformed_intervals_say_what_is_wrong(value: str, says: str) -> None:
    found = one(interval(f"'{value}'"), "AQL103")
    assert (found.location.line, found.location.column) == (4, 13)
    assert says in found.message


def test_a_malformed_window_is_located() -> None:
    text = interval(DAY, envelope=f"windows:\n  - {DAY}\n  - 2023-10-01T08:00:00Z\n")
    assert where(text, "AQL103") == [(5, 5)]


def test_a_malformed_interval_with_invented_range_fields_gets_the_fragment() -> None:
    text = query(
        "interval: 2023-10-01T00:00:00Z",
        "dateFrom: '2023-10-01T00:00:00Z'",
        "dateTo: '2023-10-02T00:00:00Z'",
        "metrics: [nOffered]",
    )
    found = one(text, "AQL103")
    assert found.suggestion == f"interval: {DAY}"


def test_a_well_formed_interval_is_not_malformed() -> None:
    assert (
        where(interval("2023-10-01T00:00:00.000+02:00/2023-10-02T00:00:00.000+02:00"), "AQL103")
        == []
    )


# --- AQL104 interval-with-duration ---------------------------------------------------------


def test_start_and_duration_gets_both_ends() -> None:
    found = one(interval("2023-10-01T00:00:00Z/P1D"), "AQL104")
    assert (found.location.line, found.location.column) == (4, 13)
    assert found.suggestion == DAY


def test_duration_and_end_keeps_the_written_offset() -> None:
    found = one(interval("P1D/2023-10-02T00:00:00.000+02:00"), "AQL104")
    assert found.suggestion == "2023-10-01T00:00:00.000+02:00/2023-10-02T00:00:00.000+02:00"


def test_a_month_from_the_end_of_january_is_clamped() -> None:
    found = one(interval("2024-01-31T00:00:00Z/P1M"), "AQL104")
    assert found.suggestion == "2024-01-31T00:00:00Z/2024-02-29T00:00:00Z"


def test_start_and_end_is_the_canonical_form() -> None:
    assert where(interval(DAY), "AQL104") == []


# --- AQL105 timestamp-without-offset -------------------------------------------------------


def test_naive_timestamps_warn_with_z_added() -> None:
    found = one(interval("2023-10-01T00:00:00/2023-10-02T00:00:00"), "AQL105")
    assert (found.location.line, found.location.column) == (4, 13)
    assert found.suggestion == DAY
    assert "probably UTC" in found.message


def test_a_bare_date_gets_midnight() -> None:
    found = one(interval("2023-10-01T00:00:00Z/2023-10-02", "timeZone: Europe/Berlin"), "AQL105")
    assert found.suggestion == "2023-10-01T00:00:00Z/2023-10-02T00:00:00Z"
    assert "end 2023-10-02 has no UTC offset" in found.message
    assert "Europe/Berlin" in found.message


def test_offsets_and_z_are_explicit() -> None:
    text = interval("2023-10-01T00:00:00+02:00/2023-10-02T00:00:00-05:30")
    assert where(text, "AQL105") == []


# --- AQL106 interval-not-forward -----------------------------------------------------------


def test_a_reversed_interval_is_swapped() -> None:
    found = one(interval("2023-10-02T00:00:00Z/2023-10-01T00:00:00Z"), "AQL106")
    assert (found.location.line, found.location.column) == (4, 13)
    assert found.suggestion == DAY


def test_an_empty_interval_is_an_error() -> None:
    assert where(interval("2023-10-01T00:00:00Z/2023-10-01T02:00:00+02:00"), "AQL106") == [(4, 13)]


def test_a_reversed_window_is_an_error() -> None:
    text = interval(DAY, envelope="windows: ['2023-10-02T00:00:00Z/2023-10-01T00:00:00Z']\n")
    assert where(text, "AQL106") == [(3, 11)]


def test_a_forward_interval_is_fine() -> None:
    assert where(interval(DAY), "AQL106") == []


# --- AQL107 end-before-midnight ------------------------------------------------------------


@pytest.mark.parametrize(
    ("end", "fixed"),
    [
        ("2023-10-01T23:59:59.999Z", "2023-10-02T00:00:00.000Z"),
        ("2023-10-01T23:59:59Z", "2023-10-02T00:00:00Z"),
        ("2023-10-01T23:59:59.999+02:00", "2023-10-02T00:00:00.000+02:00"),
    ],
)
def test_an_end_at_the_last_moment_of_a_day_gets_the_next_midnight(end: str, fixed: str) -> None:
    found = one(interval(f"2023-10-01T00:00:00.000Z/{end}"), "AQL107")
    assert (found.location.line, found.location.column) == (4, 13)
    assert found.suggestion == f"2023-10-01T00:00:00.000Z/{fixed}"


@pytest.mark.parametrize(
    "end", ["2023-10-02T00:00:00Z", "2023-10-01T23:59:59.5Z", "2023-10-01T23:59:00Z"]
)
def test_other_ends_are_left_alone(end: str) -> None:
    assert where(interval(f"2023-10-01T00:00:00Z/{end}"), "AQL107") == []


def test_an_invented_end_field_gets_the_note_too() -> None:
    text = query(
        "interval: PT30M",
        "dateFrom: '2023-10-01T00:00:00.000Z'",
        "dateTo: '2023-10-01T23:59:59.999Z'",
        "metrics: [nOffered]",
    )
    found = one(text, "AQL107")
    assert (found.location.line, found.location.column) == (6, 11)
    assert found.suggestion == "2023-10-02T00:00:00.000Z"


def test_a_window_ending_at_the_last_second_is_noted() -> None:
    text = interval(DAY, envelope="windows: ['2023-10-01T00:00:00Z/2023-10-01T23:59:59Z']\n")
    assert where(text, "AQL107") == [(3, 11)]


# --- AQL108 window-in-future ---------------------------------------------------------------


def test_an_interval_ending_after_now_warns() -> None:
    found = one(interval("2023-12-31T00:00:00Z/2024-01-02T00:00:00Z"), "AQL108")
    assert (found.location.line, found.location.column) == (4, 13)
    assert "2024-01-01T00:00:00.000Z" in found.message


def test_now_defaults_to_the_clock() -> None:
    assert where(interval("2999-01-01T00:00:00Z/2999-01-02T00:00:00Z"), "AQL108", now=None) == [
        (4, 13)
    ]


def test_an_interval_ending_now_is_complete() -> None:
    assert where(interval("2023-12-31T00:00:00Z/2024-01-01T00:00:00Z"), "AQL108") == []


def test_a_future_window_warns_at_the_window() -> None:
    text = interval(
        DAY, envelope=f"windows:\n  - {DAY}\n  - 2024-01-01T00:00:00Z/2024-01-02T00:00:00Z\n"
    )
    assert where(text, "AQL108") == [(5, 5)]


# --- AQL110 invalid-granularity ------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "suggestion"),
    [("hour", "PT1H"), ("FIFTEEN_MINUTES", "PT15M"), ("1h", "PT1H"), ("PT1.5H", None)],
)
def test_granularity_must_be_a_duration(value: str, suggestion: str | None) -> None:
    found = one(interval(DAY, f"granularity: {value}"), "AQL110")
    assert (found.location.line, found.location.column) == (6, 16)
    assert found.suggestion == suggestion


def test_an_interval_in_granularity_says_where_it_goes() -> None:
    found = one(interval(DAY, f"granularity: {DAY}"), "AQL110")
    assert "the range goes in 'interval'" in found.message


def test_a_zero_granularity_is_an_error() -> None:
    assert where(interval(DAY, "granularity: PT0S"), "AQL110") == [(6, 16)]


@pytest.mark.parametrize("value", ["PT30M", "PT1H", "P1D", "P1DT12H", "pt1h"])
def test_durations_are_granularities(value: str) -> None:
    assert where(interval(DAY, f"granularity: {value}"), "AQL110") == []


def test_granularity_on_a_detail_query_is_the_schema_layers() -> None:
    text = "report: r\nendpoint: conversations/details\nquery:\n"
    text += f"  interval: {DAY}\n  granularity: hour\n"
    assert where(text, "AQL110") == []


# --- AQL111 granularity-longer-than-interval -----------------------------------------------


def test_a_week_of_granularity_over_one_day() -> None:
    found = one(interval(DAY, "granularity: P1W"), "AQL111")
    assert (found.location.line, found.location.column) == (6, 16)
    assert found.location.pointer == "/query/granularity"


def test_a_granularity_as_long_as_the_interval_is_one_whole_bucket() -> None:
    assert where(interval(DAY, "granularity: P1D"), "AQL111") == []


def test_a_month_bucket_over_february_in_a_leap_year() -> None:
    text = interval("2024-02-01T00:00:00Z/2024-03-01T00:00:00Z", "granularity: P1M")
    assert where(text, "AQL111") == []
    assert where(text, "AQL112") == []


# --- AQL112 uneven-granularity -------------------------------------------------------------


def test_a_granularity_that_leaves_a_short_last_bucket() -> None:
    found = one(interval(DAY, "granularity: PT7H"), "AQL112")
    assert (found.location.line, found.location.column) == (4, 13)
    assert "2023-10-01T21:00:00Z or 2023-10-02T04:00:00Z" in found.message


def test_a_day_of_25_hours_divides_into_one_day_in_its_zone() -> None:
    # 2023-10-29 is the day the UK leaves summer time: midnight to midnight is 25 hours.
    text = interval(
        "2023-10-29T00:00:00+01:00/2023-10-30T00:00:00Z",
        "granularity: P1D",
        "timeZone: Europe/London",
    )
    assert where(text, "AQL112") == []
    assert where(text, "AQL111") == []


def test_a_day_of_25_hours_does_not_divide_into_24_hour_buckets() -> None:
    text = interval(
        "2023-10-29T00:00:00+01:00/2023-10-30T00:00:00Z",
        "granularity: PT24H",
        "timeZone: Europe/London",
    )
    found = one(text, "AQL112")
    assert "Europe/London" in found.message


def test_an_uneven_window_is_located_at_the_window() -> None:
    text = interval(
        DAY,
        "granularity: PT3H",
        envelope="windows: ['2023-10-01T08:00:00Z/2023-10-01T12:00:00Z']\n",
    )
    assert where(text, "AQL112") == [(3, 11)]


@pytest.mark.parametrize("end", ["23:59:59.999Z", "23:59:59Z"])
def test_an_end_before_midnight_is_one_info_not_also_a_warning(end: str) -> None:
    # The last bucket is short by the moment AQL107 names (with its fix): one cause, one finding.
    text = interval(f"2023-10-01T00:00:00.000Z/2023-10-01T{end}", "granularity: PT1H")
    assert [(d.code, d.location.line, d.location.column) for d in lint(text)] == [("AQL107", 4, 13)]


def test_an_end_before_midnight_still_warns_when_midnight_is_uneven_too() -> None:
    text = interval("2023-10-01T00:00:00Z/2023-10-01T23:59:59Z", "granularity: PT7H")
    assert [d.code for d in lint(text)] == ["AQL107", "AQL112"]


def test_a_granularity_that_divides_evenly() -> None:
    assert where(interval(DAY, "granularity: PT30M"), "AQL112") == []


# --- AQL113 unknown-time-zone --------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "guess"),
    [
        ("Europe/Londn", "Europe/London"),
        ("europe/london", "Europe/London"),
        ("London", "Europe/London"),
        ("New York", "America/New_York"),
        ("PST", "America/Los_Angeles"),
        ("'+02:00'", None),
        ("Nowhere/Atall", None),
    ],
)
def test_time_zones_must_be_iana_names(value: str, guess: str | None) -> None:
    found = one(interval(DAY, f"timeZone: {value}"), "AQL113")
    assert (found.location.line, found.location.column) == (6, 13)
    assert found.suggestion == guess
    if guess:
        assert f"did you mean '{guess}'?" in found.message


@pytest.mark.parametrize(
    "value", ["UTC", "Etc/UTC", "Europe/London", "America/Argentina/Buenos_Aires"]
)
def test_real_zones_pass(value: str) -> None:
    assert where(interval(DAY, f"timeZone: {value}"), "AQL113") == []


# --- AQL120 invalid-chunk, AQL121 chunk-with-windows, AQL122 chunk-shorter-than-granularity


def test_a_chunk_must_be_a_duration() -> None:
    found = one(interval(DAY, envelope="chunk: 1 day\n"), "AQL120")
    assert (found.location.line, found.location.column) == (3, 8)
    assert found.suggestion == "P1D"


def test_a_zero_chunk_is_an_error() -> None:
    assert where(interval(DAY, envelope="chunk: PT0S\n"), "AQL120") == [(3, 8)]


def test_a_duration_is_a_chunk() -> None:
    assert where(interval(DAY, envelope="chunk: PT4H\n"), "AQL120") == []


def test_chunk_and_windows_together_warn() -> None:
    text = interval(DAY, envelope=f"windows: ['{DAY}']\nchunk: PT4H\n")
    assert where(text, "AQL121") == [(4, 8)]


def test_chunk_alone_is_fine() -> None:
    assert where(interval(DAY, envelope="chunk: PT4H\n"), "AQL121") == []


def test_a_chunk_shorter_than_a_bucket() -> None:
    found = one(interval(DAY, "granularity: P1D", envelope="chunk: PT4H\n"), "AQL122")
    assert (found.location.line, found.location.column) == (3, 8)
    assert found.suggestion == "P1D"


def test_a_chunk_of_whole_buckets() -> None:
    assert where(interval(DAY, "granularity: PT1H", envelope="chunk: PT4H\n"), "AQL122") == []


def test_a_month_chunk_can_be_shorter_than_a_31_day_bucket() -> None:
    text = interval(DAY, "granularity: P31D", envelope="chunk: P1M\n")
    assert where(text, "AQL122") == [(3, 8)]


# --- endpoints without the fields -----------------------------------------------------------


def test_observation_queries_have_no_time_fields_to_check() -> None:
    text = "report: r\nendpoint: queues/observations\nquery:\n  interval: P1D\n"
    text += "  filter: {type: and, predicates: [{dimension: queueId, value: q}]}\n"
    text += "  metrics: [oWaiting]\n"
    assert [d.code for d in lint(text) if d.code.startswith("AQL1")] == []


# --- the mistaken payloads (facts/examples, wrapped in tests/corpus/seeds) ------------------

SEED_FINDINGS = {
    "seed-000-answer-handle.yaml": [
        ("AQL102", 8, 13, "interval: 2023-01-01T00:00:00Z/2023-01-01T01:00:00Z")
    ],
    "seed-000-answer-hour.yaml": [
        ("AQL102", 6, 13, "interval: 2023-10-01T00:00:00Z/2023-10-02T00:00:00Z\ngranularity: PT1H")
    ],
    "seed-000-custom-intervals.yaml": [],
    "seed-001-duration-as-interval.yaml": [("AQL101", 6, 13, "granularity: P1D")],
    "seed-002-accepted-answer.yaml": [
        (
            "AQL101",
            6,
            13,
            "interval: 2023-10-27T10:00:00.000Z/2023-10-27T11:00:00.000Z\ngranularity: PT1H",
        )
    ],
    "seed-002-select-where.yaml": [
        (
            "AQL101",
            6,
            13,
            "interval: 2023-10-27T10:00:00.000Z/2023-10-27T11:00:00.000Z\ngranularity: PT1H",
        )
    ],
    "seed-003-agent-summary.yaml": [
        # right_way: granularity PT30M, interval 2023-10-01T00:00:00.000Z/2023-10-02T00:00:00.000Z
        (
            "AQL101",
            6,
            13,
            "interval: 2023-10-01T00:00:00.000Z/2023-10-02T00:00:00.000Z\ngranularity: PT30M",
        ),
        ("AQL107", 8, 11, "2023-10-02T00:00:00.000Z"),
    ],
    "seed-004-tutorial-daterange.yaml": [
        ("AQL107", 8, 9, "2023-10-02T00:00:00.000Z"),
        (
            "AQL101",
            9,
            13,
            "interval: 2023-10-01T00:00:00.000Z/2023-10-02T00:00:00.000Z\ngranularity: PT1H",
        ),
    ],
}


@pytest.mark.parametrize("name", sorted(SEED_FINDINGS))
def test_seed_payloads_get_their_time_diagnostics(name: str) -> None:
    text = (SEEDS / name).read_text(encoding="utf-8")
    found = [
        (d.code, d.location.line, d.location.column, d.suggestion)
        for d in lint(text)
        if d.code.startswith("AQL1")
    ]
    assert found == SEED_FINDINGS[name]


def test_the_seed_004_suggestion_is_its_right_way() -> None:
    import json

    import yaml

    facts = Path(__file__).parents[1] / "facts" / "examples" / "seed-004-tutorial-daterange.json"
    right = json.loads(facts.read_text(encoding="utf-8"))["right_way"]
    text = (SEEDS / "seed-004-tutorial-daterange.yaml").read_text(encoding="utf-8")
    [found] = [d for d in lint(text) if d.code == "AQL101"]
    assert found.suggestion is not None
    fixed = yaml.safe_load(found.suggestion)
    assert fixed == {"interval": right["interval"], "granularity": right["granularity"]}


# --- metadata ------------------------------------------------------------------------------


def test_every_time_code_is_declared() -> None:
    declared = {code for code, meta in all_rules().items() if meta.family == "time"}
    numbers = [101, 102, 103, 104, 105, 106, 107, 108, 110, 111, 112, 113, 120, 121, 122, 123, 124]
    assert declared == {f"AQL{n}" for n in numbers}


# --- properties ----------------------------------------------------------------------------

ZONES = ["UTC", "Europe/London", "America/New_York", "Australia/Lord_Howe", "Asia/Kolkata"]
GRANULARITIES = ["PT15M", "PT30M", "PT1H", "PT7H", "P1D", "P1DT12H", "P1W", "P1M", "PT24H"]
SPANS = [*GRANULARITIES, "P7D", "P31D", "P1Y", "PT4H"]
AGGREGATE_ENDPOINT = all_endpoints()["conversations/aggregates"]


def _findings(body: dict[str, Any], **context: Any) -> list[Finding]:
    context.setdefault("now", NOW)
    return list(timing.check(RuleContext(body, AGGREGATE_ENDPOINT, **context)))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    start=st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2030, 12, 31)),
    minutes=st.integers(min_value=1, max_value=60 * 24 * 70),
    granularity=st.sampled_from(GRANULARITIES),
    zone=st.sampled_from(ZONES),
)
def test_the_fit_warnings_fire_exactly_when_buckets_do_not_divide(
    start: datetime, minutes: int, granularity: str, zone: str
) -> None:
    tz = ZoneInfo(zone)
    begin = start.replace(tzinfo=tz, microsecond=0)
    end = begin.astimezone(UTC) + timedelta(minutes=minutes)  # elapsed, not wall-clock
    text = f"{isotime.format_instant(begin)}/{isotime.format_instant(end)}"
    body = {"interval": text, "granularity": granularity, "timeZone": zone, "metrics": ["nOffered"]}
    codes = [f.code for f in _findings(body, now=datetime(2100, 1, 1, tzinfo=UTC))]
    count, even = isotime.bucket_count(
        isotime.parse_instant(text.split("/")[0]).aware,
        end,
        isotime.parse_duration(granularity),
        tz,
    )
    # An end at 23:59:59 is AQL107's short bucket (tested on its own below), not this law's.
    assume("AQL107" not in codes)
    assert ("AQL112" in codes or "AQL111" in codes) == (not even)
    assert ("AQL111" in codes) == (not even and count == 1)
    assert not {"AQL101", "AQL102", "AQL103", "AQL105", "AQL106", "AQL110"} & set(codes)


TEXT = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=string.digits + "PTYMWDHS-:+./Z,R ", max_size=40),
    st.from_regex(
        r"[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9:.]{2,12})?(Z|[+-][0-9:]{2,5})?", fullmatch=True
    ),
)


@settings(max_examples=300, deadline=None)
@given(
    value=TEXT,
    other=TEXT,
    zone=st.one_of(st.sampled_from(ZONES), st.text(max_size=30)),
    endpoint=st.sampled_from(
        ["conversations/aggregates", "conversations/details", "users/details"]
    ),
)
def test_no_time_or_limit_rule_raises_on_arbitrary_text(
    value: str, other: str, zone: str, endpoint: str
) -> None:
    from aggqlint.checks import limits

    body: dict[str, Any] = {
        "interval": value,
        "granularity": other,
        "timeZone": zone,
        "metrics": ["nOffered"],
        "paging": {"pageSize": other, "pageNumber": value},
    }
    profile: dict[str, Any] = {"max-interval": "PT4H", "max-buckets": 8}
    for chunk in (None, other, "PT1H"):
        context = RuleContext(
            body,
            all_endpoints()[endpoint],
            windows=[value, other],
            chunk=chunk,
            limits=profile,
            now=NOW,
            in_envelope=True,
        )
        found = [*timing.check(context), *limits.check(context)]
        declared = all_rules()
        assert all(f.code in declared for f in found)


@given(
    a=st.sampled_from(SPANS),
    b=st.sampled_from(SPANS),
)
def test_can_exceed_agrees_with_fixed_lengths(a: str, b: str) -> None:
    first, second = isotime.parse_duration(a), isotime.parse_duration(b)
    assert not timespans.can_exceed(first, first)
    if not first.is_calendar and not second.is_calendar:
        assert timespans.can_exceed(first, second) == (
            first.nominal_seconds() > second.nominal_seconds()
        )
    if timespans.can_exceed(first, second):
        assert first.nominal_seconds() > second.nominal_seconds() - 3 * 86_400


@given(
    granularity=st.sampled_from(GRANULARITIES),
    k=st.integers(min_value=0, max_value=500),
    start=st.datetimes(min_value=datetime(2001, 1, 1), max_value=datetime(2030, 12, 31)),
    zone=st.sampled_from(ZONES),
)
def test_times_lands_on_the_same_boundary_as_stepping(
    granularity: str, k: int, start: datetime, zone: str
) -> None:
    size = isotime.parse_duration(granularity)
    tz = ZoneInfo(zone)
    begin = start.replace(tzinfo=UTC)
    boundary = isotime.add(begin, timespans.times(size, k), tz)
    count, even = isotime.bucket_count(begin, boundary, size, tz)
    assert even
    assert count == k or boundary == begin


# --- open-ended intervals (an end in year 9999) --------------------------------------------

OPEN_END = "2026-01-01T00:00:00Z/9999-12-31T23:59:59Z"


def codes_at(text: str) -> list[str]:
    return [f"{d.location.line}:{d.location.column} {d.code}" for d in lint(text)]


def test_an_open_ended_interval_warns_about_the_future_and_keeps_the_other_findings() -> None:
    text = interval(OPEN_END, "granularity: P1D", "timeZone: Europe/Lodnon")
    # No AQL112 either: whole buckets up to 9999 would be advice to end in 9999 again.
    assert codes_at(text) == ["4:13 AQL108", "7:13 AQL113"]
    future = one(text, "AQL108")
    assert "ends at 9999-12-31T23:59:59.000Z, after now" in future.message
    assert "an end in year 9999 does not make an open-ended interval (the API has none)" in (
        future.message
    )


def test_an_open_end_west_of_utc_is_past_year_9999_and_still_only_warns() -> None:
    text = interval("2026-01-01T00:00:00-05:00/9999-12-31T23:59:59-05:00", "granularity: P1M")
    assert codes_at(text) == ["4:13 AQL108"]
    assert "an end in year 9999" in one(text, "AQL108").message


def test_a_windowed_open_end_in_a_details_query_keeps_the_limits_findings() -> None:
    text = (
        "report: r\nendpoint: conversations/details\nquery:\n"
        f"  interval: {OPEN_END}\n  paging: {{pageSize: 25, pageNumber: 1}}\n"
    )
    assert codes_at(text) == ["4:13 AQL108", "4:13 AQL401"]


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00Z/9999-12-31T23:59:59Z",
        "0001-01-01T00:00:00Z/9999-12-31T23:59:59.999Z",
        "9999-12-31T00:00:00Z/9999-12-31T23:59:59Z",
        "2026-01-01T00:00:00Z/P999999Y",
        "2026-01-01T00:00:00Z/PT99999999999H",
        "P999999Y/2026-01-01T00:00:00Z",
        "0001-01-01T00:00:00+05:00/0001-01-02T00:00:00Z",
    ],
)
@pytest.mark.parametrize("granularity", ["P1D", "PT1H", "P1M", "P9999Y", "PT99999999999H"])
@pytest.mark.parametrize("zone", ["UTC", "America/Los_Angeles", "Pacific/Kiritimati"])
def test_intervals_at_the_ends_of_the_calendar_never_crash_a_family(
    value: str, granularity: str, zone: str
) -> None:
    text = interval(value, f"granularity: {granularity}", f"timeZone: {zone}", envelope="")
    assert "AQL009" not in {d.code for d in lint(text)}
    chunked = text + f"chunk: {granularity}\nwindows: [{value}]\n"
    assert "AQL009" not in {d.code for d in lint(chunked)}


# --- AQL123 nothing-to-split, AQL124 chunk-cannot-be-planned -------------------------------

OBSERVATION = (
    "report: r\nendpoint: users/observations\nquery:\n"
    "  filter: {type: or, predicates: [{dimension: userId, value: "
    "3b2a1c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d}]}\n"
    "  metrics: [oActiveQueues]\n"
)


def test_windows_and_chunk_on_a_query_without_an_interval() -> None:
    text = OBSERVATION + "windows: [2026-11-01T00:00:00Z/2026-11-02T00:00:00Z]\nchunk: PT1H\n"
    # Neither AQL121 nor AQL108 (a window in the future): there is nothing to cut or window.
    assert codes_at(text) == ["6:1 AQL123", "7:1 AQL123"]  # at the keys: the fix is to remove them
    windows, chunk = [d for d in lint(text) if d.code == "AQL123"]
    assert windows.message == (
        "'windows' sets each request's interval, but a users/observations query has no "
        "'interval' (it reports the current state), so there is nothing to window: remove "
        "'windows'"
    )
    assert chunk.message.startswith("'chunk' cuts the interval, but a users/observations query")


def test_chunk_on_an_activity_query() -> None:
    text = (
        "report: r\nendpoint: routing/activity\nquery:\n"
        "  metrics: [{metric: oWaiting}]\n  groupBy: [queueId]\nchunk: P1D\n"
    )
    assert "6:1 AQL123" in codes_at(text)


def test_a_daily_chunk_up_to_year_9999_is_refused_without_making_the_windows() -> None:
    text = interval(OPEN_END, envelope="chunk: P1D\n")
    [found] = [d for d in lint(text) if d.code == "AQL124"]
    assert (found.location.line, found.location.column) == (3, 8)
    assert found.message == (
        "'chunk' P1D cuts the interval into more than 100,000 requests, the most aggqlint plans "
        "for one definition; use a longer chunk or a shorter interval (an end in year 9999 is "
        "not open-ended to the API)"
    )


def test_chunks_near_the_cap_are_counted_exactly() -> None:
    # 95,688 months, but on a weekly grid each request holds 4 whole weeks: 103,906 requests.
    text = interval(OPEN_END, "granularity: P1W", envelope="chunk: P1M\n")
    assert "3:8 AQL124" in codes_at(text)
    monthly = interval(OPEN_END, "granularity: P1D", envelope="chunk: P1M\n")
    assert "AQL124" not in {d.code for d in lint(monthly)}


def test_a_chunk_cannot_cut_an_interval_at_year_1_west_of_utc() -> None:
    text = interval(
        "0001-01-01T00:00:00Z/0001-03-01T00:00:00Z",
        "timeZone: America/New_York",
        envelope="chunk: P1D\n",
    )
    [found] = [d for d in lint(text) if d.code == "AQL124"]
    assert (found.location.line, found.location.column) == (5, 13)
    assert "'interval' starts too close to year 1 for calendar arithmetic in America/New_York" in (
        found.message
    )

"""isotime at the edges of the calendar: years 1 and 9999, durations longer than datetime can
hold. Every function raises only what it documents, and split stays exact and bounded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aggqlint.api import isotime
from aggqlint.api.isotime import Duration, TooManyWindows, parse_duration

PROPERTY = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ZONES = [
    UTC,
    ZoneInfo("America/Los_Angeles"),
    ZoneInfo("Pacific/Kiritimati"),
    timezone(-timedelta(hours=23, minutes=59)),
]
EDGES = [
    datetime(1, 1, 1, tzinfo=UTC),
    datetime(1, 1, 2, tzinfo=UTC),
    datetime(2026, 1, 1, tzinfo=UTC),
    datetime(9999, 12, 30, tzinfo=UTC),
    datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
    datetime.max.replace(tzinfo=UTC),
]
HUGE = [
    "P999999Y",
    "PT99999999999H",
    "P99999999999999999999D",
    "PT999999999999999999999S",
    "P1D",
    "PT1H",
    "P1M",
    "PT0.000001S",
]

instants = st.sampled_from(EDGES) | st.datetimes(
    min_value=datetime(1, 1, 1), max_value=datetime(9999, 12, 31, 23, 59), timezones=st.just(UTC)
)
durations = st.sampled_from(HUGE).map(parse_duration) | st.builds(
    Duration,
    years=st.integers(0, 10**6),
    months=st.integers(0, 10**6),
    days=st.integers(0, 10**9),
    hours=st.integers(0, 10**12),
).filter(lambda d: not d.is_zero)  # a zero step is a documented ValueError


@PROPERTY
@given(instants, durations, st.sampled_from(ZONES))
def test_add_and_subtract_raise_only_overflow(
    start: datetime, duration: Duration, tz: object
) -> None:
    for operation in (isotime.add, isotime.subtract):
        try:
            result = operation(start, duration, tz)  # type: ignore[arg-type]
        except OverflowError:
            continue
        assert result.tzinfo is not None


@PROPERTY
@given(instants, instants, durations, st.sampled_from(ZONES))
def test_bucket_count_raises_only_what_it_documents(
    a: datetime, b: datetime, size: Duration, tz: object
) -> None:
    start, end = min(a, b), max(a, b)
    try:
        count, _ = isotime.bucket_count(start, end, size, tz, cap=10**6)  # type: ignore[arg-type]
    except OverflowError:
        return
    assert 0 <= count <= 10**6 + 1


@PROPERTY
@given(instants, instants, durations, st.sampled_from(ZONES))
def test_split_is_exact_and_bounded_or_refuses(
    a: datetime, b: datetime, chunk: Duration, tz: object
) -> None:
    start, end = min(a, b), max(a, b)
    try:
        bound = isotime.least_windows(start, end, chunk, tz, cap=1000)  # type: ignore[arg-type]
        windows = isotime.split(start, end, chunk, tz, limit=1000)  # type: ignore[arg-type]
    except TooManyWindows:
        return
    except OverflowError:
        return
    assert bound <= len(windows) <= 1000
    if windows:
        assert windows[0][0] == start and windows[-1][1] == end
        assert all(x[1] == y[0] for x, y in pairwise(windows))


def test_a_chunk_longer_than_datetime_can_hold_is_one_window() -> None:
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(2026, 2, 1, tzinfo=UTC)
    assert isotime.split(start, end, parse_duration("PT99999999999H"), UTC) == [(start, end)]


def test_hourly_windows_up_to_the_last_second_of_9999() -> None:
    start, end = (
        datetime(9999, 12, 31, 20, tzinfo=UTC),
        datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC),
    )
    windows = isotime.split(start, end, parse_duration("PT1H"), UTC)
    assert [w[1].hour for w in windows] == [21, 22, 23, 23]
    assert windows[-1] == (datetime(9999, 12, 31, 23, tzinfo=UTC), end)


@pytest.mark.parametrize("align", [None, "P1D", "PT1H"])
def test_eight_thousand_years_of_days_is_refused_before_any_window(align: str | None) -> None:
    start, end = datetime(2026, 1, 1, tzinfo=UTC), datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC)
    grid = parse_duration(align) if align else None
    with pytest.raises(TooManyWindows, match="more than 100,000 windows"):
        isotime.split(
            start, end, parse_duration("P1D"), ZoneInfo("Europe/London"), grid, limit=100_000
        )


@pytest.mark.parametrize(
    "text",
    [
        "2026-01-01T00:00:00Z/P999999Y",
        "P999999Y/2026-01-01T00:00:00Z",
        "9999-12-31T00:00:00Z/PT99999999999H",
        "0001-01-01T00:00:00Z/P1D",
    ],
)
def test_intervals_whose_duration_leaves_the_calendar(text: str) -> None:
    if text.startswith("0001"):  # fits: one day after the first instant
        assert (
            str(isotime.parse_interval(text)) == "0001-01-01T00:00:00.000Z/0001-01-02T00:00:00.000Z"
        )
        return
    with pytest.raises(isotime.IntervalError, match="out of the supported years") as raised:
        isotime.parse_interval(text)
    assert raised.value.kind == "malformed"

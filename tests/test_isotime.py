"""aggqlint.api.isotime: ISO 8601 durations, instants, intervals, zone-aware bucket arithmetic."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from aggqlint.api.isotime import (
    Duration,
    Instant,
    Interval,
    IntervalError,
    add,
    bucket_count,
    format_instant,
    is_valid_timezone,
    load_timezone,
    parse_duration,
    parse_instant,
    parse_interval,
    split,
    subtract,
)

LONDON = ZoneInfo("Europe/London")
NEW_YORK = ZoneInfo("America/New_York")
SYDNEY = ZoneInfo("Australia/Sydney")
ZUTC = ZoneInfo("UTC")
ZONES = [LONDON, NEW_YORK, SYDNEY, ZUTC]

PROPERTY = settings(max_examples=200, deadline=None)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


def d(text: str) -> Duration:
    return parse_duration(text)


def times(dur: Duration, k: int) -> Duration:
    return Duration(
        dur.years * k,
        dur.months * k,
        dur.weeks * k,
        dur.days * k,
        dur.hours * k,
        dur.minutes * k,
        dur.seconds * k,
    )


# ------------------------------------------------------------------------------------------
# Durations
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "canonical"),
    [
        ("P1D", Duration(days=1), "P1D"),
        ("PT30M", Duration(minutes=30), "PT30M"),
        ("PT1H", Duration(hours=1), "PT1H"),
        ("P1W", Duration(weeks=1), "P1W"),
        ("P1M", Duration(months=1), "P1M"),
        ("P1DT12H", Duration(days=1, hours=12), "P1DT12H"),
        ("P1W2D", Duration(weeks=1, days=2), "P1W2D"),
        ("P1Y2M3W4DT5H6M7S", Duration(1, 2, 3, 4, 5, 6, Decimal(7)), "P1Y2M3W4DT5H6M7S"),
        ("PT0.5S", Duration(seconds=Decimal("0.5")), "PT0.5S"),
        ("PT1,25S", Duration(seconds=Decimal("1.25")), "PT1.25S"),
        ("PT0.000000001S", Duration(seconds=Decimal("1e-9")), "PT0.000000001S"),
        ("PT10.500S", Duration(seconds=Decimal("10.5")), "PT10.5S"),
        ("p1dt2h", Duration(days=1, hours=2), "P1DT2H"),
        ("P01D", Duration(days=1), "P1D"),
        ("PT36H", Duration(hours=36), "PT36H"),
        ("P0D", Duration(), "PT0S"),
        ("PT0S", Duration(), "PT0S"),
    ],
)
def test_parse_duration_accepts(text: str, expected: Duration, canonical: str) -> None:
    parsed = parse_duration(text)
    assert parsed == expected
    assert str(parsed) == canonical


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("P", "no components"),
        ("PT", "'T' must be followed"),
        ("P1DT", "'T' must be followed"),
        ("-P1D", "negative"),
        ("P-1D", "negative"),
        ("+P1D", "signed"),
        ("1D", "must start with 'P'"),
        ("hour", "must start with 'P'"),
        ("P1H", "must come after 'T'"),
        ("PT1D", "must come before 'T'"),
        ("P1D1D", "once each"),
        ("P1D1M", "once each"),
        ("PT1S1M", "once each"),
        ("PT1.5H", "only seconds may have a fraction"),
        ("P0.5D", "only seconds may have a fraction"),
        ("PT0.1234567891S", "at most 9 digits"),
        ("P1", "no unit"),
        ("PT.5S", "no unit"),
        ("P1X", "unknown unit"),
        ("P 1D", "unexpected ' '"),
        ("P1D ", "unexpected ' '"),
        ("PT1\u017f", "unexpected"),  # long s: its upper case is 'S'
        ("P\uff11D", "unexpected"),  # full-width digit
    ],
)
def test_parse_duration_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_duration(text)


def test_parse_duration_rejects_non_strings() -> None:
    with pytest.raises(ValueError, match="string"):
        parse_duration(None)  # type: ignore[arg-type]


def test_duration_properties() -> None:
    assert d("P1M").is_calendar and d("P1Y").is_calendar
    assert not d("P1W").is_calendar and not d("P1DT12H").is_calendar
    assert d("P1D").has_date_part and d("P1W").has_date_part and d("P1M").has_date_part
    assert not d("PT36H").has_date_part
    assert d("PT0S").is_zero and d("P0D").is_zero and not d("PT0.1S").is_zero
    assert d("PT30M").nominal_seconds() == 1800
    assert d("P1DT12H").nominal_seconds() == 36 * 3600
    assert d("P1W").nominal_seconds() == 7 * 86400
    assert d("P1M").nominal_seconds() == 30 * 86400
    assert d("P1Y").nominal_seconds() == 365 * 86400
    assert d("PT0.5S").nominal_seconds() == 0.5
    assert d("P1W") != d("P7D")  # field-wise equality
    assert hash(d("PT0.50S")) == hash(d("PT0.5S"))


def test_duration_validates_fields() -> None:
    assert Duration(seconds=3).seconds == Decimal(3)  # type: ignore[arg-type]
    with pytest.raises(ValueError):
        Duration(days=-1)
    with pytest.raises(ValueError):
        Duration(seconds=Decimal("-0.5"))
    with pytest.raises(ValueError):
        Duration(seconds=Decimal("NaN"))
    with pytest.raises(TypeError):
        Duration(seconds=0.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Duration(days=True)
    with pytest.raises(TypeError):
        Duration(hours=1.5)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------------------
# Instants
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected", "has_offset", "has_time"),
    [
        ("2026-11-01T00:00:00.000Z", utc(2026, 11, 1), True, True),
        ("2026-11-01T00:00:00Z", utc(2026, 11, 1), True, True),
        ("2026-11-01t00:00:00z", utc(2026, 11, 1), True, True),
        ("2026-11-01T00:00Z", utc(2026, 11, 1), True, True),
        ("2026-11-01T00:00:00+00:00", utc(2026, 11, 1), True, True),
        ("2026-11-01T00:00:00-00:00", utc(2026, 11, 1), True, True),
        ("2026-11-01T01:00:00+01:00", utc(2026, 11, 1), True, True),
        ("2026-11-01T01:00:00+0100", utc(2026, 11, 1), True, True),
        ("2026-11-01T01:00:00+01", utc(2026, 11, 1), True, True),
        ("2026-10-31T19:00:00-05:00", utc(2026, 11, 1), True, True),
        ("2026-11-01T05:30:00+05:30", utc(2026, 11, 1), True, True),
        ("2026-11-01T00:00:00.5Z", utc(2026, 11, 1, 0, 0, 0, 500000), True, True),
        ("2026-11-01T00:00:00,25Z", utc(2026, 11, 1, 0, 0, 0, 250000), True, True),
        ("2026-11-01T00:00:00.123456789Z", utc(2026, 11, 1, 0, 0, 0, 123456), True, True),
        ("2023-10-01T23:59:59.999", datetime(2023, 10, 1, 23, 59, 59, 999000), False, True),
        ("2023-10-01T00:00:00", datetime(2023, 10, 1), False, True),
        ("2026-11-01", datetime(2026, 11, 1), False, False),
        ("2024-02-29T12:00:00Z", utc(2024, 2, 29, 12), True, True),
    ],
)
def test_parse_instant_accepts(
    text: str, expected: datetime, has_offset: bool, has_time: bool
) -> None:
    instant = parse_instant(text)
    assert instant.value == expected
    assert (instant.value.tzinfo is not None) == has_offset
    assert instant.has_offset is has_offset
    assert instant.has_time is has_time
    assert instant.aware.tzinfo is not None


def test_parse_instant_keeps_the_written_offset() -> None:
    instant = parse_instant("2026-11-01T01:00:00-04:00")
    assert instant.value.utcoffset() == timedelta(hours=-4)
    assert instant.value.hour == 1


def test_naive_instant_reads_as_utc() -> None:
    assert parse_instant("2023-10-01T00:00:00").aware == utc(2023, 10, 1)
    assert Instant(datetime(2023, 10, 1), has_offset=False).aware == utc(2023, 10, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-11-01 00:00:00Z", "use 'T'"),
        (" 2026-11-01T00:00:00Z", "whitespace"),
        ("2026-11-01T00:00:00Z ", "whitespace"),
        ("20261101T000000Z", "not a timestamp"),
        ("2026-W44-7", "not a timestamp"),
        ("2026-305", "not a timestamp"),
        ("2026-11-01T00", "not a timestamp"),
        ("2026-11-01Z", "not a timestamp"),
        ("2026/11/01", "not a timestamp"),
        ("11/01/2026", "not a timestamp"),
        ("2026-11-01T00:00:00.1234567891Z", "9 fractional digits"),
        ("2026-11-01T00:00:00.Z", "not a timestamp"),
        ("2026-11-01T00:00:00+05:", "not a timestamp"),
        ("2026-11-01T00:00:00+05:00:00", "not a timestamp"),
        ("2026-11-01T00:00:00+24:00", "out of range"),
        ("2026-11-01T00:00:00+05:60", "out of range"),
        ("2026-13-01T00:00:00Z", "month must be in 1..12"),
        ("2023-02-29T00:00:00Z", "day is out of range"),
        ("2026-11-01T24:00:00Z", "hour must be in 0..23"),
        ("2026-11-01T23:59:60Z", "second must be in 0..59"),
        ("0000-01-01T00:00:00Z", "year 0 is out of range"),
        ("２０２６-11-01T00:00:00Z", "not a timestamp"),  # full-width digits
        ("", "not a timestamp"),
    ],
)
def test_parse_instant_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_instant(text)


# ------------------------------------------------------------------------------------------
# Intervals
# ------------------------------------------------------------------------------------------


def test_interval_start_end() -> None:
    iv = parse_interval("2026-11-01T00:00:00.000Z/2026-11-02T00:00:00.000Z")
    assert iv == Interval(utc(2026, 11, 1), utc(2026, 11, 2), "start/end")
    assert iv.form == "start/end"
    assert iv.duration is None
    assert iv.naive_parts == () and iv.date_only_parts == ()
    assert iv.elapsed == timedelta(days=1)
    assert str(iv) == "2026-11-01T00:00:00.000Z/2026-11-02T00:00:00.000Z"


def test_interval_with_offsets_keeps_them() -> None:
    iv = parse_interval("2026-11-01T00:00:00-04:00/2026-11-02T00:00:00-05:00")
    assert iv.start.utcoffset() == timedelta(hours=-4)
    assert iv.end.utcoffset() == timedelta(hours=-5)
    assert iv.elapsed == timedelta(hours=25)
    assert str(iv) == "2026-11-01T00:00:00.000-04:00/2026-11-02T00:00:00.000-05:00"


def test_interval_naive_parts_are_flagged_and_read_as_utc() -> None:
    iv = parse_interval("2023-10-01T00:00:00/2023-10-01T23:59:59.999")
    assert iv.naive_parts == ("start", "end")
    assert iv.start == utc(2023, 10, 1)
    assert iv.end == utc(2023, 10, 1, 23, 59, 59, 999000)
    assert iv.end.tzinfo is not None
    mixed = parse_interval("2023-10-01T00:00:00Z/2023-10-02T00:00:00")
    assert mixed.naive_parts == ("end",)


def test_interval_date_only_parts() -> None:
    iv = parse_interval("2023-10-01/2023-10-02")
    assert iv.start == utc(2023, 10, 1) and iv.end == utc(2023, 10, 2)
    assert iv.date_only_parts == ("start", "end")
    assert iv.naive_parts == ("start", "end")


def test_interval_start_duration() -> None:
    iv = parse_interval("2023-10-01T00:00:00Z/P1D")
    assert iv.form == "start/duration"
    assert iv.duration == Duration(days=1)
    assert (iv.start, iv.end) == (utc(2023, 10, 1), utc(2023, 10, 2))
    assert iv.naive_parts == ()
    lower = parse_interval("2023-10-01T00:00:00Z/p1m")
    assert lower.end == utc(2023, 11, 1)


def test_interval_duration_end() -> None:
    iv = parse_interval("P1D/2023-10-02T00:00:00Z")
    assert iv.form == "duration/end"
    assert iv.duration == Duration(days=1)
    assert (iv.start, iv.end) == (utc(2023, 10, 1), utc(2023, 10, 2))


def test_interval_duration_side_uses_the_given_zone() -> None:
    # 2026-11-01 is the US fall-back day: one local day is 25 hours.
    text = "2026-11-01T04:00:00Z/P1D"
    assert parse_interval(text).elapsed == timedelta(hours=24)
    assert parse_interval(text, NEW_YORK).elapsed == timedelta(hours=25)
    back = parse_interval("P1D/2026-11-02T05:00:00Z", NEW_YORK)
    assert back.start == utc(2026, 11, 1, 4)


def test_interval_does_not_judge_order() -> None:
    iv = parse_interval("2023-10-02T00:00:00Z/2023-10-01T00:00:00Z")
    assert iv.elapsed == timedelta(days=-1)


@pytest.mark.parametrize(
    ("text", "kind", "part", "message"),
    [
        ("P1D", "duration-only", None, "is a duration"),
        ("PT1H", "duration-only", None, "granularity"),
        ("PT30M", "duration-only", None, "is a duration"),
        ("p1w", "duration-only", None, "is a duration"),
        ("hour", "word", None, "is a word"),
        ("custom", "word", None, "is a word"),
        ("day", "word", None, "is a word"),
        ("last_week", "word", None, "is a word"),
        ("this month", "word", None, "is a word"),
        ("2023-10-01T00:00:00Z", "instant-only", None, "single timestamp"),
        ("2023-10-01", "instant-only", None, "single timestamp"),
        ("P1D/PT1H", "duration/duration", None, "both sides"),
        ("R5/2023-10-01T00:00:00Z/P1D", "malformed", None, "repeating"),
        ("R/2023-10-01T00:00:00Z/PT1H", "malformed", None, "repeating"),
        ("", "malformed", None, "empty"),
        ("   ", "malformed", None, "empty"),
        ("P", "malformed", None, "no components"),
        ("PT", "malformed", None, "'T' must be followed"),
        ("P1DT", "malformed", None, "'T' must be followed"),
        ("-P1D", "malformed", None, "negative"),
        ("last 7 days", "malformed", None, "not a timestamp"),
        ("2023-10-01T00:00:00Z/2023-10-02T00:00:00Z/P1D", "malformed", None, "2 '/'"),
        ("/", "malformed", "start", "start is empty"),
        ("2023-10-01T00:00:00Z/", "malformed", "end", "end is empty"),
        ("yesterday/today", "malformed", "start", "not a timestamp"),
        ("2023-10-01 00:00:00Z/2023-10-02T00:00:00Z", "malformed", "start", "use 'T'"),
        ("2023-10-01T00:00:00Z/2023-10-32T00:00:00Z", "malformed", "end", "day is out of range"),
        ("2023-10-01T00:00:00Z /2023-10-02T00:00:00Z", "malformed", "start", "whitespace"),
        ("2023-10-01T00:00:00Z/P1H", "malformed", "end", "after 'T'"),
        ("P-1D/2023-10-01T00:00:00Z", "malformed", "start", "negative"),
        ("-P1D/2023-10-01T00:00:00Z", "malformed", "start", "negative"),
        ("2023-10-01T00:00:00Z/P9000Y", "malformed", None, "supported years"),
    ],
)
def test_interval_errors(text: str, kind: str, part: str | None, message: str) -> None:
    with pytest.raises(IntervalError, match=message) as info:
        parse_interval(text)
    assert info.value.kind == kind
    assert info.value.part == part
    assert isinstance(info.value, ValueError)
    assert str(info.value) == info.value.message


def test_duration_only_error_carries_the_duration() -> None:
    with pytest.raises(IntervalError) as info:
        parse_interval("P1DT12H")
    assert info.value.duration == Duration(days=1, hours=12)


def test_interval_error_pickles() -> None:
    with pytest.raises(IntervalError) as info:
        parse_interval("P1D")
    copy = pickle.loads(pickle.dumps(info.value))
    assert (copy.kind, copy.part, copy.duration, str(copy)) == (
        "duration-only",
        None,
        Duration(days=1),
        str(info.value),
    )


def test_interval_rejects_non_strings() -> None:
    with pytest.raises(IntervalError) as info:
        parse_interval(42)  # type: ignore[arg-type]
    assert info.value.kind == "malformed"


# ------------------------------------------------------------------------------------------
# add / subtract
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        (utc(2026, 1, 31), "P1M", utc(2026, 2, 28)),
        (utc(2024, 1, 31), "P1M", utc(2024, 2, 29)),
        (utc(2026, 3, 31), "P1M", utc(2026, 4, 30)),
        (utc(2026, 1, 31), "P2M", utc(2026, 3, 31)),
        (utc(2024, 2, 29), "P1Y", utc(2025, 2, 28)),
        (utc(2024, 2, 29), "P4Y", utc(2028, 2, 29)),
        (utc(2024, 2, 29), "P1Y1M", utc(2025, 3, 29)),  # years+months as one month count
        (utc(2026, 12, 15), "P1M", utc(2027, 1, 15)),
        (utc(2026, 1, 31), "P1M1D", utc(2026, 3, 1)),  # months, then days
        (utc(2026, 1, 1), "P1W", utc(2026, 1, 8)),
        (utc(2026, 1, 1), "P1DT12H", utc(2026, 1, 2, 12)),
        (utc(2026, 1, 1), "PT0.5S", utc(2026, 1, 1, 0, 0, 0, 500000)),
        (utc(2026, 1, 1), "PT0.0000009S", utc(2026, 1, 1)),  # below datetime resolution
    ],
)
def test_add_calendar_in_utc(start: datetime, duration: str, expected: datetime) -> None:
    assert add(start, d(duration), UTC) == expected


def test_add_days_across_dst_keeps_wall_clock() -> None:
    # London springs forward on 2026-03-29 and falls back on 2026-10-25.
    spring = datetime(2026, 3, 28, 12, tzinfo=LONDON)
    after = add(spring, d("P1D"), LONDON)
    assert (after.hour, after.day) == (12, 29)
    assert after - spring == timedelta(hours=23)  # fixed-offset result: a true subtraction
    assert after.utcoffset() == timedelta(hours=1)
    fall = datetime(2026, 10, 24, 12, tzinfo=LONDON)
    assert add(fall, d("P1D"), LONDON).astimezone(UTC) - fall.astimezone(UTC) == timedelta(hours=25)
    # PT24H is elapsed time, not a local day.
    assert add(spring, d("PT24H"), LONDON).hour == 13
    assert add(spring, d("P1W"), LONDON).hour == 12


def test_add_result_shows_the_zone_with_a_fixed_offset() -> None:
    result = add(utc(2026, 7, 1), d("P1D"), NEW_YORK)
    assert result == utc(2026, 7, 2)
    assert (result.day, result.hour) == (1, 20)
    assert result.tzinfo == timezone(timedelta(hours=-4))
    assert add(utc(2026, 1, 1), d("P1D"), LONDON).tzinfo is UTC
    # An ambiguous local time still compares equal to the same instant elsewhere.
    assert add(utc(2026, 10, 31, 5, 30), d("P1D"), NEW_YORK) == utc(2026, 11, 1, 5, 30)


def test_add_naive_is_read_as_utc() -> None:
    assert add(datetime(2026, 1, 1), d("P1D"), UTC) == utc(2026, 1, 2)
    assert add(datetime(2026, 1, 1), d("PT1H"), NEW_YORK) == utc(2026, 1, 1, 1)


def test_add_into_a_gap_moves_forward() -> None:
    # New York springs forward at 02:00 on 2026-03-08: 02:30 does not exist.
    before = datetime(2026, 3, 7, 2, 30, tzinfo=NEW_YORK)
    after = add(before, d("P1D"), NEW_YORK)
    assert (after.day, after.hour, after.minute) == (8, 3, 30)
    assert after.utcoffset() == timedelta(hours=-4)


def test_add_into_an_overlap_keeps_the_offset_when_possible() -> None:
    # New York falls back at 02:00 on 2026-11-01: 01:30 happens twice.
    summer = datetime(2026, 10, 31, 1, 30, tzinfo=NEW_YORK)  # EDT
    first = add(summer, d("P1D"), NEW_YORK)
    assert first.utcoffset() == timedelta(hours=-4)
    assert first.astimezone(UTC) == utc(2026, 11, 1, 5, 30)
    winter = datetime(2026, 11, 2, 1, 30, tzinfo=NEW_YORK)  # EST
    second = subtract(winter, d("P1D"), NEW_YORK)
    assert second.utcoffset() == timedelta(hours=-5)
    assert second.astimezone(UTC) == utc(2026, 11, 1, 6, 30)
    # From a zone-less start the earlier offset is used (java.time's default).
    assert add(utc(2026, 10, 31, 5, 30), d("P1D"), NEW_YORK) == utc(2026, 11, 1, 5, 30)


def test_subtract() -> None:
    assert subtract(utc(2026, 3, 31), d("P1M"), UTC) == utc(2026, 2, 28)
    assert subtract(utc(2026, 1, 1), d("PT1H"), UTC) == utc(2025, 12, 31, 23)
    assert subtract(utc(2026, 1, 2, 12), d("P1DT12H"), UTC) == utc(2026, 1, 1)


def test_add_out_of_range_raises_overflow() -> None:
    with pytest.raises(OverflowError):
        add(utc(9999, 12, 1), d("P1M"), UTC)
    with pytest.raises(OverflowError):
        add(utc(9999, 12, 31), d("P1D"), UTC)
    with pytest.raises(OverflowError):
        subtract(utc(1, 1, 1), d("PT1S"), UTC)
    with pytest.raises(OverflowError):
        add(utc(2026, 1, 1), d("P99999999999D"), UTC)


# ------------------------------------------------------------------------------------------
# bucket_count
# ------------------------------------------------------------------------------------------


def test_bucket_count_examples() -> None:
    day = (utc(2026, 11, 1), utc(2026, 11, 2))
    assert bucket_count(*day, d("PT1H"), UTC) == (24, True)
    assert bucket_count(*day, d("PT30M"), UTC) == (48, True)
    assert bucket_count(*day, d("PT7H"), UTC) == (4, False)
    assert bucket_count(*day, d("P1D"), UTC) == (1, True)
    assert bucket_count(*day, d("P1W"), UTC) == (1, False)
    assert bucket_count(*day, d("P1DT12H"), UTC) == (1, False)
    year = (utc(2026, 1, 1), utc(2027, 1, 1))
    assert bucket_count(*year, d("P1M"), UTC) == (12, True)
    assert bucket_count(*year, d("P1W"), UTC) == (53, False)
    assert bucket_count(*year, d("P1D"), UTC) == (365, True)
    assert bucket_count(*year, d("P1Y"), UTC) == (1, True)
    assert bucket_count(utc(2026, 1, 31), utc(2026, 4, 30), d("P1M"), UTC) == (3, True)


def test_bucket_count_follows_the_zone_across_dst() -> None:
    # Local midnight to local midnight on the US fall-back day: 25 hours, one P1D bucket.
    start = datetime(2026, 11, 1, tzinfo=NEW_YORK)
    end = datetime(2026, 11, 2, tzinfo=NEW_YORK)
    assert bucket_count(start, end, d("P1D"), NEW_YORK) == (1, True)
    assert bucket_count(start, end, d("PT1H"), NEW_YORK) == (25, True)
    # The same interval counted in UTC days is not whole.
    assert bucket_count(start, end, d("P1D"), UTC) == (2, False)
    # Spring forward: 23 hours.
    spring = (datetime(2026, 3, 8, tzinfo=NEW_YORK), datetime(2026, 3, 9, tzinfo=NEW_YORK))
    assert bucket_count(*spring, d("PT1H"), NEW_YORK) == (23, True)
    assert bucket_count(*spring, d("P1D"), NEW_YORK) == (1, True)
    # A month of local days in a DST zone.
    october = (datetime(2026, 10, 1, tzinfo=LONDON), datetime(2026, 11, 1, tzinfo=LONDON))
    assert bucket_count(*october, d("P1D"), LONDON) == (31, True)
    assert bucket_count(*october, d("P1M"), LONDON) == (1, True)
    assert bucket_count(*october, d("PT1H"), LONDON) == (31 * 24 + 1, True)


def test_bucket_count_edges_and_errors() -> None:
    assert bucket_count(utc(2026, 1, 1), utc(2026, 1, 1), d("PT1H"), UTC) == (0, True)
    assert bucket_count(datetime(2026, 1, 1), utc(2026, 1, 2), d("PT1H"), UTC) == (24, True)
    with pytest.raises(ValueError, match="before start"):
        bucket_count(utc(2026, 1, 2), utc(2026, 1, 1), d("PT1H"), UTC)
    with pytest.raises(ValueError, match="zero"):
        bucket_count(utc(2026, 1, 1), utc(2026, 1, 2), d("PT0S"), UTC)
    with pytest.raises(ValueError, match="microsecond"):
        bucket_count(utc(2026, 1, 1), utc(2026, 1, 2), d("PT0.0000001S"), UTC)
    with pytest.raises(ValueError, match="cap"):
        bucket_count(utc(2026, 1, 1), utc(2026, 1, 2), d("PT1H"), UTC, cap=-1)


def test_bucket_count_cap() -> None:
    day = (utc(2026, 1, 1), utc(2026, 1, 2))
    assert bucket_count(*day, d("PT1H"), UTC, cap=10) == (11, True)
    assert bucket_count(*day, d("PT1H"), UTC, cap=24) == (24, True)
    assert bucket_count(*day, d("PT7H"), UTC, cap=2) == (3, False)
    assert bucket_count(*day, d("PT1H"), UTC, cap=0) == (1, True)


def test_bucket_count_is_exact_for_huge_intervals() -> None:
    # Counted without walking bucket by bucket (a walk would never finish here); speed itself
    # is measured in bench/, not asserted in tests.
    ten_years = (utc(2020, 1, 1), utc(2030, 1, 1))
    assert bucket_count(*ten_years, d("PT1S"), NEW_YORK) == (315_619_200, True)
    assert bucket_count(*ten_years, d("PT1S"), NEW_YORK, cap=1000) == (1001, True)
    assert bucket_count(*ten_years, d("P1D"), NEW_YORK) == (3653, True)
    assert bucket_count(*ten_years, d("P1M"), UTC) == (120, True)
    whole = (utc(1, 1, 2), utc(9999, 12, 31))
    assert bucket_count(*whole, d("P1D"), LONDON, cap=100)[0] == 101
    assert bucket_count(*whole, d("P1M"), SYDNEY)[0] == 9999 * 12
    assert bucket_count(*whole, d("PT0.000001S"), UTC)[0] > 10**17
    assert bucket_count(*whole, d("P5000Y"), UTC) == (2, False)  # second boundary overflows
    with pytest.raises(OverflowError, match="out of range"):
        bucket_count(utc(1, 1, 1), utc(2000, 1, 1), d("P1D"), NEW_YORK)
    with pytest.raises(OverflowError, match="out of range"):
        split(utc(1, 1, 1), utc(2000, 1, 1), d("P1D"), NEW_YORK)


# ------------------------------------------------------------------------------------------
# split
# ------------------------------------------------------------------------------------------


def iso(windows: list[tuple[datetime, datetime]]) -> list[str]:
    return [f"{format_instant(a)}/{format_instant(b)}" for a, b in windows]


def test_split_fixed_chunks() -> None:
    windows = split(utc(2026, 1, 1), utc(2026, 1, 1, 5), d("PT2H"), UTC)
    assert iso(windows) == [
        "2026-01-01T00:00:00.000Z/2026-01-01T02:00:00.000Z",
        "2026-01-01T02:00:00.000Z/2026-01-01T04:00:00.000Z",
        "2026-01-01T04:00:00.000Z/2026-01-01T05:00:00.000Z",
    ]
    assert all(a.tzinfo is UTC and b.tzinfo is UTC for a, b in windows)


def test_split_rounds_chunk_down_to_the_granularity() -> None:
    windows = split(utc(2026, 1, 1), utc(2026, 1, 1, 4), d("PT100M"), UTC, d("PT30M"))
    assert [b - a for a, b in windows] == [timedelta(minutes=90)] * 2 + [timedelta(minutes=60)]
    # Boundaries count from start, not from the clock.
    off = split(utc(2026, 1, 1, 0, 10), utc(2026, 1, 1, 2), d("PT1H"), UTC, d("PT30M"))
    assert [a.minute for a, _ in off] == [10, 10]


def test_split_chunk_smaller_than_granularity_gives_single_buckets() -> None:
    windows = split(utc(2026, 1, 1), utc(2026, 1, 3, 12), d("PT6H"), UTC, d("P1D"))
    assert iso(windows) == [
        "2026-01-01T00:00:00.000Z/2026-01-02T00:00:00.000Z",
        "2026-01-02T00:00:00.000Z/2026-01-03T00:00:00.000Z",
        "2026-01-03T00:00:00.000Z/2026-01-03T12:00:00.000Z",
    ]


def test_split_calendar_chunks() -> None:
    windows = split(utc(2026, 1, 1), utc(2026, 4, 15), d("P1M"), UTC, d("P1D"))
    assert iso(windows) == [
        "2026-01-01T00:00:00.000Z/2026-02-01T00:00:00.000Z",
        "2026-02-01T00:00:00.000Z/2026-03-01T00:00:00.000Z",
        "2026-03-01T00:00:00.000Z/2026-04-01T00:00:00.000Z",
        "2026-04-01T00:00:00.000Z/2026-04-15T00:00:00.000Z",
    ]
    # Without align each window is one chunk from its own start (month-end clamping drifts).
    walked = split(utc(2026, 1, 31), utc(2026, 4, 1), d("P1M"), UTC)
    assert [a.date().isoformat() for a, _ in walked] == ["2026-01-31", "2026-02-28", "2026-03-28"]
    # Aligned to P1M the grid stays on month-ends (anchored at the start).
    anchored = split(utc(2026, 1, 31), utc(2026, 5, 1), d("P1M"), UTC, d("P1M"))
    assert [a.date().isoformat() for a, _ in anchored] == [
        "2026-01-31",
        "2026-02-28",
        "2026-03-31",
        "2026-04-30",
    ]


def test_split_in_a_dst_zone() -> None:
    # Week chunks of local days across the London fall-back: the window holding it is 169h.
    start = datetime(2026, 10, 19, tzinfo=LONDON)
    end = datetime(2026, 11, 2, tzinfo=LONDON)
    windows = split(start, end, d("P1W"), LONDON, d("P1D"))
    assert [b - a for a, b in windows] == [timedelta(hours=169), timedelta(hours=168)]
    # A PT168H chunk cannot hold 7 local days that include the 25-hour Oct 25: it takes 6.
    short = split(start, end, d("PT168H"), LONDON, d("P1D"))
    assert [(b - a) / timedelta(hours=1) for a, b in short] == [144, 145, 48]


def test_split_edges_and_errors() -> None:
    assert split(utc(2026, 1, 1), utc(2026, 1, 1), d("PT1H"), UTC) == []
    assert split(datetime(2026, 1, 1), datetime(2026, 1, 1, 1), d("PT1H"), UTC) == [
        (utc(2026, 1, 1), utc(2026, 1, 1, 1))
    ]
    with pytest.raises(ValueError, match="before start"):
        split(utc(2026, 1, 2), utc(2026, 1, 1), d("PT1H"), UTC)
    with pytest.raises(ValueError, match="zero"):
        split(utc(2026, 1, 1), utc(2026, 1, 2), d("PT0S"), UTC)
    with pytest.raises(ValueError, match="zero"):
        split(utc(2026, 1, 1), utc(2026, 1, 2), d("PT1H"), UTC, d("P0D"))
    with pytest.raises(ValueError, match="more than 10 windows"):
        split(utc(2026, 1, 1), utc(2026, 1, 2), d("PT1H"), UTC, limit=10)
    with pytest.raises(ValueError, match="more than 10 windows"):
        split(utc(2026, 1, 1), utc(2026, 2, 1), d("P1D"), UTC, limit=10)
    with pytest.raises(ValueError, match="more than 10 windows"):
        split(utc(2026, 1, 1), utc(2026, 2, 1), d("P1D"), UTC, d("PT1H"), limit=10)
    assert len(split(utc(2026, 1, 1), utc(2026, 1, 2), d("PT1H"), UTC, limit=24)) == 24
    # A chunk reaching past year 9999 simply ends at `end`.
    assert split(utc(2026, 1, 1), utc(2027, 1, 1), d("P9000Y"), UTC, d("P1D")) == [
        (utc(2026, 1, 1), utc(2027, 1, 1))
    ]


@pytest.mark.parametrize(
    ("chunk", "align", "end"),
    [
        ("PT1H", None, utc(2027, 2, 20)),
        ("PT1H", "PT30M", utc(2027, 2, 20)),
        ("P1D", None, utc(2053, 5, 1)),
        ("P1D", "PT1H", utc(2053, 5, 1)),
        ("P7D", "P1D", utc(2218, 1, 1)),
    ],
)
def test_split_into_ten_thousand_windows(chunk: str, align: str | None, end: datetime) -> None:
    windows = split(utc(2026, 1, 1), end, d(chunk), NEW_YORK, None if align is None else d(align))
    assert 9_900 <= len(windows) <= 10_100
    assert windows[0][0] == utc(2026, 1, 1) and windows[-1][1] == end
    assert all(a[1] == b[0] for a, b in pairwise(windows))


# ------------------------------------------------------------------------------------------
# format_instant and time zones
# ------------------------------------------------------------------------------------------


def test_format_instant() -> None:
    assert format_instant(utc(2026, 11, 1)) == "2026-11-01T00:00:00.000Z"
    assert format_instant(datetime(2026, 11, 1)) == "2026-11-01T00:00:00.000Z"
    assert format_instant(utc(2026, 11, 1, 1, 2, 3, 456789)) == "2026-11-01T01:02:03.456Z"
    assert format_instant(datetime(2026, 7, 1, tzinfo=NEW_YORK)) == "2026-07-01T00:00:00.000-04:00"
    assert format_instant(datetime(2026, 1, 1, tzinfo=LONDON)) == "2026-01-01T00:00:00.000Z"
    assert format_instant(datetime(2026, 1, 1, tzinfo=SYDNEY)) == "2026-01-01T00:00:00.000+11:00"
    india = timezone(timedelta(hours=5, minutes=30))
    assert format_instant(datetime(2026, 1, 1, tzinfo=india)) == "2026-01-01T00:00:00.000+05:30"
    assert format_instant(datetime(999, 1, 1, tzinfo=UTC)) == "0999-01-01T00:00:00.000Z"
    # Local mean time (-4:56:02) is not a whole number of minutes: written in UTC instead.
    lmt = datetime(1880, 1, 1, tzinfo=NEW_YORK)
    assert format_instant(lmt) == "1880-01-01T04:56:02.000Z"


@pytest.mark.parametrize(
    ("name", "valid"),
    [
        ("UTC", True),
        ("Etc/UTC", True),
        ("Europe/London", True),
        ("America/New_York", True),
        ("America/Argentina/Buenos_Aires", True),
        ("Etc/GMT+5", True),
        ("EST", True),  # legacy names in the tz database (java.time knows them too)
        ("EST5EDT", True),
        ("US/Eastern", True),
        ("EST5", False),
        ("PST", False),
        ("Europe/Londn", False),
        ("utc", False),
        ("europe/london", False),
        ("America", False),
        ("", False),
        (" UTC", False),
        ("../etc/passwd", False),
        ("/etc/passwd", False),
        ("Europe/../UTC", False),
        ("Europe//London", False),
        ("UTC\x00", False),
        ("localtime", False),
        ("posixrules", False),
        ("Factory", False),
        ("+05:00", False),
        ("x" * 10_000, False),
    ],
)
def test_is_valid_timezone(name: str, valid: bool) -> None:
    assert is_valid_timezone(name) is valid


def test_is_valid_timezone_never_raises() -> None:
    assert is_valid_timezone(None) is False  # type: ignore[arg-type]
    assert is_valid_timezone(42) is False  # type: ignore[arg-type]
    assert is_valid_timezone(["UTC"]) is False  # type: ignore[arg-type]


def test_load_timezone() -> None:
    assert load_timezone("Europe/London") == LONDON
    with pytest.raises(ValueError, match="unknown time zone 'Europe/Londn'"):
        load_timezone("Europe/Londn")


# ------------------------------------------------------------------------------------------
# Properties
# ------------------------------------------------------------------------------------------

FIXED_OFFSETS = [
    UTC,
    timezone(timedelta(hours=5, minutes=30)),
    timezone(timedelta(hours=-8)),
    timezone(timedelta(hours=13, minutes=45)),
]

seconds_st = st.integers(0, 10**12).map(lambda n: Decimal(n).scaleb(-9))
durations_st = st.builds(
    Duration,
    years=st.integers(0, 100),
    months=st.integers(0, 100),
    weeks=st.integers(0, 100),
    days=st.integers(0, 1000),
    hours=st.integers(0, 1000),
    minutes=st.integers(0, 1000),
    seconds=seconds_st | st.integers(0, 10**6).map(Decimal),
)


@PROPERTY
@given(
    dt=st.datetimes(
        datetime(1900, 1, 1), datetime(2100, 1, 1), timezones=st.sampled_from(FIXED_OFFSETS)
    ),
    hours=st.integers(0, 100_000),
    minutes=st.integers(0, 100_000),
    micros=st.integers(0, 10**11),
    tz=st.sampled_from(ZONES),
)
def test_fixed_durations_add_like_timedelta(
    dt: datetime, hours: int, minutes: int, micros: int, tz: ZoneInfo
) -> None:
    duration = Duration(hours=hours, minutes=minutes, seconds=Decimal(micros).scaleb(-6))
    expected = dt + timedelta(hours=hours, minutes=minutes, microseconds=micros)
    result = add(dt, duration, tz)
    assert result == expected
    assert subtract(result, duration, tz) == dt
    assert result.utcoffset() == result.astimezone(tz).utcoffset()


def _exists(wall: datetime, tz: ZoneInfo, fold: int) -> bool:
    aware = wall.replace(tzinfo=tz, fold=fold)
    return aware.astimezone(UTC).astimezone(tz).replace(tzinfo=None) == wall


@PROPERTY
@given(
    dt=st.datetimes(
        datetime(1971, 1, 1),
        datetime(2060, 1, 1),
        timezones=st.sampled_from(ZONES),
        allow_imaginary=False,
    ),
    weeks=st.integers(0, 60),
    days=st.integers(0, 400),
    tz=st.sampled_from(ZONES),
)
@example(dt=datetime(2026, 3, 7, 2, 30, tzinfo=NEW_YORK), weeks=0, days=1, tz=NEW_YORK)  # gap
@example(dt=datetime(2026, 10, 31, 1, 30, tzinfo=NEW_YORK), weeks=0, days=1, tz=NEW_YORK)
@example(
    dt=datetime(2026, 11, 8, 1, 30, fold=1, tzinfo=NEW_YORK), weeks=1, days=0, tz=NEW_YORK
)  # from EST into the overlap: keeps EST
@example(dt=datetime(2026, 3, 28, 1, 30, tzinfo=LONDON), weeks=0, days=1, tz=LONDON)
@example(dt=datetime(2026, 4, 4, 2, 30, tzinfo=SYDNEY), weeks=0, days=1, tz=SYDNEY)
@example(dt=datetime(2026, 10, 3, 2, 30, tzinfo=SYDNEY), weeks=0, days=1, tz=SYDNEY)
def test_day_and_week_add_keeps_the_wall_clock(
    dt: datetime, weeks: int, days: int, tz: ZoneInfo
) -> None:
    local = dt.astimezone(tz)
    wall = local.replace(tzinfo=None) + timedelta(days=7 * weeks + days)
    result = add(dt, Duration(weeks=weeks, days=days), tz)
    assert result.utcoffset() == result.astimezone(tz).utcoffset()
    early = wall.replace(tzinfo=tz, fold=0)
    late = wall.replace(tzinfo=tz, fold=1)
    if _exists(wall, tz, 0) or _exists(wall, tz, 1):
        # The wall-clock time is kept; in an overlap the original offset wins if valid.
        assert result.replace(tzinfo=None) == wall
        offsets = {early.utcoffset(), late.utcoffset()}
        offset = local.utcoffset() if local.utcoffset() in offsets else early.utcoffset()
        assert offset is not None
        assert result == (wall - offset).replace(tzinfo=UTC)
    else:
        # In a DST gap the time moves forward by the gap.
        before, after = early.utcoffset(), late.utcoffset()
        assert before is not None and after is not None
        assert result.replace(tzinfo=None) == wall + (after - before)
        assert result == (wall - before).replace(tzinfo=UTC)


@PROPERTY
@given(durations_st)
def test_duration_round_trip(duration: Duration) -> None:
    text = str(duration)
    assert parse_duration(text) == duration
    assert str(parse_duration(text)) == text
    assert parse_duration(text.lower()) == duration


millis_datetimes = st.datetimes(
    datetime(1900, 1, 1),
    datetime(2200, 1, 1),
    timezones=st.sampled_from([*FIXED_OFFSETS, *ZONES]),
    allow_imaginary=False,  # a local time skipped by DST is not an instant anyone writes
).map(lambda value: value.replace(microsecond=value.microsecond // 1000 * 1000))


@PROPERTY
@given(a=millis_datetimes, b=millis_datetimes)
def test_interval_round_trip(a: datetime, b: datetime) -> None:
    iv = parse_interval(f"{format_instant(a)}/{format_instant(b)}")
    # Compared as instants: Python never calls a DST-fold local time equal across zones.
    assert (iv.start.timestamp(), iv.end.timestamp()) == (a.timestamp(), b.timestamp())
    assert iv.start.utcoffset() == a.utcoffset()
    assert iv.end.utcoffset() == b.utcoffset()
    assert iv.form == "start/end" and iv.naive_parts == ()
    assert str(iv) == f"{format_instant(a)}/{format_instant(b)}"


CHUNKS = ["PT1H", "PT90M", "PT6H", "PT24H", "P1D", "P1DT12H", "P2D", "P1W", "P1M", "PT100M"]
ALIGNS = [None, "PT15M", "PT30M", "PT1H", "PT7H", "P1D", "P1W", "P1M"]
starts_st = st.datetimes(
    datetime(2020, 1, 1),
    datetime(2030, 1, 1),
    timezones=st.sampled_from(ZONES),
    allow_imaginary=False,
).map(lambda value: value.replace(second=0, microsecond=0))


@PROPERTY
@given(
    start=starts_st,
    length_minutes=st.integers(0, 80 * 24 * 60),
    chunk=st.sampled_from(CHUNKS),
    align=st.sampled_from(ALIGNS),
    tz=st.sampled_from(ZONES),
)
def test_split_properties(
    start: datetime, length_minutes: int, chunk: str, align: str | None, tz: ZoneInfo
) -> None:
    end = start + timedelta(minutes=length_minutes)  # wall arithmetic; still end >= start
    # Compare in UTC: Python never calls an ambiguous local time (a DST fold) equal to an
    # instant in another zone, even when they are the same instant.
    start = start.astimezone(UTC)
    end = max(end.astimezone(UTC), start)
    chunk_d = d(chunk)
    align_d = None if align is None else d(align)
    windows = split(start, end, chunk_d, tz, align_d)
    if start == end:
        assert windows == []
        return
    assert windows[0][0] == start and windows[-1][1] == end
    for (_, b), (c, _) in pairwise(windows):
        assert b == c  # contiguous
    for index, (a, b) in enumerate(windows):
        assert a.tzinfo is UTC and b.tzinfo is UTC
        assert a < b
        last = index == len(windows) - 1
        reach = add(a, chunk_d, tz)
        if align_d is None:
            assert b <= reach
            if not last:
                assert b == reach
            continue
        # Inner boundaries sit on the granularity grid counted from start.
        if not last:
            assert bucket_count(start, b, align_d, tz)[1]
        count_before = bucket_count(start, a, align_d, tz)[0]
        single_bucket = b <= add(start, times(align_d, count_before + 1), tz)
        assert b <= reach or single_bucket
        if not last:  # maximal: one more bucket would not fit in the chunk
            count_to_b = bucket_count(start, b, align_d, tz)[0]
            assert add(start, times(align_d, count_to_b + 1), tz) > reach


GRANULARITIES = ["PT15M", "PT1H", "PT7H", "PT0.5S", "P1D", "P1W", "P1DT12H", "P1M", "P2M", "P1Y"]


def naive_bucket_count(
    start: datetime, end: datetime, granularity: Duration, tz: ZoneInfo
) -> tuple[int, bool]:
    # In UTC: an ambiguous time in a ZoneInfo is never == to a datetime in another zone
    # (PEP 495), so comparing them as written would miss an empty interval.
    if start.astimezone(UTC) == end.astimezone(UTC):
        return 0, True
    k = 1
    while True:
        boundary = add(start, times(granularity, k), tz)
        if boundary >= end:
            return k, boundary == end
        k += 1


@PROPERTY
@given(
    start=starts_st,
    granularity=st.sampled_from(GRANULARITIES),
    multiple=st.integers(0, 40),
    extra_minutes=st.integers(-3 * 24 * 60, 3 * 24 * 60),
    tz=st.sampled_from(ZONES),
)
def test_bucket_count_matches_a_naive_walk(
    start: datetime, granularity: str, multiple: int, extra_minutes: int, tz: ZoneInfo
) -> None:
    g = d(granularity)
    # Land near (often exactly on) a boundary so that both "even" outcomes are exercised.
    end = add(start, times(g, multiple), tz).astimezone(UTC)
    if extra_minutes % 3:
        end += timedelta(minutes=extra_minutes)
    end = max(end, start.astimezone(UTC))
    assume((end - start).total_seconds() / g.nominal_seconds() <= 1_000)
    expected = naive_bucket_count(start, end, g, tz)
    assert bucket_count(start, end, g, tz) == expected
    cap = max(0, expected[0] - 1)
    assert bucket_count(start, end, g, tz, cap=cap) == (min(expected[0], cap + 1), expected[1])


@PROPERTY
@given(
    start=st.datetimes(
        datetime(1, 1, 1),
        datetime(5000, 1, 1),
        timezones=st.sampled_from(ZONES),
        allow_imaginary=False,
    ),
    years=st.integers(0, 4900),
    granularity=st.sampled_from(GRANULARITIES),
    tz=st.sampled_from(ZONES),
)
def test_bucket_count_is_bounded_for_huge_intervals(
    start: datetime, years: int, granularity: str, tz: ZoneInfo
) -> None:
    g = d(granularity)
    end = start.astimezone(UTC) + timedelta(days=365 * years + 1)
    count, even = bucket_count(start, end, g, tz, cap=1000)
    full, full_even = bucket_count(start, end, g, tz)
    assert count == min(full, 1001) and even == full_even
    # Exactness without walking: boundary n-1 is before end, boundary n is at or after it.
    assert add(start, times(g, full - 1), tz) < end
    try:
        last = add(start, times(g, full), tz)
    except OverflowError:
        return
    assert last >= end and (last == end) == full_even

"""Time spans as a query states them: the body's interval and the definition's windows read
in the query's zone, bucket and chunk sizes, and duration arithmetic in people's words.

The time and limits rule families and plan share these; isotime does the ISO 8601 reading and
the calendar arithmetic underneath.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from msgspec import Struct

from aggqlint.api import isotime
from aggqlint.api.isotime import Duration, Interval, IntervalError
from aggqlint.data import load_yaml


class Span(Struct, frozen=True):
    """One interval as written: the body's 'interval' or an entry of the definition's windows."""

    text: str
    pointer: str  # relative to the body; windows step out with /..
    label: str  # how messages name it: "'interval'" or "window 2"
    is_window: bool
    interval: Interval | None = None  # None when the text cannot be read
    error: IntervalError | None = None

    @property
    def is_forward(self) -> bool:
        return self.interval is not None and self.interval.end > self.interval.start


def no_interval(endpoint: str, field: str) -> str:
    """Why a definition's windows or chunk cannot be planned for this endpoint (also plan's)."""
    what = "sets each request's interval" if field == "windows" else "cuts the interval"
    return (
        f"'{field}' {what}, but a {endpoint} query has no 'interval' (it reports the "
        f"current state), so there is nothing to {'window' if field == 'windows' else 'cut'}: "
        f"remove '{field}'"
    )


def sent_chunk(chunk: Duration, limits: Any, endpoint: str) -> Duration:
    """The chunk plan cuts with: the definition's, or the profile's max-interval when that is
    shorter (AQL410 says so; plan then respects the profile)."""
    limit = None
    if isinstance(limits, dict):
        per_endpoint = limits.get("endpoints")
        own = per_endpoint.get(endpoint) if isinstance(per_endpoint, dict) else None
        limit = own.get("max-interval") if isinstance(own, dict) else None
        limit = limit if limit is not None else limits.get("max-interval")
    maximum = chunk_size(limit) if isinstance(limit, str) else None
    if maximum is not None and maximum.nominal_seconds() < chunk.nominal_seconds():
        return maximum
    return chunk


def max_requests() -> int:
    """The most requests plan makes for one definition (rules/limits.yaml)."""
    most: int = load_yaml("rules", "limits.yaml")["plan"]["max-requests"]
    return most


def too_many(
    chunk: Duration,
    most: int,
    windows: bool,
    interval: Interval | None,
    written: Duration | None = None,
) -> str:
    what = "the windows" if windows else "the interval"
    shown = f"'chunk' {chunk}"
    if written is not None and written != chunk:
        shown = f"'chunk' {written}, shortened to the profile's max-interval {chunk},"
    message = (
        f"{shown} cuts {what} into more than {most:,} requests, the most aggqlint plans for one "
        "definition; use a longer chunk or a shorter interval"
    )
    if interval is not None and open_ended(interval.end):
        message += f" (an end in year {interval.end.year} is not open-ended to the API)"
    return message


def out_of_range(label: str, chunk: Duration, zone_text: str) -> str:
    return (
        f"{label} starts too close to year 1 for calendar arithmetic in {zone_text}, so it "
        f"cannot be cut into chunks of {chunk}; start it later"
    )


def zone_label(tz: tzinfo) -> str:
    return str(getattr(tz, "key", None) or tz)


def spans(
    body: dict[str, Any], windows: list[str | None], has_interval: bool, tz: tzinfo
) -> list[Span]:
    """The body's interval and each window, read in zone tz, when the query's model has an
    interval (windows on one without are AQL123, and nothing else is said about them)."""
    found: list[Span] = []
    if not has_interval:
        return found
    text = body.get("interval")
    if isinstance(text, str):
        found.append(_read(text, "/interval", "'interval'", False, tz))
    for index, window in enumerate(windows):
        if window is not None:
            found.append(_read(window, f"/../windows/{index}", f"window {index + 1}", True, tz))
    return found


def _read(text: str, pointer: str, label: str, is_window: bool, tz: tzinfo) -> Span:
    try:
        return Span(text, pointer, label, is_window, isotime.parse_interval(text, tz))
    except IntervalError as err:
        return Span(text, pointer, label, is_window, error=err)


def zone(body: dict[str, Any]) -> tzinfo:
    """The query's time zone for calendar arithmetic: its timeZone, or UTC (the API's default,
    also when the name is wrong, which AQL113 reports)."""
    name = body.get("timeZone")
    if isinstance(name, str) and isotime.is_valid_timezone(name):
        return isotime.load_timezone(name)
    return UTC


def zone_name(body: dict[str, Any]) -> str:
    name = body.get("timeZone")
    return name if isinstance(name, str) and isotime.is_valid_timezone(name) else "UTC"


def bucket_size(body: dict[str, Any]) -> Duration | None:
    """The body's granularity when it is a usable duration."""
    text = body.get("granularity")
    return chunk_size(text) if isinstance(text, str) else None


def chunk_size(text: str | None) -> Duration | None:
    """A non-zero duration read from text, or None."""
    if text is None:
        return None
    try:
        duration = isotime.parse_duration(text)
    except ValueError:
        return None
    return None if duration.is_zero else duration


# Reference starts for comparing two durations: month starts over a common and a leap year
# (the longest months and years), in UTC.
REFERENCE_STARTS = tuple(
    datetime(year, month, 1, tzinfo=UTC) for year in (2023, 2024) for month in range(1, 13)
)


def can_exceed(longer: Duration, limit: Duration) -> bool:
    """Whether a span of `longer` can reach past one of `limit` from the same start (P1M can
    exceed P30D; P1M cannot exceed P31D)."""
    for start in REFERENCE_STARTS:
        a, b = add(start, longer), add(start, limit)
        if a is None:
            return b is not None
        if b is not None and a > b:
            return True
    return False


def times(duration: Duration, k: int) -> Duration:
    """k × duration, field by field (boundary k of a granularity is start + times(g, k)).
    Hours, minutes and seconds carry over (PT30M × 8 is PT4H); days never turn into hours,
    which differ across a DST change."""
    seconds = (duration.hours * 3600 + duration.minutes * 60 + duration.seconds) * k
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes = rest // 60
    return Duration(
        duration.years * k,
        duration.months * k,
        duration.weeks * k,
        duration.days * k,
        hours,
        minutes,
        seconds - hours * 3600 - minutes * 60,
    )


def describe(elapsed: timedelta) -> str:
    """A length as people say it: '9 days 4 hours', '90 minutes' is '1 hour 30 minutes'."""
    days, rest = elapsed.days, elapsed.seconds
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [
        f"{value} {unit}{'s' if value != 1 else ''}"
        for value, unit in (
            (days, "day"),
            (hours, "hour"),
            (minutes, "minute"),
            (seconds, "second"),
        )
        if value
    ]
    return " ".join(parts) if parts else "less than a second"


def add(start: datetime, duration: Duration) -> datetime | None:
    """start + duration in start's own offset (a fixed one), or None past the supported years."""
    try:
        return isotime.add(start, duration, start.tzinfo or UTC)
    except OverflowError:
        return None


def subtract(end: datetime, duration: Duration) -> datetime | None:
    try:
        return isotime.subtract(end, duration, end.tzinfo or UTC)
    except OverflowError:
        return None


def like(written: str, value: datetime) -> str:
    """value formatted as the API examples do, without the milliseconds when the text beside
    it has none and they are zero."""
    text = isotime.format_instant(value)
    if value.microsecond == 0 and not re.search(r"T[0-9:]+[.,]", written):
        text = text.replace(".000", "", 1)
    return text


def aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def open_ended(end: datetime) -> bool:
    """An end at the last day datetime can hold: 9999-12-31 stands for "no end" in code."""
    try:
        return end.astimezone(UTC).year == 9999
    except OverflowError:  # 9999-12-31T23:00-05:00 is past year 9999 in UTC
        return True

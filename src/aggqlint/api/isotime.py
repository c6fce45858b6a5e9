"""ISO 8601 durations, instants and intervals as the Genesys Cloud Analytics API uses them.

Pure, standard-library-only helpers for the three time fields of an analytics query:

* ``interval``: ``start/end`` (canonical), ``start/duration`` or ``duration/end``;
* ``granularity``: an ISO 8601 duration (``PT30M``, ``P1D``, ``P1W``, ``P1M``, ``P1DT12H``);
* ``timeZone``: an IANA zone name in which bucket boundaries are computed.

Conventions used throughout (the server side is Java/Joda-Time, so we follow it where it matters):

* Durations are non-negative. Parsing is case-insensitive (``p1d`` is accepted, as Joda does);
  ``str()`` gives the canonical upper-case text. Only seconds may carry a fraction (``PT0.5S``),
  as in Java ``Duration.parse`` and Joda ``ISOPeriodFormat.standard()``.
* A timestamp written without an offset ("naive") is accepted, flagged, and read as UTC for
  arithmetic. Only :attr:`Instant.value` stays naive; every other datetime returned is aware.
* Calendar arithmetic (:func:`add`): years, months, weeks and days move the wall clock in the given
  zone, years and months together as a total month count with month-end clamping
  (java.time ``Period`` semantics: Jan 31 + P1M = Feb 28/29). Hours, minutes and seconds are then
  added as elapsed time. A wall time that falls in a DST gap is moved forward by the length of the
  gap; an ambiguous wall time keeps the original offset when it can (java.time ``ZonedDateTime``).
* Granularity boundaries are anchored multiples of the granularity counted from the interval
  start: boundary k is ``add(start, k × granularity)``. For single-unit granularities this is the
  same as stepping one bucket at a time, but it does not drift after a month-end clamp
  (Jan 31, Feb 28, Mar 31, ...) or a DST gap.
* Sub-microsecond precision is truncated when a datetime is computed (``datetime`` resolution).
* Results never carry a ``ZoneInfo``. Python compares and subtracts two datetimes sharing one
  ``ZoneInfo`` by wall clock (a 25-hour day subtracts to 24 hours), and an ambiguous time in a
  ``ZoneInfo`` is never ``==`` to a datetime in another zone (PEP 495). So :func:`add` and
  :func:`subtract` return the local wall time in ``tz`` with a fixed-offset ``timezone`` (the
  zone's offset at that instant), the computed side of a ``start/duration`` interval likewise,
  and :func:`split` returns UTC. All of these compare and subtract as the instants they are.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from decimal import ROUND_FLOOR, Decimal
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

from msgspec import Struct
from msgspec.structs import force_setattr

if TYPE_CHECKING:  # zoneinfo is imported where a zone is read: many bodies name none
    from zoneinfo import ZoneInfo

__all__ = [
    "Duration",
    "Instant",
    "Interval",
    "IntervalError",
    "IntervalErrorKind",
    "IntervalForm",
    "IntervalPart",
    "TooManyWindows",
    "add",
    "bucket_count",
    "format_instant",
    "is_valid_timezone",
    "least_windows",
    "load_timezone",
    "parse_duration",
    "parse_instant",
    "parse_interval",
    "split",
    "subtract",
]

_UTC = UTC
_US_PER_SECOND = 1_000_000
_MAX_FRACTION_DIGITS = 9

IntervalForm = Literal["start/end", "start/duration", "duration/end"]
IntervalPart = Literal["start", "end"]
IntervalErrorKind = Literal[
    "malformed", "duration-only", "word", "instant-only", "duration/duration"
]


# --------------------------------------------------------------------------------------------
# Durations
# --------------------------------------------------------------------------------------------


class Duration(Struct, frozen=True):
    """A non-negative ISO 8601 duration ``PnYnMnWnDTnHnMnS``.

    ``seconds`` is a :class:`~decimal.Decimal` so that fractional text such as ``PT0.1S`` is held
    exactly: equality, hashing and ``parse_duration(str(d)) == d`` are exact, and the conversion
    to microseconds is exact (a float would turn 0.1 into 0.1000000000000000055...). An ``int``
    is accepted for ``seconds`` and converted. Equality is field-wise: ``P1W != P7D``.
    """

    years: int = 0
    months: int = 0
    weeks: int = 0
    days: int = 0
    hours: int = 0
    minutes: int = 0
    seconds: Decimal = Decimal(0)

    def __post_init__(self) -> None:
        for name in ("years", "months", "weeks", "days", "hours", "minutes"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool):
                raise TypeError(f"Duration.{name} must be an int, got {value!r}")
            if value < 0:
                raise ValueError(f"Duration.{name} must not be negative, got {value}")
        secs: object = self.seconds
        if isinstance(secs, int) and not isinstance(secs, bool):
            force_setattr(self, "seconds", Decimal(secs))
        elif not isinstance(secs, Decimal):
            raise TypeError(f"Duration.seconds must be a Decimal or an int, got {secs!r}")
        if not self.seconds.is_finite() or self.seconds < 0:
            raise ValueError(f"Duration.seconds must be finite and not negative: {secs!r}")

    @property
    def is_calendar(self) -> bool:
        """True when the duration has years or months, whose length varies (28-31 days...)."""
        return bool(self.years or self.months)

    @property
    def has_date_part(self) -> bool:
        """True when years, months, weeks or days are set: those move the wall clock in a zone
        (so P1D is 23 or 25 hours across a DST change). False means a fixed elapsed time."""
        return bool(self.years or self.months or self.weeks or self.days)

    @property
    def is_zero(self) -> bool:
        return not self.has_date_part and not (self.hours or self.minutes or self.seconds)

    def nominal_seconds(self) -> float:
        """Approximate length in seconds (year = 365 days, month = 30 days, day = 24 hours).

        Meant for comparisons and estimates only; use :func:`add` for exact arithmetic.
        """
        days = self.years * 365 + self.months * 30 + self.weeks * 7 + self.days
        return float(days * 86_400 + self.hours * 3_600 + self.minutes * 60) + float(self.seconds)

    def __str__(self) -> str:
        date_text = "".join(
            f"{value}{unit}"
            for value, unit in (
                (self.years, "Y"),
                (self.months, "M"),
                (self.weeks, "W"),
                (self.days, "D"),
            )
            if value
        )
        time_text = "".join(
            f"{value}{unit}" for value, unit in ((self.hours, "H"), (self.minutes, "M")) if value
        )
        if self.seconds:
            time_text += _format_decimal(self.seconds) + "S"
        if not date_text and not time_text:
            return "PT0S"
        return "P" + date_text + ("T" + time_text if time_text else "")


def _format_decimal(value: Decimal) -> str:
    text = format(value, "f")  # never scientific notation, no rounding
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


_COMPONENT = re.compile(r"([0-9]+)(?:[.,]([0-9]+))?([A-Z])", re.ASCII)
_DATE_UNITS = "YMWD"
_TIME_UNITS = "HMS"
_UNIT_NAMES = {
    ("date", "Y"): "years",
    ("date", "M"): "months",
    ("date", "W"): "weeks",
    ("date", "D"): "days",
    ("time", "H"): "hours",
    ("time", "M"): "minutes",
    ("time", "S"): "seconds",
}


# Cached: a run reads the same few texts in file after file (values are frozen).
@lru_cache(maxsize=2048)
def parse_duration(text: str) -> Duration:
    """Parse an ISO 8601 duration such as ``P1D``, ``PT30M``, ``P1W2D``, ``P1DT12H``, ``PT0.5S``.

    Accepts ``PnYnMnWnDTnHnMnS`` with any non-empty subset of the components in that order
    (weeks may be combined with other units, as Joda-Time and java.time ``Period`` allow), a
    fraction of 1-9 digits on seconds only (``.`` or ``,``), and lower-case letters. Rejects empty
    text, ``P``, ``PT``, ``P1DT``, signs (``-P1D``, ``P-1D``), repeated or misordered units and
    whitespace, with a :class:`ValueError` whose message says what is wrong.
    """
    if not isinstance(text, str):
        raise ValueError(f"a duration must be a string, got {type(text).__name__}")
    if text == "":
        raise ValueError("empty duration; write e.g. PT1H or P1D")
    shown = repr(text)
    if not text.isascii():  # also keeps str.upper() from mapping e.g. 'ſ' to 'S'
        bad = next(char for char in text if not char.isascii())
        raise ValueError(f"{shown}: unexpected {bad!r}")
    upper = text.upper()
    if upper[0] in "+-" or "-" in upper:
        raise ValueError(f"{shown}: durations cannot be negative or signed")
    if upper[0] != "P":
        raise ValueError(
            f"{shown} is not an ISO 8601 duration: it must start with 'P' (e.g. PT30M, P1D)"
        )
    date_text, sep, time_text = upper[1:].partition("T")
    if not date_text and not sep:
        raise ValueError(f"{shown} has no components; write e.g. P1D or PT1H")
    if sep and not time_text:
        raise ValueError(
            f"{shown}: 'T' must be followed by hours, minutes or seconds (e.g. PT1H), or dropped"
        )
    fields: dict[str, int] = {}
    seconds = Decimal(0)
    for section, body, units, base in (
        ("date", date_text, _DATE_UNITS, 1),
        ("time", time_text, _TIME_UNITS, 2 + len(date_text)),
    ):
        pos = 0
        last = -1
        while pos < len(body):
            match = _COMPONENT.match(body, pos)
            if match is None:
                char = body[pos]
                where = f"at position {base + pos}"
                if char.isdigit() or char in ".,":
                    raise ValueError(f"{shown}: number {where} has no unit letter")
                raise ValueError(f"{shown}: unexpected {char!r} {where}")
            number, fraction, unit = match.groups()
            if unit not in units:
                if section == "date" and unit in "HS":
                    raise ValueError(
                        f"{shown}: hours and seconds must come after 'T' (e.g. PT{number}{unit})"
                    )
                if section == "time" and unit in "YWD":
                    raise ValueError(f"{shown}: {unit!r} must come before 'T' (e.g. P{number}D)")
                raise ValueError(f"{shown}: unknown unit {unit!r}")
            index = units.index(unit)
            if index <= last:
                raise ValueError(
                    f"{shown}: units must appear once each, in the order "
                    + ("Y M W D" if section == "date" else "H M S")
                )
            last = index
            name = _UNIT_NAMES[(section, unit)]
            if fraction is not None:
                if name != "seconds":
                    raise ValueError(
                        f"{shown}: only seconds may have a fraction (e.g. PT90M, not PT1.5H)"
                    )
                if len(fraction) > _MAX_FRACTION_DIGITS:
                    raise ValueError(f"{shown}: at most 9 digits after the decimal point")
            if name == "seconds":
                seconds = Decimal(f"{number}.{fraction or '0'}")
            else:
                fields[name] = int(number)
            pos = match.end()
    return Duration(seconds=seconds, **fields)


def _months_days_micros(d: Duration) -> tuple[int, int, int]:
    """The three independent parts used by the arithmetic: months, days, elapsed microseconds."""
    micros = d.hours * 3_600 * _US_PER_SECOND + d.minutes * 60 * _US_PER_SECOND
    micros += int((d.seconds * _US_PER_SECOND).to_integral_value(rounding=ROUND_FLOOR))
    return d.years * 12 + d.months, d.weeks * 7 + d.days, micros


# --------------------------------------------------------------------------------------------
# Instants
# --------------------------------------------------------------------------------------------


class Instant(Struct, frozen=True):
    """A parsed timestamp.

    ``value`` is naive when the text had no offset (``has_offset`` is False); ``aware`` reads such
    a value as UTC. ``has_time`` is False for a date-only text (``2026-11-01`` = midnight).
    """

    value: datetime
    has_offset: bool
    has_time: bool = True

    @property
    def aware(self) -> datetime:
        return self.value if self.has_offset else self.value.replace(tzinfo=_UTC)


_INSTANT = re.compile(
    r"""
    (?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})
    (?:
        [Tt](?P<hour>[0-9]{2}):(?P<minute>[0-9]{2})
        (?::(?P<second>[0-9]{2})(?:[.,](?P<fraction>[0-9]+))?)?
        (?P<offset>[Zz]|[+-](?P<oh>[0-9]{2})(?::?(?P<om>[0-9]{2}))?)?
    )?
    """,
    re.ASCII | re.VERBOSE,
)
_INSTANT_FORMAT = "YYYY-MM-DDThh:mm[:ss[.fff]][Z|±hh:mm]"


# Cached: a run reads the same few texts in file after file (values are frozen).
@lru_cache(maxsize=2048)
def parse_instant(text: str) -> Instant:
    """Parse an ISO 8601 extended-format timestamp.

    Accepted: ``2026-11-01T00:00:00.000Z``; seconds optional (``2026-11-01T00:00Z``); a fraction
    of 1-9 digits (``.`` or ``,``; truncated to microseconds); offsets ``Z``, ``+hh:mm``, ``+hhmm``,
    ``+hh`` (up to ±23:59); no offset at all (naive, flagged by ``has_offset=False``); and a bare
    date ``2026-11-01`` meaning midnight (``has_time=False``, also naive), which Joda's
    ``dateTimeParser`` accepts too. Rejected: a space or other separator instead of ``T``, basic
    format (``20261101T000000Z``), week and ordinal dates, hour 24, leap seconds. ``datetime``
    checks the field ranges (so ``2023-02-30`` fails with its own message).
    """
    if not isinstance(text, str):
        raise ValueError(f"a timestamp must be a string, got {type(text).__name__}")
    shown = repr(text)
    match = _INSTANT.fullmatch(text)
    if match is None:
        hint = ""
        if text != text.strip():
            hint = " (remove the surrounding whitespace)"
        elif re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}[ _][0-9].*", text, re.ASCII):
            hint = " (use 'T' between the date and the time)"
        elif re.search(r"[.,][0-9]{10,}", text):
            hint = " (at most 9 fractional digits)"
        raise ValueError(f"{shown} is not a timestamp of the form {_INSTANT_FORMAT}{hint}")
    groups = match.groupdict()
    fraction = groups["fraction"]
    if fraction is not None and len(fraction) > _MAX_FRACTION_DIGITS:
        raise ValueError(f"{shown}: at most 9 fractional digits")
    offset = groups["offset"]
    tz: tzinfo | None = None
    if offset is not None:
        if offset in "Zz":
            tz = _UTC
        else:
            oh, om = int(groups["oh"]), int(groups["om"] or 0)
            if oh > 23 or om > 59:
                raise ValueError(f"{shown}: offset {offset} is out of range (at most ±23:59)")
            delta = timedelta(hours=oh, minutes=om)
            tz = _UTC if not delta else timezone(-delta if offset[0] == "-" else delta)
    try:
        value = datetime(
            int(groups["year"]),
            int(groups["month"]),
            int(groups["day"]),
            int(groups["hour"] or 0),
            int(groups["minute"] or 0),
            int(groups["second"] or 0),
            int((fraction or "0")[:6].ljust(6, "0")),
            tzinfo=tz,
        )
    except ValueError as exc:
        raise ValueError(f"{shown} is not a valid timestamp: {exc}") from None
    return Instant(value=value, has_offset=tz is not None, has_time=groups["hour"] is not None)


def _aware(dt: datetime) -> datetime:
    """Naive datetimes are read as UTC."""
    if dt.tzinfo is None or dt.utcoffset() is None:
        return dt.replace(tzinfo=_UTC)
    return dt


def format_instant(dt: datetime) -> str:
    """Format as the API examples do: ``2026-11-01T00:00:00.000Z``.

    Millisecond precision (microseconds are truncated). A zero offset is written ``Z``, others as
    ``+hh:mm``; an offset that is not a whole number of minutes (historical local mean time) is
    converted to UTC. A naive datetime is taken as UTC.
    """
    dt = _aware(dt)
    offset = dt.utcoffset() or timedelta(0)
    if offset % timedelta(minutes=1):
        dt, offset = dt.astimezone(_UTC), timedelta(0)
    text = (
        f"{dt.year:04d}-{dt.month:02d}-{dt.day:02d}T"
        f"{dt.hour:02d}:{dt.minute:02d}:{dt.second:02d}.{dt.microsecond // 1000:03d}"
    )
    if not offset:
        return text + "Z"
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(offset) // timedelta(minutes=1)
    return f"{text}{sign}{minutes // 60:02d}:{minutes % 60:02d}"


# --------------------------------------------------------------------------------------------
# Intervals
# --------------------------------------------------------------------------------------------


class IntervalError(ValueError):
    """Why an ``interval`` string could not be read.

    ``kind`` is one of:

    * ``"duration-only"``: the text is a valid duration (``P1D``); it probably belongs in
      ``granularity``. ``duration`` holds it.
    * ``"word"``: letters only (``hour``, ``custom``, ``last week``).
    * ``"instant-only"``: a single valid timestamp with no end.
    * ``"duration/duration"``: both sides are durations (``P1D/PT1H``).
    * ``"malformed"``: anything else; ``part`` says which side (``"start"``/``"end"``) is bad when
      one is, and the message explains (repeating intervals ``R5/...``, several ``/``, bad
      timestamps, bad durations, empty text).
    """

    def __init__(
        self,
        kind: IntervalErrorKind,
        message: str,
        *,
        part: IntervalPart | None = None,
        duration: Duration | None = None,
    ) -> None:
        super().__init__(message)
        self.kind: IntervalErrorKind = kind
        self.part: IntervalPart | None = part
        self.duration: Duration | None = duration
        self.message = message

    def __reduce__(self) -> tuple[type[IntervalError], tuple[str, str], dict[str, object]]:
        # keyword-only arguments would otherwise be lost when pickling
        return (
            type(self),
            (self.kind, self.message),
            {"part": self.part, "duration": self.duration},
        )


class Interval(Struct, frozen=True):
    """A parsed interval. ``start`` and ``end`` are always aware (naive text read as UTC).

    ``naive_parts`` lists the parts written without an offset (callers warn about them);
    ``date_only_parts`` the parts written as a bare date. ``duration`` is set for the
    ``start/duration`` and ``duration/end`` forms. ``str()`` gives the canonical ``start/end``.
    """

    start: datetime
    end: datetime
    form: IntervalForm
    duration: Duration | None = None
    naive_parts: tuple[IntervalPart, ...] = ()
    date_only_parts: tuple[IntervalPart, ...] = ()

    @property
    def elapsed(self) -> timedelta:
        return self.end - self.start

    def __str__(self) -> str:
        return f"{format_instant(self.start)}/{format_instant(self.end)}"


_WORD = re.compile(r"[A-Za-z]+(?:[ _-][A-Za-z]+)*", re.ASCII)
_DURATION_ATTEMPT = re.compile(r"[+-]?[Pp][0-9YMWDTHSymwdths.,+-]*", re.ASCII)
_REPEATING = re.compile(r"[Rr][0-9]*/", re.ASCII)


# Cached: a run reads the same few texts in file after file (values are frozen).
@lru_cache(maxsize=2048)
def parse_interval(text: str, tz: tzinfo = _UTC) -> Interval:
    """Parse an ``interval`` value; raise :class:`IntervalError` when it is not one.

    Forms: ``start/end``, ``start/duration`` and ``duration/end`` (a side starting with ``P`` or
    ``p`` is a duration, as in Joda's interval parser). The missing end or start of the last two
    forms is computed with :func:`add`/:func:`subtract` in ``tz`` (default UTC, like a server
    whose default zone is UTC). Timestamps without an offset are read as UTC. The parser does not
    judge ``start >= end``; see :attr:`Interval.elapsed`.
    """
    if not isinstance(text, str):
        raise IntervalError("malformed", f"an interval must be a string, got {type(text).__name__}")
    if text.strip() == "":
        raise IntervalError("malformed", "empty interval; write start/end")
    if _REPEATING.match(text):
        raise IntervalError(
            "malformed",
            f"{text!r} is a repeating interval (R<n>/...), not a query interval; write start/end",
        )
    pieces = text.split("/")
    if len(pieces) > 2:
        raise IntervalError(
            "malformed", f"{text!r} has {len(pieces) - 1} '/'; an interval is start/end"
        )
    if len(pieces) == 1:
        raise _single_part_error(text)

    first, second = pieces
    left = _parse_part(first, "start")
    right = _parse_part(second, "end")
    sides: tuple[tuple[IntervalPart, Instant | Duration], ...] = (("start", left), ("end", right))
    naive = tuple(p for p, v in sides if isinstance(v, Instant) and not v.has_offset)
    date_only = tuple(p for p, v in sides if isinstance(v, Instant) and not v.has_time)

    if isinstance(left, Duration) and isinstance(right, Duration):
        raise IntervalError(
            "duration/duration",
            f"{text!r} has a duration on both sides; one side must be a timestamp",
        )
    try:
        if isinstance(left, Instant) and isinstance(right, Instant):
            return Interval(left.aware, right.aware, "start/end", None, naive, date_only)
        if isinstance(left, Instant) and isinstance(right, Duration):
            end = add(left.aware, right, tz)
            return Interval(left.aware, end, "start/duration", right, naive, date_only)
        assert isinstance(left, Duration) and isinstance(right, Instant)
        start = subtract(right.aware, left, tz)
        return Interval(start, right.aware, "duration/end", left, naive, date_only)
    except OverflowError:
        raise IntervalError(
            "malformed", f"{text!r}: the duration takes the interval out of the supported years"
        ) from None


def _single_part_error(text: str) -> IntervalError:
    try:
        duration = parse_duration(text)
    except ValueError as exc:
        if _DURATION_ATTEMPT.fullmatch(text):
            return IntervalError("malformed", f"{exc}; an interval is start/end")
    else:
        return IntervalError(
            "duration-only",
            f"{text!r} is a duration, not an interval; an interval is start/end "
            "(bucket sizes go in granularity)",
            duration=duration,
        )
    if _WORD.fullmatch(text):
        return IntervalError(
            "word", f"{text!r} is a word, not an interval; write start/end timestamps"
        )
    try:
        parse_instant(text)
    except ValueError as exc:
        return IntervalError("malformed", f"{exc}; an interval is start/end")
    return IntervalError(
        "instant-only", f"{text!r} is a single timestamp; an interval is start/end"
    )


def _parse_part(text: str, part: IntervalPart) -> Instant | Duration:
    if text == "":
        raise IntervalError("malformed", f"the interval's {part} is empty", part=part)
    try:
        if text[0] in "Pp" or text[:2] in ("-P", "-p", "+P", "+p"):
            return parse_duration(text)
        return parse_instant(text)
    except ValueError as exc:
        raise IntervalError("malformed", f"interval {part}: {exc}", part=part) from None


# --------------------------------------------------------------------------------------------
# Arithmetic
# --------------------------------------------------------------------------------------------


_MONTH_DAYS = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in_month(year: int, month: int) -> int:
    if month == 2 and year % 4 == 0 and (year % 100 != 0 or year % 400 == 0):
        return 29
    return _MONTH_DAYS[month]


def _shift(dt: datetime, months: int, days: int, micros: int, tz: tzinfo) -> datetime:
    """Move an aware ``dt`` and return the result **in UTC**.

    Months, then days, move the wall clock in ``tz``; then ``micros`` of elapsed time are added.
    Everything internal is compared in UTC: two datetimes sharing a ``ZoneInfo`` compare by wall
    clock and ignore ``fold``, which is wrong inside a DST overlap.
    """
    try:
        if months or days:
            local = dt.astimezone(tz)
            prefer = local.utcoffset()
            if months:
                year, month0 = divmod(local.year * 12 + local.month - 1 + months, 12)
                if not 1 <= year <= 9999:
                    raise OverflowError("date value out of range")
                month = month0 + 1
                day = min(local.day, _days_in_month(year, month))
                wall = datetime(
                    year,
                    month,
                    day,
                    local.hour,
                    local.minute,
                    local.second,
                    local.microsecond,
                    tz,
                )
            else:
                wall = local
            if days:
                wall = wall + timedelta(days=days)  # same tzinfo: wall-clock arithmetic, fold=0
            elif wall.fold:
                wall = wall.replace(fold=0)
            # fold=0 is java.time's choice: in a gap it uses the offset before the transition, so
            # the instant reads as wall + gap ("moved forward"); in an overlap it is the earlier
            # (larger) offset, unless the original offset is the later one, which is then kept.
            # (In a gap fold=1 has the larger offset, so the `prefer < offset` test skips it.)
            offset = wall.utcoffset()
            if offset is not None and prefer is not None and prefer < offset:
                late = datetime(
                    wall.year,
                    wall.month,
                    wall.day,
                    wall.hour,
                    wall.minute,
                    wall.second,
                    wall.microsecond,
                    tz,
                    fold=1,
                )
                if late.utcoffset() == prefer:
                    wall = late
            dt = wall.astimezone(_UTC)
        else:
            dt = dt.astimezone(_UTC)
        if micros:
            dt = dt + timedelta(microseconds=micros)
        return dt
    except ValueError as exc:  # a year out of range from the datetime constructor
        raise OverflowError(str(exc)) from None


@lru_cache(maxsize=256)
def _fixed_zone(offset: timedelta) -> tzinfo:
    return _UTC if not offset else timezone(offset)


def _in_zone(dt: datetime, tz: tzinfo) -> datetime:
    """``dt`` shown on ``tz``'s wall clock, with a fixed-offset tzinfo (see the module notes)."""
    offset = dt.astimezone(tz).utcoffset()
    return dt.astimezone(_fixed_zone(offset or timedelta(0)))


def add(dt: datetime, d: Duration, tz: tzinfo) -> datetime:
    """``dt + d`` computed in zone ``tz``.

    The result shows the local time in ``tz`` with a fixed-offset tzinfo (the zone's offset at
    that instant, ``UTC`` when zero), so it compares and subtracts as the instant it is.

    Years/months/weeks/days are added to the local wall clock in ``tz`` (years and months as one
    month count, month-end clamped: Jan 31 + P1M = Feb 28/29; P1D across a DST change is 23 or 25
    hours; a wall time in a DST gap moves forward by the gap; in an overlap the original offset
    is kept when possible); hours, minutes and seconds are then added as elapsed time. A naive
    ``dt`` is read as UTC. Raises :class:`OverflowError` outside years 1-9999.
    """
    months, days, micros = _months_days_micros(d)
    return _in_zone(_shift(_aware(dt), months, days, micros, tz), tz)


def subtract(dt: datetime, d: Duration, tz: tzinfo) -> datetime:
    """``dt - d`` with the same rules as :func:`add` (date part first, then the time part)."""
    months, days, micros = _months_days_micros(d)
    return _in_zone(_shift(_aware(dt), -months, -days, -micros, tz), tz)


def _require_step(d: Duration, what: str) -> tuple[int, int, int]:
    months, days, micros = _months_days_micros(d)
    if not months and not days and micros <= 0:
        raise ValueError(f"{what} {d} is zero or shorter than a microsecond")
    return months, days, micros


def _least(pred: Callable[[int], bool], guess: int) -> int:
    """Smallest n >= 1 with ``pred(n)``, for a monotone ``pred`` false at 0 and true eventually.

    Gallops from ``guess`` then bisects, so it costs O(log |answer - guess|) calls.
    """
    lo = 0  # pred(lo) is False
    n = max(1, guess)
    if pred(n):
        hi, step = n, 1
        while hi - step > lo:
            probe = hi - step
            if pred(probe):
                hi, step = probe, step * 2
            else:
                lo = probe
                break
    else:
        lo, step = n, 1
        while True:
            probe = lo + step
            if pred(probe):
                hi = probe
                break
            lo, step = probe, step * 2
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if pred(mid):
            hi = mid
        else:
            lo = mid
    return hi


# Cached: the same interval, granularity and zone recur across a run's files (a repository's
# reports of yesterday, or of last month), and the count is arithmetic on aware instants, so
# equal arguments (compared as instants) always give the same answer.
@lru_cache(maxsize=4096)
def bucket_count(
    start: datetime,
    end: datetime,
    granularity: Duration,
    tz: tzinfo,
    cap: int | None = None,
) -> tuple[int, bool]:
    """How many granularity buckets cut ``[start, end)``, and whether they divide it evenly.

    Boundary k is ``add(start, k × granularity, tz)``; the count is the smallest n with boundary n
    at or after ``end`` (a final partial bucket counts), and the interval is divided evenly when
    that boundary is exactly ``end``. Fixed-length granularities are computed arithmetically;
    others by galloping/bisection over k, so the cost is O(log n) additions whatever the length
    (PT1S over ten years is instant). When ``cap`` is given and the count exceeds it, the count
    returned is ``cap + 1`` ("more than cap"); the evenness flag is exact either way.
    ``start == end`` gives ``(0, True)``; ``end < start`` and a zero granularity raise
    :class:`ValueError`; a start that cannot be shown in ``tz`` (year 1 west of Greenwich) raises
    :class:`OverflowError`. Naive datetimes are read as UTC.
    """
    start, end = _aware(start).astimezone(_UTC), _aware(end).astimezone(_UTC)
    if end < start:
        raise ValueError("bucket_count: end is before start")
    if cap is not None and cap < 0:
        raise ValueError("bucket_count: cap must not be negative")
    months, days, micros = _require_step(granularity, "granularity")
    if start == end:
        return 0, True
    if months or days:
        _check_localizable(start, tz)
    if not months and not days:
        total = (end - start) // timedelta(microseconds=1)
        count, remainder = -(-total // micros), total % micros
        even = remainder == 0
    else:

        def reaches_end(k: int) -> bool:  # past year 9999 counts as past end
            return _shift_or_max(start, k * months, k * days, k * micros, tz) >= end

        guess = int((end - start).total_seconds() / granularity.nominal_seconds())
        count = _least(reaches_end, guess)
        even = _shift_or_max(start, count * months, count * days, count * micros, tz) == end
    if cap is not None and count > cap:
        return cap + 1, even
    return count, even


def split(
    start: datetime,
    end: datetime,
    chunk: Duration,
    tz: tzinfo,
    align: Duration | None = None,
    *,
    limit: int = 1_000_000,
) -> list[tuple[datetime, datetime]]:
    """Cut ``[start, end)`` into consecutive windows of at most ``chunk``, for query planning.

    The windows are contiguous and cover ``[start, end)`` exactly; the last one may be shorter.
    The returned datetimes are in UTC, ready for :func:`format_instant`, and safe to compare and
    subtract (two datetimes sharing a ``ZoneInfo`` subtract by wall clock: a 25-hour window would
    read as one day). ``tz`` is the zone for calendar arithmetic. Naive input is read as UTC.

    Without ``align`` each window ends at ``add(window_start, chunk, tz)``.

    With ``align`` (the query granularity) every inner boundary is a granularity boundary counted
    from ``start`` (``add(start, k × align, tz)``, as in :func:`bucket_count`), so no bucket is
    cut in two. Each window takes the largest whole number of buckets that fits within
    ``add(window_start, chunk, tz)``, but at least one bucket. With fixed lengths this is the
    chunk rounded down to a multiple of the granularity (PT100M with PT30M gives PT90M windows);
    with calendar units it is decided per window (P1M with P1D gives 28-31 days). If the chunk is
    shorter than one granularity bucket, windows are single buckets, longer than ``chunk``.

    Raises :class:`ValueError` for ``end < start`` or a zero ``chunk``/``align``,
    :class:`TooManyWindows` (a ValueError) for more than ``limit`` windows, and
    :class:`OverflowError` as :func:`bucket_count` does. Fast: fixed lengths are pure
    arithmetic, otherwise one or two additions per window; more than ``limit`` windows is found
    out before any window is made (a P1D chunk over 8,000 years costs nothing).
    """
    start, end = _aware(start).astimezone(_UTC), _aware(end).astimezone(_UTC)
    if end < start:
        raise ValueError("split: end is before start")
    c_months, c_days, c_micros = _require_step(chunk, "chunk")
    a_months, a_days, a_micros = (0, 0, 0) if align is None else _require_step(align, "align")
    if start == end:
        return []
    if c_months or c_days or a_months or a_days:
        _check_localizable(start, tz)
    too_many = TooManyWindows(limit)
    if least_windows(start, end, chunk, tz, align, cap=limit) > limit:
        raise too_many
    edges = [start]  # UTC

    if not c_months and not c_days and not a_months and not a_days:
        step = c_micros if align is None else max(1, c_micros // a_micros) * a_micros
        total = (end - start) // timedelta(microseconds=1)
        count = -(-total // step)
        if count > limit:
            raise too_many
        # Edge k as start + k × step, below end: never a datetime past year 9999, and no
        # timedelta built from a step longer than datetime can hold.
        edges.extend(start + timedelta(microseconds=k * step) for k in range(1, count))
    elif align is None:
        current = start
        while True:
            nxt = _shift_or_max(current, c_months, c_days, c_micros, tz)
            if nxt <= current:  # cannot happen with real zones; never loop forever
                raise ValueError("split: the time zone prevents the chunk from advancing")
            if nxt >= end:
                break
            if len(edges) >= limit:
                raise too_many
            edges.append(nxt)
            current = nxt
    else:
        cache: dict[int, datetime] = {}

        def grid(k: int) -> datetime:
            value = cache.get(k)
            if value is None:
                value = _shift_or_max(start, k * a_months, k * a_days, k * a_micros, tz)
                cache[k] = value
            return value

        index = 0  # edges[-1] == grid(index)
        guess = max(1, int(chunk.nominal_seconds() // align.nominal_seconds()))
        while True:
            current = edges[-1]
            reach = _shift_or_max(current, c_months, c_days, c_micros, tz)
            if reach >= end:
                break
            base = index
            if grid(base + guess) == reach:  # the usual case: chunk is a multiple of align
                taken = guess
            else:

                def beyond(k: int, base: int = base, reach: datetime = reach) -> bool:
                    return grid(base + k) > reach

                taken = max(1, _least(beyond, guess + 1) - 1)
            guess = taken
            index = base + taken
            nxt = grid(index)
            if nxt >= end:
                break
            if nxt <= current:  # a zero-length bucket (a whole-day DST gap): skip it
                continue
            if len(edges) >= limit:
                raise too_many
            edges.append(nxt)
            if len(cache) > 64:
                cache = {index: nxt}

    edges.append(end)
    return list(pairwise(edges))


class TooManyWindows(ValueError):
    """:func:`split` would make more than ``limit`` windows."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit:,} windows")
        self.limit = limit


def least_windows(
    start: datetime,
    end: datetime,
    chunk: Duration,
    tz: tzinfo,
    align: Duration | None = None,
    cap: int | None = None,
) -> int:
    """A lower bound on how many windows :func:`split` cuts ``[start, end)`` into, in
    O(log n) additions: no window is longer than ``chunk`` unless it is a single ``align``
    bucket, so there are at least as many windows as the fewer of chunks and buckets. With
    ``cap``, a count above it is returned as ``cap + 1``. Raises as :func:`bucket_count`."""
    if _aware(end) <= _aware(start):
        return 0
    count, _ = bucket_count(start, end, chunk, tz, cap)
    if align is not None:
        count = min(count, bucket_count(start, end, align, tz, cap)[0])
    return count


def _check_localizable(dt: datetime, tz: tzinfo) -> None:
    try:
        dt.astimezone(tz)
    except (OverflowError, ValueError):
        raise OverflowError(f"{dt.isoformat()} is out of range in time zone {tz}") from None


def _shift_or_max(dt: datetime, months: int, days: int, micros: int, tz: tzinfo) -> datetime:
    """:func:`_shift`, with results past year 9999 pinned to ``datetime.max`` (UTC)."""
    try:
        return _shift(dt, months, days, micros, tz)
    except OverflowError:
        return _FAR_FUTURE


_FAR_FUTURE = datetime.max.replace(tzinfo=_UTC)


# --------------------------------------------------------------------------------------------
# Time zones
# --------------------------------------------------------------------------------------------

_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(?:/[A-Za-z0-9_+-]+)*", re.ASCII)
# In the system database but machine-specific or not a real zone; Java does not know them.
_NOT_ZONES = frozenset({"localtime", "posixrules", "Factory"})


@lru_cache(maxsize=1)
def _known_zones() -> frozenset[str]:
    from zoneinfo import available_timezones

    return frozenset(available_timezones()) - _NOT_ZONES


@lru_cache(maxsize=1024)
def _zone_is_valid(name: str) -> bool:
    if len(name) > 64 or not _ZONE_NAME.fullmatch(name) or name in _NOT_ZONES:
        return False
    if name.startswith(("posix/", "right/")):  # copies of the database, not zone names
        return False
    # Fast path: the zone's file in a system database, its name checked component by
    # component with exact case (a case-insensitive file system would also open "utc").
    # Listing the whole database costs tens of milliseconds, a pre-commit run's budget.
    from zoneinfo import TZPATH

    for root in TZPATH:
        if os.path.isfile(os.path.join(root, name)):
            return _exact_case(root, name.split("/")) and _loads(name)
    known = _known_zones()
    if known:  # e.g. the tzdata package instead of a system database
        return name in known
    return _loads(name)


def _exact_case(root: str, parts: list[str]) -> bool:
    folder = root
    for part in parts:
        try:
            if part not in os.listdir(folder):
                return False
        except OSError:
            return False
        folder = os.path.join(folder, part)
    return True


def _loads(name: str) -> bool:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return False
    return True


def is_valid_timezone(name: str) -> bool:
    """Whether ``name`` is an IANA zone in the tz database (``UTC``, ``Etc/UTC``,
    ``Europe/London``...). Exact case, as Java's ``ZoneId`` requires (``utc`` is invalid even on
    case-insensitive file systems). Legacy database names (``EST``, ``EST5EDT``, ``US/Eastern``)
    are valid since the database has them; POSIX strings (``EST5``), abbreviations missing from
    it (``PST``), ``localtime`` and ``Factory`` are not. Never raises; results are cached.
    """
    if not isinstance(name, str):
        return False
    return _zone_is_valid(name)


def load_timezone(name: str) -> ZoneInfo:
    """The :class:`~zoneinfo.ZoneInfo` for a valid name; :class:`ValueError` otherwise."""
    if not is_valid_timezone(name):
        raise ValueError(f"unknown time zone {name!r}; use an IANA name such as Europe/London")
    from zoneinfo import ZoneInfo

    return ZoneInfo(name)

"""Time: the body's interval, granularity and timeZone, and the definition's windows and chunk.

isotime reads the text and does the calendar arithmetic, timespans reads the spans a query
states (shared with the limits family and plan); each rule here says in the user's words what
is wrong and builds the fix.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from datetime import datetime, tzinfo
from typing import Any

from aggqlint.api import isotime
from aggqlint.api.isotime import Duration, Interval, IntervalError
from aggqlint.api.timespans import (
    Span,
    add,
    can_exceed,
    chunk_size,
    describe,
    like,
    max_requests,
    no_interval,
    open_ended,
    out_of_range,
    sent_chunk,
    subtract,
    times,
    too_many,
    zone_label,
    zone_name,
)
from aggqlint.checks.context import RuleContext, run_family
from aggqlint.checks.registry import rule
from aggqlint.data import load_yaml
from aggqlint.diagnostics import Finding
from aggqlint.fixes import shapes
from aggqlint.fixes.model import Fix, ReplaceValue

# Where made-up range fields keep their two ends, in the order shapes.invented_range reads them.
_INVENTED_RANGES = (
    ("/dateFrom", "/dateTo"),
    ("/startDate", "/endDate"),
    ("/from", "/to"),
    ("/dateRange/from", "/dateRange/to"),
    ("/dateRange/start", "/dateRange/end"),
)
_OFFSET = re.compile(r"(?:UTC|GMT|Z)?\s*([+-])\s*([0-9]{1,2})(?::?([0-9]{2}))?", re.ASCII)
_EXAMPLE = "2023-10-01T00:00:00Z/2023-10-02T00:00:00Z"


def check(context: RuleContext) -> Iterator[Finding]:
    """Every time rule on one context (each guarded on its own)."""
    return run_family(__name__, context)


# --- interval and windows ------------------------------------------------------------------


@rule("AQL101", "AQL102", "AQL103")
def unreadable_interval(context: RuleContext) -> Iterator[Finding]:
    """An interval or window that cannot be read; why (a duration, a word, anything else)
    decides the code, in one reading."""
    for span in context.spans:
        if span.interval is None:
            yield _unreadable(span, context.body, context.fields)


@rule("AQL104")
def interval_with_duration(context: RuleContext) -> Iterator[Finding]:
    for span in _readable(context):
        yield from _duration_form(span)


@rule("AQL105")
def interval_without_offset(context: RuleContext) -> Iterator[Finding]:
    for span in _readable(context):
        yield from _naive(span, context.body)


@rule("AQL106")
def empty_interval(context: RuleContext) -> Iterator[Finding]:
    for span in _readable(context):
        yield from _backwards(span)


@rule("AQL107")
def end_before_midnight(context: RuleContext) -> Iterator[Finding]:
    if "interval" in context.fields:
        yield from _invented_end(context.body, context.fields)
    for span in _forward(context):
        yield from _half_open(span)


@rule("AQL108")
def interval_in_future(context: RuleContext) -> Iterator[Finding]:
    for span in _forward(context):
        yield from _future(span, context)


@rule("AQL111", "AQL112")
def granularity_fit(context: RuleContext) -> Iterator[Finding]:
    """Whether whole buckets fill each span: one bucket count says which of the two."""
    size = context.bucket
    if size is None:
        return
    for span in _forward(context):
        assert span.interval is not None
        # An end in year 9999 stands for "no end" (AQL108 says so): whole buckets up to it
        # would be advice to end in 9999 again.
        if not open_ended(span.interval.end):
            yield from _fit(span, size, context.zone, zone_name(context.body))


def _readable(context: RuleContext) -> Iterator[Span]:
    return (span for span in context.spans if span.interval is not None)


def _forward(context: RuleContext) -> Iterator[Span]:
    return (span for span in context.spans if span.is_forward)


def _unreadable(span: Span, body: dict[str, Any], fields: dict[str, Any]) -> Finding:
    error = span.error or IntervalError("malformed", "unreadable")
    size = error.duration if error.kind == "duration-only" else None
    if error.kind == "word":
        size = _bucket_word(span.text)
    code = {"duration-only": "AQL101", "word": "AQL102"}.get(error.kind, "AQL103")
    if error.kind == "duration-only":
        what = f"holds a duration ({size})"
    elif error.kind == "word":
        what = f"holds the word {span.text!r}"
    else:
        what = "is not an ISO 8601 interval 'start/end'"
    if span.is_window:
        if size is not None:
            return Finding(
                code,
                span.pointer,
                f"{span.label} {what}; a window is an interval 'start/end' — to cut the query "
                f"into pieces of {size}, use 'chunk: {size}' beside 'query:'",
                fix=Fix.display(f"chunk: {size}", fragment=True),
            )
        return Finding(code, span.pointer, f"{span.label} {what}: {error}")
    fragment = _fragment(body, fields, size)
    if code == "AQL103":
        return Finding(
            code,
            span.pointer,
            f"'interval' {what}: {error}",
            fix=shapes.interval_fix(body, fragment),
        )
    message = f"'interval' {what}; it takes an ISO 8601 interval 'start/end'"
    invented = _invented(body, fields)
    if invented is not None:
        message += f" — the range written in {invented[0]} goes here"
    else:
        message += f" such as {_EXAMPLE}"
    if size is not None and "granularity" in body:
        message += " (the bucket size is already in 'granularity')"
    elif size is not None and "granularity" in fields:
        message += f"; put {size} in 'granularity'"
    return Finding(code, span.pointer, message, fix=shapes.interval_fix(body, fragment))


def _fragment(body: dict[str, Any], fields: dict[str, Any], size: Duration | None) -> str | None:
    """The corrected fragment: the interval from made-up range fields, the bucket size moved to
    granularity (an end at 23:59:59.999 becomes the next midnight)."""
    parts: dict[str, Any] = {}
    found = shapes.invented_range(body) if _invented(body, fields) else None
    if found is not None:
        start, end = found
        parts["interval"] = f"{start}/{_next_midnight(end) or end}"
    if size is not None and "granularity" in fields and "granularity" not in body:
        parts["granularity"] = str(size)
    return shapes.render(parts) if parts else None


def _duration_form(span: Span) -> Iterator[Finding]:
    interval = span.interval
    assert interval is not None
    first, _, second = span.text.partition("/")
    if interval.duration is not None:
        # Both ends in the written side's own offset, so the fix reads like the original.
        if interval.form == "start/duration":
            end = add(interval.start, interval.duration)
            fixed = f"{first}/{like(first, end)}" if end else None
        else:
            start = subtract(interval.end, interval.duration)
            fixed = f"{like(second, start)}/{second}" if start else None
        if fixed is not None:
            yield Finding(
                "AQL104",
                span.pointer,
                f"{span.label} is written as {interval.form} ({span.text}); write both ends: "
                f"{fixed}",
                fix=Fix.advice(fixed),
            )


def _naive(span: Span, body: dict[str, Any]) -> Iterator[Finding]:
    interval = span.interval
    assert interval is not None
    first, _, second = span.text.partition("/")
    if interval.naive_parts:
        pieces = {"start": first, "end": second}
        named = " and ".join(f"{p} {pieces[p]}" for p in interval.naive_parts)
        verb = "has" if len(interval.naive_parts) == 1 else "have"
        local = body.get("timeZone")
        hint = ""
        if isinstance(local, str) and local not in ("UTC", "Etc/UTC"):
            hint = f" (or the offset of {local} if the times are local)"
        yield Finding(
            "AQL105",
            span.pointer,
            f"{span.label}: {named} {verb} no UTC offset; the API does not document which zone it "
            f"reads such times in (probably UTC, not 'timeZone') — add Z{hint}",
            fix=Fix.advice(_with_offsets(span.text)),
        )


def _backwards(span: Span) -> Iterator[Finding]:
    interval = span.interval
    assert interval is not None
    first, _, second = span.text.partition("/")
    if interval.end == interval.start:
        yield Finding(
            "AQL106",
            span.pointer,
            f"{span.label} is empty: it starts and ends at {isotime.format_instant(interval.end)}",
        )
    elif interval.end < interval.start:
        swapped = f"{second}/{first}" if interval.form == "start/end" else None
        yield Finding(
            "AQL106",
            span.pointer,
            f"{span.label} ends ({isotime.format_instant(interval.end)}) before it starts "
            f"({isotime.format_instant(interval.start)})",
            fix=Fix.advice(swapped),
        )


def _with_offsets(text: str) -> str:
    out = []
    for piece in text.split("/"):
        try:
            instant = isotime.parse_instant(piece)
        except ValueError:
            out.append(piece)  # a duration side
            continue
        if instant.has_offset:
            out.append(piece)
        else:
            out.append(piece + ("Z" if instant.has_time else "T00:00:00Z"))
    return "/".join(out)


def _half_open(span: Span) -> Iterator[Finding]:
    assert span.interval is not None
    if span.interval.form == "start/duration":
        return
    first, _, second = span.text.partition("/")
    fixed = _next_midnight(second)
    if fixed is not None:
        yield Finding(
            "AQL107",
            span.pointer,
            f"{span.label} ends at {_clock(second)}; intervals are half-open (the end is "
            "excluded), so this leaves out the day's last moment and cuts the last bucket "
            "short — end at the next midnight",
            fix=Fix.advice(f"{first}/{fixed}"),
        )


def _invented_end(body: dict[str, Any], fields: dict[str, Any]) -> Iterator[Finding]:
    """The same note for a range written in made-up fields (reported there by the schema)."""
    invented = _invented(body, fields)
    if invented is None:
        return
    _, end_pointer, end = invented
    fixed = _next_midnight(end)
    if fixed is not None:
        name = end_pointer.lstrip("/").replace("/", ".")
        yield Finding(
            "AQL107",
            end_pointer,
            f"'{name}' ends at {_clock(end)}; intervals are half-open (the end is excluded), "
            f"so the range should end at the next midnight, {fixed}",
            fix=Fix.advice(fixed),
        )


def _next_midnight(end: str) -> str | None:
    """The next midnight for an end written as the last second or millisecond of a day."""
    try:
        wall = isotime.parse_instant(end).value
    except ValueError:
        return None
    last_moment = wall.microsecond == 0 or wall.microsecond >= 999_000
    if (wall.hour, wall.minute, wall.second) != (23, 59, 59) or not last_moment:
        return None
    try:
        fixed = shapes.half_open_end(end)
    except OverflowError:  # the last day of year 9999 has no next midnight
        return None
    return fixed if fixed != end else None


def _clock(end: str) -> str:
    return end[11:23] if end[19:20] in (".", ",") else end[11:19]


def _invented(body: dict[str, Any], fields: dict[str, Any]) -> tuple[str, str, str] | None:
    """(the fields' names, the end's pointer, the end) of a range in made-up fields."""
    found = shapes.invented_range(body)
    if found is None:
        return None
    for start_pointer, end_pointer in _INVENTED_RANGES:
        start, end = _at(body, start_pointer), _at(body, end_pointer)
        if start is found[0] and end is found[1]:
            if start_pointer.split("/")[1] in fields:
                return None  # a real field of this model
            names = dict.fromkeys(p.split("/")[1] for p in (start_pointer, end_pointer))
            return "/".join(names), end_pointer, end
    return None


def _at(body: dict[str, Any], pointer: str) -> Any:
    value: Any = body
    for key in pointer.split("/")[1:]:
        value = value.get(key) if isinstance(value, dict) else None
    return value


def _future(span: Span, context: RuleContext) -> Iterator[Finding]:
    assert span.interval is not None
    end = span.interval.end
    if not context.is_future(end):
        return
    now = context.moment
    message = (
        f"{span.label} ends at {isotime.format_instant(end)}, after now "
        f"({isotime.format_instant(now)}): there is no data yet for the rest, so the last "
        "buckets come back empty or partial"
    )
    if open_ended(end):
        message += (
            f"; an end in year {end.year} does not make an open-ended interval (the API has "
            "none), it asks for every bucket up to that date — end at the last moment you "
            "need data for"
        )
    yield Finding("AQL108", span.pointer, message + " (--now fixes 'now' for reproducible runs)")


# --- granularity ---------------------------------------------------------------------------


@rule("AQL110")
def granularity_not_duration(context: RuleContext) -> Iterator[Finding]:
    text = context.body.get("granularity")
    if "granularity" in context.fields and isinstance(text, str):
        yield from _granularity(text)[1]


def _granularity(text: str) -> tuple[Duration | None, list[Finding]]:
    try:
        size = isotime.parse_duration(text)
    except ValueError as err:
        if "/" in text:
            message = (
                f"'granularity' holds an interval ({text}); it takes a bucket size such as "
                "PT1H or P1D, and the range goes in 'interval'"
            )
            return None, [Finding("AQL110", "/granularity", message)]
        message, word = _not_a_duration("granularity", text, err)
        return None, [Finding("AQL110", "/granularity", message, fix=Fix.advice(word))]
    if size.is_zero:
        message = (
            f"'granularity' {text} is zero; a bucket needs a length (omit 'granularity' for one "
            "bucket over the whole interval)"
        )
        return None, [Finding("AQL110", "/granularity", message)]
    return size, []


def _not_a_duration(field: str, text: str, err: ValueError) -> tuple[str, str | None]:
    """The message for a field that takes a duration, and the duration a word stands for."""
    word = _bucket_word(text)
    if word is not None:
        return f"'{field}' {text!r} is a word, not an ISO 8601 duration; write {word}", str(word)
    return f"'{field}' must be an ISO 8601 duration such as PT30M or P1D: {err}", None


def _fit(span: Span, size: Duration, tz: tzinfo, zone_label: str) -> Iterator[Finding]:
    interval = span.interval
    assert interval is not None
    try:
        count, even = isotime.bucket_count(interval.start, interval.end, size, tz)
    except (ValueError, OverflowError):
        return
    if even or _whole_up_to_midnight(span, size, tz):
        return
    if count == 1:
        yield Finding(
            "AQL111",
            span.pointer if span.is_window else "/granularity",
            f"granularity {size} is longer than {span.label} ({describe(interval.elapsed)}), so "
            "its one bucket cannot be filled; omit 'granularity' for a single bucket over the "
            "whole interval, or use a shorter one",
        )
        return
    ends = (
        _boundary(interval.start, size, count - 1, tz),
        _boundary(interval.start, size, count, tz),
    )
    written = span.text.partition("/")[2] if interval.form != "start/duration" else ""
    shown = " or ".join(like(written, end) for end in ends if end is not None)
    yield Finding(
        "AQL112",
        span.pointer,
        f"granularity {size} does not divide {span.label} evenly in {zone_label}: the last of "
        f"its {count} buckets is cut short; end at {shown} for whole buckets",
    )


def _whole_up_to_midnight(span: Span, size: Duration, tz: tzinfo) -> bool:
    """An end at 23:59:59(.999) whose next midnight gives whole buckets: the short last
    bucket is AQL107's (an info with that fix), not a second finding for the same cause."""
    assert span.interval is not None
    if span.interval.form == "start/duration":
        return False
    first, _, second = span.text.partition("/")
    fixed = _next_midnight(second)
    if fixed is None:
        return False
    try:
        interval = isotime.parse_interval(f"{first}/{fixed}", tz)
        return isotime.bucket_count(interval.start, interval.end, size, tz)[1]
    except (ValueError, OverflowError):
        return False


def _boundary(start: datetime, size: Duration, k: int, tz: tzinfo) -> datetime | None:
    try:
        return isotime.add(start, times(size, k), tz)
    except OverflowError:
        return None


# --- timeZone ------------------------------------------------------------------------------


@rule("AQL113")
def unknown_time_zone(context: RuleContext) -> Iterator[Finding]:
    if "timeZone" in context.fields:
        yield from _time_zone(context.body.get("timeZone"))


def _time_zone(value: Any) -> Iterator[Finding]:
    if not isinstance(value, str) or isotime.is_valid_timezone(value):
        return
    guess = _zone_guess(value)
    message = f"'timeZone' {value!r} is not an IANA time zone name"
    if _OFFSET.fullmatch(value.strip()):
        message += (
            "; it takes a zone name such as Europe/London (offsets belong in the interval's "
            "timestamps)"
        )
    elif guess:
        message += f"; did you mean '{guess}'?"
    else:
        message += "; use a name such as Europe/London or America/New_York"
    yield Finding(
        "AQL113",
        "/timeZone",
        message,
        fix=Fix.unsafe(f"replace with '{guess}'", ReplaceValue("/timeZone", guess), shown=guess)
        if guess
        else None,
    )


def _zone_guess(name: str) -> str | None:
    import difflib  # only for a did-you-mean: most runs never ask

    text = name.strip()
    exact = _zones_by_lower_case().get(text.lower())
    if exact:
        return exact
    abbreviation = _data()["zone-abbreviations"].get(text.upper())
    if abbreviation:
        return str(abbreviation)
    key = text.replace(" ", "_")
    if "/" not in key:  # a city alone: London -> Europe/London
        cities = _cities()
        if key.lower() in cities:
            return cities[key.lower()]
        close = difflib.get_close_matches(key.lower(), list(cities), n=1, cutoff=0.8)
        return cities[close[0]] if close else None
    close = difflib.get_close_matches(key, _zones(), n=1, cutoff=0.8)
    return close[0] if close else None


@functools.cache
def _zones() -> list[str]:
    from zoneinfo import available_timezones

    return sorted(z for z in available_timezones() if isotime.is_valid_timezone(z))


@functools.cache
def _zones_by_lower_case() -> dict[str, str]:
    return {zone_id.lower(): zone_id for zone_id in _zones()}


@functools.cache
def _cities() -> dict[str, str]:
    cities: dict[str, str] = {}
    for zone_id in _zones():
        area, _, city = zone_id.rpartition("/")
        if area and not area.startswith("Etc"):
            cities.setdefault(city.lower(), zone_id)
    return cities


# --- chunk ---------------------------------------------------------------------------------


@rule("AQL120")
def chunk_not_duration(context: RuleContext) -> Iterator[Finding]:
    text = context.chunk
    if text is None:
        return
    try:
        chunk = isotime.parse_duration(text)
    except ValueError as err:
        message, word = _not_a_duration("chunk", text, err)
        yield Finding("AQL120", "/../chunk", message, fix=Fix.advice(word))
        return
    if chunk.is_zero:
        yield Finding(
            "AQL120", "/../chunk", f"'chunk' {text} is zero; it needs a length such as PT4H or P1D"
        )


@rule("AQL121")
def chunk_and_windows(context: RuleContext) -> Iterator[Finding]:
    chunk = chunk_size(context.chunk)
    if chunk is not None and context.windows and "interval" in context.fields:
        # (without an interval, AQL123 says it all)
        yield Finding(
            "AQL121",
            "/../chunk",
            f"'chunk' and 'windows' are both set: each window is cut again into pieces of "
            f"{chunk}, so the requests are not the windows listed; use one or the other",
        )


@rule("AQL122")
def chunk_shorter_than_bucket(context: RuleContext) -> Iterator[Finding]:
    chunk, size = chunk_size(context.chunk), context.bucket
    if chunk is not None and size is not None and can_exceed(size, chunk):
        yield Finding(
            "AQL122",
            "/../chunk",
            f"'chunk' {chunk} is shorter than one granularity bucket ({size}); chunks never cut "
            f"a bucket, so each request still spans {size}",
            fix=Fix.advice(str(size)),
        )


@rule("AQL123")
def nothing_to_split(context: RuleContext) -> Iterator[Finding]:
    if "interval" not in context.fields:
        yield from _nothing_to_split(context)


@rule("AQL124")
def too_many_requests(context: RuleContext) -> Iterator[Finding]:
    if "interval" in context.fields:
        yield from _planned(context, context.spans, context.bucket, context.zone)


def _nothing_to_split(context: RuleContext) -> Iterator[Finding]:
    """windows/chunk on a query whose model has no interval: plan refuses to expand it."""
    if context.windows:
        yield Finding(
            "AQL123", "/../windows", no_interval(context.endpoint.name, "windows"), at_key=True
        )
    if context.chunk is not None:
        yield Finding(
            "AQL123", "/../chunk", no_interval(context.endpoint.name, "chunk"), at_key=True
        )


def _planned(
    context: RuleContext, found: list[Span], size: Duration | None, tz: tzinfo
) -> Iterator[Finding]:
    """What plan refuses when it cuts the intervals into chunks, said here first."""
    written = chunk_size(context.chunk)
    if written is None:
        return
    chunk = sent_chunk(written, context.limits, context.endpoint.name)
    # plan cuts the windows when there are any, else the body's interval.
    sent = [s for s in found if s.is_forward and s.is_window == bool(context.windows)]
    most = max_requests()
    total = 0
    for span in sent:
        assert span.interval is not None
        try:
            total += _requests(span.interval, chunk, tz, size, most - total)
        except OverflowError:
            yield Finding("AQL124", span.pointer, out_of_range(span.label, chunk, zone_label(tz)))
            return
        if total > most:
            yield Finding(
                "AQL124",
                "/../chunk",
                too_many(chunk, most, bool(context.windows), span.interval, written),
            )
            return


def _requests(
    interval: Interval, chunk: Duration, tz: tzinfo, size: Duration | None, room: int
) -> int:
    """How many requests plan cuts the interval into, or room + 1 for "more than room".
    A lower bound costs a few additions; windows are longer than half a chunk, so only a
    bound within a factor two of the room needs the exact cut plan makes."""
    start, end = interval.start, interval.end
    bound = isotime.least_windows(start, end, chunk, tz, size, cap=room)
    if bound > room or 2 * bound + 2 <= room:
        return bound
    try:
        return len(isotime.split(start, end, chunk, tz, size, limit=room))
    except isotime.TooManyWindows:
        return room + 1


def _bucket_word(text: str) -> Duration | None:
    key = re.sub(r"[\s_-]+", "", text).lower()
    found = _data()["bucket-words"].get(key)
    return isotime.parse_duration(found) if isinstance(found, str) else None


@functools.cache
def _data() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = load_yaml("rules", "checks/time.yaml")["data"]
    return data

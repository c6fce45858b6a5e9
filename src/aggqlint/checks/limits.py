"""Window limits: the documented ones (detail query spans and paging, from rules/limits.yaml)
and the ones a config profile sets (max-interval, max-buckets).

What is measured is what will be sent: with 'chunk' the chunk size (the plan splits the
interval into chunks), else each window, else the body's interval. Unreadable intervals are
the time family's to report; nothing here repeats them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from datetime import UTC, tzinfo
from typing import Any

from msgspec import Struct
from msgspec.structs import replace

from aggqlint.api import isotime
from aggqlint.api import timespans as timing
from aggqlint.api.isotime import Duration
from aggqlint.api.timespans import Span
from aggqlint.checks.context import RuleContext, run_family
from aggqlint.checks.registry import Option, rule
from aggqlint.config.policy import limit_for
from aggqlint.data import load_yaml
from aggqlint.diagnostics import Finding
from aggqlint.fixes.model import Fix


class _Limits(Struct, frozen=True):
    """The limits that apply to one query."""

    detail: Duration | None  # the documented detail-query span, with or without a filter
    detail_rule: str  # how the message states the detail rule
    # A longer span another source allows (the Query Builder's 32 days with a filter): past
    # `detail` and up to this is a warning (AQL412), past it an error (AQL401).
    disputed: Duration | None
    max_interval: Duration | None  # from the config profile
    max_buckets: int | None
    profile: str  # how messages name where the profile limits come from


# The profile limits these rules read (documented with them in rules/checks/limits.yaml).
MAX_INTERVAL = Option(
    "max-interval",
    "duration",
    None,
    "the longest span one request may cover, an ISO 8601 duration such as P7D; unset, no "
    "limit. Set it in a profile, or per endpoint under endpoints.<name>.",
)
MAX_BUCKETS = Option(
    "max-buckets",
    "count",
    None,
    "the most granularity buckets one request may hold, a whole number of 1 or more; unset, "
    "no limit. Set it in a profile, or per endpoint under endpoints.<name>.",
)


def check(context: RuleContext) -> Iterator[Finding]:
    """Every limits rule on one context (each guarded on its own)."""
    return run_family(__name__, context)


@rule("AQL405")
def count_below_one(context: RuleContext) -> Iterator[Finding]:
    yield from _counts(context.body, context.fields)


@rule("AQL402", "AQL403")
def paging_past_results(context: RuleContext) -> Iterator[Finding]:
    """Paging past the result cap: whether the cap was seen on this endpoint picks the code."""
    if "interval" in context.fields and context.endpoint.kind == "detail":
        yield from _paging(context, pages=True)


@rule("AQL404")
def page_size_large(context: RuleContext) -> Iterator[Finding]:
    if "interval" in context.fields and context.endpoint.kind == "detail":
        yield from _paging(context, pages=False)


@rule("AQL401", "AQL412")
def detail_span(context: RuleContext) -> Iterator[Finding]:
    yield from _window_limits(context, "detail")


@rule("AQL410", options=(MAX_INTERVAL,))
def longer_than_max_interval(context: RuleContext) -> Iterator[Finding]:
    yield from _window_limits(context, "max_interval")


@rule("AQL411", options=(MAX_BUCKETS,))
def more_than_max_buckets(context: RuleContext) -> Iterator[Finding]:
    yield from _window_limits(context, "max_buckets")


def _window_limits(context: RuleContext, which: str) -> Iterator[Finding]:
    """The findings of one limit (the others left out) on what is sent."""
    if "interval" not in context.fields:
        return
    every = context.shared(_limits)  # read once per context, whichever limit rule asks first
    limits = replace(
        every,
        detail=every.detail if which == "detail" else None,
        disputed=every.disputed if which == "detail" else None,
        max_interval=every.max_interval if which == "max_interval" else None,
        max_buckets=every.max_buckets if which == "max_buckets" else None,
    )
    if limits.detail is None and limits.max_interval is None and limits.max_buckets is None:
        return
    tz, size = context.zone, context.bucket
    # What is sent: the windows when there are any, else the interval (each cut by a chunk).
    sent = [
        span
        for span in context.spans
        if span.is_forward and span.is_window == bool(context.windows)
    ]
    chunk = timing.chunk_size(context.chunk)
    if chunk is not None:
        yield from _chunk(chunk, size, limits, _Reach(sent, size, tz))
        return
    for span in sent:
        yield from _span(context, span, size, tz, limits)


def _span(
    context: RuleContext, span: Span, size: Duration | None, tz: tzinfo, limits: _Limits
) -> Iterator[Finding]:
    interval = span.interval
    assert interval is not None
    length = timing.describe(interval.elapsed)
    # A chunk is only offered where one can go: in a report definition without windows.
    can_chunk = context.in_envelope and not context.windows
    split = "with 'chunk'" if can_chunk else "into shorter intervals"
    if limits.detail is not None and _longer(interval, limits.detail, UTC):
        disputed = limits.disputed is not None and not _longer(interval, limits.disputed, UTC)
        yield Finding(
            "AQL412" if disputed else "AQL401",
            span.pointer,
            f"{span.label} spans {length}; {_detail_rule(limits, disputed)} — split it "
            f"{split}, or export with {context.endpoint.name}/jobs",
            fix=Fix.advice(f"chunk: {limits.detail}" if can_chunk else None, fragment=True),
        )
    if limits.max_interval is not None and _longer(interval, limits.max_interval, tz):
        yield Finding(
            "AQL410",
            span.pointer,
            f"{span.label} spans {length}, longer than max-interval {limits.max_interval} "
            f"{limits.profile}",
            fix=Fix.advice(f"chunk: {limits.max_interval}" if can_chunk else None, fragment=True),
        )
    if limits.max_buckets is not None and size is not None:
        try:
            count, _ = isotime.bucket_count(interval.start, interval.end, size, tz)
        except (ValueError, OverflowError):
            return
        if count > limits.max_buckets:
            fitting = timing.times(size, limits.max_buckets)
            yield Finding(
                "AQL411",
                span.pointer,
                f"{span.label} holds {count} buckets of {size}, more than max-buckets "
                f"{limits.max_buckets} {limits.profile}",
                fix=Fix.advice(f"chunk: {fitting}" if can_chunk else None, fragment=True),
            )


class _Reach(Struct, frozen=True):
    """Whether the spans a chunk cuts reach past a limit at all: a chunk longer than a limit
    does no harm when every interval it cuts is shorter. Unreadable spans count as reaching."""

    spans: list[Span]
    size: Duration | None
    tz: tzinfo

    def longer_than(self, limit: Duration, tz: tzinfo | None = None) -> bool:
        return not self.spans or any(
            _longer(span.interval, limit, tz or self.tz) for span in self.spans if span.interval
        )

    def more_buckets_than(self, most: int) -> bool:
        if not self.spans or self.size is None:
            return True
        for span in self.spans:
            assert span.interval is not None
            try:
                count, _ = isotime.bucket_count(
                    span.interval.start, span.interval.end, self.size, self.tz
                )
            except (ValueError, OverflowError):
                return True
            if count > most:
                return True
        return False


def _chunk(
    chunk: Duration, size: Duration | None, limits: _Limits, reach: _Reach
) -> Iterator[Finding]:
    # Chunks never cut a bucket: a chunk shorter than one bucket still sends whole buckets.
    sent = size if size is not None and timing.can_exceed(size, chunk) else chunk
    what = f"'chunk' {chunk}" + (
        f" (each request spans one {size} bucket)" if sent != chunk else ""
    )
    detail = limits.detail
    if detail is not None and timing.can_exceed(sent, detail) and reach.longer_than(detail, UTC):
        tolerated = limits.disputed
        disputed = tolerated is not None and not (
            timing.can_exceed(sent, tolerated) and reach.longer_than(tolerated, UTC)
        )
        yield Finding(
            "AQL412" if disputed else "AQL401",
            "/../chunk",
            f"{what} makes requests longer than allowed: {_detail_rule(limits, disputed)}",
            fix=Fix.advice(str(detail)),
        )
    longest = limits.max_interval
    if longest is not None and timing.can_exceed(sent, longest) and reach.longer_than(longest):
        yield Finding(
            "AQL410",
            "/../chunk",
            f"{what} is longer than max-interval {longest} {limits.profile}",
            fix=Fix.advice(str(longest)),
        )
    if limits.max_buckets is not None and size is not None:
        count = _buckets_per_chunk(chunk, size)
        if count > limits.max_buckets and reach.more_buckets_than(limits.max_buckets):
            yield Finding(
                "AQL411",
                "/../chunk",
                f"{what} holds {count} buckets of {size}, more than max-buckets "
                f"{limits.max_buckets} {limits.profile}",
                fix=Fix.advice(str(timing.times(size, limits.max_buckets))),
            )


def _detail_rule(limits: _Limits, disputed: bool) -> str:
    """The documented rule, and what the other source allows when they disagree."""
    if limits.disputed is None:
        return limits.detail_rule
    allowed = _days(limits.disputed)
    if disputed:
        return (
            f"{limits.detail_rule} (Genesys's Query Builder allows {allowed}; the sources "
            "disagree, so the server may refuse it)"
        )
    return f"{limits.detail_rule} ({allowed} in Genesys's Query Builder)"


def _buckets_per_chunk(chunk: Duration, size: Duration) -> int:
    """The most buckets one planned request can hold: a chunk's worth, counting a short last
    bucket (the final window may end inside one), and at least one (a bucket is never cut)."""
    most = 1
    for start in timing.REFERENCE_STARTS:
        try:
            end = isotime.add(start, chunk, UTC)
            count, _ = isotime.bucket_count(start, end, size, UTC)
        except (ValueError, OverflowError):
            continue
        most = max(most, count)
    return most


def _longer(interval: isotime.Interval, limit: Duration, tz: tzinfo) -> bool:
    try:
        return interval.end > isotime.add(interval.start, limit, tz)
    except OverflowError:
        return False


# --- which limits apply ----------------------------------------------------------------------


def _limits(context: RuleContext) -> _Limits:
    detail, rule, disputed = _detail_limit(context)
    profile_limits = context.limits if isinstance(context.limits, dict) else {}
    name = context.endpoint.name
    max_interval = _profile_value(profile_limits, name, "max-interval")
    max_buckets = _profile_value(profile_limits, name, "max-buckets")
    return _Limits(
        detail,
        rule,
        disputed,
        timing.chunk_size(max_interval) if isinstance(max_interval, str) else None,
        max_buckets if _is_count(max_buckets) else None,
        _profile_label(profile_limits, name),
    )


def _detail_limit(context: RuleContext) -> tuple[Duration | None, str, Duration | None]:
    """The documented span for a synchronous detail query (7 days, or 31 with a filter), how
    to state it, and the longer span another source allows (the Query Builder's 32)."""
    if context.endpoint.kind != "detail":
        return None, "", None
    data = _data()["detail-interval"]
    filters = data["filters"].get(context.endpoint.name)
    if filters is None:
        return None, "", None
    body = context.body
    filtered = any(isinstance(body.get(f), list) and body.get(f) for f in filters)
    short = isotime.parse_duration(data["without-filter"])
    long = isotime.parse_duration(data["with-filter"])
    name = context.endpoint.name
    if filtered:
        rule = f"a {name} query may span at most {_days(long)}, even with a filter"
        disputed = data.get("with-filter-disputed")
        return long, rule, isotime.parse_duration(disputed["span"]) if disputed else None
    rule = (
        f"a {name} query without a filter may span at most {_days(short)} "
        f"({_days(long)} with one, e.g. {filters[0]})"
    )
    return short, rule, None


def _days(duration: Duration) -> str:
    return f"{duration.weeks * 7 + duration.days} days"


def _profile_value(limits: dict[str, Any], endpoint: str, key: str) -> Any:
    if not isinstance(limits.get("endpoints", {}), dict):
        return limits.get(key)
    per_endpoint = limits.get("endpoints", {}).get(endpoint)
    if per_endpoint is not None and not isinstance(per_endpoint, dict):
        return limits.get(key)
    return limit_for(limits, endpoint, key)


def _profile_label(limits: dict[str, Any], endpoint: str) -> str:
    name = limits.get("profile")
    where = f"profile '{name}'" if isinstance(name, str) else "the config's limits"
    endpoints = limits.get("endpoints")
    if isinstance(endpoints, dict) and isinstance(endpoints.get(endpoint), dict):
        return f"for {endpoint} in {where}"
    return f"in {where}"


def _is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


# --- paging --------------------------------------------------------------------------------


def _paging(context: RuleContext, pages: bool) -> Iterator[Finding]:
    """pages: the result cap (AQL402/AQL403); else the page size (AQL404)."""
    paging = context.body.get("paging")
    if not isinstance(paging, dict):
        return
    size, number = _number(paging.get("pageSize")), _number(paging.get("pageNumber"))
    if size is None:
        return
    data = _data()
    name = context.endpoint.name
    cap: int = data["pagination"]["max-results"]
    seen = data["pagination"]["endpoints"].get(name)
    if pages and seen is not None and number is not None and size * number > cap:
        reach = f"pageSize {size} × pageNumber {number} reaches result {size * number:,}"
        if seen == "observed":
            code = "AQL402"
            message = (
                f"{reach}; the server refuses to page past {cap:,} results "
                f'("{data["pagination"]["message"]}")'
            )
        else:
            code = "AQL403"
            message = (
                f"{reach}; conversation detail queries refuse to page past {cap:,} results, "
                f"and {name} very likely does too (not yet seen)"
            )
        yield Finding(
            code,
            "/paging/pageNumber" if number > 1 else "/paging/pageSize",
            f"{message} — page through smaller intervals, or export with {name}/jobs",
        )
    most: int = data["page-size"]["warn-above"]
    if not pages and size > most:
        yield Finding(
            "AQL404",
            "/paging/pageSize",
            f"pageSize {size} is above {most}; no maximum is documented (the default is "
            f"{data['page-size']['default']}) and large pages are slow — use {most} or fewer, "
            f"or export with {name}/jobs",
            fix=Fix.advice(str(most)),
        )


def _counts(body: dict[str, Any], fields: dict[str, Any]) -> Iterator[Finding]:
    """pageSize, pageNumber and limit below 1: no minimum is documented, so a warning."""
    for pointer, meaning in _data()["counts"]["fields"].items():
        keys = pointer.split("/")[1:]
        if keys[0] not in fields:
            continue  # another model's field: the schema layer reports it
        value: Any = body
        for key in keys:
            value = value.get(key) if isinstance(value, dict) else None
        count = _integer(value)
        if count is None or count >= 1:
            continue
        name = keys[-1]
        said = meaning["say"].format(value=count)
        first = meaning["first"]
        advice = f"the first page is {first}" if first is not None else "use 1 or more"
        yield Finding(
            "AQL405",
            pointer,
            f"'{name}' is {count}: {said} asks for nothing; the API documents no minimum, so "
            f"this only warns — {advice}",
            fix=Fix.advice(str(first) if first is not None else None),
        )


def _integer(value: Any) -> int | None:
    """A whole number, also written as a float (25.0) or a string ("25", "-1")."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*-?[0-9]{1,18}\s*", value):
        return int(value)
    return value if isinstance(value, int) else None


def _number(value: Any) -> int | None:
    """A positive page size or number; strings such as "100" count, as the server takes them."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, str) and re.fullmatch(r"\s*[0-9]{1,18}\s*", value):
        value = int(value)
    return value if isinstance(value, int) and value > 0 else None


@functools.cache
def _data() -> dict[str, Any]:
    data: dict[str, Any] = load_yaml("rules", "limits.yaml")
    return data

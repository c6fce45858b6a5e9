"""Async jobs followed to the end: the status polled with backoff and jitter until a final
state or the timeout, then every results page read by cursor. Each exchange goes through a
Channel (submit.Submitter), which sends it with retries and records it; nothing here prints
or imports requests.

The lifecycle is the facts' (facts/genesys/models/AsyncQueryStatus.json, limits.md §5):
POST .../jobs -> {jobId}; GET .../jobs/{jobId} -> state QUEUED | PENDING | FULFILLED | FAILED |
CANCELLED | EXPIRED; GET .../jobs/{jobId}/results?cursor= until a page has no cursor;
DELETE .../jobs/{jobId} cancels. Concurrent-job limits, result expiry and the largest results
page are unknown, so none of them is assumed here.
"""

from __future__ import annotations

import functools
import random
import threading
import time
from datetime import datetime
from typing import Any, Protocol

from msgspec import Struct

from aggqlint.api import isotime
from aggqlint.api import timespans as timing
from aggqlint.data import load_json
from aggqlint.requests.recording import Call, Exchange

FULFILLED = "FULFILLED"
FAILED_STATES = frozenset({"FAILED", "CANCELLED", "EXPIRED"})  # final, and no results
# Our own outcomes, beside the server's states: no final state was seen.
TIMED_OUT = "TIMED OUT"
INTERRUPTED = "INTERRUPTED"
LOST = "LOST"  # the status or a results page could not be read
# What a results page holds, and what one item of it is called.
ROW_KEYS = {"conversations": "conversation", "userDetails": "user", "results": "group"}


class FollowOptions(Struct, frozen=True):
    wait: bool = True  # follow jobs to the end (--no-wait: only submit)
    timeout: float = 1800.0  # seconds from submission to a final state (--timeout)
    poll_base: float = 1.0  # the first wait between polls, in seconds; doubles up to poll_max
    poll_max: float = 30.0
    all_pages: bool = False  # synchronous detail queries: read every page (--all-pages)


class Clock(Protocol):
    """Time as submit sees it: the tests pass one that never really waits."""

    def monotonic(self) -> float: ...

    def sleep(self, seconds: float, cancel: threading.Event) -> bool:
        """Wait; True when cancel was set (the wait ends at once)."""
        ...


class RealClock:
    def monotonic(self) -> float:
        return time.monotonic()

    def sleep(self, seconds: float, cancel: threading.Event) -> bool:
        return cancel.wait(max(0.0, seconds))


class PollSchedule:
    """The wait before the next poll: doubling from base up to ceiling, with equal jitter
    (half fixed, half random) so that many jobs started together do not poll in step."""

    def __init__(self, base: float, ceiling: float, rng: random.Random | None = None) -> None:
        self.base = base
        self.ceiling = ceiling
        self._rng = rng or random.Random()

    def delay(self, polls: int) -> float:
        top = min(self.ceiling, self.base * float(2 ** min(max(polls - 1, 0), 30)))
        return top / 2 + self._rng.uniform(0, top / 2)


class JobPaths(Struct, frozen=True):
    status: str  # GET, with {jobId}
    results: str  # GET, with {jobId}
    cancel: str  # DELETE, with {jobId}
    availability: str | None  # GET, details jobs only

    def of(self, template: str, job_id: str) -> str:
        return template.replace("{jobId}", job_id)


@functools.cache
def job_paths(submit_path: str) -> JobPaths:
    """The status, results, cancel and availability paths of a job endpoint, from the
    endpoint table (schemas/index.json, generated from facts/genesys/endpoints.json)."""
    found: dict[str, str] = {}
    for entry in load_json("schemas", "index.json").get("other_paths", []):
        path = entry["path"]
        if path.startswith(submit_path + "/"):
            found[entry["category"].split("_job_")[-1]] = path
    return JobPaths(
        found.get("status", submit_path + "/{jobId}"),
        found.get("results", submit_path + "/{jobId}/results"),
        found.get("cancel", submit_path + "/{jobId}"),
        found.get("availability"),
    )


class Channel(Protocol):
    """How the follower talks to the server: send one exchange (with retries) and record it."""

    clock: Clock
    cancelled: threading.Event

    def call(
        self,
        origin: Exchange,
        call: str,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        body: Any = None,
        page: int | None = None,
        cancellable: bool = True,
    ) -> Exchange: ...


class JobOutcome(Struct):
    label: str  # the planned request's label
    job_id: str
    state: str  # a final server state, or TIMED_OUT, INTERRUPTED, LOST
    message: str | None = None  # the server's errorMessage, or what went wrong
    polls: int = 0
    pages: int = 0
    rows: int = 0
    unit: str = "row"  # what a row is: conversation, user, group
    cancelled: bool = False  # aggqlint sent DELETE (timeout or Ctrl-C)

    @property
    def ok(self) -> bool:
        return self.state == FULFILLED and self.message is None


def follow_job(
    channel: Channel, submitted: Exchange, job_id: str, paths: JobPaths, options: FollowOptions
) -> JobOutcome:
    """Poll until a final state, then read every page; a timeout or an interrupt cancels."""
    outcome = JobOutcome(submitted.request.label, job_id, "QUEUED")
    clock = channel.clock
    deadline = clock.monotonic() + options.timeout
    schedule = PollSchedule(options.poll_base, options.poll_max)
    status_path = paths.of(paths.status, job_id)
    while True:
        poll = _follow_up(channel, submitted, Call.POLL, "GET", status_path)
        if channel.cancelled.is_set():
            return _cancel(channel, submitted, paths, outcome, INTERRUPTED)
        outcome.polls += 1
        if not poll.accepted:
            outcome.state, outcome.message = LOST, f"status poll: {_failure(poll)}"
            return outcome
        status = poll.response if isinstance(poll.response, dict) else {}
        state = status.get("state")
        if isinstance(state, str):
            outcome.state = state
        if state == FULFILLED:
            break
        if state in FAILED_STATES:
            message = status.get("errorMessage")
            outcome.message = _said(message) if isinstance(message, str) else None
            return outcome
        # QUEUED, PENDING, or a state newer than the facts: not final, keep polling.
        left = deadline - clock.monotonic()
        if left <= 0:
            return _cancel(channel, submitted, paths, outcome, TIMED_OUT)
        if clock.sleep(min(schedule.delay(outcome.polls), left), channel.cancelled):
            return _cancel(channel, submitted, paths, outcome, INTERRUPTED)
    _read_results(channel, submitted, paths.of(paths.results, job_id), outcome)
    return outcome


def _read_results(channel: Channel, submitted: Exchange, path: str, outcome: JobOutcome) -> None:
    cursor: str | None = None
    seen: set[str] = set()
    while True:
        params = {"cursor": cursor} if cursor else None
        page = _follow_up(
            channel, submitted, Call.RESULTS, "GET", path, params, page=outcome.pages + 1
        )
        if channel.cancelled.is_set():
            outcome.state, outcome.message = INTERRUPTED, "interrupted while reading results"
            return
        if not page.accepted:
            outcome.state = LOST
            outcome.message = f"results page {outcome.pages + 1}: {_failure(page)}"
            return
        outcome.pages += 1
        outcome.rows += count_rows(page.response)
        outcome.unit = row_unit(page.response, outcome.unit)
        value = page.response.get("cursor") if isinstance(page.response, dict) else None
        if not isinstance(value, str) or not value:
            return  # the last page has no cursor
        if value in seen:  # a server bug would otherwise loop for ever
            outcome.message = f"results page {outcome.pages} repeated an earlier cursor; stopped"
            return
        seen.add(value)
        cursor = value


def count_rows(response: Any) -> int:
    if not isinstance(response, dict):
        return 0
    for key in ROW_KEYS:
        value = response.get(key)
        if isinstance(value, list):
            return len(value)
    return 0


def row_unit(response: Any, otherwise: str = "row") -> str:
    if isinstance(response, dict):
        for key, unit in ROW_KEYS.items():
            if isinstance(response.get(key), list):
                return unit
    return otherwise


def _cancel(
    channel: Channel, submitted: Exchange, paths: JobPaths, outcome: JobOutcome, why: str
) -> JobOutcome:
    """DELETE the job (recorded) so that it does not run on unattended."""
    path = paths.of(paths.cancel, outcome.job_id)
    answer = _follow_up(channel, submitted, Call.CANCEL, "DELETE", path, cancellable=False)
    outcome.cancelled = answer.accepted
    last = outcome.state
    outcome.state = why
    done = "cancelled" if answer.accepted else f"cancelling failed ({_failure(answer)})"
    outcome.message = f"{done} while {last}"
    return outcome


def _follow_up(
    channel: Channel,
    submitted: Exchange,
    call: str,
    method: str,
    path: str,
    params: dict[str, str] | None = None,
    page: int | None = None,
    cancellable: bool = True,
) -> Exchange:
    return channel.call(
        submitted, call, method, path, params=params, page=page, cancellable=cancellable
    )


def _failure(exchange: Exchange) -> str:
    if exchange.status is None:
        return exchange.error or "no answer"
    response = exchange.response
    message = response.get("message") if isinstance(response, dict) else None
    said = f": {_said(message)}" if isinstance(message, str) else ""
    return f"answered {exchange.status}{said}"


def _said(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= 300 else flat[:299] + "…"


# -- data availability (details jobs) ---------------------------------------------------------


def availability_date(response: Any) -> datetime | None:
    """dataAvailabilityDate from an availability answer (or a details results page)."""
    value = response.get("dataAvailabilityDate") if isinstance(response, dict) else None
    if not isinstance(value, str):
        return None
    try:
        return isotime.parse_instant(value).aware
    except ValueError:
        return None


def partial_warning(label: str, body: dict[str, Any], available: datetime) -> str | None:
    """A warning when the query's interval ends after the data-availability date: the job
    will run, but what it returns after that date is incomplete."""
    text = body.get("interval")
    if not isinstance(text, str):
        return None
    try:
        end = isotime.parse_interval(text, timing.zone(body)).end
    except ValueError:
        return None
    if end <= available:
        return None
    return (
        f"{label}: data is complete only before {isotime.format_instant(available)} "
        f"(dataAvailabilityDate) but the interval ends {isotime.format_instant(end)}; "
        "the job's results will be partial"
    )


def follow_ups(endpoint_kind: str, submit_path: str) -> list[tuple[str, str, str, str]]:
    """What submit sends beside a request of this kind, as (first|then, method, path, why),
    for `plan` to show."""
    if endpoint_kind == "detail":
        why = "with --all-pages: the next pageNumber, up to an empty page"
        return [("then", "POST", submit_path, why)]
    if not endpoint_kind.endswith("-job"):
        return []
    paths = job_paths(submit_path)
    steps = []
    if paths.availability:
        why = "dataAvailabilityDate: a warning when the interval ends after it"
        steps.append(("first", "GET", paths.availability, why))
    steps.append(("then", "GET", paths.status, "until FULFILLED, FAILED, CANCELLED or EXPIRED"))
    steps.append(("then", "GET", paths.results + "?cursor=", "every results page, by cursor"))
    return steps

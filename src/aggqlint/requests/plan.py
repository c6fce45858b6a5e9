"""Dry run: each report definition becomes the concrete requests it stands for, and each
request body is checked again on its own. Nothing is sent and nothing is printed."""

from __future__ import annotations

import json
from collections.abc import Hashable, Iterable, Iterator
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import Any, NamedTuple

from msgspec import Struct, field

from aggqlint.api import isotime
from aggqlint.api import timespans as timing
from aggqlint.api.endpoints import Endpoint
from aggqlint.checks.engine import CheckedFile, LintOptions, LintResult, lint_paths, lint_payload
from aggqlint.checks.metadata import rule
from aggqlint.config.policy import Policy
from aggqlint.diagnostics import Diagnostic, Location, Severity, pointer_join
from aggqlint.loading.definition import ReportDefinition

METHOD = "POST"  # every analytics query, sync or job, is a POST of the body
_EXPANSION_CODE = "AQL025"  # invalid-envelope: windows/chunk that cannot be expanded


class PlannedRequest(Struct, frozen=True):
    report: str
    source_file: str
    document: int
    endpoint: Endpoint
    method: str
    path: str
    body: dict[str, Any]
    window: int | None  # position among the definition's windows or chunks; None: as written
    windows: int  # how many requests the definition expands into
    diagnostics: tuple[Diagnostic, ...] = ()  # the concrete body checked on its own

    @property
    def has_errors(self) -> bool:
        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    @property
    def label(self) -> str:
        """`queue-hourly window 3/7`, or just the report name for a query sent as written."""
        if self.window is None:
            return self.report
        return f"{self.report} window {self.window + 1}/{self.windows}"

    def as_dict(self) -> dict[str, Any]:
        return {
            "report": self.report,
            "file": self.source_file,
            "document": self.document,
            "endpoint": self.endpoint.name,
            "method": self.method,
            "path": self.path,
            "window": self.window,
            "body": self.body,
            "diagnostics": [d.as_dict() for d in self.diagnostics],
        }


class PlannedDefinition(Struct):
    report: str
    source_file: str
    document: int
    diagnostics: list[Diagnostic]  # the definition's own, as `aggqlint check` reports them
    requests: list[PlannedRequest] = field(default_factory=list)

    @property
    def has_errors(self) -> bool:
        own = any(d.severity is Severity.ERROR for d in self.diagnostics)
        return own or any(r.has_errors for r in self.requests)

    @property
    def all_diagnostics(self) -> list[Diagnostic]:
        """The definition's diagnostics and what its requests add, each once."""
        return _unique([*self.diagnostics, *(d for r in self.requests for d in r.diagnostics)])


class Plan(Struct):
    lint: LintResult
    definitions: list[PlannedDefinition]
    file_diagnostics: list[Diagnostic]  # a file that could not be read or parsed

    @property
    def requests(self) -> list[PlannedRequest]:
        """What would be sent: the requests of every definition without errors."""
        return [r for d in self.definitions if not d.has_errors for r in d.requests]

    @property
    def blocked(self) -> list[PlannedDefinition]:
        return [d for d in self.definitions if d.has_errors]

    @property
    def diagnostics(self) -> list[Diagnostic]:
        found = [*self.file_diagnostics, *(x for d in self.definitions for x in d.all_diagnostics)]
        return sorted(_unique(found), key=Diagnostic.sort_key)

    @property
    def has_errors(self) -> bool:
        files = any(d.severity is Severity.ERROR for d in self.file_diagnostics)
        return files or bool(self.blocked)


def canonical_json(body: Any) -> bytes:
    """The exact bytes sent for a body (and hashed in recordings): compact, keys sorted."""
    text = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text.encode("utf-8")


def plan_requests(paths: Iterable[str], options: LintOptions | None = None) -> Plan:
    """Lint the files, then expand every definition. lint.UsageError for a missing path."""
    options = options or LintOptions()
    return plan_result(lint_paths(paths, options), options.now)


def plan_result(result: LintResult, now: datetime | None = None) -> Plan:
    definitions: list[PlannedDefinition] = []
    file_diagnostics: list[Diagnostic] = []
    for checked in result.files:
        indexes = {d.document.index for d in checked.definitions}
        file_diagnostics.extend(
            d for d in checked.diagnostics if d.location.document not in indexes
        )
        for definition in checked.definitions:
            definitions.append(_plan_definition(checked, definition, now))
    return Plan(result, definitions, file_diagnostics)


def _plan_definition(
    checked: CheckedFile, definition: ReportDefinition, now: datetime | None
) -> PlannedDefinition:
    index = definition.document.index
    own = [d for d in checked.diagnostics if d.location.document == index]
    planned = PlannedDefinition(_report_name(checked.path, definition), checked.path, index, own)
    endpoint, body = definition.endpoint, definition.body
    if endpoint is None or not isinstance(body, dict):
        return planned  # nothing that could be sent; the lint has already said why
    try:
        slots = list(_slots(definition, body, endpoint, checked.policy, now or datetime.now(UTC)))
    except _ExpansionError as err:
        if not planned.has_errors:  # otherwise the lint's own diagnostics already explain it
            planned.diagnostics.extend(
                checked.policy.apply([_diagnostic(checked, definition, err.pointer, err.message)])
            )
        # The query as written, so that --force can still send it.
        slots = [_Slot(None, None, pointer_join(definition.body_pointer, "interval"))]
    total = len(slots)
    check = _RequestCheck(checked, definition, endpoint, now)
    for slot in slots:
        concrete = body if slot.interval is None else _with_interval(body, slot.interval)
        planned.requests.append(
            PlannedRequest(
                report=planned.report,
                source_file=checked.path,
                document=index,
                endpoint=endpoint,
                method=METHOD,
                path=endpoint.path,
                body=concrete,
                window=slot.window,
                windows=total,
                diagnostics=check(concrete, slot),
            )
        )
    return planned


def _report_name(path: str, definition: ReportDefinition) -> str:
    if definition.name:
        return definition.name
    index = definition.document.index
    return Path(path).stem + (f"[{index}]" if index else "")


def _with_interval(body: dict[str, Any], interval: str) -> dict[str, Any]:
    if "interval" in body:
        return {**body, "interval": interval}
    return {"interval": interval, **body}


class _ExpansionError(Exception):
    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(message)
        self.pointer = pointer  # in the document
        self.message = message


class _Slot(NamedTuple):
    """Where one request's interval comes from."""

    window: int | None  # position among the definition's windows or chunks; None: as written
    interval: str | None  # the interval to send; None: the body's own
    pointer: str  # in the document: the window, or the body's interval
    # Chunks alike in what the checks can see of an interval (see _likeness) share one check.
    likeness: Hashable | None = None


def _slots(
    definition: ReportDefinition,
    body: dict[str, Any],
    endpoint: Endpoint,
    policy: Policy,
    now: datetime,
) -> Iterator[_Slot]:
    chunk = _chunk(definition, endpoint, policy)
    in_body = pointer_join(definition.body_pointer, "interval")
    if "interval" not in endpoint.schema().get("properties", {}):
        # Observation, activity and status queries: check reports this first (AQL123).
        for field, present in (("windows", definition.windows), ("chunk", chunk)):
            if present:
                raise _ExpansionError(f"/{field}", timing.no_interval(endpoint.name, field))
    sources: list[tuple[Any, str]]
    if definition.windows:
        sources = [(w, f"/windows/{i}") for i, w in enumerate(definition.windows) if w is not None]
    elif chunk is not None:
        sources = [(body.get("interval"), in_body)]
    else:
        yield _Slot(None, None, in_body)
        return
    if chunk is None:
        for i, (text, pointer) in enumerate(sources):
            yield _Slot(i, text, pointer)
        return
    tz, align = timing.zone(body), timing.bucket_size(body)
    most = timing.max_requests()
    count = 0
    for index, (text, pointer) in enumerate(sources):
        if not isinstance(text, str):
            raise _ExpansionError(pointer, "cannot split the query into chunks: it has no interval")
        label = f"window {index + 1}" if definition.windows else "'interval'"
        interval = None
        try:
            interval = isotime.parse_interval(text, tz)
            edges = isotime.split(
                interval.start, interval.end, chunk, tz, align, limit=most - count
            )
        except isotime.TooManyWindows:  # found before any window is made (AQL124 in check)
            written = timing.chunk_size(definition.chunk)
            message = timing.too_many(chunk, most, bool(definition.windows), interval, written)
            raise _ExpansionError("/chunk", message) from None
        except OverflowError:  # year 1 west of UTC (AQL124 in check)
            message = timing.out_of_range(label, chunk, timing.zone_label(tz))
            raise _ExpansionError(pointer, message) from None
        except ValueError as err:  # unreadable or backwards: AQL10x in check
            raise _ExpansionError(
                pointer, f"cannot split '{text}' into chunks of {chunk}: {err}"
            ) from None
        for start, end in edges:
            text = f"{isotime.format_instant(start)}/{isotime.format_instant(end)}"
            yield _Slot(count, text, pointer, _likeness(pointer, start, end, tz, now))
            count += 1


def _likeness(pointer: str, start: datetime, end: datetime, tz: tzinfo, now: datetime) -> Hashable:
    """What a check can tell apart between two chunks of one definition: their length, their
    wall-clock times and offsets in the query's zone, and which side of now they fall on.
    The rest of the body is the same, and the chunks are cut from one interval on one
    granularity grid, so alignment is inherited. This keeps 10,000 chunks to a few dozen
    checks."""
    try:
        local_start, local_end = start.astimezone(tz), end.astimezone(tz)
    except OverflowError:  # an end at year 1 or 9999 that the zone cannot show: not alike
        return (pointer, start, end)
    return (
        pointer,
        end - start,
        local_start.timetz(),
        local_start.utcoffset(),
        local_end.timetz(),
        local_end.utcoffset(),
        start < now,
        end <= now,
    )


def _chunk(
    definition: ReportDefinition, endpoint: Endpoint, policy: Policy
) -> isotime.Duration | None:
    """The envelope's chunk, shortened to the profile's max-interval when that is shorter."""
    if definition.chunk is None:
        return None
    try:
        chunk = isotime.parse_duration(definition.chunk)
    except ValueError as err:
        raise _ExpansionError(
            "/chunk", f"chunk '{definition.chunk}' is not a duration: {err}"
        ) from None
    if chunk.is_zero:
        raise _ExpansionError("/chunk", f"chunk '{definition.chunk}' is zero")
    return timing.sent_chunk(chunk, policy.limits, endpoint.name)


class _RequestCheck:
    """Checks one concrete body and places its diagnostics in the definition's file: a
    problem with a window's interval points at that window."""

    def __init__(
        self,
        checked: CheckedFile,
        definition: ReportDefinition,
        endpoint: Endpoint,
        now: datetime | None,
    ) -> None:
        self.checked = checked
        self.definition = definition
        self.endpoint = endpoint
        self.now = now
        self._alike: dict[Hashable, tuple[Diagnostic, ...]] = {}
        # What the definition's own check already said (or an inline comment silenced) at a
        # place: the same code there again would show one finding twice, worded for the
        # request ("'interval'") beside the definition's wording ("window 1").
        index = definition.document.index
        self._said = {
            (d.code, d.location.pointer)
            for d in (*checked.diagnostics, *checked.suppressed)
            if d.location.document == index
        }
        # A window's or a chunk's request repeats, worded for its 'interval' (and placed at
        # the interval or at 'granularity'), what the definition said of that window or of the
        # chunk: the definition's finding is the one to keep.
        self._said_codes = {code for code, _ in self._said}

    def __call__(self, body: dict[str, Any], slot: _Slot) -> tuple[Diagnostic, ...]:
        if slot.likeness is None:
            return self._check(body, slot)
        if slot.likeness not in self._alike:
            self._alike[slot.likeness] = self._check(body, slot)
        return self._alike[slot.likeness]

    def _check(self, body: dict[str, Any], slot: _Slot) -> tuple[Diagnostic, ...]:
        found = lint_payload(body, self.endpoint.name, now=self.now)
        if not found:
            return ()
        base = self.definition.body_pointer
        cut = slot.interval is not None  # a window or a chunk, not the interval as written
        placed = []
        for diagnostic in found:
            pointer = diagnostic.location.pointer
            pointer = slot.pointer if pointer == "/interval" else base + pointer
            if (diagnostic.code, pointer) in self._said:
                continue
            if cut and diagnostic.code in self._said_codes:
                continue
            placed.append(_relocate(diagnostic, self.checked, self.definition, pointer))
        return tuple(self.checked.policy.apply(placed))


def _relocate(
    diagnostic: Diagnostic, checked: CheckedFile, definition: ReportDefinition, pointer: str
) -> Diagnostic:
    document = definition.document
    line, column = document.positions.locate(pointer, diagnostic.data.get("at_key", False))
    location = Location(checked.path, line, column, pointer, document.index)
    return Diagnostic(
        diagnostic.code,
        diagnostic.severity,
        diagnostic.message,
        location,
        diagnostic.rule,
        diagnostic.suggestion,
        diagnostic.data,
        diagnostic.fix,
    )


def _diagnostic(
    checked: CheckedFile, definition: ReportDefinition, pointer: str, message: str
) -> Diagnostic:
    meta = rule(_EXPANSION_CODE)
    document = definition.document
    line, column = document.positions.locate(pointer)
    location = Location(checked.path, line, column, pointer, document.index)
    return Diagnostic(_EXPANSION_CODE, meta.severity, message, location, meta.name)


def _unique(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    seen: set[tuple[str, Location, str]] = set()
    out = []
    for diagnostic in diagnostics:
        key = (diagnostic.code, diagnostic.location, diagnostic.message)
        if key not in seen:
            seen.add(key)
            out.append(diagnostic)
    return out

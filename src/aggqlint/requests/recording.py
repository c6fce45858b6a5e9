"""Recordings: one JSON line per request sent and what came back, for `aggqlint drift`.

Each line is written whole, with one write of a complete line, appended, flushed and fsync'd
as its request finishes, so an interrupted run leaves valid JSON Lines holding everything
that was done. Secrets are kept out twice over: they are never put in a record, and every line
passes through a redaction of the known secrets before it is written.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode

from msgspec import Struct, field

from aggqlint.diagnostics import Diagnostic, Severity

if TYPE_CHECKING:  # drift reads recordings without loading the linter
    from aggqlint.requests.plan import PlannedRequest

FORMAT_VERSION = 1
MAX_TEXT_BYTES = 64 * 1024  # a response that is not JSON is kept up to this many bytes
REDACTED = "[redacted]"
MIN_SECRET_LENGTH = 4  # shorter "secrets" would blank out ordinary words
_KEPT_HEADERS = ("inin-correlation-id", "retry-after", "content-type")
_KEPT_PREFIX = "inin-ratelimit-"


class Call:
    """What a recorded exchange was. Only queries and job submissions carry the body aggqlint
    checked; the others follow a job or read its results."""

    QUERY = "query"  # a synchronous query (each page of a detail query too)
    SUBMIT = "submit"  # POST .../jobs: the answer is a jobId
    POLL = "poll"  # GET .../jobs/{jobId}: the job's state
    RESULTS = "results"  # GET .../jobs/{jobId}/results: one page, by cursor
    CANCEL = "cancel"  # DELETE .../jobs/{jobId}
    AVAILABILITY = "availability"  # GET .../details/jobs/availability


# Answers that say nothing about the body: authentication, permission and rate limits.
NOT_ABOUT_THE_BODY = frozenset({401, 403, 429})


class Verdict(StrEnum):
    """What an answer says about the request body; submit and drift both count by it."""

    ACCEPTED = "accepted"  # 2xx: the server took the body, whatever the answer's own body
    REJECTED = "rejected"  # a 4xx that judges the body
    NOT_JUDGED = "not judged"  # no answer, 401/403/429, 5xx and anything else


def verdict(status: int | None) -> Verdict:
    """The one reading of a status, for submit's summary and exit and drift's counts.

    A 2xx is the server's acceptance even when its body is empty, not JSON or not an object:
    the status is the verdict on the request, the body is only the result (see answer_note).
    """
    if status is None or status in NOT_ABOUT_THE_BODY:
        return Verdict.NOT_JUDGED
    if 200 <= status < 300:
        return Verdict.ACCEPTED
    if 400 <= status < 500:
        return Verdict.REJECTED
    return Verdict.NOT_JUDGED


def answer_note(status: int, content: bytes, response: Any, parsed: bool) -> str | None:
    """What is wrong with the body of an accepted (2xx) answer, worded for people: None for
    a JSON object, and for any other status (an error page may be anything).

    `response` and `parsed` are what response_value made of `content`."""
    if verdict(status) is not Verdict.ACCEPTED:
        return None
    if not content.strip():
        what = "empty"
    elif not parsed:
        what = "not JSON"
    elif isinstance(response, dict):
        return None
    else:
        what = f"{_json_kind(response)}, not a JSON object"
    return f"accepted, but the answer was {what}: no result to read"


def _json_kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, list):
        return "a list"
    return "a string" if isinstance(value, str) else "a number"


class Redactor:
    """The secrets of a run (client secret, every token issued); removes them from text."""

    def __init__(self, *secrets: str) -> None:
        self._secrets: set[str] = set()
        self._lock = threading.Lock()
        for secret in secrets:
            self.add(secret)

    def add(self, secret: str) -> None:
        if len(secret) < MIN_SECRET_LENGTH:
            return
        escaped = json.dumps(secret, ensure_ascii=False)[1:-1]  # as it appears inside JSON
        with self._lock:
            self._secrets.update({secret, escaped})

    def redact(self, text: str) -> str:
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    def redact_value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, dict):
            return {self.redact(str(k)): self.redact_value(v) for k, v in value.items()}
        if isinstance(value, list):
            return [self.redact_value(v) for v in value]
        return value


class Exchange(Struct):
    """One planned request and what happened to it."""

    request: PlannedRequest
    sent: bytes  # the exact body bytes sent
    started: datetime
    diagnostics: tuple[Diagnostic, ...] = ()  # aggqlint's own, for the definition and request
    status: int | None = None
    # Why there is no status (network), or what is wrong with an accepted answer's body.
    error: str | None = None
    headers: dict[str, str] = field(default_factory=dict)  # selected response headers
    response: Any = None
    response_truncated: bool = False
    elapsed_ms: float = 0.0
    attempts: int = 0
    forced: bool = False  # sent despite error-level diagnostics (--force)
    # What this exchange was, beside the planned request itself (see Call): a job's status
    # poll, a page of results, ... Follow-ups name their own method, path and query.
    call: str = "query"
    method: str | None = None  # None: the planned request's
    path: str | None = None
    params: dict[str, str] | None = None  # the URL's query (a results cursor)
    body: Any = None  # what was sent when it is not the planned body (a later page)
    job_id: str | None = None
    page: int | None = None  # a detail query's pageNumber, or a job's results page (1-based)
    run: str | None = None  # the submit run that made the exchange
    # The planned request itself, not a follow-up (a poll, a results page, a later page).
    primary: bool = True

    @property
    def verdict(self) -> Verdict:
        return verdict(self.status)

    @property
    def accepted(self) -> bool:
        return self.verdict is Verdict.ACCEPTED


def select_headers(headers: Mapping[str, str]) -> dict[str, str]:
    """The response headers worth keeping: correlation id, rate limits, content type."""
    kept = {}
    for name, value in headers.items():
        lower = name.lower()
        if lower in _KEPT_HEADERS or lower.startswith(_KEPT_PREFIX):
            kept[lower] = value
    return kept


def response_value(content: bytes) -> tuple[Any, bool, str | None]:
    """(parsed JSON or text cut at MAX_TEXT_BYTES, whether it was cut, a problem if any)."""
    if not content:
        return None, False, None
    try:
        return json.loads(content), False, None
    except ValueError as exc:  # not JSON (UnicodeDecodeError is a ValueError too)
        problem = f"response is not valid JSON: {exc}"
    cut = len(content) > MAX_TEXT_BYTES
    text = content[:MAX_TEXT_BYTES].decode("utf-8", errors="replace")
    return text, cut, problem


def format_time(moment: datetime) -> str:
    utc = moment.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def record_exchange(exchange: Exchange, api_url: str) -> dict[str, Any]:
    request = exchange.request
    response = exchange.response
    context_id = response.get("contextId") if isinstance(response, dict) else None
    path = exchange.path or request.path
    query = f"?{urlencode(exchange.params)}" if exchange.params else ""
    body = exchange.body if exchange.body is not None or exchange.method else request.body
    return {
        "v": FORMAT_VERSION,
        "time": format_time(exchange.started),
        "report": request.report,
        "file": request.source_file,
        "document": request.document,
        "window": request.window,
        "endpoint": request.endpoint.name,
        "call": exchange.call,
        "run": exchange.run,
        "job_id": exchange.job_id,
        "page": exchange.page,
        "method": exchange.method or request.method,
        "url": api_url + path + query,
        "path": path,
        "request": body,
        "request_sha256": hashlib.sha256(exchange.sent).hexdigest() if body is not None else None,
        "status": exchange.status,
        "error": exchange.error,
        "correlation_id": exchange.headers.get("inin-correlation-id"),
        "context_id": context_id if isinstance(context_id, str) else None,
        "response_headers": exchange.headers,
        "response": response,
        "response_truncated": exchange.response_truncated,
        "elapsed_ms": round(exchange.elapsed_ms, 1),
        "attempts": exchange.attempts,
        "forced": exchange.forced,
        "diagnostics": diagnostic_codes(exchange.diagnostics),
    }


def diagnostic_codes(diagnostics: tuple[Diagnostic, ...]) -> list[dict[str, str]]:
    """Each code once, with its severity: what aggqlint thought of the request."""
    seen: dict[str, Severity] = {}
    for diagnostic in diagnostics:
        previous = seen.get(diagnostic.code)
        if previous is None or diagnostic.severity > previous:
            seen[diagnostic.code] = diagnostic.severity
    return [{"code": code, "severity": str(seen[code])} for code in sorted(seen)]


class Recorder:
    """Appends records to a JSON Lines file, one whole line per write, from any thread."""

    def __init__(self, path: Path, redactor: Redactor) -> None:
        self.path = path
        self.redactor = redactor
        self._lock = threading.Lock()
        # Private by default: a recording holds report data. O_APPEND keeps earlier runs.
        self._fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        self._end_torn_line()
        self.written = 0

    def write(self, record: dict[str, Any]) -> None:
        clean = self.redactor.redact_value(record)
        line = json.dumps(clean, ensure_ascii=False, separators=(",", ":"), default=str)
        data = (self.redactor.redact(line) + "\n").encode("utf-8")
        with self._lock:
            _write_all(self._fd, data)
            os.fsync(self._fd)
            self.written += 1

    def close(self) -> None:
        with self._lock:
            if self._fd >= 0:
                os.close(self._fd)
                self._fd = -1

    def __enter__(self) -> Recorder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _end_torn_line(self) -> None:
        # A file left by a crashed writer (or edited by hand) may lack its final newline;
        # start on a fresh line so that the new records stay readable.
        size = os.fstat(self._fd).st_size
        if size and os.pread(self._fd, 1, size - 1) != b"\n":
            _write_all(self._fd, b"\n")


def _write_all(fd: int, data: bytes) -> None:
    # os.write on a regular file writes everything in one call except on a full disk; the
    # loop makes a short write finish the line instead of leaving it torn.
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]


class RecordLine(Struct, frozen=True):
    number: int  # 1-based line number in the file
    record: dict[str, Any] | None
    problem: str | None = None  # why the line is not a usable record


_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "report": str,
    "status": (int, type(None)),
    "diagnostics": list,
}


def read_records(path: Path) -> Iterator[RecordLine]:
    """Every non-blank line of a recording, read or with the reason it could not be."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, start=1):
            if not raw.strip():
                continue
            yield _read_line(number, raw)


def _read_line(number: int, raw: bytes) -> RecordLine:
    try:
        value = json.loads(raw)
    except ValueError as exc:
        return RecordLine(number, None, f"not JSON ({exc})")
    if not isinstance(value, dict):
        return RecordLine(number, None, f"a JSON {type(value).__name__}, not a record")
    for key, kind in _REQUIRED.items():
        if key not in value:
            return RecordLine(number, None, f"no '{key}' field")
        if not isinstance(value[key], kind) or isinstance(value[key], bool):
            return RecordLine(number, None, f"'{key}' has the wrong type")
    for entry in value["diagnostics"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("code"), str):
            return RecordLine(number, None, "a diagnostic without a 'code'")
    return RecordLine(number, value)

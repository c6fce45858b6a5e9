"""Live submission: OAuth client credentials, planned requests sent with bounded retries, each
finished exchange handed to the recorder. No printing; the CLI shows progress through a
callback.

This is the only module that imports requests (`aggqlint check` never loads it).
"""

from __future__ import annotations

import contextlib
import email.utils
import math
import random
import signal
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import requests
from requests.adapters import HTTPAdapter

from aggqlint import __version__
from aggqlint.api.regions import Hosts
from aggqlint.diagnostics import Diagnostic, Severity
from aggqlint.requests.plan import Plan, PlannedDefinition, PlannedRequest, canonical_json
from aggqlint.requests.recording import (
    Exchange,
    Recorder,
    Redactor,
    answer_note,
    record_exchange,
    response_value,
    select_headers,
)

CLIENT_ID_ENV = "GENESYSCLOUD_OAUTHCLIENT_ID"
CLIENT_SECRET_ENV = "GENESYSCLOUD_OAUTHCLIENT_SECRET"
BACKOFF_BASE_ENV = "AGGQLINT_BACKOFF_BASE"  # seconds; tests make it tiny
TOKEN_PATH = "/oauth/token"
RETRY_STATUSES = frozenset({429, 502, 503, 504})
# Worth another try: the request may never have reached the server, or its answer was lost.
# An SSLError (a certificate that does not verify) is a ConnectionError too, but it will not
# fix itself, so it is not retried.
_NETWORK_ERRORS = (
    requests.exceptions.ConnectionError,
    requests.exceptions.Timeout,
    requests.exceptions.ChunkedEncodingError,
)
_TOKEN_MARGIN_SECONDS = 60  # fetch a new token this long before the old one expires


class CredentialsError(Exception):
    """No usable client credentials in the environment (exit 2)."""


class TokenError(Exception):
    """The token endpoint refused or could not be reached (exit 2)."""


@dataclass(frozen=True)
class Credentials:
    client_id: str
    client_secret: str = field(repr=False)

    @classmethod
    def from_environment(cls, environ: Mapping[str, str]) -> Credentials:
        missing = [name for name in (CLIENT_ID_ENV, CLIENT_SECRET_ENV) if not environ.get(name)]
        if missing:
            raise CredentialsError(
                f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set; "
                "submit reads the OAuth client credentials (client-credentials grant) from the "
                "environment only"
            )
        return cls(environ[CLIENT_ID_ENV], environ[CLIENT_SECRET_ENV])


@dataclass(frozen=True)
class SubmitOptions:
    hosts: Hosts
    max_attempts: int = 5  # sends of one request, the first included
    connect_timeout: float = 10.0
    read_timeout: float = 120.0  # a large aggregate query can take a while to answer
    backoff_base: float = 1.0  # first backoff ceiling in seconds; doubles each attempt
    max_wait: float = 60.0  # the longest single wait, for backoff and Retry-After alike
    concurrency: int = 1  # requests in flight at once
    grace: float = 2.0  # after an interrupt, how long finished-but-unrecorded work may take


@dataclass(frozen=True)
class Work:
    request: PlannedRequest
    diagnostics: tuple[Diagnostic, ...]  # the definition's diagnostics and the request's own
    forced: bool


@dataclass
class Selection:
    work: list[Work]
    refused: list[PlannedDefinition]  # error-level diagnostics and no --force
    unsendable: list[PlannedDefinition]  # nothing that could be sent, even with --force
    unreadable: list[str]  # files with load errors (not YAML/JSON, unreadable): no definitions

    @property
    def complete(self) -> bool:
        """Everything found was selected to be sent."""
        return not (self.refused or self.unsendable or self.unreadable)


def select_work(plan: Plan, force: bool) -> Selection:
    """What a run sends: every request of a definition without errors, and with force also
    those of definitions with errors."""
    unreadable = sorted(
        {d.location.file for d in plan.file_diagnostics if d.severity is Severity.ERROR}
    )
    selection = Selection([], [], [], unreadable)
    for definition in plan.definitions:
        if definition.has_errors and not force:
            selection.refused.append(definition)
            continue
        if not definition.requests:
            selection.unsendable.append(definition)
            continue
        for request in definition.requests:
            diagnostics = (*definition.diagnostics, *request.diagnostics)
            selection.work.append(Work(request, diagnostics, definition.has_errors))
    return selection


@dataclass
class SubmitOutcome:
    exchanges: list[Exchange] = field(default_factory=list)
    interrupted: bool = False
    auth_error: str | None = None  # the token could not be refreshed mid-run
    lingering: bool = False  # requests still in flight when the run gave up on them

    @property
    def all_accepted(self) -> bool:
        return all(e.accepted for e in self.exchanges)


def new_session(concurrency: int) -> requests.Session:
    session = requests.Session()
    # Retries are ours (with backoff and Retry-After); urllib3 must not add its own.
    adapter = HTTPAdapter(pool_maxsize=max(10, concurrency), max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers.update({"User-Agent": f"aggqlint/{__version__}", "Accept": "application/json"})
    # session.verify keeps its default (True): TLS certificates are always checked.
    return session


class _Bearer(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self._token = token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._token}"
        return request

    def __repr__(self) -> str:
        return "_Bearer(<token>)"


class Backoff:
    """How long to wait before attempt n+1: Retry-After when the server says, otherwise
    exponential backoff with full jitter; never longer than max_wait."""

    def __init__(self, base: float, max_wait: float, rng: random.Random | None = None) -> None:
        self.base = base
        self.max_wait = max_wait
        self._rng = rng or random.Random()

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        told = parse_retry_after(retry_after) if retry_after else None
        if told is not None:
            return min(told, self.max_wait)
        ceiling = min(self.max_wait, self.base * 2 ** min(attempt - 1, 30))
        return self._rng.uniform(0, ceiling)


def parse_retry_after(value: str) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date); None when unreadable."""
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        seconds = (moment - datetime.now(UTC)).total_seconds()
    if math.isnan(seconds):
        return None
    return max(0.0, seconds)


class TokenSource:
    """One client-credentials token for the run, shared by all threads; fetched again when
    it nears expiry or when the API answers 401 (once per request)."""

    def __init__(
        self,
        session: requests.Session,
        options: SubmitOptions,
        credentials: Credentials,
        redactor: Redactor,
    ) -> None:
        self._session = session
        self._options = options
        self._credentials = credentials
        self._redactor = redactor
        self._lock = threading.Lock()
        self._token: str | None = None
        self._expires = 0.0
        self.url = options.hosts.login_url + TOKEN_PATH

    def current(self) -> str:
        with self._lock:
            if self._token is None or time.monotonic() >= self._expires:
                self._fetch()
            assert self._token is not None
            return self._token

    def refresh(self, stale: str) -> str:
        """A new token, unless another thread has already replaced the stale one."""
        with self._lock:
            if self._token == stale:
                self._fetch()
            assert self._token is not None
            return self._token

    def _fetch(self) -> None:
        backoff = Backoff(self._options.backoff_base, self._options.max_wait)
        for attempt in range(1, self._options.max_attempts + 1):
            last = attempt == self._options.max_attempts
            try:
                response = self._session.post(
                    self.url,
                    data={"grant_type": "client_credentials"},
                    auth=(self._credentials.client_id, self._credentials.client_secret),
                    timeout=(self._options.connect_timeout, self._options.read_timeout),
                    allow_redirects=False,
                )
            except _NETWORK_ERRORS as exc:
                if last or isinstance(exc, requests.exceptions.SSLError):
                    raise TokenError(self._say(f"cannot reach {self.url}: {exc}")) from None
                time.sleep(backoff.delay(attempt))
                continue
            except requests.exceptions.RequestException as exc:
                raise TokenError(self._say(f"cannot reach {self.url}: {exc}")) from None
            if response.status_code in RETRY_STATUSES and not last:
                time.sleep(backoff.delay(attempt, response.headers.get("Retry-After")))
                continue
            self._accept(response)
            return

    def _accept(self, response: requests.Response) -> None:
        value, _, _ = response_value(response.content)
        token = value.get("access_token") if isinstance(value, dict) else None
        if response.status_code != 200 or not isinstance(token, str) or not token:
            raise TokenError(
                self._say(
                    f"the token endpoint {self.url} answered {response.status_code}"
                    f"{_explain(value)}; check the client id and secret and the region"
                )
            )
        self._redactor.add(token)
        expires_in = value.get("expires_in") if isinstance(value, dict) else None
        lifetime = float(expires_in) if isinstance(expires_in, int | float) else 86400.0
        self._token = token
        usable = max(lifetime / 2, lifetime - _TOKEN_MARGIN_SECONDS)
        self._expires = time.monotonic() + usable

    def _say(self, message: str) -> str:
        return self._redactor.redact(message)


def _explain(value: Any) -> str:
    if isinstance(value, dict):
        parts = [value.get(k) for k in ("error", "error_description", "description", "message")]
        said = "; ".join(p for p in parts if isinstance(p, str))
        return f" ({said})" if said else ""
    if isinstance(value, str) and value.strip():
        return f" ({' '.join(value.split())[:200]})"
    return ""


OnDone = Callable[[Exchange, int, int], None]


class Submitter:
    """Sends the selected work and records each exchange as it finishes."""

    def __init__(
        self, options: SubmitOptions, credentials: Credentials, redactor: Redactor
    ) -> None:
        self.options = options
        self.redactor = redactor
        self.session = new_session(options.concurrency)
        self.tokens = TokenSource(self.session, options, credentials, redactor)
        self._cancel = threading.Event()
        self._backoff = Backoff(options.backoff_base, options.max_wait)

    def authenticate(self) -> None:
        """Fetch the run's token before anything is sent; TokenError when that fails."""
        self.tokens.current()

    def run(
        self, work: list[Work], recorder: Recorder, on_done: OnDone | None = None
    ) -> SubmitOutcome:
        outcome = SubmitOutcome()
        executor = ThreadPoolExecutor(max_workers=max(1, self.options.concurrency))
        # Futures in plan order, so that what finishes together is recorded in that order.
        order = {executor.submit(self._send, item): i for i, item in enumerate(work)}
        remaining = set(order)  # not yet recorded (or dropped)

        def finish(done: set[Future[Exchange]]) -> None:
            for future in sorted(done, key=order.__getitem__):
                if future in remaining:
                    # Off the list first: a failed write must not be retried as a new line.
                    remaining.discard(future)
                    self._finish(future, outcome, recorder, on_done, len(work))

        with _interrupt_as_flag() as interrupted:
            while remaining and not interrupted.is_set():
                done, _ = wait(remaining, timeout=0.1, return_when=FIRST_COMPLETED)
                try:
                    finish(done)
                except OSError:  # the recording cannot be written: start nothing more
                    self._cancel.set()
                    executor.shutdown(wait=False, cancel_futures=True)
                    raise
                if outcome.auth_error and not self._cancel.is_set():
                    self._cancel.set()
                    for future in remaining:
                        future.cancel()
        if interrupted.is_set() and remaining:
            outcome.interrupted = True
            self._cancel.set()
            executor.shutdown(wait=False, cancel_futures=True)
            # Requests already on the wire may still finish; keep those that do quickly.
            running = {f for f in remaining if not f.cancelled()}
            done, running = wait(running, timeout=self.options.grace)
            finish(done)
            outcome.lingering = bool(running)
            return outcome
        executor.shutdown(wait=True)
        self.session.close()
        return outcome

    def _finish(
        self,
        future: Future[Exchange],
        outcome: SubmitOutcome,
        recorder: Recorder,
        on_done: OnDone | None,
        total: int,
    ) -> None:
        if future.cancelled():
            return
        try:
            exchange = future.result()
        except TokenError as err:
            outcome.auth_error = str(err)
            return
        if exchange.error == _CANCELLED:
            return  # never sent, or abandoned while waiting to retry: nothing to record
        recorder.write(record_exchange(exchange, self.options.hosts.api_url))
        outcome.exchanges.append(exchange)
        if on_done:
            on_done(exchange, len(outcome.exchanges), total)

    def _send(self, item: Work) -> Exchange:
        request = item.request
        body = canonical_json(request.body)
        exchange = Exchange(request, body, datetime.now(UTC), item.diagnostics, forced=item.forced)
        started = time.monotonic()
        try:
            self._attempt(exchange)
        except TokenError:
            raise  # ends the run: exit 2
        except Exception as exc:  # a bug in one exchange must not cost the others their records
            exchange.error = self.redactor.redact(f"internal error: {type(exc).__name__}: {exc}")
        exchange.elapsed_ms = (time.monotonic() - started) * 1000
        return exchange

    def _attempt(self, exchange: Exchange) -> None:
        """Send until an answer is final or the attempts run out; fills in the exchange."""
        request = exchange.request
        url = self.options.hosts.api_url + request.path
        token = self.tokens.current()
        refreshed = False
        while True:
            if self._cancel.is_set():
                exchange.error = _CANCELLED
                return
            exchange.attempts += 1
            retry_after: str | None = None
            try:
                response = self.session.request(
                    request.method,
                    url,
                    data=exchange.sent,
                    headers={"Content-Type": "application/json"},
                    auth=_Bearer(token),
                    timeout=(self.options.connect_timeout, self.options.read_timeout),
                    allow_redirects=False,
                )
            except requests.exceptions.RequestException as exc:
                exchange.status, exchange.error = None, self.redactor.redact(_describe(exc))
                retryable = isinstance(exc, _NETWORK_ERRORS) and not isinstance(
                    exc, requests.exceptions.SSLError
                )
            else:
                if response.status_code == 401 and not refreshed:
                    refreshed = True
                    token = self.tokens.refresh(token)  # TokenError ends the run (exit 2)
                    continue
                self._read(response, exchange)
                retryable = response.status_code in RETRY_STATUSES
                retry_after = response.headers.get("Retry-After")
            if not retryable or exchange.attempts >= self.options.max_attempts:
                return
            if self._cancel.wait(self._backoff.delay(exchange.attempts, retry_after)):
                exchange.error = _CANCELLED
                return

    def _read(self, response: requests.Response, exchange: Exchange) -> None:
        exchange.status = response.status_code
        exchange.headers = select_headers(response.headers)
        value, cut, problem = response_value(response.content)
        exchange.response, exchange.response_truncated = value, cut
        # A 2xx is still an acceptance when its body is not a JSON object; the note says so.
        exchange.error = answer_note(
            response.status_code, response.content, value, parsed=problem is None
        )


_CANCELLED = "cancelled before it finished"


def _describe(exc: requests.exceptions.RequestException) -> str:
    kind = type(exc).__name__
    if isinstance(exc, requests.exceptions.SSLError):
        return f"{kind}: the server's TLS certificate could not be verified ({exc})"
    return f"{kind}: {exc}"


@contextlib.contextmanager
def _interrupt_as_flag() -> Iterator[threading.Event]:
    """Ctrl-C sets a flag the run loop checks, instead of raising KeyboardInterrupt wherever
    the main thread happens to be (between writing a line and counting it, say). Python runs
    signal handlers in the main thread only; elsewhere the block runs with the usual handler."""
    interrupted = threading.Event()
    if threading.current_thread() is not threading.main_thread():
        yield interrupted
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: interrupted.set())
    try:
        yield interrupted
    finally:
        signal.signal(signal.SIGINT, previous)

"""Live submission: OAuth client credentials, planned requests sent with bounded retries, each
finished exchange handed to the recorder. No printing; the CLI shows progress through a
callback.

This is the only module that imports requests (`aggqlint check` never loads it).
"""

from __future__ import annotations

import contextlib
import signal
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from datetime import UTC, datetime
from typing import Any, Protocol

import requests
from msgspec import Struct, field
from requests.adapters import HTTPAdapter

from aggqlint import __version__
from aggqlint.api.regions import Hosts
from aggqlint.requests.backoff import Backoff
from aggqlint.requests.jobs import (
    Clock,
    FollowOptions,
    JobOutcome,
    RealClock,
    availability_date,
    count_rows,
    follow_job,
    job_paths,
    partial_warning,
)
from aggqlint.requests.pages import NOT_ASKED, PagesOutcome, more_pages_note, paging_of, read_pages
from aggqlint.requests.plan import canonical_json
from aggqlint.requests.recording import (
    Call,
    Exchange,
    Recorder,
    Redactor,
    answer_note,
    record_exchange,
    response_value,
    select_headers,
)
from aggqlint.requests.selection import Work

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


class Credentials(Struct, frozen=True):
    client_id: str
    client_secret: str

    def __repr__(self) -> str:  # the secret never reaches a log or a traceback
        return f"Credentials(client_id={self.client_id!r}, client_secret='***')"

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


class SubmitOptions(Struct, frozen=True):
    hosts: Hosts
    max_attempts: int = 5  # sends of one request, the first included
    connect_timeout: float = 10.0
    read_timeout: float = 120.0  # a large aggregate query can take a while to answer
    backoff_base: float = 1.0  # first backoff ceiling in seconds; doubles each attempt
    max_wait: float = 60.0  # the longest single wait, for backoff and Retry-After alike
    concurrency: int = 1  # requests in flight at once
    grace: float = 2.0  # after an interrupt, how long finished-but-unrecorded work may take
    follow: FollowOptions = field(default_factory=FollowOptions)  # jobs and detail pages


class SubmitOutcome(Struct):
    exchanges: list[Exchange] = field(default_factory=list)  # every one recorded, in order
    jobs: list[JobOutcome] = field(default_factory=list)
    pages: list[PagesOutcome] = field(default_factory=list)  # detail queries
    notices: list[str] = field(default_factory=list)  # warnings (partial data)
    interrupted: bool = False
    auth_error: str | None = None  # the token could not be refreshed mid-run
    lingering: bool = False  # requests still in flight when the run gave up on them

    @property
    def requests(self) -> list[Exchange]:
        """The planned requests themselves (not polls, results pages or later pages)."""
        return [e for e in self.exchanges if e.primary]

    @property
    def all_accepted(self) -> bool:
        return all(e.accepted for e in self.exchanges)

    @property
    def complete(self) -> bool:
        """Every request accepted, every job fulfilled and read, every page read."""
        done = all(j.ok for j in self.jobs) and all(p.ok for p in self.pages)
        return done and self.all_accepted


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


class Progress(Protocol):
    """What the CLI is told as the run goes (from worker threads, one call at a time)."""

    def exchange(self, exchange: Exchange, done: int, total: int) -> None: ...

    def job(self, outcome: JobOutcome) -> None: ...

    def pages(self, outcome: PagesOutcome) -> None: ...

    def notice(self, text: str) -> None: ...


class Submitter:
    """Sends the selected work, follows jobs and pages, and records each exchange as it
    finishes (the jobs.Channel the followers talk through)."""

    def __init__(
        self,
        options: SubmitOptions,
        credentials: Credentials,
        redactor: Redactor,
        clock: Clock | None = None,
    ) -> None:
        self.options = options
        self.redactor = redactor
        self.session = new_session(options.concurrency)
        self.tokens = TokenSource(self.session, options, credentials, redactor)
        self.clock: Clock = clock or RealClock()
        self.cancelled = threading.Event()
        self.run_id = uuid.uuid4().hex[:12]
        self._backoff = Backoff(options.backoff_base, options.max_wait)
        self._emit_lock = threading.Lock()
        self._availability_lock = threading.Lock()
        self._availability: dict[str, datetime | None] = {}
        self._recorder: Recorder | None = None
        self._progress: Progress | None = None
        self._outcome = SubmitOutcome()
        self._total = 0
        self._done = 0  # planned requests recorded

    def authenticate(self) -> None:
        """Fetch the run's token before anything is sent; TokenError when that fails."""
        self.tokens.current()

    def run(
        self, work: list[Work], recorder: Recorder, progress: Progress | None = None
    ) -> SubmitOutcome:
        outcome = self._outcome = SubmitOutcome()
        self._recorder, self._progress, self._total = recorder, progress, len(work)
        self._done = 0
        executor = ThreadPoolExecutor(max_workers=max(1, self.options.concurrency))
        remaining = {executor.submit(self._work, item) for item in work}

        def finish(done: set[Future[None]]) -> None:
            for future in done:
                if future in remaining:
                    remaining.discard(future)
                    self._finish(future, outcome)

        with _interrupt_as_flag() as interrupted:
            while remaining and not interrupted.is_set():
                done, _ = wait(remaining, timeout=0.1, return_when=FIRST_COMPLETED)
                try:
                    finish(done)
                except OSError:  # the recording cannot be written: start nothing more
                    self.cancelled.set()
                    executor.shutdown(wait=False, cancel_futures=True)
                    self._close()
                    raise
                if outcome.auth_error and not self.cancelled.is_set():
                    self.cancelled.set()
                    for future in remaining:
                        future.cancel()
        if interrupted.is_set() and remaining:
            outcome.interrupted = True
            self.cancelled.set()
            executor.shutdown(wait=False, cancel_futures=True)
            # Requests already on the wire may still finish, and running jobs are cancelled
            # (DELETE): keep what is done quickly.
            running = {f for f in remaining if not f.cancelled()}
            done, running = wait(running, timeout=self.options.grace)
            finish(done)
            outcome.lingering = bool(running)
            self._close()
            return outcome
        executor.shutdown(wait=True)
        self.session.close()
        self._close()
        return outcome

    def _close(self) -> None:
        with self._emit_lock:  # a worker still running records nothing more
            self._recorder = None

    def _finish(self, future: Future[None], outcome: SubmitOutcome) -> None:
        if future.cancelled():
            return
        try:
            future.result()
        except TokenError as err:
            outcome.auth_error = str(err)

    # -- one planned request, and what follows it -----------------------------------------

    def _work(self, item: Work) -> None:
        request = item.request
        kind = request.endpoint.kind
        follow = self.options.follow
        job = kind.endswith("-job")
        if kind == "detail-job" and follow.wait:
            self._check_availability(item)
        exchange = self._send(item)
        if exchange.error == _CANCELLED:
            return  # never sent, or abandoned while waiting to retry: nothing to record
        job_id = _job_id(exchange) if job else None
        if job:
            exchange.call, exchange.job_id = Call.SUBMIT, job_id
        elif kind == "detail":
            paging = paging_of(request.body)
            exchange.page = paging.number if paging else None
        self._emit(exchange)
        if job_id is not None and follow.wait:
            paths = job_paths(request.endpoint.path)
            outcome = follow_job(self, exchange, job_id, paths, follow)
            self._tell(lambda p: p.job(outcome), self._outcome.jobs, outcome)
        elif kind == "detail" and exchange.accepted:
            if follow.all_pages:
                pages = read_pages(self, exchange)
            else:
                note = more_pages_note(exchange)
                pages = PagesOutcome(request.label, 1, count_rows(exchange.response), NOT_ASKED)
                pages.message = note
            self._tell(lambda p: p.pages(pages), self._outcome.pages, pages)

    def _check_availability(self, item: Work) -> None:
        """Before a details job: when is the data complete? Asked once per run and endpoint,
        recorded; a job whose interval ends later gets a warning (never an error)."""
        path = job_paths(item.request.endpoint.path).availability
        if path is None:
            return
        with self._availability_lock:
            if path not in self._availability:
                origin = Exchange(item.request, b"", datetime.now(UTC), run=self.run_id)
                answer = self.call(origin, Call.AVAILABILITY, "GET", path)
                found = availability_date(answer.response) if answer.accepted else None
                self._availability[path] = found
            available = self._availability[path]
        if available is not None:
            warning = partial_warning(item.request.label, item.request.body, available)
            if warning:
                self._tell(lambda p: p.notice(warning), self._outcome.notices, warning)

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
    ) -> Exchange:
        """A follow-up of origin (a poll, a results page, a later page, a cancel), sent with
        the same retries and recorded with its job id."""
        query = call == Call.QUERY  # a later page of a query is judged like the query
        exchange = Exchange(
            origin.request,
            canonical_json(body) if body is not None else b"",
            datetime.now(UTC),
            origin.diagnostics if query else (),
            forced=origin.forced and query,
            call=call,
            method=method,
            path=path,
            params=params,
            body=body,
            job_id=origin.job_id,
            page=page,
            run=self.run_id,
            primary=False,
        )
        self._exchange(exchange, cancellable)
        if exchange.error != _CANCELLED:
            self._emit(exchange)
        return exchange

    def _emit(self, exchange: Exchange) -> None:
        with self._emit_lock:
            if self._recorder is None:
                return
            self._recorder.write(record_exchange(exchange, self.options.hosts.api_url))
            self._outcome.exchanges.append(exchange)
            self._done += exchange.primary
            if self._progress:
                self._progress.exchange(exchange, self._done, self._total)

    def _tell(self, say: Callable[[Progress], None], into: list[Any], item: Any) -> None:
        with self._emit_lock:
            if self._recorder is None:
                return
            into.append(item)
            if self._progress:
                say(self._progress)

    def _send(self, item: Work) -> Exchange:
        request = item.request
        body = canonical_json(request.body)
        exchange = Exchange(
            request, body, datetime.now(UTC), item.diagnostics, forced=item.forced, run=self.run_id
        )
        self._exchange(exchange)
        return exchange

    def _exchange(self, exchange: Exchange, cancellable: bool = True) -> None:
        started = time.monotonic()
        try:
            self._attempt(exchange, cancellable)
        except TokenError:
            raise  # ends the run: exit 2
        except Exception as exc:  # a bug in one exchange must not cost the others their records
            exchange.error = self.redactor.redact(f"internal error: {type(exc).__name__}: {exc}")
        exchange.elapsed_ms = (time.monotonic() - started) * 1000

    def _attempt(self, exchange: Exchange, cancellable: bool = True) -> None:
        """Send until an answer is final or the attempts run out; fills in the exchange.
        A request that must go out after an interrupt (the DELETE of a job) is sent once."""
        request = exchange.request
        url = self.options.hosts.api_url + (exchange.path or request.path)
        method = exchange.method or request.method
        headers = {"Content-Type": "application/json"} if exchange.sent else {}
        attempts = self.options.max_attempts if cancellable else 1
        token = self.tokens.current()
        refreshed = False
        while True:
            if cancellable and self.cancelled.is_set():
                exchange.error = _CANCELLED
                return
            exchange.attempts += 1
            retry_after: str | None = None
            try:
                response = self.session.request(
                    method,
                    url,
                    params=exchange.params,
                    data=exchange.sent or None,
                    headers=headers,
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
            if not retryable or exchange.attempts >= attempts:
                return
            delay = self._backoff.delay(exchange.attempts, retry_after)
            if self.clock.sleep(delay, self.cancelled):
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


def _job_id(exchange: Exchange) -> str | None:
    response = exchange.response
    job_id = response.get("jobId") if exchange.accepted and isinstance(response, dict) else None
    return job_id if isinstance(job_id, str) and job_id else None


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

"""A local stand-in for Genesys Cloud on 127.0.0.1: the OAuth token endpoint, the analytics
query endpoints, and scripted trouble (429, 503 bursts, slow answers, malformed JSON, dropped
connections, expired tokens).

Whether a body is accepted is decided by the facts (`fake_facts.py` reads facts/genesys/
directly), never by aggqlint, so that a test can catch the two disagreeing. It listens on
127.0.0.1 only.
"""

from __future__ import annotations

import base64
import json
import secrets
import socket
import threading
import time
import urllib.parse
import uuid
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import fake_facts
import fake_jobs
from fake_jobs import FakeData, JobPlan


@dataclass
class Step:
    """One scripted answer for the next query request (then the queue moves on)."""

    status: int | None = None  # None: answer with the normal logic
    body: Any = None  # a JSON value, or bytes sent as they are
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds to wait before answering
    drop: str | None = None  # "before-headers" or "mid-body": close the socket instead


def rate_limited(retry_after: str | None = None) -> Step:
    headers = {"Retry-After": retry_after} if retry_after is not None else {}
    return Step(429, _error(429, "too.many.requests", "Rate limit exceeded"), headers)


def unavailable(status: int = 503) -> Step:
    return Step(status, _error(status, "service.unavailable", "Service unavailable"))


def slow(seconds: float) -> Step:
    return Step(delay=seconds)


def malformed_json() -> Step:
    return Step(200, b'{"results": [{"group": ')


def drop_connection(where: str = "mid-body") -> Step:
    return Step(drop=where)


def unauthorized() -> Step:
    return Step(401, _error(401, "bad.credentials", "Invalid login credentials."))


def rejected(message: str, code: str = "bad.request", status: int = 400) -> Step:
    return Step(status, _error(status, code, message))


@dataclass
class LoggedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    at: float  # time.monotonic()

    def json(self) -> Any:
        return json.loads(self.body)


def _error(
    status: int,
    code: str,
    message: str,
    params: dict[str, str] | None = None,
    field_name: str | None = None,
) -> Any:
    # The ErrorBody shape from the SDK (facts/genesys/errors.json); contextId is filled in
    # per response. A Detail names the field at fault (its `fieldName`).
    details = [{"errorCode": code, "fieldName": field_name}] if field_name else []
    return {
        "message": message,
        "code": code,
        "status": status,
        "contextId": None,
        "messageParams": params or {},
        "details": details,
        "errors": [],
    }


class FakeGenesys:
    client_id = "aggqlint-test-client"

    def __init__(self) -> None:
        self.client_secret = "cs-" + secrets.token_urlsafe(24)
        self.tokens: list[str] = []  # every token issued, in order
        self.valid_tokens: set[str] = set()
        self.log: list[LoggedRequest] = []
        self.delay = 0.0  # for every query answer
        self.token_failure: Step | None = None  # answer for every token request
        self._script: deque[Step] = deque()
        self.poll_script: deque[Step] = deque()  # answers for the next job status polls
        self.data = FakeData()
        self._job_plans: deque[JobPlan] = deque()
        self._lock = threading.Lock()
        self.in_flight = 0
        self.max_in_flight = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._server.fake = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeGenesys:
        self._thread.start()
        return self

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def script(self, *steps: Step) -> None:
        with self._lock:
            self._script.extend(steps)

    def next_jobs(self, *plans: JobPlan) -> None:
        """How the next jobs submitted behave (then the default: QUEUED, PENDING, FULFILLED)."""
        with self._lock:
            self._job_plans.extend(plans)

    @property
    def jobs(self) -> dict[str, fake_jobs.FakeJob]:
        return self.data.jobs

    def expire_tokens(self) -> None:
        with self._lock:
            self.valid_tokens.clear()

    @property
    def query_requests(self) -> list[LoggedRequest]:
        return [r for r in self.log if r.path.startswith("/api/")]

    @property
    def token_requests(self) -> list[LoggedRequest]:
        return [r for r in self.log if r.path == "/oauth/token"]

    def env(self) -> dict[str, str]:
        """The environment a submit run against this server needs."""
        return {
            "GENESYSCLOUD_API_URL": self.base_url,
            "GENESYSCLOUD_LOGIN_URL": self.base_url,
            "GENESYSCLOUD_OAUTHCLIENT_ID": self.client_id,
            "GENESYSCLOUD_OAUTHCLIENT_SECRET": self.client_secret,
            "AGGQLINT_BACKOFF_BASE": "0.01",
        }

    # -- used by the handler ----------------------------------------------------------------

    def _next_step(self) -> Step | None:
        with self._lock:
            return self._script.popleft() if self._script else None

    def _next_poll_step(self) -> Step | None:
        with self._lock:
            return self.poll_script.popleft() if self.poll_script else None

    def _job_plan(self) -> JobPlan:
        with self._lock:
            return self._job_plans.popleft() if self._job_plans else JobPlan()

    def _enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)

    def _leave(self) -> None:
        with self._lock:
            self.in_flight -= 1

    def _issue_token(self) -> str:
        token = "tok-" + secrets.token_urlsafe(24)
        with self._lock:
            self.tokens.append(token)
            self.valid_tokens.add(token)
        return token


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the real API
    disable_nagle_algorithm = True  # headers and body leave at once: no 40 ms delayed-ACK stall

    @property
    def fake(self) -> FakeGenesys:
        fake: FakeGenesys = self.server.fake  # type: ignore[attr-defined]
        return fake

    def log_message(self, format: str, *args: Any) -> None:
        pass  # keep test output clean

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        headers = {k: v for k, v in self.headers.items()}
        self.fake.log.append(LoggedRequest("POST", self.path, headers, body, time.monotonic()))
        if self.path == "/oauth/token":
            self._token(body)
        elif self.path in fake_facts.endpoints():
            self.fake._enter()
            try:
                self._query(body)
            finally:
                self.fake._leave()
        else:
            self._send(404, _error(404, "not.found", f"No resource for {self.path}"))

    def do_GET(self) -> None:
        self._job_request("GET")

    def do_DELETE(self) -> None:
        self._job_request("DELETE")

    # -- jobs -----------------------------------------------------------------------------

    def _job_request(self, method: str) -> None:
        path, _, query = self.path.partition("?")
        params = dict(urllib.parse.parse_qsl(query))
        logged = LoggedRequest(method, self.path, dict(self.headers), b"", time.monotonic())
        self.fake.log.append(logged)
        found = fake_facts.job_route(method, path)
        if found is None:
            self._send(404, _error(404, "not.found", f"No resource for {self.path}"))
            return
        if not self._authorized():
            return
        route, job_id = found
        if route.category.endswith("availability"):
            self._send(200, {"dataAvailabilityDate": self.fake.data.availability})
            return
        job = self.fake.jobs.get(job_id or "")
        if job is None or job.submit_path != route.submit_path:
            self._send(404, _error(404, "not.found", f"No job {job_id}"))
            return
        kind = route.category.rsplit("_", 1)[-1]
        if kind == "cancel":
            job.deleted = True
            self._send(204, b"")
        elif kind == "status":
            step = self.fake._next_poll_step()
            if step is not None:
                self._answer(step)
                return
            answer = job.status()
            job.polls += 1
            self._send(200, answer)
        elif job.state() != "FULFILLED":
            # The fake's own wording: no observed message for results asked too early.
            self._send(400, _error(400, "bad.request", f"Job {job_id} is {job.state()}"))
        else:
            page = fake_jobs.results_page(job, params.get("cursor"), params.get("pageSize"))
            self._send(200, page)

    def _authorized(self) -> bool:
        auth = self.headers.get("Authorization", "")
        if not auth.startswith("Bearer ") or auth[7:] not in self.fake.valid_tokens:
            self._send(401, _error(401, "bad.credentials", "Invalid login credentials."))
            return False
        return True

    # -- token ----------------------------------------------------------------------------

    def _token(self, body: bytes) -> None:
        failure = self.fake.token_failure
        if failure is not None:
            self._answer(failure)
            return
        expected = f"{self.fake.client_id}:{self.fake.client_secret}".encode()
        basic = "Basic " + base64.b64encode(expected).decode()
        if self.headers.get("Authorization") != basic:
            self._send(401, {"error": "invalid_client", "description": "client not found"})
            return
        if b"grant_type=client_credentials" not in body:
            self._send(400, {"error": "unsupported_grant_type"})
            return
        token = self.fake._issue_token()
        self._send(200, {"access_token": token, "token_type": "bearer", "expires_in": 86400})

    # -- queries --------------------------------------------------------------------------

    def _query(self, raw: bytes) -> None:
        step = self.fake._next_step() or Step()
        delay = step.delay or self.fake.delay
        if delay:
            time.sleep(delay)
        if not self._authorized():
            return
        if step.drop:
            self._drop(step.drop)
            return
        if step.status is not None:
            self._answer(step)
            return
        self._judge(raw)

    def _judge(self, raw: bytes) -> None:
        """Accept or refuse the body as the facts say the real server does."""
        try:
            body = json.loads(raw)
        except ValueError:
            self._reject("Unable to parse the request body as JSON", "bad.request")
            return
        endpoint = fake_facts.endpoints()[self.path]
        refusal = fake_facts.judge(endpoint, body)
        if refusal is not None:
            error = _error(400, refusal.code, refusal.message, refusal.params, refusal.field_name)
            self._send(400, error)
            return
        status, answer = _answer_for(endpoint, body, self.fake.data)
        if status == 202:
            job = fake_jobs.new_job(self.path, body, self.fake._job_plan())
            self.fake.jobs[job.job_id] = job
            answer = {"jobId": job.job_id}
        self._send(status, answer)

    def _reject(self, message: str, code: str = "bad.request") -> None:
        self._send(400, _error(400, code, message))

    # -- answering ------------------------------------------------------------------------

    def _answer(self, step: Step) -> None:
        body = step.body
        if not isinstance(body, bytes) and body is not None:
            # A careless server may echo what it was sent: "{authorization}" and
            # "{client_secret}" in a scripted body stand for those, to test redaction.
            text = json.dumps(body)
            text = text.replace("{authorization}", self.headers.get("Authorization", ""))
            text = text.replace("{client_secret}", self.fake.client_secret)
            body = json.loads(text)
        self._send(step.status or 200, body, step.headers)

    def _send(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        correlation = str(uuid.uuid4())
        if isinstance(body, dict) and "contextId" in body:
            body = {**body, "contextId": correlation}
        data = body if isinstance(body, bytes) else json.dumps(body).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.send_header("ININ-Correlation-Id", correlation)
            self.send_header("inin-ratelimit-count", "1")
            self.send_header("inin-ratelimit-allowed", "300")
            self.send_header("Set-Cookie", "session=should-not-be-recorded")
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (its read timeout)

    def _drop(self, where: str) -> None:
        try:
            if where == "mid-body":
                self.wfile.write(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b'Content-Length: 500\r\n\r\n{"results": [{"gro'
                )
                self.wfile.flush()
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.close_connection = True


def _answer_for(
    endpoint: fake_facts.Endpoint, body: dict[str, Any], data: FakeData
) -> tuple[int, Any]:
    """A small answer of the right shape for an accepted body."""
    if endpoint.category.endswith("_job_submit"):
        return 202, None  # the job is made by the caller
    if endpoint.category == "aggregate_query":
        metrics = [m.get("metric") if isinstance(m, dict) else m for m in body["metrics"]]
        data = [
            {
                "interval": body.get("interval"),
                "metrics": [{"metric": m, "stats": {"count": 3, "sum": 1234}} for m in metrics],
            }
        ]
        return 200, {"results": [{"group": {"mediaType": "voice"}, "data": data}]}
    if endpoint.category == "detail_query":
        return 200, fake_jobs.detail_page(data, endpoint.path, body)
    return 200, {"results": []}


@contextmanager
def serve() -> Iterator[FakeGenesys]:
    fake = FakeGenesys().start()
    try:
        yield fake
    finally:
        fake.close()


def submit_with(fake: FakeGenesys, *args: str, **env: str | None) -> Any:
    """`aggqlint submit ARGS` in-process against the fake (a click Result), with credentials
    and URLs from the fake and no proxy in the way."""
    from click.testing import CliRunner

    from aggqlint.cli import cli

    environment: dict[str, str | None] = {
        **fake.env(),
        "GENESYSCLOUD_REGION": None,
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
    }
    environment.update(env)
    return CliRunner().invoke(cli, ["submit", *args], env=environment)


def read_records(path: Path) -> list[dict[str, Any]]:
    """The recording's lines; every line whole (a file that exists ends with a newline)."""
    text = path.read_text(encoding="utf-8")
    assert not text or text.endswith("\n")
    return [json.loads(line) for line in text.splitlines()]

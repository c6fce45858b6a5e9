"""aggqlint submit: send the planned requests to Genesys Cloud and record every exchange."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from aggqlint.cli.common import EXIT_USAGE, PATHS, definition_options, path_options, plan_paths

if TYPE_CHECKING:
    from aggqlint.diagnostics import Diagnostic
    from aggqlint.requests.jobs import JobOutcome
    from aggqlint.requests.pages import PagesOutcome
    from aggqlint.requests.recording import Exchange, Redactor
    from aggqlint.requests.selection import Selection
    from aggqlint.requests.submit import SubmitOutcome

EXIT_INTERRUPTED = 130


@click.command()
@click.argument("paths", nargs=-1, required=True, type=PATHS)
@definition_options
@path_options
@click.option(
    "--record",
    "record_path",
    required=True,
    metavar="FILE.jsonl",
    help="Append one JSON line per request and response to this file.",
)
@click.option("--region", help="Genesys Cloud region, e.g. us-east-1 [env: GENESYSCLOUD_REGION].")
@click.option("--api-url", help="API base URL instead of a region [env: GENESYSCLOUD_API_URL].")
@click.option(
    "--login-url", help="Login (OAuth) base URL instead of a region [env: GENESYSCLOUD_LOGIN_URL]."
)
@click.option("--force", is_flag=True, help="Also send definitions that have errors.")
@click.option(
    "--concurrency",
    type=click.IntRange(1, 32),
    default=1,
    show_default=True,
    help="Requests in flight at once.",
)
@click.option(
    "--max-attempts",
    type=click.IntRange(1, 20),
    default=5,
    show_default=True,
    help="Sends of one request, retries included (429, 502-504, network errors).",
)
@click.option(
    "--connect-timeout", type=click.FloatRange(min=0.001), default=10.0, show_default=True
)
@click.option("--read-timeout", type=click.FloatRange(min=0.001), default=120.0, show_default=True)
@click.option(
    "--max-wait",
    type=click.FloatRange(min=0),
    default=60.0,
    show_default=True,
    help="Longest wait before a retry, in seconds (caps Retry-After too).",
)
@click.option(
    "--no-wait",
    is_flag=True,
    help="Jobs: only submit and record the job id; do not poll or read results.",
)
@click.option(
    "--timeout",
    "job_timeout",
    type=click.FloatRange(min=0),
    default=1800.0,
    show_default=True,
    help="Jobs: seconds to wait for a final state; then the job is cancelled.",
)
@click.option(
    "--all-pages",
    is_flag=True,
    help="Detail queries: read every page from the written pageNumber to an empty page.",
)
def submit(
    paths: tuple[str, ...],
    record_path: str,
    region: str | None,
    api_url: str | None,
    login_url: str | None,
    endpoint: str | None,
    now_text: str | None,
    config_path: Path | None,
    profile: str | None,
    exclude: tuple[str, ...],
    force_exclude: bool,
    stdin_filename: str | None,
    force: bool,
    concurrency: int,
    max_attempts: int,
    connect_timeout: float,
    read_timeout: float,
    max_wait: float,
    no_wait: bool,
    job_timeout: float,
    all_pages: bool,
) -> None:
    """Send the requests to Genesys Cloud and record every answer.

    Credentials come from GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET
    (an OAuth client-credentials grant). Exit 0 when every request was accepted, 1 when any
    was refused, rejected or failed (a job that did not end FULFILLED, a detail query whose
    pages could not all be read), 2 for usage and credential errors, 130 when interrupted.
    """
    from aggqlint.api.regions import RegionError, resolve_hosts
    from aggqlint.cli.common import PathOptions

    try:
        hosts = resolve_hosts(region, api_url, login_url, os.environ)
    except RegionError as err:
        _usage(str(err))
    record = Path(record_path)
    if record.is_dir() or not record.parent.is_dir():
        _usage(f"cannot record to {record_path}: no such directory, or it is a directory")
    from aggqlint.requests.jobs import FollowOptions
    from aggqlint.requests.recording import Recorder, Redactor
    from aggqlint.requests.selection import select_work
    from aggqlint.requests.submit import (
        BACKOFF_BASE_ENV,
        Credentials,
        CredentialsError,
        SubmitOptions,
        Submitter,
        TokenError,
    )

    backoff_base = _backoff_base(os.environ.get(BACKOFF_BASE_ENV))
    try:
        credentials = Credentials.from_environment(os.environ)
    except CredentialsError as err:
        _usage(str(err))
    redactor = Redactor(credentials.client_secret)
    plan = plan_paths(
        paths,
        endpoint,
        now_text,
        config_path,
        profile,
        PathOptions(exclude, force_exclude, stdin_filename),
    )
    selection = select_work(plan, force)
    _report_selection(plan.diagnostics, selection)
    if not selection.work:
        click.echo("nothing to submit", err=True)
        sys.exit(0 if selection.complete else 1)
    options = SubmitOptions(
        hosts=hosts,
        max_attempts=max_attempts,
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        backoff_base=backoff_base,
        max_wait=max_wait,
        concurrency=concurrency,
        follow=FollowOptions(
            wait=not no_wait,
            timeout=job_timeout,
            poll_base=backoff_base,
            poll_max=min(30.0, max_wait),
            all_pages=all_pages,
        ),
    )
    submitter = Submitter(options, credentials, redactor)
    try:
        submitter.authenticate()
    except TokenError as err:
        _usage(redactor.redact(str(err)))
    progress = _Progress(redactor)
    try:
        with Recorder(record, redactor) as recorder:
            outcome = submitter.run(selection.work, recorder, progress)
    except OSError as err:
        _usage(f"cannot write the recording {record_path}: {err.strerror or err}")
    progress.close()
    click.echo(_summary(outcome, selection, record_path))
    _exit(outcome, selection)


def _usage(message: str) -> NoReturn:
    click.echo(f"aggqlint: {message}", err=True)
    sys.exit(EXIT_USAGE)


def _backoff_base(text: str | None) -> float:
    if not text:
        return 1.0
    try:
        value = float(text)
    except ValueError:
        _usage(f"AGGQLINT_BACKOFF_BASE={text!r} is not a number of seconds")
    if not 0 <= value <= 60:
        _usage("AGGQLINT_BACKOFF_BASE must be between 0 and 60 seconds")
    return value


def _report_selection(diagnostics: list[Diagnostic], selection: Selection) -> None:
    from aggqlint.output import Style
    from aggqlint.output.text import format_line

    lines = [format_line(d, Style()) for d in diagnostics]
    for definition in selection.refused:
        lines.append(
            f"not submitted: {definition.report} ({definition.source_file}) has errors; "
            "--force sends it anyway"
        )
    for definition in selection.unsendable:
        lines.append(
            f"not submitted: {definition.report} ({definition.source_file}) has no endpoint "
            "or query body to send"
        )
    # A file may hold readable documents beside the one that is not: those were still planned.
    lines.extend(
        f"not submitted: what could not be read in {name}" for name in selection.unreadable
    )
    forced = {w.request.report for w in selection.work if w.forced}
    lines.extend(f"sending despite errors (--force): {name}" for name in sorted(forced))
    if lines:
        click.echo("\n".join(lines), err=True)


class _Progress:
    """One line per request on stdout (and per job, and per paged query); a live counter on
    stderr when it is a terminal. Polls and results pages are counted, not shown, unless
    they fail."""

    def __init__(self, redactor: Redactor) -> None:
        self.redactor = redactor
        self.live = sys.stderr.isatty()
        self._last = (0, 0)

    def exchange(self, exchange: Exchange, done: int, total: int) -> None:
        self._last = (done, total)
        if exchange.primary or not exchange.accepted:
            self._say(_line(exchange))
        elif self.live:
            self._counter()

    def job(self, outcome: JobOutcome) -> None:
        where = f"job {outcome.job_id}"
        if outcome.ok:
            detail = (
                f"{where}, {_count(outcome.pages, 'results page')}, "
                f"{_count(outcome.rows, outcome.unit)} ({_count(outcome.polls, 'poll')})"
            )
        else:
            detail = f"{where}: {outcome.message or 'no message from the server'}"
        self._say(f"{outcome.state} {outcome.label}: {detail}")

    def pages(self, outcome: PagesOutcome) -> None:
        from aggqlint.requests.pages import NOT_ASKED

        if outcome.stop == NOT_ASKED:
            if outcome.message:
                self._say(f"{outcome.label}: {outcome.message}")
            return
        read = f"{_count(outcome.pages, 'page')}, {_count(outcome.rows, outcome.unit)}"
        why = outcome.message or f"stopped on an {outcome.stop}"
        self._say(f"{outcome.label}: {read}; {why}")

    def notice(self, text: str) -> None:
        self._clear()
        click.echo(self.redactor.redact(f"warning: {text}"), err=True)

    def _say(self, text: str) -> None:
        self._clear()
        click.echo(self.redactor.redact(text))
        self._counter()

    def _counter(self) -> None:
        if self.live:
            done, total = self._last
            click.echo(f"[{done}/{total}] sent", err=True, nl=False)

    def _clear(self) -> None:
        if self.live:
            click.echo("\r\033[K", err=True, nl=False)

    def close(self) -> None:
        self._clear()


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _line(exchange: Exchange) -> str:
    request = exchange.request
    status = str(exchange.status) if exchange.status is not None else "---"
    tries = f"{exchange.attempts} attempt{'s' if exchange.attempts != 1 else ''}"
    what = request.label if exchange.primary else f"{request.label} {_follow_up(exchange)}"
    text = f"{status} {what} ({exchange.elapsed_ms:.0f} ms, {tries})"
    said = _server_message(exchange)
    if said is None and exchange.job_id and exchange.primary:
        said = f"job {exchange.job_id}"
    return f"{text}: {said}" if said else text


def _follow_up(exchange: Exchange) -> str:
    page = f" page {exchange.page}" if exchange.page is not None else ""
    job = f" of job {exchange.job_id}" if exchange.job_id else ""
    return f"{exchange.call}{page}{job}"


def _server_message(exchange: Exchange) -> str | None:
    if exchange.error:
        return exchange.error
    if exchange.accepted:
        return None
    response = exchange.response
    if isinstance(response, dict) and isinstance(response.get("message"), str):
        return " ".join(response["message"].split())[:300]
    return None


def _summary(outcome: SubmitOutcome, selection: Selection, record_path: str) -> str:
    from aggqlint.requests.recording import Verdict

    sent = outcome.requests
    accepted = sum(1 for e in sent if e.accepted)
    # One reading of a status for submit and drift: a final 401/403/429 did not judge the body.
    rejected = sum(1 for e in sent if e.verdict is Verdict.REJECTED)
    failed = len(sent) - accepted - rejected
    parts = [f"{len(sent)} sent", f"{accepted} accepted", f"{rejected} rejected"]
    parts.append(f"{failed} failed")
    if outcome.jobs:
        states: dict[str, int] = {}
        for job in outcome.jobs:
            key = job.state.lower() if job.ok or job.state != "FULFILLED" else "unread"
            states[key] = states.get(key, 0) + 1
        said = ", ".join(f"{n} {state}" for state, n in sorted(states.items()))
        parts.append(f"{_count(len(outcome.jobs), 'job')} ({said})")
    unread = sum(1 for p in outcome.pages if p.message and p.ok)
    if unread:
        parts.append(f"{_count(unread, 'detail query')} with more pages (--all-pages)")
    stopped = sum(1 for p in outcome.pages if not p.ok)
    if stopped:
        parts.append(f"{_count(stopped, 'detail query')} stopped before its last page")
    follow_ups = len(outcome.exchanges) - len(sent)
    if follow_ups:
        parts.append(f"{_count(follow_ups, 'follow-up request')}")
    left_out = len(selection.refused) + len(selection.unsendable) + len(selection.unreadable)
    if left_out:
        parts.append(f"{left_out} not submitted")
    if outcome.interrupted:
        unsent = len(selection.work) - len(outcome.requests)
        parts.append(f"interrupted with {unsent} not done")
    if outcome.auth_error:
        parts.append(f"stopped: {outcome.auth_error}")
    return f"{', '.join(parts)}; recorded in {record_path}"


def _exit(outcome: SubmitOutcome, selection: Selection) -> NoReturn:
    if outcome.interrupted:
        if outcome.lingering:
            # Requests still on the wire would hold the interpreter's exit (it joins the
            # worker threads) until their read timeout. Everything finished is already
            # recorded and fsync'd, so leave at once.
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(EXIT_INTERRUPTED)
        sys.exit(EXIT_INTERRUPTED)
    if outcome.auth_error:
        sys.exit(EXIT_USAGE)
    sys.exit(0 if outcome.complete and selection.complete else 1)

"""aggqlint submit: send the planned requests to Genesys Cloud and record every exchange."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import click

from aggqlint.cli.common import EXIT_USAGE, definition_options, path_options, plan_paths

if TYPE_CHECKING:
    from aggqlint.diagnostics import Diagnostic
    from aggqlint.requests.recording import Exchange, Redactor
    from aggqlint.requests.submit import Selection, SubmitOutcome

EXIT_INTERRUPTED = 130


@click.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
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
) -> None:
    """Send the requests to Genesys Cloud and record every answer.

    Credentials come from GENESYSCLOUD_OAUTHCLIENT_ID and GENESYSCLOUD_OAUTHCLIENT_SECRET
    (an OAuth client-credentials grant). Exit 0 when every request was accepted, 1 when any
    was refused, rejected or failed, 2 for usage and credential errors, 130 when interrupted.
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
    from aggqlint.requests.recording import Recorder, Redactor
    from aggqlint.requests.submit import (
        BACKOFF_BASE_ENV,
        Credentials,
        CredentialsError,
        SubmitOptions,
        Submitter,
        TokenError,
        select_work,
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
    """One line per finished request on stdout; a live counter on stderr when it is a
    terminal."""

    def __init__(self, redactor: Redactor) -> None:
        self.redactor = redactor
        self.live = sys.stderr.isatty()

    def __call__(self, exchange: Exchange, done: int, total: int) -> None:
        if self.live:
            click.echo("\r\033[K", err=True, nl=False)
        click.echo(self.redactor.redact(_line(exchange)))
        if self.live:
            click.echo(f"[{done}/{total}] sent", err=True, nl=False)

    def close(self) -> None:
        if self.live:
            click.echo("\r\033[K", err=True, nl=False)


def _line(exchange: Exchange) -> str:
    request = exchange.request
    status = str(exchange.status) if exchange.status is not None else "---"
    tries = f"{exchange.attempts} attempt{'s' if exchange.attempts != 1 else ''}"
    text = f"{status} {request.label} ({exchange.elapsed_ms:.0f} ms, {tries})"
    said = _server_message(exchange)
    return f"{text}: {said}" if said else text


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

    accepted = sum(1 for e in outcome.exchanges if e.accepted)
    # One reading of a status for submit and drift: a final 401/403/429 did not judge the body.
    rejected = sum(1 for e in outcome.exchanges if e.verdict is Verdict.REJECTED)
    failed = len(outcome.exchanges) - accepted - rejected
    parts = [f"{len(outcome.exchanges)} sent", f"{accepted} accepted", f"{rejected} rejected"]
    parts.append(f"{failed} failed")
    left_out = len(selection.refused) + len(selection.unsendable) + len(selection.unreadable)
    if left_out:
        parts.append(f"{left_out} not submitted")
    if outcome.interrupted:
        unsent = len(selection.work) - len(outcome.exchanges)
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
    sys.exit(0 if outcome.all_accepted and selection.complete else 1)

"""Where aggqlint and the server disagreed, read from recordings: the loop that keeps the
rules true.

- a missed rule: the server rejected (a 4xx that judges the body) a request aggqlint passed;
- a false alarm: the server accepted (2xx) a request aggqlint flagged with errors (--force).

401, 403 and 429 say nothing about the body, and neither do 5xx answers, network failures or
jobs the server took but that ended FAILED or EXPIRED: those exchanges are counted as not
judged (a 400 at a job's submission is judged like any query). A job's polls, results pages
and cancel are not exchanges about the body and are not counted. The reading of a status is
recording.verdict, the same one submit counts by: a 2xx is an acceptance even when its answer
was not a JSON object.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from aggqlint.requests.recording import Call, Verdict, read_records, verdict

MESSAGE_LIMIT = 300  # characters of a server message shown


class Disagreement(Struct, frozen=True):
    kind: str  # "missed-rule" or "false-alarm"
    recording: str
    line: int
    report: str
    window: int | None
    source_file: str | None
    endpoint: str | None
    status: int
    codes: tuple[str, ...]  # aggqlint's error-level codes (empty for a missed rule)
    server_message: str | None = None
    server_code: str | None = None
    correlation_id: str | None = None
    note: str | None = None  # what was wrong with an accepted answer's body (not JSON, empty)

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "recording": self.recording,
            "line": self.line,
            "report": self.report,
            "window": self.window,
            "file": self.source_file,
            "endpoint": self.endpoint,
            "status": self.status,
            "codes": list(self.codes),
            "server_message": self.server_message,
            "server_code": self.server_code,
            "correlation_id": self.correlation_id,
            "note": self.note,
        }


class MalformedLine(Struct, frozen=True):
    recording: str
    line: int
    problem: str


class DriftReport(Struct):
    missed_rules: list[Disagreement] = field(default_factory=list)
    false_alarms: list[Disagreement] = field(default_factory=list)
    malformed: list[MalformedLine] = field(default_factory=list)
    exchanges: int = 0
    agreed_accepted: int = 0
    agreed_rejected: int = 0
    not_judged: int = 0

    @property
    def exit_code(self) -> int:
        return 1 if self.missed_rules or self.false_alarms else 0

    def summary(self) -> dict[str, int]:
        return {
            "exchanges": self.exchanges,
            "missed_rules": len(self.missed_rules),
            "false_alarms": len(self.false_alarms),
            "agreed_accepted": self.agreed_accepted,
            "agreed_rejected": self.agreed_rejected,
            "not_judged": self.not_judged,
            "malformed_lines": len(self.malformed),
        }


def find_drift(recordings: Iterable[Path]) -> DriftReport:
    """Read every recording; OSError for one that cannot be opened."""
    report = DriftReport()
    for path in recordings:
        name = str(path)
        lines = list(read_records(path))
        unfinished = _jobs_without_results(line.record for line in lines if line.record)
        for line in lines:
            if line.record is None:
                report.malformed.append(MalformedLine(name, line.number, line.problem or ""))
                continue
            if line.record.get("call", Call.QUERY) not in JUDGED_CALLS:
                continue  # a poll, a results page, a cancel: nothing about the body
            _judge(report, name, line.number, line.record, unfinished)
    return report


# Only these carry the body aggqlint checked (a later page of a detail query is a query too).
JUDGED_CALLS = frozenset({Call.QUERY, Call.SUBMIT})
# A job the server took (202) but that ended like this says nothing either way about the body.
_UNJUDGED_STATES = frozenset({"FAILED", "EXPIRED"})


def _jobs_without_results(records: Iterable[dict[str, Any]]) -> set[str]:
    """Job ids whose last recorded state was FAILED or EXPIRED."""
    last: dict[str, str] = {}
    for record in records:
        response, job_id = record.get("response"), record.get("job_id")
        if record.get("call") == Call.POLL and isinstance(job_id, str):
            state = response.get("state") if isinstance(response, dict) else None
            if isinstance(state, str):
                last[job_id] = state
    return {job for job, state in last.items() if state in _UNJUDGED_STATES}


def _judge(
    report: DriftReport, name: str, number: int, record: dict[str, Any], unfinished: set[str]
) -> None:
    report.exchanges += 1
    status = record["status"]
    codes = tuple(
        sorted({d["code"] for d in record["diagnostics"] if d.get("severity") == "error"})
    )
    judged = verdict(status)
    if record.get("job_id") in unfinished:
        judged = Verdict.NOT_JUDGED
    if judged is Verdict.NOT_JUDGED:
        report.not_judged += 1
    elif judged is Verdict.ACCEPTED:
        if codes:
            report.false_alarms.append(_disagreement("false-alarm", name, number, record, codes))
        else:
            report.agreed_accepted += 1
    elif codes:
        report.agreed_rejected += 1
    else:
        report.missed_rules.append(_disagreement("missed-rule", name, number, record, codes))


def _disagreement(
    kind: str, name: str, number: int, record: dict[str, Any], codes: tuple[str, ...]
) -> Disagreement:
    message, code = _server_said(record.get("response"))
    note = record.get("error")  # for an accepted answer: what was wrong with its body
    window = record.get("window")
    return Disagreement(
        kind=kind,
        recording=name,
        line=number,
        report=record["report"],
        window=window if isinstance(window, int) and not isinstance(window, bool) else None,
        source_file=_text(record.get("file")),
        endpoint=_text(record.get("endpoint")),
        status=record["status"],
        codes=codes,
        server_message=message,
        server_code=code,
        correlation_id=_text(record.get("correlation_id")),
        note=_short(note) if kind == "false-alarm" and isinstance(note, str) else None,
    )


def _server_said(response: Any) -> tuple[str | None, str | None]:
    if isinstance(response, dict):
        message = response.get("message")
        code = response.get("code")
        return _short(message) if isinstance(message, str) else None, _text(code)
    if isinstance(response, str) and response.strip():
        return _short(response), None
    return None, None


def _short(text: str) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= MESSAGE_LIMIT else flat[: MESSAGE_LIMIT - 1] + "…"


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None

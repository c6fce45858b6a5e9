"""How a drift report is shown: text or JSON."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aggqlint.requests.drift import Disagreement, DriftReport


def _where(item: Disagreement) -> str:
    window = f" window {item.window + 1}" if item.window is not None else ""
    source = f" ({item.source_file})" if item.source_file else ""
    return f"{item.recording}:{item.line}: {item.report}{window}{source}"


def _text(report: DriftReport) -> str:
    lines = []
    if report.missed_rules:
        lines.append(
            f"missed rules: the server rejected what aggqlint passed ({len(report.missed_rules)})"
        )
        for item in report.missed_rules:
            code = f" {item.server_code}" if item.server_code else ""
            said = f": {item.server_message}" if item.server_message else ""
            lines.append(f"  {_where(item)}: {item.status}{code}{said}")
    if report.false_alarms:
        lines.append(
            f"false alarms: the server accepted what aggqlint flagged ({len(report.false_alarms)})"
        )
        for item in report.false_alarms:
            note = f" ({item.note})" if item.note else ""
            codes = ", ".join(item.codes)
            lines.append(f"  {_where(item)}: {item.status}, aggqlint said {codes}{note}")
    if report.malformed:
        lines.append(f"unreadable lines ({len(report.malformed)})")
        lines.extend(f"  {m.recording}:{m.line}: {m.problem}" for m in report.malformed)
    counts = report.summary()
    lines.append(
        f"{_count(counts['exchanges'], 'exchange')}: "
        f"{_count(counts['missed_rules'], 'missed rule')}, "
        f"{_count(counts['false_alarms'], 'false alarm')}, "
        f"{counts['agreed_accepted']} agreed accepted, "
        f"{counts['agreed_rejected']} agreed rejected, "
        f"{counts['not_judged']} not judged (network errors, 5xx, 401/403/429)"
    )
    return "\n".join(lines) + "\n"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _json(report: DriftReport) -> str:
    document = {
        "missed_rules": [d.as_dict() for d in report.missed_rules],
        "false_alarms": [d.as_dict() for d in report.false_alarms],
        "malformed_lines": [
            {"recording": m.recording, "line": m.line, "problem": m.problem}
            for m in report.malformed
        ],
        "summary": report.summary(),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


# --format name -> renderer
DRIFT_FORMATS: dict[str, Callable[[DriftReport], str]] = {"text": _text, "json": _json}

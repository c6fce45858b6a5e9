"""How a plan is shown: the requests as text, JSON or curl commands, and what was left out."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aggqlint.requests.plan import Plan, PlannedRequest


def _text(requests: list[PlannedRequest], api_url: str) -> str:
    blocks = []
    for request in requests:
        body = json.dumps(request.body, indent=2, ensure_ascii=False)
        steps = _follow_ups(request)
        first = "".join(f"# first {m} {p}  ({why})\n" for w, m, p, why in steps if w == "first")
        then = "".join(f"# then {m} {p}  ({why})\n" for w, m, p, why in steps if w == "then")
        blocks.append(
            f"# {_one_line(request.label)} ({request.source_file})\n"
            f"{first}{request.method} {request.path}\n{body}\n{then}"
        )
    return "\n".join(blocks)


def _json(requests: list[PlannedRequest], api_url: str) -> str:
    listed = []
    for request in requests:
        entry = request.as_dict()
        steps = _follow_ups(request)
        if steps:
            entry["follow_ups"] = [
                {"when": w, "method": m, "path": p, "why": why} for w, m, p, why in steps
            ]
        listed.append(entry)
    return json.dumps(listed, indent=2, ensure_ascii=False) + "\n"


def _follow_ups(request: PlannedRequest) -> list[tuple[str, str, str, str]]:
    """What submit sends after this request: a job's availability check, polls and results
    pages, or a detail query's further pages."""
    from aggqlint.requests.jobs import follow_ups

    return follow_ups(request.endpoint.kind, request.path)


def _curl(requests: list[PlannedRequest], api_url: str) -> str:
    from aggqlint.requests.plan import canonical_json

    commands = []
    for request in requests:
        data = canonical_json(request.body).decode("utf-8")
        commands.append(
            f"# {_one_line(request.label)}\n"
            f"curl -sS -X {request.method} {shlex.quote(api_url + request.path)} \\\n"
            # Double quotes: the shell fills in the token; it never appears in the plan.
            '  -H "Authorization: Bearer $GENESYS_TOKEN" \\\n'
            "  -H 'Content-Type: application/json' \\\n"
            f"  --data-raw {shlex.quote(data)}\n"
        )
    return "\n".join(commands)


# --format name -> renderer(requests, api base URL)
PLAN_FORMATS: dict[str, Callable[[list[PlannedRequest], str], str]] = {
    "text": _text,
    "json": _json,
    "curl": _curl,
}


def _one_line(text: str) -> str:
    return " ".join(text.split())


def report_problems(result: Plan, action: str = "planned") -> str:
    """Diagnostics as `aggqlint check` prints them, then which definitions were left out."""
    from aggqlint.diagnostics import Severity
    from aggqlint.output import Style
    from aggqlint.output.text import format_line

    lines = [format_line(d, Style()) for d in result.diagnostics]
    for definition in result.blocked:
        errors = sum(1 for d in definition.all_diagnostics if d.severity is Severity.ERROR)
        noun = "error" if errors == 1 else "errors"
        lines.append(
            f"not {action}: {definition.report} ({definition.source_file}) has {errors} {noun}"
        )
    count = len(result.requests)
    definitions = sum(1 for d in result.definitions if not d.has_errors)
    lines.append(
        f"{count} request{'s' if count != 1 else ''} {action} from {definitions} "
        f"definition{'s' if definitions != 1 else ''}"
    )
    return "\n".join(lines) + "\n"

"""Definitions at the edges of the calendar (years 1 and 9999, durations longer than datetime
holds, zones far from UTC) through check and plan: never a crash, never a rule family failing
(AQL009), and whatever plan refuses, check has already reported as an error."""

from __future__ import annotations

import tempfile
from datetime import UTC, datetime
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from msgspec import structs

from aggqlint.checks.engine import CheckedFile, LintOptions, LintResult, lint_paths
from aggqlint.diagnostics import Severity
from aggqlint.requests.plan import plan_result

NOW = datetime(2026, 11, 30, tzinfo=UTC)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
INSTANTS = [
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+05:00",
    "0001-01-02T00:00:00-05:00",
    "2026-01-01T00:00:00Z",
    "2026-11-01T00:00:00+14:00",
    "9999-12-31T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59.999Z",
    "9999-12-31T23:59:59-05:00",
    "9999-12-31",
]
DURATIONS = ["P1D", "PT1H", "P1M", "P1W", "P1Y", "P9999Y", "P999999Y", "PT99999999999H", "PT0.001S"]
ENDPOINTS = ["conversations/aggregates", "conversations/details", "users/details/jobs"]
ENDPOINTS += ["queues/observations", "routing/activity"]

sides = st.sampled_from(INSTANTS) | st.sampled_from(DURATIONS)
intervals = st.builds(lambda a, b: f"{a}/{b}", sides, sides)
definitions = st.fixed_dictionaries(
    {"endpoint": st.sampled_from(ENDPOINTS), "interval": intervals},
    optional={
        "granularity": st.sampled_from(DURATIONS),
        "timeZone": st.sampled_from(["UTC", "America/Los_Angeles", "Pacific/Kiritimati"]),
        "chunk": st.sampled_from(DURATIONS),
        "windows": st.lists(intervals, min_size=1, max_size=3),
    },
)


def _checked(definition: dict[str, object]) -> CheckedFile:
    lines = ["report: edge", f"endpoint: {definition['endpoint']}", "query:"]
    lines.append(f"  interval: {definition['interval']}")
    for key in ("granularity", "timeZone"):
        if key in definition:
            lines.append(f"  {key}: {definition[key]}")
    lines.append("  metrics: [nOffered]")
    if "chunk" in definition:
        lines.append(f"chunk: {definition['chunk']}")
    if "windows" in definition:
        lines.append(f"windows: [{', '.join(map(str, definition['windows']))}]")  # type: ignore[call-overload]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "edge.yaml"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        [checked] = lint_paths([str(path)], LintOptions(now=NOW)).files
    return checked


@SETTINGS
@given(definitions)
def test_check_and_plan_never_fail_and_agree(definition: dict[str, object]) -> None:
    checked = _checked(definition)
    assert "AQL009" not in {d.code for d in checked.diagnostics}
    plan = plan_result(LintResult([checked]), NOW)
    assert "AQL009" not in {d.code for d in plan.diagnostics}
    # plan on its own, without the file's diagnostics: a refusal means check had an error.
    alone = plan_result(LintResult([structs.replace(checked, diagnostics=[])]), NOW)
    if any(d.code == "AQL025" for d in alone.diagnostics):
        assert any(d.severity is Severity.ERROR for d in checked.diagnostics)

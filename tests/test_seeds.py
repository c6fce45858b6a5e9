"""The real mistaken payloads (facts/examples/): each listed problem gets its own diagnostic at
the right line:column, as a report definition and as a bare body, and the fixes lead to the
right way where the facts give one.

The expected diagnostics sit beside each corpus file (`NAME.expected`, `NAME.bare.expected`),
one `LINE:COLUMN CODE` per line, so adding a case is adding files.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from aggqlint.checks.engine import LintOptions, lint_text

HERE = Path(__file__).resolve().parent
SEEDS = HERE / "corpus" / "seeds"
FACTS = HERE.parent / "facts" / "examples"
NOW = datetime(2026, 11, 23, tzinfo=UTC)
NAMES = sorted(path.stem for path in SEEDS.glob("*.yaml"))


def _expected(path: Path) -> list[str]:
    return [line.strip() for line in path.read_text().splitlines() if line.strip()]


def _found(diagnostics: list) -> list[str]:  # type: ignore[type-arg]
    return [f"{d.location.line}:{d.location.column} {d.code}" for d in diagnostics]


def bare_body(name: str) -> tuple[str, str]:
    seed = json.loads((FACTS / f"{name}.json").read_text())
    return json.dumps(seed["payload"], indent=2) + "\n", seed["endpoint"]


def test_every_seed_has_a_corpus_file() -> None:
    assert sorted(path.stem for path in FACTS.glob("seed-*.json")) == NAMES


@pytest.mark.parametrize("name", NAMES)
def test_report_definition(name: str) -> None:
    text = (SEEDS / f"{name}.yaml").read_text()
    found = _found(lint_text(text, f"{name}.yaml", LintOptions(now=NOW)))
    assert found == _expected(SEEDS / f"{name}.expected")


@pytest.mark.parametrize("name", NAMES)
def test_bare_body_with_endpoint_option(name: str) -> None:
    text, endpoint = bare_body(name)
    diagnostics = lint_text(text, f"{name}.json", LintOptions(now=NOW, endpoint=endpoint))
    assert any(d.severity.name == "ERROR" for d in diagnostics)
    assert _found(diagnostics) == _expected(SEEDS / f"{name}.bare.expected")


def _suggestions(name: str) -> dict[str, str | None]:
    text = (SEEDS / f"{name}.yaml").read_text()
    diagnostics = lint_text(text, f"{name}.yaml", LintOptions(now=NOW))
    return {f"{d.code} {d.location.pointer}": d.suggestion for d in diagnostics}


def test_seed_004_fixes_lead_to_the_right_way() -> None:
    right = json.loads((FACTS / "seed-004-tutorial-daterange.json").read_text())["right_way"]
    fixes = _suggestions("seed-004-tutorial-daterange")
    fixed: dict[str, object] = {}
    fixed.update(yaml.safe_load(fixes["AQL101 /query/interval"] or ""))
    fixed.update(yaml.safe_load(fixes["AQL602 /query/groupBys"] or ""))
    fixed["metrics"] = [fixes[f"AQL201 /query/metrics/{i}"] for i in range(6)]
    predicate = yaml.safe_load(fixes["AQL310 /query/filter/predicates/0"] or "")
    fixed["filter"] = {"type": fixes["AQL207 /query/filter/type"], "predicates": [predicate]}
    assert fixed == right


def test_seed_000_fixes_lead_to_one_request_per_shift_window() -> None:
    fixes = _suggestions("seed-000-custom-intervals")
    windows = yaml.safe_load(fixes["AQL605 /query/intervals"] or "")["windows"]
    assert windows == [
        "2023-10-01T08:00:00Z/2023-10-01T12:00:00Z",
        "2023-10-01T13:00:00Z/2023-10-01T17:00:00Z",
    ]
    assert fixes["AQL202 /query/groupBy/0"] == "mediaType"
    assert fixes["AQL201 /query/metrics/0/name"] == "tHandle"
    assert fixes["AQL021 /endpoint"] == "/api/v2/analytics/conversations/aggregates/query"


def test_seed_003_fixes_name_the_right_endpoint_metrics_and_range() -> None:
    fixes = _suggestions("seed-003-agent-summary")
    assert fixes["AQL020 /endpoint"] == "conversations/aggregates"
    assert yaml.safe_load(fixes["AQL603 /query/select"] or "") == {
        "metrics": ["tHandle", "tAcw", "tHeld"]
    }
    assert yaml.safe_load(fixes["AQL101 /query/interval"] or "") == {
        "interval": "2023-10-01T00:00:00.000Z/2023-10-02T00:00:00.000Z",
        "granularity": "PT30M",
    }
    assert fixes["AQL202 /query/groupBy/0"] == "userId"

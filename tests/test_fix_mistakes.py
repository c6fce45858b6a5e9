"""People's real mistaken payloads, fixed with `check --fix --unsafe-fixes`: what remains is
only what needs a human, listed here with the reason.

The payloads: examples/mistakes/ (checked where they are, with examples/aggqlint.toml naming
the bare bodies' endpoint) and ../shared/examples/seed-*.json, copied into tests/fixes/mistakes/
as JSON report definitions (the path each was sent to as `endpoint`, the payload as `query`)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO, run_aggqlint

from aggqlint.checks.engine import Fixing, LintOptions, lint_paths
from aggqlint.loading.source import parse_source

SEEDS = Path(__file__).parent / "fixes" / "mistakes"

# file -> the (line, code) left after --fix --unsafe-fixes, each needing a human because:
NEEDS_A_HUMAN: dict[str, list[tuple[int, str]]] = {
    "mistakes/agent-summary.json": [
        (4, "AQL202"),  # groupBy 'interval': time buckets are granularity's job: remove it
    ],
    "mistakes/forum-custom-intervals.yaml": [
        (7, "AQL605"),  # intervalType/intervals: the windows belong in the report definition
        (8, "AQL605"),
    ],
    "mistakes/tutorial-daterange.yaml": [],
    "seed-000-answer-handle.json": [],
    "seed-000-answer-hour.json": [
        (14, "AQL200"),  # separateWait: no such option anywhere (no fix offered): drop it or ask
    ],
    "seed-000-custom-intervals.json": [
        (6, "AQL605"),  # intervalType/intervals: windows in the report definition
        (7, "AQL605"),
    ],
    "seed-001-duration-as-interval.json": [
        (4, "AQL203"),  # no metrics at all: which ones?
        (5, "AQL101"),  # P1D as the interval and no range anywhere: which days?
    ],
    "seed-002-accepted-answer.json": [
        (9, "AQL209"),  # a metric as an object
        (10, "AQL201"),  # conversationDuration: the real name is not on this endpoint
    ],
    "seed-002-select-where.json": [
        (4, "AQL203"),  # no metrics: select held only an unknown name
        (8, "AQL603"),  # select of objects with no metric name to keep
        (9, "AQL209"),
        (10, "AQL201"),  # 'duration' is no metric
    ],
    "seed-003-agent-summary.json": [
        (9, "AQL202"),  # groupBy 'interval': remove it (granularity has PT30M)
    ],
    "seed-004-tutorial-daterange.json": [],
}


def _copy(name: str, root: Path) -> Path:
    if name.startswith("mistakes/"):
        shutil.copyfile(REPO / "examples" / "aggqlint.toml", root / "aggqlint.toml")
        source = REPO / "examples" / name
    else:
        source = SEEDS / name
    target = root / name
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    return target


def test_every_mistaken_payload_is_listed() -> None:
    shipped = {f"mistakes/{p.name}" for p in (REPO / "examples" / "mistakes").iterdir()}
    seeds = {p.name for p in SEEDS.glob("*.json")}
    assert set(NEEDS_A_HUMAN) == shipped | seeds
    assert len(seeds) == 8


@pytest.mark.parametrize("name", sorted(NEEDS_A_HUMAN))
def test_what_remains_after_fixing_needs_a_human(name: str, tmp_path: Path) -> None:
    path = _copy(name, tmp_path)
    before = path.read_text(encoding="utf-8")
    result = run_aggqlint(
        "check", name, "--fix", "--unsafe-fixes", "--format", "json", cwd=tmp_path
    )
    report = json.loads(result.stdout)
    left = [(d["line"], d["code"]) for d in report["diagnostics"] if d["severity"] != "info"]
    assert left == NEEDS_A_HUMAN[name], "\n".join(
        f"{d['line']}:{d['column']} {d['code']} {d['message']}" for d in report["diagnostics"]
    )
    assert result.returncode == (1 if left else 0)
    after = path.read_text(encoding="utf-8")
    assert after != before  # each of them had something --fix could do
    source = parse_source(after, name, as_json=name.endswith(".json"))
    assert all(document.failure is None for document in source.documents)
    # Nothing more to do: a second run changes nothing.
    again = lint_paths([str(path)], LintOptions(endpoint=_endpoint(name)), Fixing(unsafe=True))
    assert again.files[0].fixed is not None and not again.files[0].fixed.changed


def _endpoint(name: str) -> str | None:
    # examples/aggqlint.toml names the bare bodies' endpoint; lint_paths here has no config.
    return "conversations/aggregates" if name == "mistakes/agent-summary.json" else None


def test_the_tutorial_body_is_rewritten_in_its_own_style(tmp_path: Path) -> None:
    # seed-004 carried nine fixable problems: after --fix, the names, the range and the
    # grouping are the API's, written as the file writes JSON; only the predicate is left.
    path = _copy("seed-004-tutorial-daterange.json", tmp_path)
    run_aggqlint("check", path.name, "--fix", "--unsafe-fixes", cwd=tmp_path)
    query = json.loads(path.read_text(encoding="utf-8"))["query"]
    assert query["interval"] == "2023-10-01T00:00:00.000Z/2023-10-02T00:00:00.000Z"
    assert query["granularity"] == "PT1H"
    assert query["groupBy"] == ["queueId"]
    assert query["metrics"] == [
        "nOffered",
        "tAnswered",
        "tAbandon",
        "oServiceLevel",
        "tHandle",
        "tAcw",
    ]
    assert query["filter"]["type"] == "and"
    assert "dateRange" not in query and "groupBys" not in query


def test_the_alias_table_names_each_wrong_name_once() -> None:
    import yaml

    repeated: list[str] = []

    class Strict(yaml.SafeLoader):
        def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:  # type: ignore[override]
            keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
            repeated.extend(str(key) for key in keys if keys.count(key) > 1)
            return super().construct_mapping(node, deep=deep)

    yaml.load((REPO / "rules" / "aliases.yaml").read_text(encoding="utf-8"), Loader=Strict)
    assert repeated == []

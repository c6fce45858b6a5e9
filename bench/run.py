"""Benchmark aggqlint as users run it: whole processes, median of several runs, peak memory.

    python bench/run.py [--runs 5] [--out bench/out]

Needs `check-jsonschema` on PATH (`pip install check-jsonschema`) for the comparison: the
established tool doing a smaller job (schema validation only, same bodies, same schemas).
Prints a table of medians, ratios against the targets, and the peak resident memory.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]

# A realistic mix: most teams query conversation aggregates, some users, queues, details.
GROUPS = {
    "conversations/aggregates": 0.6,
    "users/aggregates": 0.15,
    "queues/observations": 0.15,
    "conversations/details": 0.10,
}
UUIDS = [
    "3b0c7e36-4c3e-4a8b-9a8e-5f7d2c1b0a9f",
    "9d1f2e3c-5b6a-4c7d-8e9f-0a1b2c3d4e5f",
    "6f1c2d3e-4a5b-4c6d-9e8f-7a6b5c4d3e2f",
]


def body_for(endpoint: str, rng: random.Random, broken: bool) -> dict[str, object]:
    day = rng.randint(1, 27)
    interval = f"2026-10-{day:02d}T00:00:00Z/2026-10-{day + 1:02d}T00:00:00Z"
    queue = {"dimension": "queueId", "value": rng.choice(UUIDS)}
    if endpoint == "conversations/aggregates":
        body: dict[str, object] = {
            "interval": interval,
            "granularity": rng.choice(["PT30M", "PT1H", "P1D"]),
            "timeZone": rng.choice(["UTC", "Europe/London", "America/New_York"]),
            "groupBy": ["queueId", "mediaType"],
            "metrics": rng.sample(["nOffered", "tAnswered", "tAbandon", "tHandle", "tAcw"], 3),
            "filter": {"type": "or", "predicates": [queue]},
        }
        if broken:
            body["metrics"] = ["handleTime", "nOffered"]
            body["groupings"] = ["queueId"]
    elif endpoint == "users/aggregates":
        body = {
            "interval": interval,
            "granularity": "P1D",
            "groupBy": ["userId"],
            "metrics": ["tAgentRoutingStatus", "tSystemPresence"],
        }
        if broken:
            body["metrics"] = ["tHandle"]
    elif endpoint == "queues/observations":
        body = {
            "metrics": ["oWaiting", "oInteracting"],
            "filter": {"type": "or", "predicates": [queue]},
        }
        if broken:
            body["interval"] = interval
    else:
        body = {
            "interval": interval,
            "paging": {"pageSize": 100, "pageNumber": 1},
            "segmentFilters": [
                {"type": "and", "predicates": [{"dimension": "mediaType", "value": "voice"}]}
            ],
        }
        if broken:
            body["pageSize"] = 100
    return body


def make_corpus(out: Path, count: int, seed: int = 7) -> dict[str, list[Path]]:
    """Report definitions (for aggqlint, as JSON and as YAML) and the same bodies as bare JSON
    (for both tools)."""
    rng = random.Random(seed)
    shutil.rmtree(out, ignore_errors=True)
    reports: list[Path] = []
    definitions: list[Path] = []  # the same report definitions, as YAML
    bodies: dict[str, list[Path]] = {name: [] for name in GROUPS}
    names = list(GROUPS)
    weights = list(GROUPS.values())
    for index in range(count):
        endpoint = rng.choices(names, weights)[0]
        body = body_for(endpoint, rng, broken=rng.random() < 0.2)
        report = out / "reports" / f"report-{index:04d}.json"
        report.parent.mkdir(parents=True, exist_ok=True)
        definition = {"report": f"r{index}", "endpoint": endpoint, "query": body}
        report.write_text(json.dumps(definition, indent=2))
        reports.append(report)
        written = out / "yaml" / f"report-{index:04d}.yaml"
        written.parent.mkdir(parents=True, exist_ok=True)
        written.write_text(yaml.safe_dump(definition, sort_keys=False))
        definitions.append(written)
        bare = out / "bodies" / endpoint.replace("/", "-") / f"body-{index:04d}.json"
        bare.parent.mkdir(parents=True, exist_ok=True)
        bare.write_text(json.dumps(body, indent=2))
        bodies[endpoint].append(bare)
    return {"reports": reports, "yaml": definitions, **bodies}


class Row:
    """One command measured: the median of its runs and its peak resident memory."""

    def __init__(self, label: str, command: Sequence[str], env: dict[str, str]) -> None:
        self.label, self.command, self.env = label, list(command), env
        self.times: list[float] = []
        self.peak = 0.0

    @property
    def seconds(self) -> float:
        return statistics.median(self.times)

    def run_once(self, cwd: Path) -> None:
        start = time.perf_counter()
        process = subprocess.Popen(
            self.command,
            cwd=cwd,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        _, status, usage = os.wait4(process.pid, 0)
        self.times.append(time.perf_counter() - start)
        self.peak = max(self.peak, usage.ru_maxrss / 1024)
        # A run that crashed or could not start measures nothing: stop rather than report it.
        # (0 = clean, 1 = diagnostics found; both are real work.)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise SystemExit(f"benchmark command failed: {' '.join(self.command)}")


def measure(rows: list[Row], runs: int, cwd: Path) -> None:
    """Every row once per round, `runs` rounds: a burst of load on a shared machine then
    slows both tools of a comparison alike, not only the one measured at that moment."""
    for _ in range(runs):
        for item in rows:
            item.run_once(cwd)


def aggqlint_command() -> list[str]:
    found = shutil.which("aggqlint")
    return [found] if found else [sys.executable, "-m", "aggqlint"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    parser.add_argument(
        "--readme", action="store_true", help="rewrite README.md's performance table"
    )
    args = parser.parse_args()
    checker = shutil.which("check-jsonschema")
    if checker is None:
        print("check-jsonschema is not installed: pip install check-jsonschema", file=sys.stderr)
        return 2
    corpus = make_corpus(args.out / "corpus", 1000)
    aggqlint = aggqlint_command()
    runs = args.runs
    rows: list[Row] = []
    cache = args.out / "cache"
    shutil.rmtree(cache, ignore_errors=True)

    def row(label: str, command: Sequence[str], warm: bool = False) -> Row:
        env = {**os.environ, "AGGQLINT_CACHE_DIR": str(cache)}
        if warm:  # one run to fill the cache, then the measured ones find every file in it
            subprocess.run(command, cwd=args.out, env=env, capture_output=True)
        rows.append(Row(label, command, env))
        return rows[-1]

    cold = ["--no-cache"]  # every check is cold unless the label says warm
    bare_python = row("python -c pass", [sys.executable, "-c", "pass"])
    version = row("aggqlint --version", [*aggqlint, "--version"])
    reports = [str(p) for p in corpus["reports"]]
    row("aggqlint check: 1 report", [*aggqlint, "check", *cold, reports[0]])
    row("aggqlint check: 100 reports", [*aggqlint, "check", *cold, *reports[:100]])
    row("aggqlint check: 1,000 reports", [*aggqlint, "check", *cold, *reports])
    definitions = [str(p) for p in corpus["yaml"]]
    ours_yaml = row(
        "aggqlint check: 1,000 YAML definitions", [*aggqlint, "check", *cold, *definitions]
    )

    # The comparison: the same bare bodies against the same schemas, one process per endpoint
    # for each tool (check-jsonschema takes one schema per run).
    index = json.loads((REPO / "schemas" / "index.json").read_text())
    schema_of = {e["name"]: REPO / "schemas" / e["schema"] for e in index["endpoints"]}
    one = corpus["conversations/aggregates"][0]
    ours_1 = row(
        "aggqlint check --endpoint: 1 body",
        [*aggqlint, "check", *cold, "--endpoint", "conversations/aggregates", str(one)],
    )
    theirs_1 = row(
        "check-jsonschema: 1 body",
        [checker, "--schemafile", str(schema_of["conversations/aggregates"]), str(one)],
    )
    ours_all: list[Row] = []
    theirs_all: list[Row] = []
    warm_all: list[Row] = []
    for endpoint in GROUPS:
        files = [str(p) for p in corpus[endpoint]]
        command = [*aggqlint, "check", "--endpoint", endpoint, *files]
        ours_all.append(
            row(f"aggqlint check --endpoint: {len(files)} {endpoint}", [*command, *cold])
        )
        warm_all.append(row("  the same, warm (cache filled)", command, warm=True))
        theirs_all.append(
            row(
                f"check-jsonschema: {len(files)} {endpoint}",
                [checker, "--schemafile", str(schema_of[endpoint]), *files],
            )
        )

    plan = args.out / "plan-10000.yaml"
    plan.write_text(
        "report: ten-thousand\nendpoint: conversations/aggregates\nquery:\n"
        "  interval: 2024-01-01T00:00:00Z/2025-02-21T16:00:00Z\n  granularity: PT1H\n"
        "  metrics: [nOffered]\nchunk: PT1H\n"
    )
    plan_row = row(
        "aggqlint plan: 10,000 windows",
        [*aggqlint, "plan", "--format", "json", "--now", "2026-11-23T00:00:00Z", str(plan)],
    )

    measure(rows, runs, args.out)

    def total(group: list[Row]) -> float:
        return sum(item.seconds for item in group)

    machine = f"{platform.platform()}, {os.cpu_count()} cpus"
    print(f"machine: {machine}, Python {platform.python_version()}")
    print(f"median of {runs} runs, whole processes, one run of each command per round\n")
    print(f"{'command':52} {'seconds':>8} {'peak MB':>8}")
    for item in rows:
        print(f"{item.label:52} {item.seconds:8.3f} {item.peak:8.1f}")
    peak_1000 = max(item.peak for item in rows if "1,000" in item.label)
    theirs = total(theirs_all)
    targets = [
        ("`--version` / `python -c pass`", version.seconds / bare_python.seconds, "≤ 1.1"),
        ("1 body: aggqlint / check-jsonschema", ours_1.seconds / theirs_1.seconds, "≤ 0.4"),
        ("1,000 JSON bodies: aggqlint / check-jsonschema", total(ours_all) / theirs, "≤ 0.5"),
        (
            "1,000 YAML definitions / check-jsonschema (same bodies)",
            ours_yaml.seconds / theirs,
            "≤ 0.8",
        ),
        ("1,000 JSON bodies warm: aggqlint / check-jsonschema", total(warm_all) / theirs, "≤ 0.25"),
    ]
    plan_seconds = plan_row.seconds
    print("\ntargets")
    for label, ratio, target in targets:
        print(f"  {label:56} {ratio:5.2f}  (target {target})")
    print(f"  {'peak memory, 1,000 files':56} {peak_1000:5.1f} MB (target < 100)")
    print(f"  {'plan of 10,000 windows':56} {plan_seconds:5.2f} s (target < 1)")
    table = _markdown(rows, targets, peak_1000, plan_seconds, machine, runs)
    (args.out / "table.md").write_text(table, encoding="utf-8")
    if args.readme:
        _write_readme(table)
        print("\nREADME.md: performance table rewritten")
    return 0


def _markdown(
    rows: list[Row],
    targets: list[tuple[str, float, str]],
    peak: float,
    plan_seconds: float,
    machine: str,
    runs: int,
) -> str:
    lines = [
        f"Measured by `python bench/run.py --runs {runs}` on {machine}, "
        f"Python {platform.python_version()}; medians of whole processes, each command run "
        "once per round.",
        "",
        "| command | seconds | peak MB |",
        "| --- | ---: | ---: |",
        *(f"| {r.label.strip()} | {r.seconds:.3f} | {r.peak:.1f} |" for r in rows),
        "",
        "| target | measured | goal |",
        "| --- | ---: | --- |",
        *(f"| {label} | {ratio:.2f}× | {goal} |" for label, ratio, goal in targets),
        f"| peak memory, 1,000 files | {peak:.1f} MB | < 100 MB |",
        f"| plan of 10,000 windows | {plan_seconds:.2f} s | < 1 s |",
    ]
    return "\n".join(lines) + "\n"


BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"


def _write_readme(table: str) -> None:
    readme = REPO / "README.md"
    text = readme.read_text(encoding="utf-8")
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    readme.write_text(text[:start] + "\n" + table + text[end:], encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

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
    """Report definitions (for aggqlint) and the same bodies as bare JSON (for both tools)."""
    rng = random.Random(seed)
    shutil.rmtree(out, ignore_errors=True)
    reports: list[Path] = []
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
        bare = out / "bodies" / endpoint.replace("/", "-") / f"body-{index:04d}.json"
        bare.parent.mkdir(parents=True, exist_ok=True)
        bare.write_text(json.dumps(body, indent=2))
        bodies[endpoint].append(bare)
    return {"reports": reports, **bodies}


def measure(command: Sequence[str], runs: int, cwd: Path) -> tuple[float, float]:
    """(median seconds, peak RSS in MB) of a whole process, run `runs` times."""
    times = []
    peak = 0.0
    for _ in range(runs):
        start = time.perf_counter()
        process = subprocess.Popen(
            command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        _, status, usage = os.wait4(process.pid, 0)
        times.append(time.perf_counter() - start)
        peak = max(peak, usage.ru_maxrss / 1024)
        # A run that crashed or could not start measures nothing: stop rather than report it.
        # (0 = clean, 1 = diagnostics found; both are real work.)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise SystemExit(f"benchmark command failed: {' '.join(command)}")
    return statistics.median(times), peak


def aggqlint_command() -> list[str]:
    found = shutil.which("aggqlint")
    return [found] if found else [sys.executable, "-m", "aggqlint"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out")
    args = parser.parse_args()
    checker = shutil.which("check-jsonschema")
    if checker is None:
        print("check-jsonschema is not installed: pip install check-jsonschema", file=sys.stderr)
        return 2
    corpus = make_corpus(args.out / "corpus", 1000)
    aggqlint = aggqlint_command()
    runs = args.runs
    rows: list[tuple[str, float, float]] = []

    def row(label: str, command: Sequence[str]) -> float:
        seconds, peak = measure(command, runs, args.out)
        rows.append((label, seconds, peak))
        return seconds

    bare_python = row("python -c pass", [sys.executable, "-c", "pass"])
    version = row("aggqlint --version", [*aggqlint, "--version"])
    reports = [str(p) for p in corpus["reports"]]
    row("aggqlint check: 1 report", [*aggqlint, "check", reports[0]])
    row("aggqlint check: 100 reports", [*aggqlint, "check", *reports[:100]])
    row("aggqlint check: 1,000 reports", [*aggqlint, "check", *reports])

    # The comparison: the same bare bodies against the same schemas, one process per endpoint
    # for each tool (check-jsonschema takes one schema per run).
    index = json.loads((REPO / "schemas" / "index.json").read_text())
    schema_of = {e["name"]: REPO / "schemas" / e["schema"] for e in index["endpoints"]}
    one = corpus["conversations/aggregates"][0]
    ours_1 = row(
        "aggqlint check --endpoint: 1 body",
        [*aggqlint, "check", "--endpoint", "conversations/aggregates", str(one)],
    )
    theirs_1 = row(
        "check-jsonschema: 1 body",
        [checker, "--schemafile", str(schema_of["conversations/aggregates"]), str(one)],
    )
    ours_all = theirs_all = 0.0
    for endpoint in GROUPS:
        files = [str(p) for p in corpus[endpoint]]
        ours_all += row(
            f"aggqlint check --endpoint: {len(files)} {endpoint}",
            [*aggqlint, "check", "--endpoint", endpoint, *files],
        )
        theirs_all += row(
            f"check-jsonschema: {len(files)} {endpoint}",
            [checker, "--schemafile", str(schema_of[endpoint]), *files],
        )

    plan = args.out / "plan-10000.yaml"
    plan.write_text(
        "report: ten-thousand\nendpoint: conversations/aggregates\nquery:\n"
        "  interval: 2024-01-01T00:00:00Z/2025-02-21T16:00:00Z\n  granularity: PT1H\n"
        "  metrics: [nOffered]\nchunk: PT1H\n"
    )
    plan_seconds = row(
        "aggqlint plan: 10,000 windows",
        [*aggqlint, "plan", "--format", "json", "--now", "2026-11-23T00:00:00Z", str(plan)],
    )

    machine = f"{platform.platform()}, {os.cpu_count()} cpus"
    print(f"machine: {machine}, Python {platform.python_version()}")
    print(f"median of {runs} runs, whole processes\n")
    print(f"{'command':52} {'seconds':>8} {'peak MB':>8}")
    for label, seconds, peak in rows:
        print(f"{label:52} {seconds:8.3f} {peak:8.1f}")
    peak_1000 = next(p for label, _, p in rows if label == "aggqlint check: 1,000 reports")
    print("\ntargets")
    print(f"  --version / python -c pass     {version / bare_python:5.2f}  (target <= 1.30)")
    print(f"  1 body: aggqlint / check-js    {ours_1 / theirs_1:5.2f}  (target <= 0.80)")
    print(f"  1,000 bodies: aggqlint / c-js  {ours_all / theirs_all:5.2f}  (target <= 0.50)")
    print(f"  peak memory, 1,000 reports     {peak_1000:5.1f} MB (target < 100)")
    print(f"  plan of 10,000 windows         {plan_seconds:5.2f} s (target < 1)")
    return 0


if __name__ == "__main__":
    sys.exit(main())

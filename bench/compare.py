"""Measure several versions of aggqlint side by side: is a change faster?

    python bench/compare.py REV [REV ...] [--runs 9] [--out bench/out/compare]

Each git revision is built into a wheel (as a user installs it) and installed into a folder of
its own; the same commands then run for every version, one run of each per round, so that a
burst of load on a shared machine falls on all of them alike. Medians of whole processes.
The running interpreter must have aggqlint's dependencies (a venv with aggqlint installed).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import run as bench  # bench/run.py: this script's folder is on sys.path

REPO = Path(__file__).resolve().parents[1]


def install(rev: str, out: Path) -> Path:
    """The revision's wheel, installed into out/site-<rev>."""
    source, site = out / f"src-{rev}", out / f"site-{rev}"
    for folder in (source, site):
        shutil.rmtree(folder, ignore_errors=True)
    archive = subprocess.run(
        ["git", "-C", str(REPO), "archive", rev], check=True, capture_output=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as files:
        files.extractall(source, filter="data")
    wheels = out / f"wheel-{rev}"
    shutil.rmtree(wheels, ignore_errors=True)
    pip = [sys.executable, "-m", "pip", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", str(wheels), str(source)], check=True)
    [wheel] = wheels.glob("*.whl")
    subprocess.run([*pip, "install", "--no-deps", "--target", str(site), str(wheel)], check=True)
    return site


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("revs", nargs="+")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "out" / "compare")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    corpus = bench.make_corpus(args.out / "corpus", 1000)
    bodies = [str(p) for p in corpus["conversations/aggregates"]]
    endpoint = ["--endpoint", "conversations/aggregates"]
    rows = []
    for rev in args.revs:
        site = install(rev, args.out)
        cache = args.out / f"cache-{rev}"
        shutil.rmtree(cache, ignore_errors=True)
        env = {**os.environ, "PYTHONPATH": str(site), "AGGQLINT_CACHE_DIR": str(cache)}
        run = [sys.executable, "-m", "aggqlint", "check", *endpoint]
        subprocess.run([*run, *bodies], cwd=args.out, env=env, capture_output=True)  # fill
        rows += [
            bench.Row(f"{rev}: 1 body", [*run, "--no-cache", bodies[0]], env),
            bench.Row(f"{rev}: {len(bodies)} bodies", [*run, "--no-cache", *bodies], env),
            bench.Row(f"{rev}: {len(bodies)} bodies, warm", [*run, *bodies], env),
        ]
    bench.measure(rows, args.runs, args.out)
    print(f"median of {args.runs} runs (python -m aggqlint, each version from its wheel)\n")
    for row in sorted(rows, key=lambda r: r.label.split(": ", 1)[1]):
        print(f"{row.label:48} {row.seconds:7.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())

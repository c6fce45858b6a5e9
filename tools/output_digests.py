"""The check output over tests/corpus in every format, as digests (tests/output-digests.json).

    python tools/output_digests.py            # print the digests of this checkout's output
    python tools/output_digests.py --write    # record them (after a change meant to alter output)
    python tools/output_digests.py --keep DIR # also keep each format's output, to diff

tests/test_output_unchanged.py holds the output to the recorded digests: speed work must not
change a byte of what check says. The digests were first taken with the code before that work.
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DIGESTS = REPO / "tests" / "output-digests.json"
FORMATS = ("github", "gitlab", "json", "junit", "sarif", "text")
# A fixed 'now' (findings about the future depend on it) and no cache: every run alike.
ARGS = ("--no-cache", "--now", "2026-11-30T00:00:00Z")


def outputs(src: Path = REPO / "src") -> dict[str, bytes]:
    """Each format's output of `aggqlint check corpus bench`: a copy of tests/corpus (mostly
    YAML) and 300 of the benchmark's definitions, as JSON and as YAML (bench/run.py makes
    them from a fixed seed; a fifth are mistaken)."""
    found = {}
    with tempfile.TemporaryDirectory() as work:
        shutil.copytree(REPO / "tests" / "corpus", Path(work) / "corpus")
        _bench_corpus(Path(work) / "bench")
        env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
        env["PYTHONPATH"] = str(src)
        for output in FORMATS:
            run = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "aggqlint",
                    "check",
                    "corpus",
                    "bench/reports",
                    "bench/yaml",
                    "--format",
                    output,
                    *ARGS,
                ],
                cwd=work,
                env=env,
                capture_output=True,
                timeout=600,
            )
            if run.returncode not in (0, 1):
                raise SystemExit(f"check --format {output} failed: {run.stderr.decode()}")
            # SARIF names the working folder (a temp folder): the one part that is not ours.
            found[output] = run.stdout.replace(Path(work).resolve().as_uri().encode(), b"WORK")
    return found


def _bench_corpus(out: Path) -> None:
    spec = importlib.util.spec_from_file_location("bench_run", REPO / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    bench.make_corpus(out, 300)


def digests(found: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.sha256(data).hexdigest() for name, data in sorted(found.items())}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help=f"record them in {DIGESTS.name}")
    parser.add_argument("--keep", type=Path, help="write each format's output into this folder")
    parser.add_argument("--src", type=Path, default=REPO / "src", help="the code to run")
    args = parser.parse_args()
    found = outputs(args.src)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        for name, data in found.items():
            (args.keep / f"check.{name}").write_bytes(data)
    text = json.dumps(digests(found), indent=2) + "\n"
    if args.write:
        DIGESTS.write_text(text, encoding="utf-8")
    print(text, end="")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""aggqlint results: recorded answers from runs against the stand-in server, as tables with
exactly the rows the server returned: jobs and pages combined, a conversation seen twice once,
windows kept apart, the latest run unless --all-runs, unreadable input named, exit 2."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner, Result
from conftest import write_dedented as write
from fake_genesys import FakeGenesys, Step
from fake_genesys import read_records as records
from fake_genesys import submit_with as submit
from fake_jobs import JobPlan
from test_jobs import AGGREGATE_JOB, DETAILS_JOB

from aggqlint.cli import cli

REPO = Path(__file__).resolve().parents[1]
SHIFT_BLOCKS = REPO / "examples" / "shift-blocks.yaml"


def results(*args: str) -> Result:
    return CliRunner().invoke(cli, ["results", *args])


def table(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def _jobs_run(fake: FakeGenesys, tmp_path: Path) -> Path:
    fake.next_jobs(JobPlan(rows=5), JobPlan(rows=7))
    interval = "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z"
    path = write(tmp_path, AGGREGATE_JOB + "---\n" + DETAILS_JOB.format(interval=interval))
    recording = tmp_path / "run.jsonl"
    assert submit(fake, str(path), "--record", str(recording)).exit_code == 0
    return recording


def test_jobs_give_exactly_the_rows_the_server_returned(fake: FakeGenesys, tmp_path: Path) -> None:
    recording = _jobs_run(fake, tmp_path)
    pages = [r for r in records(recording) if r["call"] == "results"]
    groups = [g for r in pages if r["report"] == "queue-volumes" for g in r["response"]["results"]]
    calls = [
        c for r in pages if r["report"] == "calls-export" for c in r["response"]["conversations"]
    ]
    assert (len(groups), len(calls)) == (5, 7)  # over 3 pages each

    result = results(str(recording))
    assert result.exit_code == 0, result.output
    rows = table(result.stdout)
    aggregates = [r for r in rows if r["report"] == "queue-volumes"]
    details = [r for r in rows if r["report"] == "calls-export"]
    assert len(aggregates) == 5 * 2  # five groups, two metrics each
    assert len(details) == 7
    assert list(rows[0])[:7] == [
        "report",
        "window",
        "queueId",
        "interval",
        "metric",
        "count",
        "sum",
    ]
    first = groups[0]
    stats = first["data"][0]["metrics"][0]["stats"]
    assert aggregates[0] == {
        **dict.fromkeys(rows[0], ""),
        "report": "queue-volumes",
        "queueId": first["group"]["queueId"],
        "interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z",
        "metric": "nOffered",
        "count": str(stats["count"]),
        "sum": str(stats["sum"]),
    }
    assert [r["conversationId"] for r in details] == [c["conversationId"] for c in calls]
    assert json.loads(details[0]["participants"]) == calls[0]["participants"]
    assert result.stderr == "17 rows from 6 recorded answers\n"


def test_jsonl_keeps_nested_values_and_output_writes_a_file(
    fake: FakeGenesys, tmp_path: Path
) -> None:
    recording = _jobs_run(fake, tmp_path)
    out = tmp_path / "table.jsonl"
    result = results(str(recording), "--format", "jsonl", "--output", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(rows) == 17
    assert isinstance(rows[-1]["participants"], list)
    assert rows[0]["window"] is None and rows[0]["count"] == 1


def test_a_conversation_on_two_pages_is_one_row(fake: FakeGenesys, tmp_path: Path) -> None:
    fake.data.detail_total = 60
    fake.data.repeat_pages = {2}  # page 2 starts again with page 1's last conversation
    path = write(
        tmp_path,
        """\
        report: calls
        endpoint: conversations/details
        query:
          interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
          paging: {pageSize: 25, pageNumber: 1}
        """,
    )
    recording = tmp_path / "run.jsonl"
    assert submit(fake, str(path), "--record", str(recording), "--all-pages").exit_code == 0
    served = [
        c["conversationId"] for r in records(recording) for c in r["response"]["conversations"]
    ]
    assert len(served) == 60 and len(set(served)) == 59
    rows = table(results(str(recording)).stdout)
    assert [r["conversationId"] for r in rows] == list(dict.fromkeys(served))


def test_windows_are_rows_of_their_own(fake: FakeGenesys, tmp_path: Path) -> None:
    recording = tmp_path / "run.jsonl"
    assert submit(fake, str(SHIFT_BLOCKS), "--record", str(recording)).exit_code == 0
    rows = table(results(str(recording)).stdout)
    assert [(r["window"], r["interval"], r["mediaType"], r["metric"]) for r in rows] == [
        ("1", "2023-10-01T08:00:00Z/2023-10-01T12:00:00Z", "voice", "tHandle"),
        ("2", "2023-10-01T13:00:00Z/2023-10-01T17:00:00Z", "voice", "tHandle"),
    ]


def test_only_the_latest_run_unless_all_runs(fake: FakeGenesys, tmp_path: Path) -> None:
    recording = tmp_path / "run.jsonl"
    for _ in range(2):
        assert submit(fake, str(SHIFT_BLOCKS), "--record", str(recording)).exit_code == 0
    runs = [r["run"] for r in records(recording)]
    assert runs[0] == runs[1] != runs[2] == runs[3]
    assert len(table(results(str(recording)).stdout)) == 2
    every = table(results(str(recording), "--all-runs").stdout)
    assert [r["run"] for r in every] == runs


def test_observations_are_a_row_per_group_and_metric(fake: FakeGenesys, tmp_path: Path) -> None:
    observed = {
        "results": [
            {
                "group": {"queueId": "q1", "mediaType": "voice"},
                "data": [
                    {"metric": "oWaiting", "stats": {"count": 2}, "observations": [{"a": 1}]},
                    {"metric": "oInteracting", "stats": {"count": 0}},
                ],
            }
        ]
    }
    fake.script(Step(200, observed))
    recording = tmp_path / "run.jsonl"
    path = REPO / "tests" / "corpus" / "valid" / "queues" / "staffing-now.yaml"
    assert submit(fake, str(path), "--record", str(recording)).exit_code == 0
    rows = table(results(str(recording)).stdout)
    assert [(r["queueId"], r["metric"], r["count"], r["observations"]) for r in rows] == [
        ("q1", "oWaiting", "2", '[{"a":1}]'),
        ("q1", "oInteracting", "0", ""),
    ]


def _line(window: int | None, page: int, stats: dict[str, Any], report: str = "r") -> str:
    response = {
        "results": [
            {
                "group": {"queueId": "q1"},
                "data": [{"interval": "I", "metrics": [{"metric": "nOffered", "stats": stats}]}],
            }
        ]
    }
    record = {
        "report": report,
        "run": "run1",
        "time": f"2026-11-30T12:00:0{page}.000Z",
        "window": window,
        "call": "results",
        "page": page,
        "status": 200,
        "diagnostics": [],
        "response": response,
    }
    return json.dumps(record) + "\n"


def test_parts_of_one_bucket_are_summed_never_overwritten(tmp_path: Path) -> None:
    recording = tmp_path / "run.jsonl"
    recording.write_text(
        _line(None, 1, {"count": 2, "sum": 10, "min": 3, "max": 7})
        + _line(None, 2, {"count": 1, "sum": 4, "min": 4, "max": 9})
        + _line(None, 2, {"count": 1, "sum": 4, "min": 4, "max": 9}, report="twice")
        + _line(None, 3, {"count": 1, "sum": 4, "min": 4, "max": 9}, report="twice")
        + _line(0, 1, {"count": 5}, report="windows")
        + _line(1, 1, {"count": 6}, report="windows"),
        encoding="utf-8",
    )
    result = results(str(recording))
    assert result.exit_code == 0, result.output
    rows = [
        (r["report"], r["window"], r["count"], r["sum"], r["min"], r["max"])
        for r in table(result.stdout)
    ]
    assert rows == [
        ("r", "", "3", "14", "3", "9"),  # two parts of one bucket: summed, widened
        ("twice", "", "1", "4", "4", "9"),  # the same part recorded twice: once
        ("windows", "1", "5", "", "", ""),
        ("windows", "2", "6", "", "", ""),
    ]


def test_a_missing_recording_is_exit_2(tmp_path: Path) -> None:
    result = results(str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 2
    assert result.stderr == (
        f"aggqlint: cannot read {tmp_path / 'nope.jsonl'}: No such file or directory\n"
    )
    assert "Traceback" not in result.output


def test_a_directory_is_exit_2(tmp_path: Path) -> None:
    result = results(str(tmp_path))
    assert result.exit_code == 2
    assert result.stderr.startswith(f"aggqlint: cannot read {tmp_path}: ")


def test_corrupt_lines_are_named_and_exit_2(tmp_path: Path) -> None:
    recording = tmp_path / "run.jsonl"
    recording.write_bytes(
        _line(None, 1, {"count": 2}).encode() + b'{"report": "r", "sta\n' + b"\xff\xfe garbage\n"
    )
    result = results(str(recording))
    assert result.exit_code == 2
    errors = result.stderr.splitlines()
    assert errors[0].startswith(f"{recording}:2: not JSON")
    assert errors[0].endswith("(not a recorded exchange; skipped)")
    assert errors[1].startswith(f"{recording}:3: not JSON")
    assert errors[2] == "1 row from 1 recorded answer"
    assert len(table(result.stdout)) == 1


def test_report_picks_one_table_out_of_a_mixed_run(fake: FakeGenesys, tmp_path: Path) -> None:
    recording = _jobs_run(fake, tmp_path)
    result = results(str(recording), "--report", "calls-export")
    assert result.exit_code == 0, result.output
    rows = table(result.stdout)
    assert len(rows) == 7
    assert list(rows[0])[:4] == ["report", "window", "conversationId", "conversationStart"]
    assert "queueId" not in rows[0]


def test_answers_of_unexpected_shapes_give_no_rows_and_no_traceback(tmp_path: Path) -> None:
    shapes: list[Any] = [
        {"results": 5},
        {"results": [5, "x", None, {"group": [1], "data": 7}]},
        {"results": [{"group": {"q": [1]}, "data": [{"metrics": "no"}, {"metrics": [3]}]}]},
        {"conversations": [{"conversationId": ["odd"]}, {"conversationId": ["odd"]}, 4]},
        {"userDetails": "none"},
    ]
    lines = []
    for index, response in enumerate(shapes):
        record = {"report": f"r{index}", "status": 200, "diagnostics": [], "response": response}
        lines.append(json.dumps(record) + "\n")
    recording = tmp_path / "odd.jsonl"
    recording.write_text("".join(lines), encoding="utf-8")
    result = results(str(recording), "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    # Only the conversation with an id that is a list (once, not twice) is a row.
    assert rows == [{"report": "r3", "window": None, "conversationId": ["odd"]}]


def test_results_and_plan_never_import_requests(tmp_path: Path) -> None:
    import subprocess
    import sys

    recording = tmp_path / "run.jsonl"
    recording.write_text(_line(None, 1, {"count": 1}), encoding="utf-8")
    job = write(tmp_path, AGGREGATE_JOB)
    code = (
        "import sys\n"
        "from aggqlint.cli import main\n"
        f"for args in (['results', {str(recording)!r}], ['plan', {str(job)!r}]):\n"
        "    try:\n"
        "        main(args)\n"
        "    except SystemExit:\n"
        "        pass\n"
        "assert 'requests' not in sys.modules, 'imported requests'\n"
    )
    env = {"PYTHONPATH": str(REPO / "src")}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_output_onto_a_recording_is_refused(tmp_path: Path) -> None:
    recording = tmp_path / "run.jsonl"
    kept = _line(None, 1, {"count": 1})
    recording.write_text(kept, encoding="utf-8")
    result = results(str(recording), "--output", str(tmp_path / "." / "run.jsonl"))
    assert result.exit_code == 2
    assert "is one of the recordings; it would be overwritten" in result.stderr
    assert recording.read_text(encoding="utf-8") == kept

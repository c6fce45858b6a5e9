"""`aggqlint check` as a user runs it: output formats, exit codes, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import GOOD_REPORT, run_aggqlint
from conftest import write_file as _write

GOOD = GOOD_REPORT

BAD = """\
report: bad
endpoint: conversations/aggregates
query:
  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
  metrics: [handleTime]
  groupings: [queueId]
"""


def test_clean_file_exits_zero(tmp_path: Path) -> None:
    _write(tmp_path, "ok.yaml", GOOD)
    result = run_aggqlint("check", "ok.yaml", "--now", "2026-11-23T00:00:00Z", cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout == "no problems (1 file checked)\n"


def test_text_output_is_located_and_summarised(tmp_path: Path) -> None:
    _write(tmp_path, "reports/bad.yaml", BAD)
    _write(tmp_path, "reports/ok.yaml", GOOD)
    result = run_aggqlint("check", "reports", "--now", "2026-11-23T00:00:00Z", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        "reports/bad.yaml:5:13: AQL201 error unknown metric 'handleTime' for "
        "conversations/aggregates; did you mean 'tHandle'?\n"
        "reports/bad.yaml:6:3: AQL602 error unknown field 'groupings' in "
        "conversations/aggregates query; use 'groupBy'\n"
        "    fix:\n"
        "      groupBy: [queueId]\n"
        "2 fixable with --fix.\n"
        "2 errors in 1 file (2 files checked)\n"
    )
    assert result.stderr == ""


def test_json_output(tmp_path: Path) -> None:
    _write(tmp_path, "bad.yaml", BAD)
    result = run_aggqlint("check", "bad.yaml", "--format", "json", cwd=tmp_path)
    assert result.returncode == 1
    document = json.loads(result.stdout)
    first = document["diagnostics"][0]
    assert first == {
        "file": "bad.yaml",
        "line": 5,
        "column": 13,
        "code": "AQL201",
        "severity": "error",
        "rule": "unknown-metric",
        "message": "unknown metric 'handleTime' for conversations/aggregates; "
        "did you mean 'tHandle'?",
        "pointer": "/query/metrics/0",
        "document": 0,
        "suggestion": "tHandle",
        "end_line": 5,
        "end_column": 23,
        "fix": {
            "applicability": "safe",
            "message": "replace with 'tHandle'",
            "edits": [
                {
                    "start": {"line": 5, "column": 13},
                    "end": {"line": 5, "column": 23},
                    "content": "tHandle",
                }
            ],
        },
    }
    groupings = document["diagnostics"][1]
    assert (groupings["code"], groupings["line"], groupings["column"]) == ("AQL602", 6, 3)
    assert (groupings["end_line"], groupings["end_column"]) == (6, 12)  # the key 'groupings'
    assert groupings["fix"] == {
        "applicability": "safe",  # only the key was wrong: renamed, the value as written
        "message": "rename 'groupings' to 'groupBy'",
        "edits": [
            {
                "start": {"line": 6, "column": 3},
                "end": {"line": 6, "column": 12},
                "content": "groupBy",
            }
        ],
    }
    assert document["summary"]["files_checked"] == 1
    assert document["summary"]["error"] == 2


def test_parse_error_does_not_stop_other_files(tmp_path: Path) -> None:
    _write(tmp_path, "a-broken.yaml", "report: x\nquery: [unclosed\n")
    _write(tmp_path, "b-bad.yaml", BAD)
    result = run_aggqlint("check", ".", cwd=tmp_path)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    assert lines[0].startswith("a-broken.yaml:3:1: AQL001 error YAML syntax error")
    assert any(line.startswith("b-bad.yaml:5:13: AQL201") for line in lines)
    assert "Traceback" not in result.stdout + result.stderr


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    result = run_aggqlint("check", "nope.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert "no such file or directory: nope.yaml" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_endpoint_option_is_a_usage_error(tmp_path: Path) -> None:
    _write(tmp_path, "body.json", '{"metrics": ["nOffered"]}')
    result = run_aggqlint(
        "check", "body.json", "--endpoint", "conversation/aggregate", cwd=tmp_path
    )
    assert result.returncode == 2
    assert "did you mean 'conversations/aggregates'" in result.stderr


def test_bare_body_with_endpoint_option(tmp_path: Path) -> None:
    _write(tmp_path, "body.json", '{\n  "interval": "P1D",\n  "groupings": ["queueId"]\n}\n')
    result = run_aggqlint(
        "check",
        "body.json",
        "--endpoint",
        "conversations/aggregates",
        "--format",
        "json",
        cwd=tmp_path,
    )
    assert result.returncode == 1
    found = {(d["code"], d["line"], d["column"]) for d in json.loads(result.stdout)["diagnostics"]}
    assert ("AQL203", 1, 1) in found  # metrics is required
    assert ("AQL602", 3, 3) in found  # groupings -> groupBy


def test_version_and_module_entry_point() -> None:
    result = run_aggqlint("--version")
    assert result.returncode == 0
    assert result.stdout.startswith("aggqlint, version ")

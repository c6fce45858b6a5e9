"""What --fix reports in the machine formats: JSON's `fixes`, SARIF's safe-only `fixes`."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import run_aggqlint, write_file

NOW = ("--now", "2026-11-30T00:00:00Z")
# One safe fix (a wrong name from the table), one unsafe one (a name guessed by spelling),
# and one fix that would make the body worse (an interval that is a duration, on a bare body:
# its fix moves the value to granularity and leaves no interval).
REPORT = """\
report: fixes
endpoint: conversations/aggregates
query:
  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
  metrics: [handleTime, nOfered]
"""
BODY = '{"interval": "P1D", "metrics": ["tHandle"]}\n'


def test_json_lists_what_was_fixed_and_what_was_dropped(tmp_path: Path) -> None:
    write_file(tmp_path, "reports/a.yaml", REPORT)
    write_file(tmp_path, "reports/b.json", BODY)
    args = ("--endpoint", "conversations/aggregates", "--format", "json", *NOW)
    done = run_aggqlint("check", "reports", "--fix", *args, cwd=tmp_path)
    report = json.loads(done.stdout)
    fixes = report["fixes"]
    assert [(d["file"], d["line"], d["code"]) for d in fixes["applied"]] == [
        ("reports/a.yaml", 5, "AQL201")
    ]
    assert fixes["applied"][0]["fix"]["edits"][0]["content"] == "tHandle"
    assert fixes["dropped"] == []  # the unsafe ones were not tried without --unsafe-fixes
    assert fixes["files_changed"] == ["reports/a.yaml"]
    # The diagnostics are those of the fixed files: the unsafe guess remains.
    assert [(d["file"], d["code"]) for d in report["diagnostics"]] == [
        ("reports/a.yaml", "AQL201"),
        ("reports/b.json", "AQL101"),
    ]
    assert (tmp_path / "reports/a.yaml").read_text() == REPORT.replace("handleTime", "tHandle")

    unsafe = run_aggqlint("check", "reports", "--fix", "--unsafe-fixes", *args, cwd=tmp_path)
    fixes = json.loads(unsafe.stdout)["fixes"]
    assert [(d["line"], d["code"]) for d in fixes["applied"]] == [(5, "AQL201")]
    (dropped,) = fixes["dropped"]
    assert (dropped["file"], dropped["code"]) == ("reports/b.json", "AQL101")
    assert dropped["reason"].startswith("it would add AQL203 (")
    assert (tmp_path / "reports/b.json").read_text() == BODY  # left as it was


def test_no_fixes_key_without_fixing(tmp_path: Path) -> None:
    write_file(tmp_path, "reports/a.yaml", REPORT)
    done = run_aggqlint("check", "reports", "--format", "json", *NOW, cwd=tmp_path)
    assert "fixes" not in json.loads(done.stdout)


def test_sarif_carries_only_the_safe_fixes(tmp_path: Path) -> None:
    write_file(tmp_path, "reports/a.yaml", REPORT)
    done = run_aggqlint("check", "reports", "--format", "sarif", *NOW, cwd=tmp_path)
    results = json.loads(done.stdout)["runs"][0]["results"]
    by_name = {r["message"]["text"].split("'")[1]: r for r in results}
    assert set(by_name) == {"handleTime", "nOfered"}
    (fix,) = by_name["handleTime"]["fixes"]
    (change,) = fix["artifactChanges"]
    assert change["replacements"] == [
        {
            "deletedRegion": {"startLine": 5, "startColumn": 13, "endLine": 5, "endColumn": 23},
            "insertedContent": {"text": "tHandle"},
        }
    ]
    assert "fixes" not in by_name["nOfered"]  # a guess: unsafe, in the message only

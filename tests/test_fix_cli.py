"""`aggqlint check --fix / --unsafe-fixes / --diff` as a user runs it: the issue's "Done when"
case, exit codes, the summary lines, standard input, the file's mode, symlinks, a file changed
while it was being fixed, suppressions, select/ignore, and fixes dropped for making things
worse."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SRC, run_aggqlint, write_file

from aggqlint.fixes.write import WriteError, encode, write_fixed

INTERVAL = "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z"

# The "Done when" definition: a comment on every line, two fixable mistakes.
COMMENTED = f"""\
# Queue volume, one day  (a comment on every line)
report: queue-volume   # the report's name
endpoint: conversations/aggregates   # POST .../conversations/aggregates/query
query:   # the body, sent as written
  interval: {INTERVAL}   # one day, UTC
  metrics: [nOffered, handleTime]   # offers and handle time
  groupBys: [queueId]   # one row per queue
# end of the definition
"""
# Exactly two lines change, each only in the name; every comment and every other byte stays.
COMMENTED_FIXED = COMMENTED.replace(
    "metrics: [nOffered, handleTime]   #", "metrics: [nOffered, tHandle]   #"
).replace("groupBys: [queueId]   #", "groupBy: [queueId]   #")

COMMENTED_DIFF = f"""\
--- a/report.yaml
+++ b/report.yaml
@@ -3,6 +3,6 @@
 endpoint: conversations/aggregates   # POST .../conversations/aggregates/query
 query:   # the body, sent as written
   interval: {INTERVAL}   # one day, UTC
-  metrics: [nOffered, handleTime]   # offers and handle time
-  groupBys: [queueId]   # one row per queue
+  metrics: [nOffered, tHandle]   # offers and handle time
+  groupBy: [queueId]   # one row per queue
 # end of the definition
"""


def _check(tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_aggqlint("check", "--no-color", *args, cwd=tmp_path)


# --- the "Done when" ---------------------------------------------------------------


def test_done_when_fix_keeps_every_comment_and_byte_and_the_file_checks_clean(
    tmp_path: Path,
) -> None:
    path = write_file(tmp_path, "report.yaml", COMMENTED)
    assert COMMENTED_FIXED.count("tHandle") == 1 and "groupBys" not in COMMENTED_FIXED
    result = _check(tmp_path, "report.yaml", "--fix")
    assert result.returncode == 0, result.stdout + result.stderr
    assert path.read_text(encoding="utf-8") == COMMENTED_FIXED
    assert (
        result.stdout == "Found 2 problems (2 fixed, 0 remaining).\nno problems (1 file checked)\n"
    )
    again = _check(tmp_path, "report.yaml")
    assert (again.returncode, again.stdout) == (0, "no problems (1 file checked)\n")


def test_done_when_diff_shows_the_same_change_and_writes_nothing(tmp_path: Path) -> None:
    path = write_file(tmp_path, "report.yaml", COMMENTED)
    result = _check(tmp_path, "report.yaml", "--diff")
    assert result.returncode == 1
    assert result.stdout == COMMENTED_DIFF
    assert result.stderr == "Would fix 2 problems (0 would remain).\n"
    assert path.read_text(encoding="utf-8") == COMMENTED


# --- exit codes and the summary -------------------------------------------------------------

MIXED = f"""\
report: mixed
endpoint: conversations/aggregates
query:
  interval: {INTERVAL}
  metrics: [nOffered, handleTime]
  timeZone: Europe/Londn
  groupBy: [queue]
"""


def test_unsafe_fixes_are_counted_not_applied_without_the_flag(tmp_path: Path) -> None:
    path = write_file(tmp_path, "r.yaml", MIXED)
    result = _check(tmp_path, "r.yaml", "--fix")
    assert result.returncode == 1  # the time zone (an error) remains
    assert result.stdout.splitlines() == [
        "r.yaml:6:13: AQL113 error 'timeZone' 'Europe/Londn' is not an IANA time zone name; "
        "did you mean 'Europe/London'?",
        "Found 3 problems (2 fixed, 1 remaining).",
        "1 more fix available with --unsafe-fixes.",
        "1 error in 1 file (1 file checked)",
    ]
    fixed = MIXED.replace("handleTime", "tHandle").replace("[queue]", "[queueId]")
    assert path.read_text(encoding="utf-8") == fixed


def test_unsafe_fixes_applied_with_the_flag(tmp_path: Path) -> None:
    path = write_file(tmp_path, "r.yaml", MIXED)
    result = _check(tmp_path, "r.yaml", "--fix", "--unsafe-fixes")
    assert result.returncode == 0, result.stdout
    assert result.stdout.splitlines()[0] == "Found 3 problems (3 fixed, 0 remaining)."
    assert "--unsafe-fixes" not in result.stdout
    assert "timeZone: Europe/London\n" in path.read_text(encoding="utf-8")


def test_exit_code_follows_fail_on_for_what_remains(tmp_path: Path) -> None:
    # After the fix only a warning remains (a repeated metric, AQL502): 0, unless the
    # warnings fail the run.
    text = MIXED.replace("handleTime", "handleTime, nOffered").replace(
        "  timeZone: Europe/Londn\n", ""
    )
    write_file(tmp_path, "r.yaml", text)
    result = _check(tmp_path, "r.yaml", "--fix", "--fail-on", "warning")
    assert result.returncode == 1
    assert "r.yaml:5:32: AQL502 warning" in result.stdout
    assert "Found 3 problems (2 fixed, 1 remaining)." in result.stdout
    result = _check(tmp_path, "r.yaml", "--fix")
    assert result.returncode == 0
    assert "Found 1 problem (0 fixed, 1 remaining)." in result.stdout


def test_diff_exit_codes(tmp_path: Path) -> None:
    safe_done = MIXED.replace("handleTime", "tHandle").replace("[queue]", "[queueId]")
    write_file(tmp_path, "clean.yaml", safe_done)
    write_file(tmp_path, "good.yaml", COMMENTED_FIXED)
    # Nothing to change: the exit code check would have (the time zone is an error).
    assert _check(tmp_path, "good.yaml", "--diff").returncode == 0
    nothing = _check(tmp_path, "clean.yaml", "--diff")
    assert (nothing.returncode, nothing.stdout) == (1, "")
    assert nothing.stderr.splitlines()[-1] == "1 more fix available with --unsafe-fixes."
    shown = _check(tmp_path, "clean.yaml", "--diff", "--unsafe-fixes")
    assert shown.returncode == 1
    assert "-  timeZone: Europe/Londn\n+  timeZone: Europe/London\n" in shown.stdout


# --- standard input -------------------------------------------------------------------------


def _stdin(text: str, *args: str) -> subprocess.CompletedProcess[str]:
    environment = dict(os.environ)
    environment["PYTHONPATH"] = str(SRC) + os.pathsep + environment.get("PYTHONPATH", "")
    environment.pop("GITHUB_ACTIONS", None)
    return subprocess.run(
        [sys.executable, "-m", "aggqlint", "check", "--no-color", "-", *args],
        input=text,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_stdin_prints_the_fixed_text_and_reports_on_stderr() -> None:
    result = _stdin(COMMENTED, "--fix")
    assert result.returncode == 0
    assert result.stdout == COMMENTED_FIXED
    assert result.stderr == (
        "Found 2 problems (2 fixed, 0 remaining).\nno problems (1 file checked)\n"
    )


def test_stdin_with_nothing_to_fix_prints_the_text_unchanged() -> None:
    text = MIXED.replace("handleTime", "tHandle").replace("[queue]", "[queueId]")
    result = _stdin(text, "--fix")
    assert result.returncode == 1  # the time zone remains; its fix is unsafe
    assert result.stdout == text
    assert "<stdin>:6:13: AQL113 error" in result.stderr


def test_stdin_json_with_stdin_filename() -> None:
    body = f'{{"interval": "{INTERVAL}", "select": ["tHandle"]}}'
    result = _stdin(
        body, "--fix", "--stdin-filename", "q.json", "--endpoint", "conversations/aggregates"
    )
    assert result.stdout == body.replace('"select"', '"metrics"')
    assert result.returncode == 0, result.stderr


# --- how the file is written ----------------------------------------------------------------


def test_the_files_mode_is_kept(tmp_path: Path) -> None:
    path = write_file(tmp_path, "report.yaml", COMMENTED)
    path.chmod(0o640)
    assert _check(tmp_path, "report.yaml", "--fix").returncode == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert path.read_text(encoding="utf-8") == COMMENTED_FIXED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.yaml"]  # no temp file left


def test_a_symlinks_target_is_written_and_the_link_kept(tmp_path: Path) -> None:
    target = write_file(tmp_path, "real/report.yaml", COMMENTED)
    link = tmp_path / "link.yaml"
    link.symlink_to(Path("real") / "report.yaml")
    assert _check(tmp_path, "link.yaml", "--fix").returncode == 0
    assert link.is_symlink() and os.readlink(link) == str(Path("real") / "report.yaml")
    assert target.read_text(encoding="utf-8") == COMMENTED_FIXED


def test_a_file_changed_on_disk_since_it_was_read_is_left_alone(tmp_path: Path) -> None:
    path = write_file(tmp_path, "report.yaml", COMMENTED)
    path.write_text(COMMENTED + "# saved by an editor meanwhile\n", encoding="utf-8")
    with pytest.raises(WriteError, match="changed on disk"):
        write_fixed(path, COMMENTED, COMMENTED_FIXED, bom=False)
    assert path.read_text(encoding="utf-8") == COMMENTED + "# saved by an editor meanwhile\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.yaml"]


def test_a_bom_is_written_back_and_compared(tmp_path: Path) -> None:
    path = tmp_path / "report.yaml"
    path.write_bytes(encode(COMMENTED, bom=True))
    with pytest.raises(WriteError):  # the file has a BOM: without it, it is not what was read
        write_fixed(path, COMMENTED, COMMENTED_FIXED, bom=False)
    write_fixed(path, COMMENTED, COMMENTED_FIXED, bom=True)
    assert path.read_bytes() == b"\xef\xbb\xbf" + COMMENTED_FIXED.encode()


def test_a_failed_write_leaves_the_file_and_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_file(tmp_path, "report.yaml", COMMENTED)

    def refuse(source: str, target: str) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", refuse)
    with pytest.raises(WriteError, match="cannot write it: Permission denied"):
        write_fixed(path, COMMENTED, COMMENTED_FIXED, bom=False)
    assert path.read_text(encoding="utf-8") == COMMENTED
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.yaml"]


def test_a_missing_file_is_a_write_error_not_a_traceback(tmp_path: Path) -> None:
    with pytest.raises(WriteError, match="cannot write it"):
        write_fixed(tmp_path / "gone.yaml", "a", "b", bom=False)


# --- what is fixed: suppressions, select and ignore ------------------------------------------


def test_suppressed_findings_are_not_fixed(tmp_path: Path) -> None:
    text = COMMENTED.replace(
        "# offers and handle time", "# aggqlint: disable=AQL201 -- the vendor's own name"
    )
    path = write_file(tmp_path, "report.yaml", text)
    result = _check(tmp_path, "report.yaml", "--fix")
    assert result.returncode == 0, result.stdout
    assert path.read_text(encoding="utf-8") == text.replace("groupBys:", "groupBy:")
    assert "Found 1 problem (1 fixed, 0 remaining)." in result.stdout


def test_ignored_rules_are_not_fixed(tmp_path: Path) -> None:
    path = write_file(tmp_path, "report.yaml", COMMENTED)
    result = _check(tmp_path, "report.yaml", "--fix", "--ignore", "AQL201")
    assert result.returncode == 0, result.stdout
    assert path.read_text(encoding="utf-8") == COMMENTED.replace("groupBys:", "groupBy:")


def test_selected_rules_alone_are_fixed(tmp_path: Path) -> None:
    path = write_file(tmp_path, "report.yaml", COMMENTED)
    result = _check(tmp_path, "report.yaml", "--fix", "--select", "AQL201")
    assert result.returncode == 0, result.stdout
    assert path.read_text(encoding="utf-8") == COMMENTED.replace(
        "nOffered, handleTime", "nOffered, tHandle"
    )


# --- fixes that would make things worse ------------------------------------------------------


def test_a_fix_that_would_add_a_finding_is_dropped_and_reported(tmp_path: Path) -> None:
    # Moving the duration to granularity leaves the body without the interval it needs.
    text = '{"interval": "P1D", "metrics": ["nOffered"]}\n'
    path = write_file(tmp_path, "body.json", text)
    args = ("body.json", "--endpoint", "conversations/aggregates", "--unsafe-fixes")
    result = _check(tmp_path, *args, "--fix")
    assert result.returncode == 1
    assert (
        "body.json:1:14: AQL101 fix not applied: it would add AQL203 "
        "('interval' is required in conversations/aggregates query)\n"
        "Found 1 problem (0 fixed, 1 remaining).\n"
    ) in result.stdout
    assert path.read_text(encoding="utf-8") == text
    shown = _check(tmp_path, *args, "--diff")
    assert (shown.returncode, shown.stdout) == (1, "")  # nothing to show: the exit of check
    assert "AQL101 fix not applied: it would add AQL203" in shown.stderr


def test_a_fix_that_would_repeat_a_name_is_dropped_the_others_applied(tmp_path: Path) -> None:
    text = f"""\
report: r
endpoint: conversations/aggregates
query:
  interval: {INTERVAL}
  metrics:
    - offerCount
    - nOffered
    - handleTime
"""
    path = write_file(tmp_path, "r.yaml", text)
    result = _check(tmp_path, "r.yaml", "--fix", "--unsafe-fixes")
    assert "r.yaml:6:7: AQL201 fix not applied: it would add AQL502" in result.stdout
    assert "Found 2 problems (1 fixed, 1 remaining)." in result.stdout
    assert path.read_text(encoding="utf-8") == text.replace("handleTime", "tHandle")


def test_several_files_each_fixed(tmp_path: Path) -> None:
    one = write_file(tmp_path, "a/one.yaml", COMMENTED)
    two = write_file(tmp_path, "b/two.yaml", COMMENTED.replace("queue-volume", "other"))
    result = _check(tmp_path, "a", "b", "--fix")
    assert result.returncode == 0, result.stdout
    assert "Found 4 problems (4 fixed, 0 remaining)." in result.stdout
    assert one.read_text(encoding="utf-8") == COMMENTED_FIXED
    assert two.read_text(encoding="utf-8") == COMMENTED_FIXED.replace("queue-volume", "other")


def test_a_syntax_error_is_reported_and_the_file_left_alone(tmp_path: Path) -> None:
    text = COMMENTED.replace("groupBys: [queueId]", "groupBys: [queueId")
    path = write_file(tmp_path, "report.yaml", text)
    result = _check(tmp_path, "report.yaml", "--fix")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "AQL001" in result.stdout
    assert path.read_text(encoding="utf-8") == text


def test_one_fix_that_makes_things_worse_holds_back_none_of_the_others(tmp_path: Path) -> None:
    # Eight good fixes and, last in the file, one that would add a finding: one run applies
    # the eight and reports the ninth; a second run has nothing left to do.
    wrong = "offerCount, handleTime, wrapUpTime, talkTime, holdTime, abandonCount, transferCount"
    text = f"""\
report: r
endpoint: conversations/aggregates
query:
  interval: {INTERVAL}
  metrics: [{wrong}, waitTime]
  filter:
    type: or
    predicates:
      - dimension: queue
        value: abc
"""
    path = write_file(tmp_path, "r.yaml", text)
    result = _check(tmp_path, "r.yaml", "--fix")
    assert "r.yaml:9:20: AQL202 fix not applied: it would add AQL308" in result.stdout
    assert "Found 9 problems (8 fixed, 1 remaining)." in result.stdout
    fixed = path.read_text(encoding="utf-8")
    names = "nOffered, tHandle, tAcw, tTalk, tHeld, tAbandon, nTransferred, tWait"
    assert fixed == text.replace(text.splitlines()[4], f"  metrics: [{names}]")
    again = _check(tmp_path, "r.yaml", "--fix")
    assert "Found 1 problem (0 fixed, 1 remaining)." in again.stdout
    assert path.read_text(encoding="utf-8") == fixed


def test_a_definition_named_with_name_gets_report(tmp_path: Path) -> None:
    query = f"{{interval: {INTERVAL}, metrics: [nOffered]}}"
    text = f"name: daily\nendpoint: conversations/aggregates\nquery: {query}\n"
    path = write_file(tmp_path, "r.yaml", text)
    result = _check(tmp_path, "r.yaml", "--fix", "--unsafe-fixes")
    assert path.read_text(encoding="utf-8").startswith("report: daily\n"), result.stdout


def test_a_name_reached_through_an_alias_is_left_with_advice(tmp_path: Path) -> None:
    # The name is written once, in the anchor, and may be shared by other queries: --fix
    # leaves it (the finding points at the alias, its fix is shown, not applied). Contrast
    # merged keys (tests/fixes/golden/aql201-anchor, aql207-merge): fixed in the anchor.
    text = f"""\
x-names: &names [handleTime]
report: r
endpoint: conversations/aggregates
query:
  interval: {INTERVAL}
  metrics: *names
"""
    path = write_file(tmp_path, "r.yaml", text)
    result = _check(tmp_path, "r.yaml", "--fix", "--unsafe-fixes")
    assert result.returncode == 1
    assert result.stdout.startswith(
        "r.yaml:6:12: AQL201 error unknown metric 'handleTime' for conversations/aggregates; "
        "did you mean 'tHandle'?\nFound 1 problem (0 fixed, 1 remaining).\n"
    )
    assert path.read_text(encoding="utf-8") == text

"""Which files a run checks, through the real CLI: each file once, standard input, folders
without report files, excludes, and the documents a folder walk skips."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import GOOD_REPORT, REPO, SRC, UNKNOWN_METRIC_REPORT, run_aggqlint
from conftest import write_file as _write
from fake_genesys import FakeGenesys

NOW = ("--now", "2026-11-23T00:00:00Z")

GOOD = GOOD_REPORT
BAD = UNKNOWN_METRIC_REPORT

BAD_DIAGNOSTIC = (
    ":5:13: AQL201 error unknown metric 'handleTime' for conversations/aggregates; "
    "did you mean 'tHandle'?\n"
)
# A run with one bad file: its diagnostic, then the offer of its fix (before the summary).
BAD_LINE = BAD_DIAGNOSTIC + "1 fixable with --fix.\n"

SKIPPED = (
    ":1:1: AQL012 info document is not a report definition or query body (none of their "
    "field names): skipped; name this file on the command line to check it\n"
)


def _run_with_stdin(
    data: bytes, *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """run_aggqlint, with bytes on standard input."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = str(SRC) + os.pathsep + environment.get("PYTHONPATH", "")
    environment.pop("GITHUB_ACTIONS", None)
    environment.update(env or {})
    completed = subprocess.run(
        [sys.executable, "-m", "aggqlint", *args],
        cwd=cwd,
        env=environment,
        input=data,
        capture_output=True,
        timeout=60,
    )
    return subprocess.CompletedProcess(
        completed.args,
        completed.returncode,
        completed.stdout.decode("utf-8"),
        completed.stderr.decode("utf-8"),
    )


# 1. The same file reached twice is checked once, under the first name it was reached by.


@pytest.mark.parametrize(
    "paths",
    [
        ("reports", "reports/bad.yaml"),
        ("reports/bad.yaml", "./reports/bad.yaml"),
        ("reports/bad.yaml", "reports/../reports/bad.yaml", "reports/bad.yaml"),
        ("reports/bad.yaml", "{tmp}/reports/bad.yaml"),
    ],
)
def test_a_file_reached_twice_is_checked_once(tmp_path: Path, paths: tuple[str, ...]) -> None:
    _write(tmp_path, "reports/bad.yaml", BAD)
    arguments = [p.format(tmp=tmp_path) for p in paths]
    result = run_aggqlint("check", *arguments, *NOW, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == f"reports/bad.yaml{BAD_LINE}1 error in 1 file (1 file checked)\n"


def test_a_symlink_to_a_checked_file_is_not_a_second_file(tmp_path: Path) -> None:
    _write(tmp_path, "reports/bad.yaml", BAD)
    (tmp_path / "latest.yaml").symlink_to("reports/bad.yaml")
    (tmp_path / "reports" / "alias.yaml").symlink_to("bad.yaml")
    result = run_aggqlint("check", "latest.yaml", "reports", *NOW, cwd=tmp_path)
    assert result.returncode == 1
    # The first name it was reached by: the symlink named on the command line.
    assert result.stdout == f"latest.yaml{BAD_LINE}1 error in 1 file (1 file checked)\n"


def test_two_different_files_with_one_report_name_still_clash(tmp_path: Path) -> None:
    _write(tmp_path, "reports/a.yaml", GOOD)
    _write(tmp_path, "reports/b.yaml", GOOD)
    result = run_aggqlint("check", "reports", "reports/b.yaml", *NOW, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        "reports/b.yaml:1:9: AQL026 error report 'ok' is already defined in reports/a.yaml:1\n"
        "1 error in 1 file (2 files checked)\n"
    )


def test_plan_plans_a_file_reached_twice_once(tmp_path: Path) -> None:
    _write(tmp_path, "reports/ok.yaml", GOOD)
    result = run_aggqlint(
        "plan", "reports", "reports/ok.yaml", "./reports/ok.yaml", *NOW, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == (
        "# ok (reports/ok.yaml)\n"
        "POST /api/v2/analytics/conversations/aggregates/query\n"
        "{\n"
        '  "interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z",\n'
        '  "metrics": [\n'
        '    "nOffered"\n'
        "  ]\n"
        "}\n"
    )
    assert result.stderr == "1 request planned from 1 definition\n"


def test_submit_sends_a_file_reached_twice_once(fake: FakeGenesys, tmp_path: Path) -> None:
    _write(tmp_path, "reports/ok.yaml", GOOD)
    result = run_aggqlint(
        "submit",
        "reports",
        "./reports/ok.yaml",
        "--record",
        "run.jsonl",
        *NOW,
        cwd=tmp_path,
        env=fake.env(),
    )
    assert result.returncode == 0, result.stderr
    assert len(fake.query_requests) == 1
    assert result.stdout.endswith(
        "1 sent, 1 accepted, 0 rejected, 0 failed; recorded in run.jsonl\n"
    )


# 2. Standard input.


def test_stdin_is_checked_as_stdin(tmp_path: Path) -> None:
    result = _run_with_stdin(BAD.encode(), "check", "-", *NOW, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == f"<stdin>{BAD_LINE}1 error in 1 file (1 file checked)\n"


def test_stdin_filename_names_it(tmp_path: Path) -> None:
    result = _run_with_stdin(
        BAD.encode(), "check", "-", "--stdin-filename", "reports/q.yaml", *NOW, cwd=tmp_path
    )
    assert result.returncode == 1
    assert result.stdout == f"reports/q.yaml{BAD_LINE}1 error in 1 file (1 file checked)\n"


def test_stdin_filename_ending_in_json_reads_json(tmp_path: Path) -> None:
    # YAML block style is not JSON: as q.yaml it is clean, as q.json it does not parse.
    as_yaml = _run_with_stdin(
        GOOD.encode(), "check", "-", "--stdin-filename", "q.yaml", *NOW, cwd=tmp_path
    )
    assert (as_yaml.returncode, as_yaml.stdout) == (0, "no problems (1 file checked)\n")
    as_json = _run_with_stdin(
        GOOD.encode(), "check", "-", "--stdin-filename", "q.json", *NOW, cwd=tmp_path
    )
    assert as_json.returncode == 1
    assert as_json.stdout.startswith("q.json:")
    assert " AQL001 error " in as_json.stdout
    json_body = b'{"interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z", "metrics": ["x1"]}'
    checked = _run_with_stdin(
        json_body,
        "check",
        "-",
        "--stdin-filename",
        "q.json",
        "--endpoint",
        "conversations/aggregates",
        *NOW,
        cwd=tmp_path,
    )
    assert checked.returncode == 1
    assert checked.stdout.startswith(
        "q.json:1:71: AQL201 error unknown metric 'x1' for conversations/aggregates"
    )


def test_stdin_filename_picks_the_config_and_per_file_settings(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "project/aggqlint.toml",
        '[per-file-ignores]\n"legacy/*" = ["AQL201"]\n'
        '[endpoints]\n"bodies/*.json" = "users/aggregates"\n',
    )
    ignored = _run_with_stdin(
        BAD.encode(),
        "check",
        "-",
        "--stdin-filename",
        "project/legacy/q.yaml",
        *NOW,
        cwd=tmp_path,
    )
    assert (ignored.returncode, ignored.stdout) == (0, "no problems (1 file checked)\n")
    not_ignored = _run_with_stdin(
        BAD.encode(),
        "check",
        "-",
        "--stdin-filename",
        "project/current/q.yaml",
        *NOW,
        cwd=tmp_path,
    )
    assert not_ignored.returncode == 1
    assert not_ignored.stdout == (
        f"project/current/q.yaml{BAD_LINE}1 error in 1 file (1 file checked)\n"
    )
    # The endpoint glob map: a users/aggregates body, with a conversation metric in it.
    body = b'{"interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z", "metrics": ["nOffered"]}'
    mapped = _run_with_stdin(
        body, "check", "-", "--stdin-filename", "project/bodies/u.json", *NOW, cwd=tmp_path
    )
    assert mapped.returncode == 1
    assert mapped.stdout.startswith("project/bodies/u.json:1:71: AQL208 error ")
    assert "'nOffered' is not available in users/aggregates" in mapped.stdout


def test_stdin_without_a_name_takes_the_config_of_the_working_directory(tmp_path: Path) -> None:
    _write(tmp_path, "aggqlint.toml", 'ignore = ["AQL201"]\n')
    result = _run_with_stdin(BAD.encode(), "check", "-", *NOW, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (0, "no problems (1 file checked)\n")


def test_stdin_mixed_with_paths(tmp_path: Path) -> None:
    _write(tmp_path, "reports/ok.yaml", GOOD.replace("report: ok", "report: other"))
    result = _run_with_stdin(BAD.encode(), "check", "reports", "-", "-", *NOW, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == f"<stdin>{BAD_LINE}1 error in 1 file (2 files checked)\n"


def test_stdin_is_bounded_and_must_be_utf8(tmp_path: Path) -> None:
    huge = _run_with_stdin(b"#" * (5 * 1024 * 1024 + 10), "check", "-", cwd=tmp_path)
    assert huge.returncode == 1
    assert huge.stdout.startswith("<stdin>:1:1: AQL006 error ")
    latin1 = _run_with_stdin(b"report: caf\xe9\n", "check", "-", cwd=tmp_path)
    assert latin1.returncode == 1
    assert latin1.stdout.startswith("<stdin>:1:12: AQL004 error ")


def test_plan_reads_stdin(tmp_path: Path) -> None:
    result = _run_with_stdin(
        GOOD.encode(), "plan", "-", "--stdin-filename", "q.yaml", *NOW, cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(
        "# ok (q.yaml)\nPOST /api/v2/analytics/conversations/aggregates/query\n"
    )
    assert result.stderr == "1 request planned from 1 definition\n"


# 3. A folder with no report file is a usage error; a named file is checked whatever its name.


@pytest.mark.parametrize("command", ["check", "plan"])
def test_a_folder_without_report_files_exits_2(tmp_path: Path, command: str) -> None:
    _write(tmp_path, "reprots/notes.txt", "a typo in the folder name\n")
    _write(tmp_path, "reprots/node_modules/x.yaml", GOOD)
    result = run_aggqlint(command, "reprots", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr == (
        "aggqlint: no YAML or JSON files found in reprots (looked for *.yaml, *.yml, *.json, "
        "after excludes); is the folder name right?\n"
    )


def test_an_unmatched_shell_pattern_exits_2(tmp_path: Path) -> None:
    result = run_aggqlint("check", "reports/*.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "aggqlint: no such file or directory: reports/*.yaml (a shell pattern that matched "
        "no file is passed on as written)\n"
    )


def test_a_named_file_is_checked_whatever_its_suffix(tmp_path: Path) -> None:
    _write(tmp_path, "query.txt", BAD)
    result = run_aggqlint("check", "query.txt", *NOW, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == f"query.txt{BAD_LINE}1 error in 1 file (1 file checked)\n"


# 4. Excludes.


def _tree_with_noise(root: Path) -> None:
    """One bad report in reports/, and the same bad file where a walk must not look."""
    _write(root, "reports/bad.yaml", BAD)
    for folder in (
        ".git",
        ".venv",
        "venv",
        "node_modules/pkg",
        "__pycache__",
        "build",
        "dist",
        ".hidden",
        "env3",
    ):
        _write(root, f"{folder}/bad.yaml", BAD)
    _write(root, "env3/pyvenv.cfg", "home = /usr/bin\n")


def test_default_excludes(tmp_path: Path) -> None:
    _tree_with_noise(tmp_path)
    result = run_aggqlint("check", ".", *NOW, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == f"reports/bad.yaml{BAD_LINE}1 error in 1 file (1 file checked)\n"


def test_extend_exclude_adds_to_the_defaults(tmp_path: Path) -> None:
    _tree_with_noise(tmp_path)
    _write(tmp_path, "reports/legacy/old.yaml", BAD.replace("report: bad", "report: old"))
    _write(tmp_path, "reports/drafts/x.yaml", BAD.replace("report: bad", "report: x"))
    _write(
        tmp_path,
        "pyproject.toml",
        '[tool.aggqlint]\nextend-exclude = ["reports/legacy/", "x.yaml"]\n',
    )
    result = run_aggqlint("check", ".", *NOW, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == f"reports/bad.yaml{BAD_LINE}1 error in 1 file (1 file checked)\n"


def test_exclude_replaces_the_defaults(tmp_path: Path) -> None:
    _write(tmp_path, "reports/.drafts/bad.yaml", BAD)
    _write(tmp_path, "reports/build/ok.yaml", GOOD)
    _write(tmp_path, "reports/skip/other.yaml", GOOD)
    _write(tmp_path, "aggqlint.toml", 'exclude = ["skip"]\n')
    result = run_aggqlint("check", "reports", *NOW, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == (
        f"reports/.drafts/bad.yaml{BAD_LINE}1 error in 1 file (2 files checked)\n"
    )


def test_config_excludes_are_relative_to_the_config_folder(tmp_path: Path) -> None:
    _write(tmp_path, "project/aggqlint.toml", 'extend-exclude = ["reports/old/**"]\n')
    _write(tmp_path, "project/reports/old/bad.yaml", BAD)
    _write(tmp_path, "project/reports/ok.yaml", GOOD)
    from_above = run_aggqlint("check", "project", *NOW, cwd=tmp_path)
    assert (from_above.returncode, from_above.stdout) == (0, "no problems (1 file checked)\n")
    from_inside = run_aggqlint("check", ".", *NOW, cwd=tmp_path / "project" / "reports")
    assert (from_inside.returncode, from_inside.stdout) == (0, "no problems (1 file checked)\n")


def test_exclude_option_adds_and_repeats(tmp_path: Path) -> None:
    _write(tmp_path, "reports/a/bad.yaml", BAD)
    _write(tmp_path, "reports/b/bad.yaml", BAD.replace("report: bad", "report: b"))
    _write(tmp_path, "reports/c/bad.yaml", BAD.replace("report: bad", "report: c"))
    _write(tmp_path, "reports/ok.yaml", GOOD)
    result = run_aggqlint(
        "check", "reports", "--exclude", "reports/a,b", "--exclude", "c/", *NOW, cwd=tmp_path
    )
    assert (result.returncode, result.stdout) == (0, "no problems (1 file checked)\n")


def test_named_files_are_checked_even_when_excluded_unless_forced(tmp_path: Path) -> None:
    _write(tmp_path, "aggqlint.toml", 'extend-exclude = ["legacy/"]\n')
    _write(tmp_path, "legacy/bad.yaml", BAD)
    _write(tmp_path, "ok.yaml", GOOD)
    named = run_aggqlint("check", "legacy/bad.yaml", "ok.yaml", *NOW, cwd=tmp_path)
    assert named.returncode == 1
    assert named.stdout == f"legacy/bad.yaml{BAD_LINE}1 error in 1 file (2 files checked)\n"
    forced = run_aggqlint(
        "check", "legacy/bad.yaml", "ok.yaml", "--force-exclude", *NOW, cwd=tmp_path
    )
    assert (forced.returncode, forced.stdout) == (0, "no problems (1 file checked)\n")


@pytest.mark.parametrize(
    ("setting", "message"),
    [
        (
            'exclude = "legacy"',
            "aggqlint.toml: exclude: must be a list of path patterns, not a string "
            '(write ["legacy"])',
        ),
        (
            "extend-exclude = [1]",
            "aggqlint.toml: extend-exclude: must be a string, not an integer",
        ),
        (
            'extend-exclude = ["/abs"]',
            "aggqlint.toml: extend-exclude: bad glob '/abs': patterns are relative to the "
            "config file's directory; drop the '/'",
        ),
    ],
)
def test_bad_exclude_settings_exit_2(tmp_path: Path, setting: str, message: str) -> None:
    _write(tmp_path, "aggqlint.toml", setting + "\n")
    _write(tmp_path, "ok.yaml", GOOD)
    result = run_aggqlint("check", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert (result.stdout, result.stderr) == ("", f"aggqlint: {message}\n")


def test_bad_exclude_option_exits_2(tmp_path: Path) -> None:
    _write(tmp_path, "ok.yaml", GOOD)
    result = run_aggqlint("check", ".", "--exclude", "a/**b", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr == (
        "aggqlint: --exclude: bad glob 'a/**b': '**' must be a whole path segment, "
        "as in 'legacy/**/*.yaml'\n"
    )


# 5. A folder walk skips documents that are nothing like a report; named files are checked.

TSCONFIG = """\
{
  // Visit https://aka.ms/tsconfig to read more about this file
  "compilerOptions": {
    /* Language and Environment */
    "target": "es2016",
    "strict": true,
  },
}
"""


def _repository(root: Path) -> None:
    _write(root, "reports/bad.yaml", BAD)
    _write(root, "docker-compose.yml", "services:\n  web:\n    image: nginx\n")
    _write(root, "package.json", '{"name": "x", "version": "1.0.0", "scripts": {}}\n')
    _write(root, "tsconfig.json", TSCONFIG)
    _write(root, "deploy/playbook.yml", "- hosts: all\n  tasks: []\n")
    # Two documents: only the first is skipped.
    _write(root, "mkdocs.yml", "site_name: x\n---\n" + BAD.replace("report: bad", "report: b2"))
    _write(root, ".github/workflows/ci.yml", "name: ci\non: [push]\njobs: {}\n")
    _write(root, ".pre-commit-config.yaml", "repos: []\n")


def test_a_repository_walk_skips_what_is_not_a_report(tmp_path: Path) -> None:
    _repository(tmp_path)
    result = run_aggqlint("check", ".", *NOW, cwd=tmp_path)
    assert result.returncode == 1
    # In walk order: a folder's files, then its subfolders.
    assert result.stdout == (
        f"docker-compose.yml{SKIPPED}"
        f"mkdocs.yml{SKIPPED}"
        "mkdocs.yml:7:13: AQL201 error unknown metric 'handleTime' for conversations/aggregates; "
        "did you mean 'tHandle'?\n"
        f"package.json{SKIPPED}"
        f"tsconfig.json{SKIPPED}"
        f"deploy/playbook.yml{SKIPPED}"
        f"reports/bad.yaml{BAD_DIAGNOSTIC}"
        "2 fixable with --fix.\n"
        "2 errors, 5 info in 6 files (6 files checked)\n"
    )


def test_a_walked_template_with_unknown_tags_is_skipped_but_a_report_with_one_is_not(
    tmp_path: Path,
) -> None:
    # CloudFormation's `!Ref` is a tag aggqlint refuses; in a file that is plainly something
    # else (its keys so far are no report's) walking skips it; a report with a tag still fails.
    _write(
        tmp_path,
        "infra/template.yaml",
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  Bucket:\n"
        "    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: !Ref Name\n",
    )
    _write(
        tmp_path,
        "reports/tagged.yaml",
        "report: x\nendpoint: conversations/aggregates\nquery:\n  interval: !Ref Bad\n"
        "  metrics: [nOffered]\n",
    )
    walked = run_aggqlint("check", ".", *NOW, cwd=tmp_path)
    assert walked.stdout == (
        f"infra/template.yaml{SKIPPED}"
        "reports/tagged.yaml:4:13: AQL001 error unknown YAML tag '!Ref'\n"
        "1 error, 1 info in 2 files (2 files checked)\n"
    )
    named = run_aggqlint("check", "infra/template.yaml", *NOW, cwd=tmp_path)
    assert named.stdout.startswith("infra/template.yaml:6:19: AQL001 error "), named.stdout


def test_without_the_bad_report_the_repository_walk_passes(tmp_path: Path) -> None:
    _repository(tmp_path)
    (tmp_path / "reports" / "bad.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text("site_name: x\n", encoding="utf-8")
    result = run_aggqlint("check", ".", "--fail-on", "warning", *NOW, cwd=tmp_path)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("name", ["docker-compose.yml", "package.json", "tsconfig.json"])
def test_a_named_file_is_always_checked(tmp_path: Path, name: str) -> None:
    _repository(tmp_path)
    result = run_aggqlint("check", name, *NOW, cwd=tmp_path)
    assert result.returncode == 1
    assert "AQL012" not in result.stdout
    assert " error " in result.stdout


def test_an_endpoint_from_the_config_or_option_means_the_file_is_checked(tmp_path: Path) -> None:
    _write(tmp_path, "bodies/b.json", '{"name": "x"}\n')
    skipped = run_aggqlint("check", "bodies", *NOW, cwd=tmp_path)
    assert (skipped.returncode, skipped.stdout) == (
        0,
        f"bodies/b.json{SKIPPED}1 info in 1 file (1 file checked)\n",
    )
    by_option = run_aggqlint(
        "check", "bodies", "--endpoint", "conversations/aggregates", *NOW, cwd=tmp_path
    )
    assert by_option.returncode == 1
    assert "AQL012" not in by_option.stdout
    assert "bodies/b.json:1:2: AQL2" in by_option.stdout
    _write(tmp_path, "aggqlint.toml", '[endpoints]\n"bodies/*" = "conversations/aggregates"\n')
    by_config = run_aggqlint("check", "bodies", *NOW, cwd=tmp_path)
    assert (by_config.returncode, by_config.stdout) == (by_option.returncode, by_option.stdout)


def test_mistaken_bodies_are_still_checked_when_walking(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "shared/select.json",
        '{"dateFrom": "2023-10-27T10:00:00Z", "select": [{"id": "duration"}]}\n',
    )
    result = run_aggqlint("check", "shared", *NOW, cwd=tmp_path)
    assert result.returncode == 1
    # Checked, not skipped: no endpoint fits these names, and aggqlint says so.
    assert result.stdout.startswith("shared/select.json:1:1: AQL023 error ")
    assert "AQL012" not in result.stdout


@pytest.mark.parametrize("folder", ["examples/mistakes", "tests/corpus/seeds", "examples"])
def test_walking_a_folder_reports_what_naming_its_files_reports(
    tmp_path: Path, folder: str
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(REPO / folder, copy)
    files = sorted(
        str(p.relative_to(tmp_path))
        for p in copy.rglob("*")
        if p.suffix in (".yaml", ".yml", ".json") and not p.name.startswith(".")
    )
    walked = run_aggqlint("check", "copy", *NOW, cwd=tmp_path)
    named = run_aggqlint("check", *files, *NOW, cwd=tmp_path)
    assert walked.returncode == named.returncode == 1
    assert "AQL012" not in walked.stdout
    assert walked.stdout == named.stdout


# 6. plan prints each finding once.


def test_plan_prints_each_finding_once(tmp_path: Path) -> None:
    shutil.copy(REPO / "examples" / "mistakes" / "forum-custom-intervals.yaml", tmp_path / "f.yaml")
    result = run_aggqlint("plan", "f.yaml", *NOW, cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert [line.split(" error ")[0] for line in lines[:-2]] == [
        "f.yaml:4:11: AQL021",
        "f.yaml:6:3: AQL203",
        "f.yaml:6:3: AQL601",
        "f.yaml:7:3: AQL601",
        "f.yaml:8:3: AQL605",
        "f.yaml:9:3: AQL605",
        "f.yaml:13:7: AQL209",
        "f.yaml:13:14: AQL201",
        "f.yaml:14:13: AQL202",
    ]
    assert lines[-2:] == [
        "not planned: forum-custom-intervals (f.yaml) has 9 errors",
        "0 requests planned from 0 definitions",
    ]
    check = run_aggqlint("check", "f.yaml", *NOW, cwd=tmp_path)
    assert check.stdout.endswith("9 errors in 1 file (1 file checked)\n")


def test_plan_words_a_window_finding_once(tmp_path: Path) -> None:
    _write(
        tmp_path,
        "w.yaml",
        """\
report: w
endpoint: conversations/aggregates
query:
  interval: 2026-11-01T00:00:00Z/2026-11-01T01:00:00Z
  metrics: [nOffered]
  granularity: PT7M
windows:
  - 2026-11-01T00:00:00Z/2026-11-01T01:00:00Z
""",
    )
    result = run_aggqlint("plan", "w.yaml", *NOW, cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr == (
        "w.yaml:4:13: AQL112 warning granularity PT7M does not divide 'interval' evenly in "
        "UTC: the last of its 9 buckets is cut short; end at 2026-11-01T00:56:00Z or "
        "2026-11-01T01:03:00Z for whole buckets\n"
        "w.yaml:8:5: AQL112 warning granularity PT7M does not divide window 1 evenly in UTC: "
        "the last of its 9 buckets is cut short; end at 2026-11-01T00:56:00Z or "
        "2026-11-01T01:03:00Z for whole buckets\n"
        "1 request planned from 1 definition\n"
    )


def test_force_exclude_never_excludes_the_folder_named_by_dots(tmp_path: Path) -> None:
    # `.` and `..` are not hidden folders, even when the default `.*` pattern applies.
    _write(tmp_path, "aggqlint.toml", 'extend-exclude = ["legacy/"]\n')
    _write(tmp_path, "reports/bad.yaml", BAD)
    _write(tmp_path, "legacy/old.yaml", BAD.replace("report: bad", "report: old"))
    here = run_aggqlint("check", ".", "--force-exclude", *NOW, cwd=tmp_path)
    assert here.stdout == f"reports/bad.yaml{BAD_LINE}1 error in 1 file (1 file checked)\n"
    above = run_aggqlint("check", "..", "--force-exclude", *NOW, cwd=tmp_path / "reports")
    assert above.stdout == f"bad.yaml{BAD_LINE}1 error in 1 file (1 file checked)\n"


def test_lists_and_scalars_are_skipped_walking_and_refused_named(tmp_path: Path) -> None:
    _write(tmp_path, "data/names.yaml", "- nOffered\n- tHandle\n")
    _write(tmp_path, "data/words.yaml", "just some words\n")
    _write(tmp_path, "data/bodies.json", '[{"interval": "P1D"}]\n')
    walked = run_aggqlint("check", "data", *NOW, cwd=tmp_path)
    assert walked.returncode == 1
    assert walked.stdout == (
        "data/bodies.json:1:1: AQL005 error document is a list; expected a report definition "
        "or a query body (a mapping)\n"
        f"data/names.yaml{SKIPPED}"
        f"data/words.yaml{SKIPPED}"
        "1 error, 2 info in 3 files (3 files checked)\n"
    )
    named = run_aggqlint("check", "data/names.yaml", "data/words.yaml", *NOW, cwd=tmp_path)
    assert named.returncode == 1
    assert named.stdout == (
        "data/names.yaml:1:1: AQL005 error document is a list; expected a report definition "
        "or a query body (a mapping)\n"
        "data/words.yaml:1:1: AQL005 error document is a str scalar; expected a report "
        "definition or a query body (a mapping)\n"
        "2 errors in 2 files (2 files checked)\n"
    )


def test_force_exclude_applies_to_the_stdin_filename(tmp_path: Path) -> None:
    _write(tmp_path, "aggqlint.toml", 'extend-exclude = ["legacy/"]\n')
    arguments = ("check", "-", "--stdin-filename", "legacy/q.yaml", *NOW)
    checked = _run_with_stdin(BAD.encode(), *arguments, cwd=tmp_path)
    assert checked.stdout == f"legacy/q.yaml{BAD_LINE}1 error in 1 file (1 file checked)\n"
    forced = _run_with_stdin(BAD.encode(), *arguments, "--force-exclude", cwd=tmp_path)
    assert (forced.returncode, forced.stdout) == (0, "no problems (0 files checked)\n")

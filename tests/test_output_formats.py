"""The CI formats (github, junit, gitlab, sarif) and `check --output-file` / GITHUB_ACTIONS."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from conftest import run_aggqlint
from jsonschema import Draft4Validator
from msgspec.structs import replace

from aggqlint.checks.engine import CheckedFile, LintResult
from aggqlint.checks.metadata import all_rules
from aggqlint.config.policy import Policy
from aggqlint.diagnostics import Diagnostic, Location, Severity
from aggqlint.fixes.model import Applicability, Edit, Fix, Position
from aggqlint.loading.source import Source
from aggqlint.output import FORMATTERS, Style, render
from aggqlint.output.github import escape_data, escape_property

SARIF_SCHEMA = Path(__file__).parent / "data" / "sarif-2.1.0-rtm.5.json"

FIX = "interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z"
# The fixes as the engine writes them: an unsafe restructuring with two edits, a safe rename,
# and advice only.
INTERVAL_FIX = Fix(
    Applicability.UNSAFE,
    "replace 'dateFrom', 'dateTo' with 'interval'",
    edits=(
        Edit(Position(4, 3, 70), Position(4, 33, 100), FIX),
        Edit(Position(5, 1, 101), Position(6, 1, 132), ""),
    ),
    shown=FIX,
    fragment=True,
)
RENAME_FIX = Fix(
    Applicability.SAFE,
    "replace with 'tHandle'",
    edits=(Edit(Position(7, 13, 160), Position(7, 23, 170), "tHandle"),),
    shown="tHandle",
)


def _diagnostic(
    code: str,
    severity: Severity,
    rule: str,
    message: str,
    at: tuple[str, int, int, str],
    fix: Fix | str | None = None,
    end: tuple[int, int] | None = None,
) -> Diagnostic:
    file, line, column, pointer = at
    end_line, end_column = end or (line, column + 1)
    location = Location(file, line, column, pointer, 0, end_line, end_column)
    if isinstance(fix, str):
        fix = Fix.display(fix)
    suggestion = fix.shown if fix else None
    return Diagnostic(code, severity, message, location, rule, suggestion, fix=fix)


def _checked(path: str, diagnostics: list[Diagnostic]) -> CheckedFile:
    return CheckedFile(path, Source(path, "", []), [], diagnostics, Policy())


# A fixed result, independent of the checks' wording: an error with a one-word suggestion
# already in its message, an error with a multi-line fix, and warnings; one clean file.
A = "reports/a.yaml"
B = "reports/b.yaml"
C = "reports/c.yaml"
RESULT = LintResult(
    [
        _checked(
            A,
            [
                _diagnostic(
                    "AQL601",
                    Severity.ERROR,
                    "invented-date-range",
                    "unknown field 'dateFrom'; the time range goes in 'interval' as 'start/end'",
                    (A, 4, 3, "/query/dateFrom"),
                    INTERVAL_FIX,
                    (4, 11),
                ),
                _diagnostic(
                    "AQL201",
                    Severity.ERROR,
                    "unknown-metric",
                    "unknown metric 'handleTime'; did you mean 'tHandle'?",
                    (A, 7, 13, "/query/metrics/0"),
                    RENAME_FIX,
                    (7, 23),
                ),
                _diagnostic(
                    "AQL207",
                    Severity.WARNING,
                    "case-mismatch",
                    "'nconnected' should be written 'nConnected'",
                    (A, 7, 25, "/query/metrics/1"),
                    "nConnected",
                ),
            ],
        ),
        _checked(
            B,
            [
                _diagnostic(
                    "AQL007",
                    Severity.WARNING,
                    "unused-suppression",
                    "'# aggqlint: disable=AQL201' suppresses nothing",
                    (B, 2, 1, ""),
                ),
            ],
        ),
        _checked(C, []),
    ]
)


def test_formats_are_registered() -> None:
    assert {"sarif", "github", "junit", "gitlab"} <= set(FORMATTERS)


# --- github ----------------------------------------------------------------------------


def test_github_exact() -> None:
    assert render("github", RESULT, Style()) == (
        "::error file=reports/a.yaml,line=4,col=3,endLine=4,endColumn=11,"
        "title=AQL601 invented-date-range::"
        "unknown field 'dateFrom'; the time range goes in 'interval' as 'start/end'"
        "%0Afix (unsafe):%0A  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z\n"
        "::error file=reports/a.yaml,line=7,col=13,endLine=7,endColumn=23,"
        "title=AQL201 unknown-metric::"
        "unknown metric 'handleTime'; did you mean 'tHandle'?\n"
        "::warning file=reports/a.yaml,line=7,col=25,endLine=7,endColumn=26,"
        "title=AQL207 case-mismatch::"
        "'nconnected' should be written 'nConnected'\n"
        "::warning file=reports/b.yaml,line=2,col=1,endLine=2,endColumn=2,"
        "title=AQL007 unused-suppression::"
        "'# aggqlint: disable=AQL201' suppresses nothing\n"
        "2 errors, 2 warnings in 2 files (3 files checked)\n"
    )


def test_github_quiet_keeps_errors_only() -> None:
    lines = render("github", RESULT, Style(quiet=True)).splitlines()
    assert [line.split(" ", 1)[0] for line in lines[:-1]] == ["::error", "::error"]


def test_github_info_is_notice_and_escapes() -> None:
    odd = _diagnostic(
        "AQL024",
        Severity.INFO,
        "endpoint-inferred",
        "100% sure:\r\nline two",
        ("q,1:2.yaml", 3, 5, ""),
    )
    result = LintResult([_checked("q,1:2.yaml", [odd])])
    assert render("github", result, Style()).splitlines()[0] == (
        "::notice file=q%2C1%3A2.yaml,line=3,col=5,endLine=3,endColumn=6,"
        "title=AQL024 endpoint-inferred::"
        "100%25 sure:%0D%0Aline two"
    )


def test_github_without_position() -> None:
    diagnostic = _diagnostic("AQL201", Severity.ERROR, "unknown-metric", "m", ("x", 1, 1, ""))
    unplaced = Diagnostic("AQL201", Severity.ERROR, "m", Location("<payload>"), "unknown-metric")
    result = LintResult([_checked("x", [diagnostic]), _checked("<payload>", [unplaced])])
    assert render("github", result, Style()).splitlines()[1] == (
        "::error file=<payload>,title=AQL201 unknown-metric::m"
    )


def test_github_gives_columns_only_on_a_one_line_range() -> None:
    # A node over several lines (a flow mapping): GitHub reads endColumn only on one line.
    where = Location("q.yaml", 4, 11, "/query/filter", 0, end_line=6, end_column=4)
    spanning = Diagnostic("AQL204", Severity.ERROR, "m", where, "wrong-type")
    result = LintResult([_checked("q.yaml", [spanning])])
    assert render("github", result, Style()).splitlines()[0] == (
        "::error file=q.yaml,line=4,col=11,endLine=6,title=AQL204 wrong-type::m"
    )


def test_github_escape_functions() -> None:
    assert escape_data("a%b\rc\nd:e,f") == "a%25b%0Dc%0Ad:e,f"
    assert escape_property("a%b\rc\nd:e,f") == "a%25b%0Dc%0Ad%3Ae%2Cf"


# --- junit -----------------------------------------------------------------------------


def test_junit_exact() -> None:
    assert render("junit", RESULT, Style()) == (
        "<?xml version='1.0' encoding='utf-8'?>\n"
        '<testsuites name="aggqlint" tests="3" failures="1" errors="0">\n'
        '  <testsuite name="aggqlint" tests="3" failures="1" errors="0" skipped="0">\n'
        '    <testcase classname="aggqlint" name="reports/a.yaml">\n'
        '      <failure message="2 errors, 1 warning">'
        "reports/a.yaml:4:3: AQL601 error unknown field 'dateFrom'; the time range goes in"
        " 'interval' as 'start/end'\n"
        "    fix (unsafe):\n"
        "      interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z\n"
        "reports/a.yaml:7:13: AQL201 error unknown metric 'handleTime'; did you mean"
        " 'tHandle'?\n"
        "reports/a.yaml:7:25: AQL207 warning 'nconnected' should be written 'nConnected'"
        "</failure>\n"
        "    </testcase>\n"
        '    <testcase classname="aggqlint" name="reports/b.yaml">\n'
        "      <system-out>reports/b.yaml:2:1: AQL007 warning '# aggqlint: disable=AQL201'"
        " suppresses nothing</system-out>\n"
        "    </testcase>\n"
        '    <testcase classname="aggqlint" name="reports/c.yaml" />\n'
        "  </testsuite>\n"
        "</testsuites>\n"
    )


def test_junit_quiet_drops_warning_only_output() -> None:
    root = ET.fromstring(render("junit", RESULT, Style(quiet=True)))
    cases = root.findall("testsuite/testcase")
    assert [len(case) for case in cases] == [1, 0, 0]
    failure = cases[0].find("failure")
    # the message counts what made the file fail; the text shows only what --quiet keeps
    assert failure is not None and failure.get("message") == "2 errors, 1 warning"
    assert failure.text is not None and "AQL207" not in failure.text


def test_junit_verdict_follows_the_files_fail_on() -> None:
    strict = Policy(fail_on=Severity.WARNING)
    files = [replace(checked, policy=strict) for checked in RESULT.files]
    root = ET.fromstring(render("junit", LintResult(files), Style()))
    assert root.get("failures") == "2"
    cases = root.findall("testsuite/testcase")
    assert [[child.tag for child in case] for case in cases] == [["failure"], ["failure"], []]
    failure = cases[1].find("failure")
    assert failure is not None and failure.get("message") == "1 warning"


def test_junit_escapes_markup_and_control_characters() -> None:
    text = "value '<a & \"b\">' has \x01 and \x1b in it"
    odd = _diagnostic("AQL201", Severity.ERROR, "unknown-metric", text, ("x&y.yaml", 1, 2, ""))
    root = ET.fromstring(render("junit", LintResult([_checked("x&y.yaml", [odd])]), Style()))
    case = root.find("testsuite/testcase")
    assert case is not None and case.get("name") == "x&y.yaml"
    failure = case.find("failure")
    assert failure is not None
    assert failure.text == (
        "x&y.yaml:1:2: AQL201 error value '<a & \"b\">' has \\x01 and \\x1b in it"
    )


# --- gitlab ----------------------------------------------------------------------------


def test_gitlab_exact() -> None:
    issues = json.loads(render("gitlab", RESULT, Style()))
    assert issues == [
        {
            "description": "AQL601 unknown field 'dateFrom'; the time range goes in 'interval'"
            " as 'start/end'",
            "check_name": "AQL601",
            "fingerprint": "768adf320ec5d27819c053343dde956462efe2c2a4a758cde6e3fb4a52a4ffd9",
            "severity": "major",
            "location": {"path": "reports/a.yaml", "lines": {"begin": 4}},
        },
        {
            "description": "AQL201 unknown metric 'handleTime'; did you mean 'tHandle'?",
            "check_name": "AQL201",
            "fingerprint": "f8bf46fed5f92805aace7c8e42f84e1c7d0c3d8f2106f2b32354b1ee6d324ba2",
            "severity": "major",
            "location": {"path": "reports/a.yaml", "lines": {"begin": 7}},
        },
        {
            "description": "AQL207 'nconnected' should be written 'nConnected'",
            "check_name": "AQL207",
            "fingerprint": "76decf2218c2d7d5241fd4b057bb355b0f04ecb0949c041bab81d4db2a1c8127",
            "severity": "minor",
            "location": {"path": "reports/a.yaml", "lines": {"begin": 7}},
        },
        {
            "description": "AQL007 '# aggqlint: disable=AQL201' suppresses nothing",
            "check_name": "AQL007",
            "fingerprint": "0eeec9d0d90b1a82be45cecd26097f16d13949b48c63cea99b05faa1d324099a",
            "severity": "minor",
            "location": {"path": "reports/b.yaml", "lines": {"begin": 2}},
        },
    ]


def test_gitlab_fingerprint_ignores_line_and_separates_repeats() -> None:
    def issue_for(line: int, count: int = 1) -> list[dict[str, Any]]:
        same = _diagnostic("AQL201", Severity.ERROR, "unknown-metric", "m", ("f", line, 1, "/p"))
        issues: list[dict[str, Any]] = json.loads(
            render("gitlab", LintResult([_checked("f", [same] * count)]), Style())
        )
        return issues

    assert issue_for(3)[0]["fingerprint"] == issue_for(30)[0]["fingerprint"]
    twice = [issue["fingerprint"] for issue in issue_for(3, 2)]
    assert twice[0] == issue_for(3)[0]["fingerprint"] and twice[0] != twice[1]


def test_gitlab_info_severity_and_missing_line() -> None:
    note = Diagnostic("AQL024", Severity.INFO, "inferred", Location("<payload>"), "x")
    issues = json.loads(render("gitlab", LintResult([_checked("<payload>", [note])]), Style()))
    assert issues[0]["severity"] == "info"
    assert issues[0]["location"] == {"path": "<payload>", "lines": {"begin": 1}}


# --- sarif -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sarif_validator() -> Draft4Validator:
    # The schema is draft-04 ("$schema": "http://json-schema.org/draft-04/schema#").
    schema = json.loads(SARIF_SCHEMA.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema)


def _assert_valid(log: dict[str, Any], validator: Draft4Validator) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(log)]
    assert errors == []


def test_sarif_is_valid_and_complete(
    sarif_validator: Draft4Validator, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    log = json.loads(render("sarif", RESULT, Style()))
    _assert_valid(log, sarif_validator)
    assert log["version"] == "2.1.0"
    assert log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json"
    (run,) = log["runs"]
    driver = run["tool"]["driver"]
    assert (driver["name"], driver["informationUri"]) == (
        "aggqlint",
        "https://pypi.org/project/aggqlint/",
    )
    assert [r["id"] for r in driver["rules"]] == list(all_rules())
    assert run["originalUriBaseIds"] == {"%SRCROOT%": {"uri": tmp_path.as_uri() + "/"}}
    assert run["columnKind"] == "unicodeCodePoints"

    results = run["results"]
    assert [(r["ruleId"], r["level"]) for r in results] == [
        ("AQL601", "error"),
        ("AQL201", "error"),
        ("AQL207", "warning"),
        ("AQL007", "warning"),
    ]
    for result in results:
        assert driver["rules"][result["ruleIndex"]]["id"] == result["ruleId"]
    assert results[0]["message"]["text"] == (
        "unknown field 'dateFrom'; the time range goes in 'interval' as 'start/end'\n"
        f"fix (unsafe):\n  {FIX}"
    )
    # Only safe fixes travel as SARIF fixes (a viewer applies them with one click); the unsafe
    # one stays in the message, as above.
    assert "fixes" not in results[0]
    assert results[1]["fixes"] == [
        {
            "description": {"text": "replace with 'tHandle'"},
            "artifactChanges": [
                {
                    "artifactLocation": {"uri": "reports/a.yaml", "uriBaseId": "%SRCROOT%"},
                    "replacements": [
                        {
                            "deletedRegion": {
                                "startLine": 7,
                                "startColumn": 13,
                                "endLine": 7,
                                "endColumn": 23,
                            },
                            "insertedContent": {"text": "tHandle"},
                        }
                    ],
                }
            ],
            "properties": {"applicability": "safe"},
        }
    ]
    # advice only (display) and no fix at all: nothing SARIF could apply
    assert "fixes" not in results[2] and "fixes" not in results[3]
    assert results[0]["properties"] == {
        "pointer": "/query/dateFrom",
        "document": 0,
        "suggestion": FIX,
    }
    assert results[1]["message"]["text"] == "unknown metric 'handleTime'; did you mean 'tHandle'?"
    assert results[1]["locations"] == [
        {
            "physicalLocation": {
                "artifactLocation": {"uri": "reports/a.yaml", "uriBaseId": "%SRCROOT%"},
                "region": {"startLine": 7, "startColumn": 13, "endLine": 7, "endColumn": 23},
            }
        }
    ]
    assert "suggestion" not in results[3]["properties"]


def test_sarif_rule_entry() -> None:
    log = json.loads(render("sarif", RESULT, Style()))
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    meta = all_rules()["AQL201"]
    assert rules["AQL201"]["name"] == meta.name == "unknown-metric"
    assert rules["AQL201"]["shortDescription"] == {"text": meta.summary}
    assert rules["AQL201"]["fullDescription"] == {"text": meta.why}
    assert rules["AQL201"]["defaultConfiguration"] == {"level": "error"}
    markdown = rules["AQL201"]["help"]["markdown"]
    assert f"Bad:\n\n```yaml\n{meta.bad.rstrip()}\n```" in markdown
    assert f"Good:\n\n```yaml\n{meta.good.rstrip()}\n```" in markdown
    assert rules["AQL201"]["help"]["text"].startswith(meta.summary)
    levels = {r["id"]: r["defaultConfiguration"]["level"] for r in rules.values()}
    assert (levels["AQL207"], levels["AQL024"]) == ("warning", "note")


def test_sarif_uris_and_undeclared_codes(sarif_validator: Draft4Validator, tmp_path: Path) -> None:
    outside = tmp_path / "my reports" / "x.yaml"
    diagnostics = [
        _diagnostic("AQL201", Severity.ERROR, "unknown-metric", "m", (str(outside), 2, 4, "")),
        _diagnostic("AQL999", Severity.ERROR, "undeclared", "n", ("q/a b#.yaml", 1, 1, "")),
        Diagnostic("AQL201", Severity.ERROR, "p", Location("<payload>"), "unknown-metric"),
    ]
    log = json.loads(render("sarif", LintResult([_checked("x", diagnostics)]), Style()))
    _assert_valid(log, sarif_validator)
    run = log["runs"][0]
    artifacts = [r["locations"][0]["physicalLocation"] for r in run["results"]]
    assert artifacts[0]["artifactLocation"] == {"uri": outside.as_uri()}
    assert artifacts[1]["artifactLocation"] == {"uri": "q/a%20b%23.yaml", "uriBaseId": "%SRCROOT%"}
    assert "region" not in artifacts[2]
    # an undeclared code still gets a rule entry, so its ruleIndex is valid
    rule = run["tool"]["driver"]["rules"][run["results"][1]["ruleIndex"]]
    assert rule["id"] == "AQL999"


def test_sarif_quiet_keeps_errors_only() -> None:
    log = json.loads(render("sarif", RESULT, Style(quiet=True)))
    assert [r["level"] for r in log["runs"][0]["results"]] == ["error", "error"]


# --- the CLI: --output-file and GITHUB_ACTIONS ------------------------------------------

BAD = """\
report: queue-hourly
endpoint: conversations/aggregates
query:
  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
  metrics: [handleTime, nOffered]
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "bad.yaml").write_text(BAD, encoding="utf-8")
    return tmp_path


def test_output_file_gets_format_and_console_gets_text(
    project: Path, sarif_validator: Draft4Validator
) -> None:
    text = run_aggqlint("check", "--no-color", "reports", cwd=project)
    assert text.returncode == 1
    assert "reports/bad.yaml:5:13: AQL201 error unknown metric 'handleTime'" in text.stdout
    run = run_aggqlint(
        "check",
        "--no-color",
        "--format",
        "sarif",
        "--output-file",
        "out.sarif",
        "reports",
        cwd=project,
    )
    assert (run.returncode, run.stdout, run.stderr) == (1, text.stdout, "")
    log = json.loads((project / "out.sarif").read_text(encoding="utf-8"))
    _assert_valid(log, sarif_validator)
    result = {r["ruleId"]: r for r in log["runs"][0]["results"]}["AQL201"]
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": 5,
        "startColumn": 13,
        "endLine": 5,
        "endColumn": 23,
    }
    (fix,) = result["fixes"]
    assert fix["properties"] == {"applicability": "safe"}
    assert fix["artifactChanges"][0]["replacements"] == [
        {
            "deletedRegion": {"startLine": 5, "startColumn": 13, "endLine": 5, "endColumn": 23},
            "insertedContent": {"text": "tHandle"},
        }
    ]


def test_output_file_written_when_clean(project: Path) -> None:
    (project / "reports" / "bad.yaml").write_text(
        BAD.replace("handleTime", "tHandle"), encoding="utf-8"
    )
    run = run_aggqlint(
        "check", "--format", "junit", "--output-file", "junit.xml", "reports", cwd=project
    )
    assert (run.returncode, run.stdout) == (0, "no problems (1 file checked)\n")
    root = ET.fromstring((project / "junit.xml").read_text(encoding="utf-8"))
    assert (root.get("tests"), root.get("failures")) == ("1", "0")


def test_output_file_unwritable_is_a_usage_error(project: Path) -> None:
    run = run_aggqlint("check", "--output-file", "missing/dir/out.txt", "reports", cwd=project)
    assert run.returncode == 2
    assert run.stderr.startswith("aggqlint: cannot write missing/dir/out.txt: ")


def test_github_actions_picks_github_format(project: Path) -> None:
    run = run_aggqlint("check", "reports", cwd=project, env={"GITHUB_ACTIONS": "true"})
    assert run.returncode == 1
    assert (
        "\n::error file=reports/bad.yaml,line=5,col=13,endLine=5,endColumn=23,"
        "title=AQL201 unknown-metric::"
    ) in ("\n" + run.stdout)
    explicit = run_aggqlint(
        "check",
        "--format",
        "text",
        "--no-color",
        "reports",
        cwd=project,
        env={"GITHUB_ACTIONS": "true"},
    )
    assert "\nreports/bad.yaml:5:13: AQL201 error" in "\n" + explicit.stdout
    other = run_aggqlint(
        "check", "--no-color", "reports", cwd=project, env={"GITHUB_ACTIONS": "false"}
    )
    assert "\nreports/bad.yaml:5:13: AQL201 error" in "\n" + other.stdout

"""Inline suppressions: where they apply, what they report when unused or unreadable."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from aggqlint.checks.engine import LintOptions, lint_paths, lint_text
from aggqlint.cli import cli
from aggqlint.config.policy import Policy
from aggqlint.config.suppressions import find_comments, read_directives
from aggqlint.diagnostics import Diagnostic, Severity

HEAD = """\
report: r
endpoint: conversations/aggregates
query:
  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
"""


def lint(body: str, name: str = "r.yaml", policy: Policy | None = None) -> list[str]:
    """`line:column CODE` for each diagnostic of HEAD + body."""
    return [_brief(d) for d in lint_text(HEAD + body, name, policy=policy)]


def _brief(d: Diagnostic) -> str:
    return f"{d.location.line}:{d.location.column} {d.code}"


def test_without_suppressions_the_metric_is_reported() -> None:
    assert lint("  metrics: [handleTime]\n") == ["5:13 AQL201"]


def test_same_line() -> None:
    assert lint("  metrics: [handleTime]  # aggqlint: disable=AQL201 -- a view name\n") == []


def test_rule_name_works_like_its_code() -> None:
    assert lint("  metrics: [handleTime]  # aggqlint: disable=unknown-metric\n") == []


def test_alone_on_the_line_above() -> None:
    body = "  # aggqlint: disable=AQL201 -- waiting for the SDK\n  metrics: [handleTime]\n"
    assert lint(body) == []


def test_line_above_skips_blank_and_comment_lines_and_stacks() -> None:
    body = (
        "  # aggqlint: disable=AQL201\n"
        "\n"
        "  # an ordinary comment\n"
        "  # aggqlint: disable=AQL202\n"
        "  metrics: [handleTime]\n"
        "  groupBy: [queue]\n"
    )
    # Both directives target line 9 (metrics): AQL202 is not there, and line 10 keeps its AQL202.
    assert lint(body) == ["8:3 AQL007", "10:13 AQL202"]


def test_a_suppression_applies_to_its_line_only() -> None:
    body = "  metrics: [handleTime]  # aggqlint: disable=AQL201\n  groupBy: [queue]\n"
    assert lint(body) == ["6:13 AQL202"]


def test_file_wide_anywhere() -> None:
    body = "  metrics: [handleTime, holdTime]\n# aggqlint: disable-file=AQL201 -- legacy names\n"
    assert lint(body) == []


def test_unused_is_aql007_at_the_comment() -> None:
    diagnostics = lint_text(
        HEAD + "  metrics: [tHandle]  # aggqlint: disable=AQL201 -- stale\n", "r.yaml"
    )
    assert [_brief(d) for d in diagnostics] == ["5:23 AQL007"]
    (unused,) = diagnostics
    assert unused.severity is Severity.WARNING
    assert unused.rule == "unused-suppression"
    assert unused.message == "suppression of AQL201 is unused: nothing reports it on line 5"
    assert unused.suggestion == "remove the comment"


def test_partly_unused_suggests_the_directive_without_the_unused_code() -> None:
    body = "  metrics: [handleTime]  # aggqlint: disable=AQL201,AQL202 -- reason\n"
    (unused,) = lint_text(HEAD + body, "r.yaml")
    assert _brief(unused) == "5:26 AQL007"
    assert unused.message == "suppression of AQL202 is unused: nothing reports it on line 5"
    assert unused.suggestion == "# aggqlint: disable=AQL201 -- reason"


def test_unused_file_wide_and_trailing_line_above() -> None:
    body = "  metrics: [tHandle]\n# aggqlint: disable-file=AQL202\n# aggqlint: disable=AQL203\n"
    diagnostics = lint_text(HEAD + body, "r.yaml")
    assert [(_brief(d), d.message) for d in diagnostics] == [
        ("6:1 AQL007", "suppression of AQL202 is unused: nothing reports it in this file"),
        (
            "7:1 AQL007",
            "suppression of AQL203 is unused: nothing reports it after it (no line follows)",
        ),
    ]


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        (
            "# aggqlint: enable=AQL201",
            "unknown suppression 'enable'; write '# aggqlint: disable=CODE[,CODE] -- reason' "
            "or 'disable-file=CODE'",
        ),
        (
            "# aggqlint: disable-next-line=AQL201",
            "unknown suppression 'disable-next-line'; did you mean 'disable'?",
        ),
        ("# aggqlint: disable", "'disable' needs the codes it silences, e.g. disable=AQL201"),
        ("# aggqlint: disable=", "'disable' needs the codes it silences"),
        (
            "# aggqlint: disable AQL201",
            "unreadable suppression; write '# aggqlint: disable=CODE[,CODE]",
        ),
        (
            "# aggqlint: disable=AQL2O1",
            "suppression names an unknown rule 'AQL2O1'; did you mean 'AQL201'?",
        ),
        ("# aggqlint: disable=AQL2", "suppression names an unknown rule 'AQL2'"),
    ],
)
def test_malformed_directive_is_aql011(comment: str, message: str) -> None:
    diagnostics = lint_text(HEAD + f"  metrics: [tHandle]  {comment}\n", "r.yaml")
    assert [_brief(d) for d in diagnostics] == ["5:23 AQL011"]
    assert diagnostics[0].severity is Severity.WARNING
    assert diagnostics[0].rule == "malformed-suppression"
    assert diagnostics[0].message.startswith(message)


def test_a_bad_code_does_not_stop_the_good_one() -> None:
    body = "  metrics: [handleTime]  # aggqlint: disable=AQL2O1,AQL201\n"
    assert lint(body) == ["5:26 AQL011"]


def test_hash_inside_quotes_and_block_scalars_is_not_a_comment() -> None:
    text = (
        "a: 'x # aggqlint: disable=AQL201'\n"
        'b: "y # aggqlint: disable=AQL201"\n'
        "c: |  # aggqlint: disable=AQL202\n"
        "  # aggqlint: disable=AQL203\n"
        "d: e#f  # real\n"
        "g: 'multi\n"
        "  # still text'\n"
    )
    assert [(c.line, c.column, c.text, c.alone) for c in find_comments(text)] == [
        (3, 7, "# aggqlint: disable=AQL202", False),
        (5, 9, "# real", False),
    ]


def test_quoted_directive_does_not_suppress() -> None:
    body = "  metrics: [handleTime, 'x # aggqlint: disable=AQL201']\n"
    assert lint(body) == ["5:13 AQL201", "5:25 AQL201"]


def test_comments_before_a_syntax_error_are_read() -> None:
    directives, problems = read_directives(
        "# aggqlint: disable-file=AQL001\na: b: c\n# aggqlint: x\n"
    )
    assert [(d.line, d.codes, d.file_wide) for d in directives] == [(1, ("AQL001",), True)]
    assert problems == []  # the line after the error is not trusted


def test_parse_error_can_be_silenced_file_wide() -> None:
    assert lint_text("# aggqlint: disable-file=AQL001\na: b: c\n", "r.yaml") == []


def test_json_files_have_no_suppressions() -> None:
    # JSON has no comments: the would-be suppression is itself the mistake, and silences
    # nothing (AQL001 is not what it names, and it is not reported unused either).
    text = '{"metrics": ["handleTime"]}  # aggqlint: disable=AQL001\n'
    options = LintOptions(endpoint="conversations/aggregates")
    found = [
        (d.location.line, d.location.column, d.code) for d in lint_text(text, "body.json", options)
    ]
    assert found == [(1, 30, "AQL001")]


def test_suppressions_see_diagnostics_the_config_ignores() -> None:
    # The suppression is used (AQL201 fires) even though the policy then drops AQL201.
    body = "  metrics: [handleTime]  # aggqlint: disable=AQL201\n"
    assert lint(body, policy=Policy(ignore=frozenset({"AQL201"}))) == []


def test_unused_warnings_obey_the_policy_and_file_directives() -> None:
    body = "  metrics: [tHandle]  # aggqlint: disable=AQL201\n"
    assert lint(body, policy=Policy(ignore=frozenset({"AQL007"}))) == []
    assert lint(body + "# aggqlint: disable-file=AQL007\n") == []


def test_unused_warning_carries_the_document_of_its_line() -> None:
    text = (
        HEAD
        + "  metrics: [tHandle]\n---\n"
        + HEAD.replace("report: r", "report: s")
        + ("  metrics: [tHandle]  # aggqlint: disable=AQL201\n")
    )
    (unused,) = lint_text(text, "r.yaml")
    assert (unused.code, unused.location.line, unused.location.document) == ("AQL007", 11, 1)


def test_duplicate_report_can_be_suppressed(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text(HEAD + "  metrics: [tHandle]\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text(
        HEAD.replace("report: r", "report: r  # aggqlint: disable=duplicate-report -- a copy")
        + "  metrics: [tHandle]\n",
        encoding="utf-8",
    )
    result = lint_paths([str(tmp_path)], LintOptions())
    assert result.diagnostics == []
    (silenced,) = result.files[1].suppressed
    assert silenced.code == "AQL026"
    assert silenced.data["suppression"] == {"line": 1, "reason": "a copy"}


def test_check_exit_code_counts_only_what_is_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "r.yaml").write_text(
        HEAD + "  metrics: [handleTime]  # aggqlint: disable=AQL201\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["check", "r.yaml"])
    assert (result.exit_code, result.stdout) == (0, "no problems (1 file checked)\n")
    (tmp_path / "r.yaml").write_text(
        HEAD + "  metrics: [tHandle]  # aggqlint: disable=AQL201\n", encoding="utf-8"
    )
    result = CliRunner().invoke(cli, ["check", "r.yaml"])
    assert result.exit_code == 0  # a warning
    assert result.stdout.startswith(
        "r.yaml:5:23: AQL007 warning suppression of AQL201 is unused: "
        "nothing reports it on line 5\n    fix: remove the comment\n"
    )
    assert CliRunner().invoke(cli, ["check", "r.yaml", "--fail-on", "warning"]).exit_code == 1


def test_windows_line_endings() -> None:
    text = (HEAD + "  metrics: [handleTime]  # aggqlint: disable=AQL201 -- why\n").replace(
        "\n", "\r\n"
    )
    assert lint_text(text, "r.yaml") == []
    (directive,), _ = read_directives(text)
    assert (directive.line, directive.codes, directive.target, directive.reason) == (
        5,
        ("AQL201",),
        5,
        "why",
    )

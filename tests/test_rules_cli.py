"""`aggqlint rules`: the listing, one rule explained, JSON, unknown names."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner, Result

from aggqlint.checks.metadata import all_rules
from aggqlint.cli import cli
from aggqlint.config.codes import UnknownRule, lookup, selector


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["rules", *args])


def test_listing_groups_every_rule_by_family() -> None:
    result = invoke()
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "Reading files (input)"
    assert lines[1] == (
        "  AQL001  error    parse-error"
        + " " * (max(len(m.name) for m in all_rules().values()) - len("parse-error"))
        + "  The file is not valid YAML or JSON."
    )
    assert "Endpoints and report definitions (endpoint)" in lines
    for meta in all_rules().values():
        assert sum(line.startswith(f"  {meta.code}  ") for line in lines) == 1
    assert lines[-1] == f"{len(all_rules())} rules; `aggqlint rules CODE` explains one."


def test_listing_puts_a_blank_line_between_families() -> None:
    lines = invoke().stdout.splitlines()
    headings = [i for i, line in enumerate(lines) if line and not line.startswith(" ")][:-1]
    assert len(headings) == len({m.family for m in all_rules().values()})
    assert all(lines[i - 1] == "" for i in headings[1:])


def test_explain_one_rule() -> None:
    result = invoke("AQL002")
    assert result.exit_code == 0
    assert result.stdout == (
        "AQL002 duplicate-key\n"
        "default severity: error; family: input (Reading files)\n"
        "\n"
        "A mapping has the same key twice.\n"
        "\n"
        "Why: YAML loaders keep only the last value without a word, so the first one silently\n"
        "disappears from the request.\n"
        "\n"
        "Bad:\n"
        "    report: queue-daily\n"
        "    endpoint: conversations/aggregates\n"
        "    query:\n"
        "      interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z\n"
        "      metrics: [nOffered]\n"
        "      metrics: [tHandle]\n"
        "\n"
        "Good:\n"
        "    report: queue-daily\n"
        "    endpoint: conversations/aggregates\n"
        "    query:\n"
        "      interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z\n"
        "      metrics: [nOffered, tHandle]\n"
        "\n"
        "Silence it on one line with `# aggqlint: disable=AQL002 -- reason`, or for a\n"
        'whole project with `ignore = ["AQL002"]` under [tool.aggqlint].\n'
    )


def test_explain_shows_the_config_and_arguments_the_examples_need() -> None:
    text = invoke("AQL108").stdout
    assert "Bad:\n    report: today\n    endpoint: conversations/aggregates\n" in text
    assert (
        "Each example is saved as example.yaml, and checked with:\n"
        "    aggqlint check example.yaml --now 2026-11-30T12:00:00Z\n"
    ) in text
    limits = invoke("AQL411").stdout
    assert "Fix:" not in limits
    assert (
        "Fix: unsafe (a fix may change the query's meaning; read it before applying).\n"
        in invoke("AQL601").stdout
    )
    assert (
        'aggqlint.toml:\n    profile = "prod"\n\n    [profiles.prod]\n    max-buckets = 8\n'
        in limits
    )


@pytest.mark.parametrize("name", ["duplicate-key", "aql002", " AQL002 ", "Duplicate-Key"])
def test_explain_by_name_or_any_case(name: str) -> None:
    assert invoke(name).stdout == invoke("AQL002").stdout


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("AQL02", "aggqlint: unknown rule 'AQL02'; did you mean 'AQL002'?"),
        ("AQL0O2", "aggqlint: unknown rule 'AQL0O2'; did you mean 'AQL002'?"),
        ("duplicate-kye", "aggqlint: unknown rule 'duplicate-kye'; did you mean 'duplicate-key'?"),
        ("AQL24", "aggqlint: unknown rule 'AQL24'; did you mean 'AQL024'?"),
        (
            "unknown-metrics",
            "aggqlint: unknown rule 'unknown-metrics'; did you mean 'unknown-metric'?",
        ),
        ("zzzz", "aggqlint: unknown rule 'zzzz' (`aggqlint rules` lists them all)"),
    ],
)
def test_unknown_rule_is_exit_2_with_did_you_mean(name: str, message: str) -> None:
    result = invoke(name)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message)


def test_json_listing_and_single() -> None:
    listing = json.loads(invoke("--format", "json").stdout)
    assert [entry["code"] for entry in listing] == list(all_rules())
    assert listing[0] == {
        "code": "AQL001",
        "name": "parse-error",
        "severity": "error",
        "family": "input",
        "family_title": "Reading files",
        "summary": "The file is not valid YAML or JSON.",
        "why": all_rules()["AQL001"].why,
        "bad": all_rules()["AQL001"].bad,
        "good": all_rules()["AQL001"].good,
        "config": None,
        "filename": "example.yaml",
        "args": [],
        "walk": False,
        "example": "file",
        "example_reason": None,
        "options": {},
        "fixable": False,
    }
    assert listing[0]["bad"].endswith("  metrics: [nOffered, tHandle\n")
    by_code = {entry["code"]: entry for entry in listing}
    assert by_code["AQL108"]["args"] == ["--now", "2026-11-30T12:00:00Z"]
    assert by_code["AQL410"]["config"].startswith('profile = "prod"\n')
    assert (by_code["AQL004"]["example"], by_code["AQL012"]["walk"]) == ("none", True)
    assert by_code["AQL004"]["example_reason"].startswith("a file's bytes are not text")
    assert [by_code[c]["fixable"] for c in ("AQL003", "AQL201", "AQL302")] == [
        "safe",
        "unsafe",
        False,
    ]
    single = json.loads(invoke("unused-suppression", "--format", "json").stdout)
    assert (single["code"], single["severity"]) == ("AQL007", "warning")


def test_rules_through_the_real_cli() -> None:
    from conftest import run_aggqlint

    result = run_aggqlint("rules", "AQL011")
    assert result.returncode == 0
    assert result.stdout.startswith("AQL011 malformed-suppression\ndefault severity: warning;")
    assert run_aggqlint("rules", "nope").returncode == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [("AQL201", "AQL201"), ("aql2", "AQL2"), ("AQL", "AQL"), ("unknown-metric", "AQL201")],
)
def test_selector(text: str, expected: str) -> None:
    assert selector(text) == expected


@pytest.mark.parametrize("text", ["AQL9", "AQL999", "metric", ""])
def test_selector_rejects(text: str) -> None:
    with pytest.raises(UnknownRule):
        selector(text)


def test_lookup_does_not_take_prefixes() -> None:
    with pytest.raises(UnknownRule, match="unknown rule 'AQL2'"):
        lookup("AQL2")

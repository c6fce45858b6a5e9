"""Configuration: discovery, every key, every error, and the command-line overrides."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import aggqlint.config.files as config_module
from aggqlint.checks.engine import LintOptions, exit_code, lint_paths
from aggqlint.cli import cli
from aggqlint.config.files import CliOverrides, ConfigError, load_config, load_policy_factory
from aggqlint.config.globs import Glob
from aggqlint.config.policy import Policy
from aggqlint.diagnostics import Severity

REPO = Path(__file__).resolve().parents[1]

GOOD = """\
report: ok
endpoint: conversations/aggregates
query:
  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
  metrics: [nOffered]
"""

# One unknown metric (AQL201, error) and nothing else.
UNKNOWN_METRIC = GOOD.replace("[nOffered]", "[handleTime]").replace("report: ok", "report: bad")

# A bare body that only a few endpoints fit: needs an endpoint from somewhere.
BARE_OBSERVATION = """\
metrics: [oWaiting]
filter: {type: or, predicates: [{dimension: queueId, value: 3b0c7e36-4c3e-4a8b-9a8e-5f7d2c1b0a9f}]}
"""


def write(root: Path, relative: str, text: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def policy(path: Path, overrides: CliOverrides | None = None, config: Path | None = None) -> Policy:
    return load_policy_factory(config, overrides or CliOverrides())(path)


def codes_for(path: Path, overrides: CliOverrides | None = None) -> list[str]:
    factory = load_policy_factory(None, overrides or CliOverrides())
    result = lint_paths([str(path)], LintOptions(policy_for=factory))
    return [d.code for d in result.diagnostics]


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


# --- discovery -------------------------------------------------------------------------------


def test_no_config_gives_the_default_policy(tmp_path: Path) -> None:
    report = write(tmp_path, "a.yaml", GOOD)
    assert policy(report) == Policy()


def test_nearest_config_wins_and_configs_do_not_merge(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.aggqlint]\nignore = ["AQL201"]\nfail-on = "info"\n')
    write(tmp_path, "team/aggqlint.toml", 'ignore = ["AQL202"]\n')
    top = write(tmp_path, "top.yaml", GOOD)
    nested = write(tmp_path, "team/reports/deep/a.yaml", GOOD)
    assert policy(top).ignore == {"AQL201"}
    assert policy(top).fail_on is Severity.INFO
    assert policy(nested).ignore == {"AQL202"}
    assert policy(nested).fail_on is Severity.ERROR
    assert policy(nested).config == str(tmp_path / "team" / "aggqlint.toml")


def test_aggqlint_toml_comes_before_pyproject_in_one_directory(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.aggqlint]\nignore = ["AQL201"]\n')
    write(tmp_path, "aggqlint.toml", 'ignore = ["AQL202"]\n')
    assert policy(write(tmp_path, "a.yaml", GOOD)).ignore == {"AQL202"}


def test_pyproject_without_the_table_is_skipped(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", '[tool.aggqlint]\nignore = ["AQL201"]\n')
    write(
        tmp_path, "pkg/pyproject.toml", '[project]\nname = "pkg"\n[tool.ruff]\nline-length = 99\n'
    )
    assert policy(write(tmp_path, "pkg/a.yaml", GOOD)).ignore == {"AQL201"}


def test_each_config_file_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(tmp_path, "aggqlint.toml", 'ignore = ["AQL201"]\n')
    files = [write(tmp_path, f"d{i}/r{j}.yaml", GOOD) for i in range(3) for j in range(3)]
    reads: list[Path] = []
    real = config_module.load_config

    def counting(path: Path) -> object:
        reads.append(path)
        return real(path)

    monkeypatch.setattr(config_module, "load_config", counting)
    factory = load_policy_factory(None, CliOverrides())
    assert all(factory(f).ignore == {"AQL201"} for f in files)
    assert reads == [tmp_path / "aggqlint.toml"]


# --- keys ------------------------------------------------------------------------------------


def test_select_and_ignore_take_codes_names_and_prefixes(tmp_path: Path) -> None:
    write(
        tmp_path,
        "aggqlint.toml",
        'select = ["AQL2", "parse-error"]\nignore = ["unknown-field", "aql203"]\n',
    )
    found = policy(write(tmp_path, "a.yaml", GOOD))
    assert found.select == {"AQL2", "AQL001"}
    assert found.ignore == {"AQL200", "AQL203"}
    assert found.enabled("AQL201") and found.enabled("AQL001")
    assert not found.enabled("AQL200") and not found.enabled("AQL024")


def test_ignore_removes_the_diagnostic(tmp_path: Path) -> None:
    report = write(tmp_path, "a.yaml", UNKNOWN_METRIC)
    assert "AQL201" in codes_for(report)
    write(tmp_path, "aggqlint.toml", 'ignore = ["unknown-metric"]\n')
    assert "AQL201" not in codes_for(report)


def test_severity_overrides_with_the_most_specific_entry(tmp_path: Path) -> None:
    write(tmp_path, "aggqlint.toml", '[severity]\nAQL2 = "info"\nAQL201 = "warning"\n')
    report = write(tmp_path, "a.yaml", UNKNOWN_METRIC + "  groupings: [queueId]\n")
    factory = load_policy_factory(None, CliOverrides())
    result = lint_paths([str(report)], LintOptions(policy_for=factory))
    severities = {d.code: d.severity for d in result.diagnostics}
    assert severities["AQL201"] is Severity.WARNING
    assert all(
        s is Severity.INFO for c, s in severities.items() if c.startswith("AQL2") and c != "AQL201"
    )


@pytest.mark.parametrize(
    ("pattern", "path", "matches"),
    [
        ("legacy/**", "legacy/a.yaml", True),
        ("legacy/**", "legacy/x/y/a.yaml", True),
        ("legacy/**", "new/legacy/a.yaml", False),
        ("legacy/", "legacy/x/a.yaml", True),
        ("**/old-*.yaml", "old-a.yaml", True),
        ("**/old-*.yaml", "a/b/old-a.yaml", True),
        ("reports/*.yaml", "reports/a.yaml", True),
        ("reports/*.yaml", "reports/x/a.yaml", False),
        ("*.json", "deep/down/body.json", True),
        ("*.json", "deep/down/body.yaml", False),
        ("r?.yaml", "r1.yaml", True),
        ("r[0-4].yaml", "r5.yaml", False),
        ("r[!0-4].yaml", "r5.yaml", True),
        ("./a.yaml", "a.yaml", True),
    ],
)
def test_glob(pattern: str, path: str, matches: bool) -> None:
    assert Glob(pattern).matches(path) is matches


def test_per_file_ignores_match_relative_to_the_config(tmp_path: Path) -> None:
    write(
        tmp_path,
        "team/aggqlint.toml",
        '[per-file-ignores]\n"legacy/**" = ["AQL201"]\n"*.json" = ["AQL024"]\n',
    )
    legacy = write(tmp_path, "team/legacy/2019/a.yaml", UNKNOWN_METRIC)
    current = write(tmp_path, "team/current/a.yaml", UNKNOWN_METRIC)
    assert policy(legacy).ignore == {"AQL201"}
    assert policy(current).ignore == frozenset()
    assert policy(write(tmp_path, "team/x/b.json", "{}")).ignore == {"AQL024"}
    assert "AQL201" not in codes_for(legacy)
    assert "AQL201" in codes_for(current)


def test_endpoints_map_names_the_endpoint_of_bare_bodies(tmp_path: Path) -> None:
    write(
        tmp_path,
        "aggqlint.toml",
        '[endpoints]\n"bodies/queues/*.yaml" = "/api/v2/analytics/queues/observations/query"\n'
        '"bodies/**" = "conversations/aggregates"\n',
    )
    body = write(tmp_path, "bodies/queues/waiting.yaml", BARE_OBSERVATION)
    other = write(tmp_path, "bodies/x/waiting.yaml", BARE_OBSERVATION)
    elsewhere = write(tmp_path, "waiting.yaml", BARE_OBSERVATION)
    assert policy(body).endpoint == "queues/observations"  # first match wins, name normalised
    assert policy(other).endpoint == "conversations/aggregates"
    assert policy(elsewhere).endpoint is None
    assert codes_for(body) == []  # no AQL024 "inferred": the config said it
    assert "AQL024" in codes_for(elsewhere)
    # checked as conversations/aggregates, as configured: oWaiting is not one of its metrics
    assert "AQL208" in codes_for(other)


def test_fail_on_from_the_config_sets_the_exit_code(tmp_path: Path) -> None:
    report = write(tmp_path, "a.yaml", BARE_OBSERVATION)  # AQL024, an info
    factory = load_policy_factory(None, CliOverrides())
    assert exit_code(lint_paths([str(report)], LintOptions(policy_for=factory))) == 0
    write(tmp_path, "aggqlint.toml", 'fail-on = "info"\n')
    factory = load_policy_factory(None, CliOverrides())
    assert exit_code(lint_paths([str(report)], LintOptions(policy_for=factory))) == 1


SEED_003 = """\
[tool.aggqlint]
profile = "dev"

[tool.aggqlint.profiles.dev]
max-interval = "P1D"

[tool.aggqlint.profiles.prod]
max-interval = "PT4H"
max-buckets = 8

[tool.aggqlint.profiles.prod.endpoints."/api/v2/analytics/conversations/details/query"]
max-interval = "p7d"
"""


def test_profiles_default_and_chosen(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", SEED_003)
    report = write(tmp_path, "r.yaml", GOOD)
    assert policy(report).limits == {"profile": "dev", "max-interval": "P1D"}
    assert policy(report, CliOverrides(profile="prod")).limits == {
        "profile": "prod",
        "max-interval": "PT4H",
        "max-buckets": 8,
        "endpoints": {"conversations/details": {"max-interval": "P7D"}},
    }


def test_no_profile_means_no_limits(tmp_path: Path) -> None:
    write(tmp_path, "pyproject.toml", SEED_003.replace('profile = "dev"\n', ""))
    assert policy(write(tmp_path, "r.yaml", GOOD)).limits == {}


def test_every_toml_block_in_the_configuration_docs_loads(tmp_path: Path) -> None:
    text = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", text, re.S)
    assert len(blocks) >= 2
    for index, block in enumerate(blocks):
        path = write(tmp_path, f"{index}/pyproject.toml", block)
        assert load_config(path) is not None


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            "[tool.aggqlint]\nselekt = []\n",
            "tool.aggqlint.selekt: unknown key; did you mean 'select'?",
        ),
        (
            "[tool.aggqlint]\nper_file_ignores = {}\n",
            "tool.aggqlint.per_file_ignores: unknown key; did you mean 'per-file-ignores'?",
        ),
        (
            "[tool.aggqlint]\nselect = 'AQL2'\n",
            'tool.aggqlint.select: must be a list of rule codes, not a string (write ["AQL2"])',
        ),
        (
            "[tool.aggqlint]\nselect = []\n",
            "tool.aggqlint.select: is empty and would check nothing",
        ),
        (
            "[tool.aggqlint]\nignore = [201]\n",
            "tool.aggqlint.ignore: must be a string, not an integer",
        ),
        (
            "[tool.aggqlint]\nignore = ['AQL2O1']\n",
            "tool.aggqlint.ignore: unknown rule 'AQL2O1'; did you mean 'AQL201'?",
        ),
        ("[tool.aggqlint]\nignore = ['unknown-metrics']\n", "did you mean 'unknown-metric'?"),
        ("[tool.aggqlint]\nignore = ['AQL9']\n", "'AQL9' selects no rule"),
        (
            "[tool.aggqlint.severity]\nAQL201 = 'fatal'\n",
            "tool.aggqlint.severity.AQL201: unknown severity 'fatal'; use error, warning or info",
        ),
        (
            "[tool.aggqlint.severity]\nAQL999 = 'info'\n",
            "tool.aggqlint.severity.AQL999: unknown rule 'AQL999'",
        ),
        (
            "[tool.aggqlint]\nseverity = ['AQL201']\n",
            "tool.aggqlint.severity: must be a table, not an array",
        ),
        (
            "[tool.aggqlint]\nfail-on = 'critical'\n",
            "tool.aggqlint.fail-on: unknown severity 'critical'",
        ),
        (
            "[tool.aggqlint.per-file-ignores]\n'/abs/*.yaml' = ['AQL201']\n",
            "tool.aggqlint.per-file-ignores.\"/abs/*.yaml\": bad glob '/abs/*.yaml': "
            "patterns are relative",
        ),
        (
            "[tool.aggqlint.per-file-ignores]\n'a/[b.yaml' = ['AQL201']\n",
            "bad glob 'a/[b.yaml': '[' without a closing ']'",
        ),
        (
            "[tool.aggqlint.per-file-ignores]\n'a/x**.yaml' = ['AQL201']\n",
            "'**' must be a whole path segment",
        ),
        (
            "[tool.aggqlint.per-file-ignores]\n'../x.yaml' = ['AQL201']\n",
            "'..' cannot reach outside",
        ),
        (
            "[tool.aggqlint.endpoints]\n'b/*.yaml' = 'agents/summary'\n",
            "tool.aggqlint.endpoints.\"b/*.yaml\": unknown endpoint 'agents/summary'",
        ),
        ("[tool.aggqlint.endpoints]\n'b/*.yaml' = 3\n", "must be a string, not an integer"),
        (
            "[tool.aggqlint]\nprofile = 'prod'\n",
            "tool.aggqlint.profile: unknown profile 'prod'; defined: none",
        ),
        (
            "[tool.aggqlint]\nprofile = 'prd'\n[tool.aggqlint.profiles.prod]\nmax-buckets = 8\n",
            "unknown profile 'prd'; did you mean 'prod'?; defined: prod",
        ),
        (
            "[tool.aggqlint.profiles.prod]\nmax-interval = 'four hours'\n",
            "tool.aggqlint.profiles.prod.max-interval: not an ISO 8601 duration",
        ),
        ("[tool.aggqlint.profiles.prod]\nmax-interval = 'PT0S'\n", "'PT0S' is zero"),
        ("[tool.aggqlint.profiles.prod]\nmax-interval = 4\n", "must be a string, not an integer"),
        (
            "[tool.aggqlint.profiles.prod]\nmax-buckets = 0\n",
            "tool.aggqlint.profiles.prod.max-buckets: must be a whole number ≥ 1, not 0",
        ),
        ("[tool.aggqlint.profiles.prod]\nmax-buckets = true\n", "not True"),
        (
            "[tool.aggqlint.profiles.prod]\nmax-bukets = 8\n",
            "tool.aggqlint.profiles.prod.max-bukets: unknown key; did you mean 'max-buckets'?",
        ),
        (
            "[tool.aggqlint.profiles.prod.endpoints.'agents/summary']\nmax-buckets = 8\n",
            "unknown endpoint 'agents/summary'",
        ),
        (
            "[tool.aggqlint.profiles.prod.endpoints.'conversations/aggregates']\nmax-buckts = 8\n",
            'profiles.prod.endpoints."conversations/aggregates".max-buckts: unknown key',
        ),
        (
            "[tool.aggqlint]\nprofiles = 3\n",
            "tool.aggqlint.profiles: must be a table, not an integer",
        ),
        ("[tool]\naggqlint = 3\n", "tool.aggqlint: must be a table"),
        ("[tool.aggqlint\n", "not valid TOML"),
    ],
)
def test_config_errors_name_the_file_and_key(tmp_path: Path, toml: str, message: str) -> None:
    path = write(tmp_path, "pyproject.toml", toml)
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert message in str(caught.value)
    assert str(caught.value).startswith(str(path))


def test_tool_table_in_aggqlint_toml_is_explained(tmp_path: Path) -> None:
    path = write(tmp_path, "aggqlint.toml", "[tool.aggqlint]\nignore = []\n")
    with pytest.raises(ConfigError, match=r"in aggqlint.toml the settings are top-level"):
        load_config(path)


def test_config_error_is_exit_2_on_stderr(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "pyproject.toml", "[tool.aggqlint]\nfail_on = 'warning'\n")
    write(tmp_path, "reports/a.yaml", GOOD)
    result = invoke("check", "reports")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        "aggqlint: pyproject.toml: tool.aggqlint.fail_on: unknown key; did you mean 'fail-on'? "
        "(known: select, ignore, severity, per-file-ignores, endpoints, fail-on, profile, "
        "profiles, exclude, extend-exclude, cache)\n"
    )


def test_bad_config_through_the_real_cli_has_no_traceback(tmp_path: Path) -> None:
    from conftest import run_aggqlint

    write(tmp_path, "aggqlint.toml", "select = ['AQL2'\n")
    write(tmp_path, "a.yaml", GOOD)
    result = run_aggqlint("check", "a.yaml", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("aggqlint: aggqlint.toml: not valid TOML: ")
    assert "Traceback" not in result.stderr


# --- command-line overrides --------------------------------------------------------------------


def test_cli_select_replaces_and_ignore_adds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "aggqlint.toml", 'select = ["AQL0"]\nignore = ["AQL200"]\n')
    write(tmp_path, "a.yaml", UNKNOWN_METRIC + "  groupings: [queueId]\n")
    assert invoke("check", "a.yaml").exit_code == 0  # the config selects input rules only
    result = invoke("check", "a.yaml", "--select", "AQL2")
    assert result.exit_code == 1
    assert "a.yaml:5:13: AQL201 error unknown metric 'handleTime'" in result.stdout
    assert "AQL200" not in result.stdout  # the config's ignore still holds
    result = invoke(
        "check", "a.yaml", "--select", "AQL2", "--ignore", "AQL201,AQL6", "--ignore", "AQL602"
    )
    assert result.exit_code == 0, result.stdout


def test_cli_fail_on_overrides_the_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "aggqlint.toml", 'fail-on = "info"\n')
    write(tmp_path, "body.yaml", BARE_OBSERVATION)
    assert invoke("check", "body.yaml").exit_code == 1
    assert invoke("check", "body.yaml", "--fail-on", "error").exit_code == 0


def test_cli_profile_chooses_and_unknown_lists_known(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "pyproject.toml", SEED_003)
    write(tmp_path, "a.yaml", GOOD)
    result = invoke("check", "a.yaml", "--profile", "staging")
    assert result.exit_code == 2
    assert result.stderr == (
        "aggqlint: --profile: unknown profile 'staging'; pyproject.toml defines: dev, prod\n"
    )
    result = invoke("check", "a.yaml", "--profile", "prd")
    assert "unknown profile 'prd'; did you mean 'prod'?" in result.stderr


def test_cli_profile_without_any_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a.yaml", GOOD)
    result = invoke("check", "a.yaml", "--profile", "prod")
    assert result.exit_code == 2
    assert "no aggqlint config applies to a.yaml, so it has no profile 'prod'" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("--select", "AQL2O1"),
            "aggqlint: --select: unknown rule 'AQL2O1'; did you mean 'AQL201'?\n",
        ),
        (("--ignore", "AQL201,bogus-rule"), "aggqlint: --ignore: unknown rule 'bogus-rule'"),
        (("--config", "missing.toml"), "aggqlint: --config: no such file: missing.toml\n"),
    ],
)
def test_bad_overrides_are_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: tuple[str, ...], message: str
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "a.yaml", GOOD)
    result = invoke("check", "a.yaml", *args)
    assert result.exit_code == 2
    assert result.stderr.startswith(message)


def test_explicit_config_replaces_discovery(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "reports/aggqlint.toml", 'ignore = ["AQL201"]\n')
    write(
        tmp_path,
        "ci/strict.toml",
        '[severity]\nAQL201 = "warning"\n[per-file-ignores]\n"*.yaml" = []\n',
    )
    write(tmp_path, "reports/a.yaml", UNKNOWN_METRIC)
    assert invoke("check", "reports").exit_code == 0
    result = invoke("check", "reports", "--config", "ci/strict.toml")
    assert "reports/a.yaml:5:13: AQL201 warning unknown metric 'handleTime'" in result.stdout
    assert result.exit_code == 0
    assert (
        policy(tmp_path / "reports/a.yaml", config=tmp_path / "ci/strict.toml").config
        == "ci/strict.toml"
    )


def test_explicit_pyproject_needs_the_table(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "pyproject.toml", "[project]\nname = 'x'\n")
    write(tmp_path, "a.yaml", GOOD)
    result = invoke("check", "a.yaml", "--config", "pyproject.toml")
    assert result.exit_code == 2
    assert result.stderr == "aggqlint: pyproject.toml: has no [tool.aggqlint] table\n"


def test_explicit_config_with_unknown_profile_fails_before_checking(tmp_path: Path) -> None:
    path = write(tmp_path, "team.toml", "[profiles.dev]\nmax-interval = 'P1D'\n")
    with pytest.raises(ConfigError, match=r"unknown profile 'prod'; .*team.toml defines: dev"):
        load_policy_factory(path, CliOverrides(profile="prod"))


def test_the_documented_seed_003_profiles_behave_as_documented(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    config = next(b for b in re.findall(r"```toml\n(.*?)```", text, re.S) if "profiles.prod" in b)
    report = next(b for b in re.findall(r"```yaml\n(.*?)```", text, re.S) if "agent-summary" in b)
    monkeypatch.chdir(tmp_path)
    write(tmp_path, "pyproject.toml", config)
    write(tmp_path, "reports/agent-summary.yaml", report)
    now = ("--now", "2026-01-01T00:00:00Z")
    assert invoke("check", "reports", *now).exit_code == 0
    assert invoke("check", "reports", "--profile", "prod", *now).exit_code == 0
    write(tmp_path, "reports/agent-summary.yaml", report.replace("chunk: PT4H\n", ""))
    assert invoke("check", "reports", *now).exit_code == 0  # a day is fine in dev
    result = invoke("check", "reports", "--profile", "prod", *now)
    assert result.exit_code == 1, result.stdout
    assert "prod" in result.stdout  # the limit rules name the profile

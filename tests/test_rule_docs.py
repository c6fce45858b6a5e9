"""docs/rules.md is generated from the rule metadata, and the metadata keeps its contract."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from aggqlint.checks.metadata import all_rules
from aggqlint.output.ruledocs import render_markdown

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / "docs" / "rules.md"
CHECKS = sorted((REPO / "rules" / "checks").glob("*.yaml"))
REGENERATE = "docs/rules.md is stale: run `python tools/generate_rule_docs.py`"


def test_docs_rules_md_is_up_to_date() -> None:
    assert DOCS.read_text(encoding="utf-8") == render_markdown(), REGENERATE


def test_every_rule_has_a_section_and_an_index_row() -> None:
    text = render_markdown()
    for meta in all_rules().values():
        anchor = f"{meta.code} {meta.name}".lower().replace(" ", "-")
        assert f"\n### {meta.code} {meta.name}\n" in text
        assert f"| [{meta.code}](#{anchor}) | {meta.name} | {meta.severity} |" in text


def test_examples_are_fenced_yaml_or_described() -> None:
    text = render_markdown()
    assert (
        "Bad:\n\n```yaml\nreport: queue-daily\nendpoint: conversations/aggregates\nquery:\n"
        "  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z\n  metrics: [nOffered]\n"
        "  metrics: [tHandle]\n```"
    ) in text
    # A rule no file can show describes its input and says why it has no example file.
    assert "Bad: *any input that makes a rule raise*" in text
    assert "No example file: reports a crash inside aggqlint" in text


def test_docs_show_how_an_example_is_checked_and_its_fix() -> None:
    text = render_markdown()
    section = text[text.index("### AQL410 ") : text.index("### AQL411 ")]
    assert "Fix:" not in section  # a profile limit is advice: only you can shorten the range
    unsafe = text[text.index("### AQL601 ") : text.index("### AQL602 ")]
    assert "Fix: unsafe (a fix may change the query's meaning; read it before applying)." in unsafe
    assert (
        "Each example is saved as example.yaml, with the aggqlint.toml below beside it, "
        "and checked with: `aggqlint check example.yaml`."
    ) in section
    assert '```toml\nprofile = "prod"\n\n[profiles.prod]\nmax-interval = "PT4H"\n```' in section
    now = text[text.index("### AQL108 ") : text.index("### AQL110 ")]
    assert "`aggqlint check example.yaml --now 2026-11-30T12:00:00Z`" in now
    assert "Fix:" not in now


def test_generator_check_mode(tmp_path: Path) -> None:
    stale = tmp_path / "rules.md"
    stale.write_text("# old\n", encoding="utf-8")
    tool = [sys.executable, str(REPO / "tools" / "generate_rule_docs.py"), "--out", str(stale)]
    checked = subprocess.run([*tool, "--check"], capture_output=True, text=True, timeout=60)
    assert checked.returncode == 1
    assert "is stale: run `python tools/generate_rule_docs.py`" in checked.stderr
    assert stale.read_text(encoding="utf-8") == "# old\n"
    written = subprocess.run(tool, capture_output=True, text=True, timeout=60)
    assert written.returncode == 0
    assert stale.read_text(encoding="utf-8").startswith("# Rules\n")
    again = subprocess.run([*tool, "--check"], capture_output=True, text=True, timeout=60)
    assert again.returncode == 0


# The metadata contract every family file keeps (rules/checks/<family>.yaml).


def _entries() -> list[tuple[str, dict[str, object]]]:
    out = []
    for path in CHECKS:
        family = yaml.safe_load(path.read_text(encoding="utf-8"))
        out.extend((path.name, entry) for entry in family["rules"])
    return out


REQUIRED = {"code", "name", "severity", "summary", "why", "bad", "good", "fixable"}
# How an example is checked (tests/test_rule_examples.py), or why it cannot be.
OPTIONAL = {"config", "filename", "args", "walk", "example", "example-reason", "options"}


@pytest.mark.parametrize("path", CHECKS, ids=lambda p: p.name)
def test_family_file_shape(path: Path) -> None:
    family = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert family["family"] == path.stem
    assert isinstance(family.get("title"), str) and family["title"]
    assert isinstance(family["rules"], list) and family["rules"]
    for entry in family["rules"]:
        assert REQUIRED <= set(entry) <= REQUIRED | OPTIONAL, entry
        assert entry["fixable"] in (False, "safe", "unsafe"), entry["code"]
        assert (entry.get("example") == "none") == ("example-reason" in entry), entry["code"]
        for option in entry.get("options", []):  # what a config profile sets for the rule
            assert set(option) == {"name", "type", "default", "doc"}, option
        assert re.fullmatch(r"AQL[0-9]{3}", entry["code"]), entry["code"]
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", entry["name"]), entry["name"]
        assert entry["severity"] in ("error", "warning", "info")
        assert all(isinstance(entry[k], str) and entry[k].strip() for k in ("summary", "why"))


def test_codes_and_names_are_unique_across_files() -> None:
    # Names are accepted wherever codes are (config, suppressions), so they must be unique too.
    codes: dict[str, str] = {}
    names: dict[str, str] = {}
    for file, entry in _entries():
        code, name = str(entry["code"]), str(entry["name"])
        assert code not in codes, f"{code} is declared in {codes.get(code)} and {file}"
        assert name not in names, f"rule name {name} is used by {names.get(name)} and {code}"
        codes[code] = file
        names[name] = code

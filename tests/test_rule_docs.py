"""docs/rules.md is generated from the rule metadata, and the metadata keeps its contract."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from aggqlint.ruledocs import render_markdown
from aggqlint.ruleset import all_rules

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
    assert "Bad:\n\n```yaml\nmetrics: [nOffered]\nmetrics: [tHandle]\n```" in text
    assert "Bad: *an empty file*" in text


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


@pytest.mark.parametrize("path", CHECKS, ids=lambda p: p.name)
def test_family_file_shape(path: Path) -> None:
    family = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert family["family"] == path.stem
    assert isinstance(family.get("title"), str) and family["title"]
    assert isinstance(family["rules"], list) and family["rules"]
    for entry in family["rules"]:
        required = {"code", "name", "severity", "summary", "why", "bad", "good"}
        assert required <= set(entry) <= required | {"options"}, entry
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

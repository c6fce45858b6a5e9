"""Rule metadata (rules/checks/*.yaml): code, name, default severity, summary, why, examples."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from aggqlint.data import data_root, load_yaml
from aggqlint.diagnostics import Severity


@dataclass(frozen=True)
class RuleOption:
    """A setting the rule reads from a config profile, as documented beside it."""

    name: str
    type: str
    default: Any
    doc: str


@dataclass(frozen=True)
class RuleMeta:
    code: str
    name: str
    severity: Severity
    family: str
    family_title: str
    summary: str
    why: str
    bad: str
    good: str
    options: tuple[RuleOption, ...] = ()


@functools.cache
def all_rules() -> dict[str, RuleMeta]:
    rules: dict[str, RuleMeta] = {}
    for path in sorted((data_root("rules") / "checks").glob("*.yaml")):
        family = load_yaml("rules", f"checks/{path.name}")
        for entry in family["rules"]:
            rules[entry["code"]] = RuleMeta(
                code=entry["code"],
                name=entry["name"],
                severity=Severity.parse(entry["severity"]),
                family=family["family"],
                family_title=family.get("title", family["family"]),
                summary=entry["summary"],
                why=entry.get("why", ""),
                bad=entry.get("bad", ""),
                good=entry.get("good", ""),
                options=tuple(RuleOption(**option) for option in entry.get("options", [])),
            )
    return dict(sorted(rules.items()))


def rule(code: str) -> RuleMeta:
    """The metadata for a code; an undeclared code is a bug, reported as an internal error."""
    known = all_rules()
    if code in known:
        return known[code]
    return RuleMeta(code, "undeclared", Severity.ERROR, "internal", "internal", code, "", "", "")

"""Rule metadata (rules/checks/*.yaml): code, name, default severity, summary, why, examples.

Each `bad` and `good` is a whole file aggqlint can check; `config` (an aggqlint.toml),
`filename`, `args` (extra `aggqlint check` arguments) and `walk` (found by walking a folder)
say how. A rule no file can show has `example: none` and an `example-reason`.
"""

from __future__ import annotations

import functools
from typing import Any, Literal

from msgspec import Struct

from aggqlint.data import data_root, load_yaml
from aggqlint.diagnostics import Severity

# "safe": every fix keeps the query's meaning; "unsafe": some fix may change it (a guess, a
# restructuring); a rule of either kind may still offer safe fixes for some inputs.
Fixable = Literal[False, "safe", "unsafe"]


class RuleOption(Struct, frozen=True):
    """A setting the rule reads from a config profile, as documented beside it."""

    name: str
    type: str
    default: Any
    doc: str


class RuleMeta(Struct, frozen=True):
    code: str
    name: str
    severity: Severity
    family: str
    family_title: str
    summary: str
    why: str
    bad: str
    good: str
    config: str | None = None  # the text of an aggqlint.toml beside the example file
    filename: str = "example.yaml"  # what the example file is called (.json: read as JSON)
    args: tuple[str, ...] = ()  # extra `aggqlint check` arguments, e.g. --now
    walk: bool = False  # the file is found by `aggqlint check FOLDER`, not named
    no_example_reason: str | None = None  # `example: none`: why no file can show the rule
    fixable: Fixable = False  # the least safe fix the rule offers; False: advice only
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
                config=entry.get("config"),
                filename=entry.get("filename", "example.yaml"),
                args=tuple(entry.get("args", ())),
                walk=bool(entry.get("walk", False)),
                no_example_reason=_no_example_reason(entry),
                fixable=_fixable(entry.get("fixable", False)),
                options=tuple(RuleOption(**option) for option in entry.get("options", [])),
            )
    return dict(sorted(rules.items()))


def _no_example_reason(entry: dict[str, Any]) -> str | None:
    if entry.get("example") != "none":
        return None
    return str(entry["example-reason"])


def _fixable(value: object) -> Fixable:
    if value == "safe":
        return "safe"
    if value == "unsafe":
        return "unsafe"
    return False


def rule(code: str) -> RuleMeta:
    """The metadata for a code; an undeclared code is a bug, reported as an internal error."""
    known = all_rules()
    if code in known:
        return known[code]
    return RuleMeta(code, "undeclared", Severity.ERROR, "internal", "internal", code, "", "", "")

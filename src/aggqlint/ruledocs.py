"""Rules as people name and read them: lookup by code or name, the listing, the docs page.

Everything here is rendered from `ruleset.all_rules()` (rules/checks/*.yaml), so
`aggqlint rules`, docs/rules.md and the config's code validation never disagree.
"""

from __future__ import annotations

import difflib
import re
import textwrap
from collections.abc import Iterable
from typing import Any

from aggqlint.ruleset import RuleMeta, all_rules

WIDTH = 88
_PREFIX = re.compile(r"AQL[0-9]{0,3}")
_DOCS_HEADER = """\
# Rules

<!-- Generated from rules/checks/*.yaml by tools/generate_rule_docs.py; do not edit by hand. -->

aggqlint has {count} rules in {families} families. `aggqlint rules CODE` shows the same text
in a terminal. To select, ignore or re-grade rules, or to silence one on a single line, see
[configuration](configuration.md).
"""


class UnknownRule(ValueError):
    """A code, name or prefix that names no rule; the message carries a did-you-mean."""


def did_you_mean(text: str, candidates: Iterable[str]) -> str:
    """'; did you mean 'x'?' for the closest candidate, or '' when none is close. Of equally
    close ones the first wins (difflib's own pick would be the greatest string: AQL2O1 would
    suggest AQL291 over AQL201)."""
    best, best_score = "", 0.0
    for candidate in candidates:
        score = difflib.SequenceMatcher(None, text, candidate).ratio()
        if score >= 0.6 and score > best_score:
            best, best_score = candidate, score
    return f"; did you mean '{best}'?" if best else ""


def lookup(text: str) -> RuleMeta:
    """The rule with this code (any case) or name; UnknownRule otherwise."""
    key = text.strip()
    rules = all_rules()
    if key.upper() in rules:
        return rules[key.upper()]
    for meta in rules.values():
        if meta.name == key.lower():
            return meta
    typo = _code_typo(key)
    if typo in rules:
        raise UnknownRule(f"unknown rule '{key}'; did you mean '{typo}'?")
    candidates = [*rules, *(meta.name for meta in rules.values())]
    probe = key.upper() if key.upper().startswith("AQL") else key.lower()
    raise UnknownRule(f"unknown rule '{key}'{did_you_mean(probe, candidates)}")


def _code_typo(key: str) -> str | None:
    # The usual slips in a code: a dropped leading zero (AQL24), a letter O for a zero.
    typed = re.fullmatch(r"AQL([0-9OIL]{1,3})", key.upper())
    if typed is None:
        return None
    return "AQL" + typed[1].translate(str.maketrans("OIL", "011")).rjust(3, "0")


def selector(text: str) -> str:
    """A code, a rule name or a code prefix (`AQL2`) as select/ignore take it: the code or
    prefix, upper-case. UnknownRule when it selects no rule."""
    key = text.strip()
    upper = key.upper()
    if _PREFIX.fullmatch(upper) and any(code.startswith(upper) for code in all_rules()):
        return upper
    if _PREFIX.fullmatch(upper) and len(upper) < 6:
        raise UnknownRule(f"'{key}' selects no rule (no code starts with {upper})")
    return lookup(key).code


def families(rules: Iterable[RuleMeta]) -> dict[str, list[RuleMeta]]:
    """Rules grouped by family, families in the order of their lowest code."""
    grouped: dict[str, list[RuleMeta]] = {}
    for meta in sorted(rules, key=lambda m: m.code):
        grouped.setdefault(meta.family, []).append(meta)
    return grouped


def as_dict(meta: RuleMeta) -> dict[str, Any]:
    return {
        "code": meta.code,
        "name": meta.name,
        "severity": str(meta.severity),
        "family": meta.family,
        "family_title": meta.family_title,
        "summary": meta.summary,
        "why": meta.why,
        "bad": meta.bad,
        "good": meta.good,
    }


def render_list(rules: Iterable[RuleMeta]) -> str:
    """The `aggqlint rules` listing: one line per rule under a heading per family."""
    grouped = families(rules)
    if not grouped:
        return "no rules\n"
    name_width = max(len(m.name) for group in grouped.values() for m in group)
    lines: list[str] = []
    for family, group in grouped.items():
        if lines:
            lines.append("")
        lines.append(f"{group[0].family_title} ({family})")
        # One line per rule, unwrapped, so that the listing greps well.
        lines.extend(
            f"  {m.code}  {m.severity!s:<7}  {m.name:<{name_width}}  {_one_line(m.summary)}"
            for m in group
        )
    count = sum(len(group) for group in grouped.values())
    lines += ["", f"{count} rules; `aggqlint rules CODE` explains one."]
    return "\n".join(lines) + "\n"


def render_rule(meta: RuleMeta) -> str:
    """`aggqlint rules CODE`: what the rule checks, why, its default severity and examples."""
    lines = [
        f"{meta.code} {meta.name}",
        f"default severity: {meta.severity}; family: {meta.family} ({meta.family_title})",
        "",
        *textwrap.wrap(meta.summary, WIDTH),
    ]
    if meta.why:
        lines += ["", *textwrap.wrap(f"Why: {meta.why}", WIDTH)]
    for option in meta.options:
        lines += ["", *textwrap.wrap(f"Option {option.name} ({option.type}): {option.doc}", WIDTH)]
    for label, example in (("Bad", meta.bad), ("Good", meta.good)):
        if example.strip():
            lines += ["", f"{label}:", *(f"    {line}" for line in example.rstrip().splitlines())]
    lines += [
        "",
        f"Silence it on one line with `# aggqlint: disable={meta.code} -- reason`, or for a",
        f'whole project with `ignore = ["{meta.code}"]` under [tool.aggqlint].',
    ]
    return "\n".join(lines) + "\n"


def render_markdown() -> str:
    """docs/rules.md: an index table, then every rule with its examples, family by family."""
    grouped = families(all_rules().values())
    count = sum(len(group) for group in grouped.values())
    out = [_DOCS_HEADER.format(count=count, families=len(grouped))]
    out += ["| Code | Name | Severity | Summary |", "| --- | --- | --- | --- |"]
    for group in grouped.values():
        for meta in group:
            summary = _one_line(meta.summary).replace("|", "\\|")
            out.append(
                f"| [{meta.code}](#{_anchor(meta)}) | {meta.name} | {meta.severity} | {summary} |"
            )
    for family, group in grouped.items():
        out += ["", f"## {group[0].family_title}", "", f"Family `{family}`."]
        for meta in group:
            out += [
                "",
                f"### {meta.code} {meta.name}",
                "",
                f"Default severity: **{meta.severity}**.",
            ]
            out += ["", _one_line(meta.summary)]
            if meta.why:
                out += ["", _one_line(meta.why)]
            if meta.options:
                out += ["", "Options (in a config profile):", ""]
                out += [f"- `{o.name}` ({o.type}): {_one_line(o.doc)}" for o in meta.options]
            for label, example in (("Bad", meta.bad), ("Good", meta.good)):
                out += _markdown_example(label, example)
    return "\n".join(out) + "\n"


def _markdown_example(label: str, example: str) -> list[str]:
    text = example.strip()
    if not text:
        return []
    # Some examples describe a file rather than show one: "(an empty file)".
    if "\n" not in text and text.startswith("(") and text.endswith(")"):
        return ["", f"{label}: *{text[1:-1]}*"]
    return ["", f"{label}:", "", "```yaml", example.rstrip(), "```"]


def _anchor(meta: RuleMeta) -> str:
    # GitHub's heading anchors: lower case, spaces to hyphens, most punctuation dropped.
    heading = f"{meta.code} {meta.name}".lower()
    return re.sub(r"[^a-z0-9 _-]", "", heading).replace(" ", "-")


def _one_line(text: str) -> str:
    return " ".join(text.split())

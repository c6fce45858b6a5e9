"""Rules as people read them: the `aggqlint rules` listing and explanations, the docs page.

Everything here is rendered from `ruleset.all_rules()` (rules/checks/*.yaml), so
`aggqlint rules` and docs/rules.md never disagree. Reading codes is aggqlint.config.codes.
"""

from __future__ import annotations

import re
import textwrap
from collections.abc import Iterable
from typing import Any

from aggqlint.checks.metadata import RuleMeta, all_rules

WIDTH = 88
_DOCS_HEADER = """\
# Rules

<!-- Generated from rules/checks/*.yaml by tools/generate_rule_docs.py; do not edit by hand. -->

aggqlint has {count} rules in {families} families. `aggqlint rules CODE` shows the same text
in a terminal. To select, ignore or re-grade rules, or to silence one on a single line, see
[configuration](configuration.md).
"""


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
        "config": meta.config,
        "filename": meta.filename,
        "args": list(meta.args),
        "walk": meta.walk,
        "example": "none" if meta.no_example_reason else "file",
        "example_reason": meta.no_example_reason,
        "options": rule_options(meta),
        "fixable": meta.fixable,
    }


def rule_options(meta: RuleMeta) -> dict[str, Any]:
    """The rule's own options (name -> type, default, meaning), as declared beside it."""
    return {o.name: {"type": o.type, "default": o.default, "doc": o.doc} for o in meta.options}


_FIXES = {
    "safe": "safe (the fix keeps the query's meaning)",
    "unsafe": "unsafe (a fix may change the query's meaning; read it before applying)",
}


def _fix_line(meta: RuleMeta) -> list[str]:
    return [f"Fix: {_FIXES[meta.fixable]}."] if meta.fixable else []


def _how_checked(meta: RuleMeta) -> str | None:
    """The command the examples are checked with, when it is more than `check FILE`."""
    if meta.config is None and not meta.args and not meta.walk and meta.filename == "example.yaml":
        return None
    target = "." if meta.walk else meta.filename
    command = " ".join(["aggqlint check", target, *meta.args])
    found = f"found in the folder as {meta.filename}" if meta.walk else f"saved as {meta.filename}"
    beside = ", with the aggqlint.toml below beside it" if meta.config is not None else ""
    return f"Each example is {found}{beside}, and checked with: {command}"


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
    """`aggqlint rules CODE`: what the rule checks, why, its default severity and examples,
    whole, with the config and arguments they are checked with."""
    lines = [
        f"{meta.code} {meta.name}",
        f"default severity: {meta.severity}; family: {meta.family} ({meta.family_title})",
        "",
        *textwrap.wrap(meta.summary, WIDTH),
    ]
    if meta.why:
        lines += ["", *textwrap.wrap(f"Why: {meta.why}", WIDTH)]
    lines += ["", *_fix_line(meta)] if meta.fixable else []
    for option in meta.options:
        lines += ["", *textwrap.wrap(f"Option {option.name} ({option.type}): {option.doc}", WIDTH)]
    for label, example in (("Bad", meta.bad), ("Good", meta.good)):
        if example.strip():
            lines += ["", f"{label}:", *_indented(example)]
    how = _how_checked(meta)
    if how:
        sentence, command = how.split(": ", 1)
        lines += ["", *textwrap.wrap(f"{sentence}:", WIDTH), f"    {command}"]
    if meta.config is not None:
        lines += ["", "aggqlint.toml:", *_indented(meta.config)]
    if meta.no_example_reason:
        lines += ["", *textwrap.wrap(f"No example file: {meta.no_example_reason}.", WIDTH)]
    lines += [
        "",
        f"Silence it on one line with `# aggqlint: disable={meta.code} -- reason`, or for a",
        f'whole project with `ignore = ["{meta.code}"]` under [tool.aggqlint].',
    ]
    return "\n".join(lines) + "\n"


def _indented(text: str) -> list[str]:
    return [f"    {line}" if line else "" for line in text.rstrip().splitlines()]


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
            out += ["", *_fix_line(meta)] if meta.fixable else []
            if meta.options:
                out += ["", "Options (in a config profile):", ""]
                out += [f"- `{o.name}` ({o.type}): {_one_line(o.doc)}" for o in meta.options]
            for label, example in (("Bad", meta.bad), ("Good", meta.good)):
                out += _markdown_example(label, example)
            how = _how_checked(meta)
            if how:
                sentence, command = how.split(": ", 1)
                out += ["", f"{sentence}: `{command}`."]
            if meta.config is not None:
                out += ["", "aggqlint.toml:", "", "```toml", meta.config.rstrip(), "```"]
            if meta.no_example_reason:
                out += ["", f"No example file: {meta.no_example_reason}."]
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

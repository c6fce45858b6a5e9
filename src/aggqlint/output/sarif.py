"""SARIF 2.1.0, for GitHub code scanning and SARIF viewers.

The rules table is the rule metadata (rules/checks/*.yaml). Regions have a start and an end; a
safe fix travels as SARIF `fixes` (its applicability in the fix's properties), and every
suggestion in the message and in `properties.suggestion`.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePath
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from aggqlint import __version__
from aggqlint.checks.metadata import RuleMeta, all_rules, rule
from aggqlint.diagnostics import Diagnostic, Severity
from aggqlint.fixes.model import Applicability, Fix
from aggqlint.output import Style
from aggqlint.output.text import fix_block

if TYPE_CHECKING:
    from aggqlint.checks.engine import LintResult

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://pypi.org/project/aggqlint/"
SRCROOT = "%SRCROOT%"
SAFE = Applicability.SAFE
LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}


def render(result: LintResult, style: Style) -> str:
    shown = [d for d in result.diagnostics if not style.quiet or d.severity is Severity.ERROR]
    rules = list(all_rules().values())
    # A code with no metadata is a bug elsewhere; it still gets a rule entry so ruleIndex holds.
    known = {meta.code for meta in rules}
    rules.extend(rule(code) for code in sorted({d.code for d in shown} - known))
    index = {meta.code: i for i, meta in enumerate(rules)}
    run = {
        "tool": {
            "driver": {
                "name": "aggqlint",
                "version": __version__,
                "semanticVersion": __version__,
                "informationUri": INFORMATION_URI,
                "rules": [_rule(meta) for meta in rules],
            }
        },
        # Relative URIs are resolved against the directory aggqlint ran in.
        "originalUriBaseIds": {SRCROOT: {"uri": _directory_uri(Path.cwd())}},
        # Columns count characters (Python str indices), not SARIF's default UTF-16 units.
        "columnKind": "unicodeCodePoints",
        "results": [_result(d, index[d.code]) for d in shown],
    }
    log = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(log, indent=2, ensure_ascii=False) + "\n"


def _rule(meta: RuleMeta) -> dict[str, Any]:
    return {
        "id": meta.code,
        "name": meta.name,
        "shortDescription": {"text": meta.summary},
        "fullDescription": {"text": meta.why or meta.summary},
        "help": {"text": _help_text(meta), "markdown": _help_markdown(meta)},
        "defaultConfiguration": {"level": LEVELS[meta.severity]},
        "properties": {"tags": [meta.family]},
    }


def _help_text(meta: RuleMeta) -> str:
    parts = [meta.summary]
    if meta.why:
        parts.append(meta.why)
    if meta.bad:
        parts.append("Bad:\n" + meta.bad.rstrip())
    if meta.good:
        parts.append("Good:\n" + meta.good.rstrip())
    return "\n\n".join(parts)


def _help_markdown(meta: RuleMeta) -> str:
    parts = [meta.summary]
    if meta.why:
        parts.append(meta.why)
    if meta.bad:
        parts.append(f"Bad:\n\n```yaml\n{meta.bad.rstrip()}\n```")
    if meta.good:
        parts.append(f"Good:\n\n```yaml\n{meta.good.rstrip()}\n```")
    return "\n\n".join(parts)


def _result(diagnostic: Diagnostic, rule_index: int) -> dict[str, Any]:
    loc = diagnostic.location
    message = diagnostic.message
    fix = fix_block(diagnostic)
    if fix:
        message = f"{message}\n{fix}"
    physical: dict[str, Any] = {"artifactLocation": artifact_location(loc.file)}
    if loc.line is not None:
        region = {"startLine": loc.line}
        if loc.column is not None:
            region["startColumn"] = loc.column
        if loc.end_line is not None and loc.end_column is not None:
            region["endLine"] = loc.end_line
            region["endColumn"] = loc.end_column
        physical["region"] = region
    properties: dict[str, Any] = {"pointer": loc.pointer, "document": loc.document}
    if diagnostic.suggestion is not None:
        properties["suggestion"] = diagnostic.suggestion
    result: dict[str, Any] = {
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index,
        "level": LEVELS[diagnostic.severity],
        "message": {"text": message},
        "locations": [{"physicalLocation": physical}],
        "properties": properties,
    }
    fix_object = diagnostic.fix
    if fix_object is not None and fix_object.edits and fix_object.applicability is SAFE:
        # Only the safe ones: a SARIF viewer applies a fix with one click, and an unsafe fix
        # is a guess the user should read first (it stays in the message).
        result["fixes"] = [_fix(fix_object, loc.file)]
    return result


def _fix(fix: Fix, file: str) -> dict[str, Any]:
    replacements = [
        {
            "deletedRegion": {
                "startLine": edit.start.line,
                "startColumn": edit.start.column,
                "endLine": edit.end.line,
                "endColumn": edit.end.column,
            },
            "insertedContent": {"text": edit.content},
        }
        for edit in fix.edits
    ]
    return {
        "description": {"text": fix.message},
        "artifactChanges": [
            {"artifactLocation": artifact_location(file), "replacements": replacements}
        ],
        "properties": {"applicability": str(fix.applicability)},
    }


def _directory_uri(path: Path) -> str:
    uri = path.as_uri()
    return uri if uri.endswith("/") else uri + "/"  # SARIF wants base URIs to end in '/'


def artifact_location(file: str) -> dict[str, str]:
    path = PurePath(file)
    if path.is_absolute():  # outside the working directory: no base to be relative to
        return {"uri": Path(file).as_uri()}
    return {"uri": quote(path.as_posix(), safe="/"), "uriBaseId": SRCROOT}

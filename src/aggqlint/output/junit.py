"""JUnit XML: one test case per checked file, so CI test-report views list the report definitions.

A file fails when it makes the exit code 1: a diagnostic at or above its fail-on severity
(--fail-on, else the config's, else error). Its <failure> lists the file's diagnostics in the
text format; a file that passes shows any it has (warnings, say) in <system-out>.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from aggqlint.diagnostics import Diagnostic, Severity
from aggqlint.output import Style
from aggqlint.output.text import fix_block, format_line

if TYPE_CHECKING:
    from aggqlint.checks.engine import LintResult

# Characters XML 1.0 cannot hold even escaped; a message quoting such a value from the input
# would otherwise make the whole report unreadable.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def render(result: LintResult, style: Style) -> str:
    failures = 0
    suite = ET.Element("testsuite")
    for checked in result.files:
        case = ET.SubElement(suite, "testcase", classname="aggqlint", name=_xml(checked.path))
        shown = [d for d in checked.diagnostics if not style.quiet or d.severity is Severity.ERROR]
        body = _xml("\n".join(_lines(shown))) if shown else None
        # The verdict counts every diagnostic, as the exit code does; --quiet only hides lines.
        if any(d.severity >= checked.policy.fail_on for d in checked.diagnostics):
            failures += 1
            message = count_phrase(checked.diagnostics)
            ET.SubElement(case, "failure", message=message).text = body
        elif body:
            ET.SubElement(case, "system-out").text = body
    counts = {
        "tests": str(len(result.files)),
        "failures": str(failures),
        "errors": "0",  # JUnit's errors are crashes of a test; aggqlint reports those as AQL009
    }
    suite.attrib = {"name": "aggqlint", **counts, "skipped": "0"}
    root = ET.Element("testsuites", {"name": "aggqlint", **counts})
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def _lines(diagnostics: list[Diagnostic]) -> list[str]:
    lines = []
    for diagnostic in diagnostics:
        lines.append(format_line(diagnostic, Style()))
        fix = fix_block(diagnostic)
        if fix:
            lines.extend(f"    {line}" for line in fix.splitlines())
    return lines


def count_phrase(diagnostics: list[Diagnostic]) -> str:
    parts = []
    for severity in (Severity.ERROR, Severity.WARNING, Severity.INFO):
        n = sum(1 for d in diagnostics if d.severity is severity)
        if n:
            parts.append(f"{n} {severity}{'s' if n != 1 else ''}")
    return ", ".join(parts)


def _xml(text: str) -> str:
    return _NOT_XML.sub(lambda m: f"\\x{ord(m.group()):02x}", text)

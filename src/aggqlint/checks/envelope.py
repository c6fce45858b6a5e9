"""The report definition around a body (report, endpoint, query, windows, chunk): checked
against schemas/report.schema.json, every problem one AQL025 in the keyword rules' words."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from msgspec.structs import replace

from aggqlint.checks.registry import CRASH, rule
from aggqlint.diagnostics import Finding


@rule("AQL025", scope="envelope")
def envelope_shape(document: dict[str, Any]) -> Iterator[Finding]:
    from aggqlint.checks.schema import check_envelope

    for finding in check_envelope(document):
        # A keyword rule that failed stays AQL009, naming that rule.
        yield finding if finding.code == CRASH else replace(finding, code="AQL025", data={})

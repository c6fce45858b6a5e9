"""Shapes real queries had when the server accepted them: warnings at most, never an error.

A false alarm on a query the server takes costs more trust than a missed warning.
"""

from __future__ import annotations

from datetime import UTC, datetime

from aggqlint.checks.engine import LintOptions, lint_text

ACCEPTED = """\
report: prod-shaped
endpoint: conversations/details
query:
  interval: 2026-11-02T00:00:00/2026-11-03T00:00:00
  order: DESC
  paging: {pageSize: "100", pageNumber: "3"}
  segmentFilters:
    - type: AND
      predicates:
        - {type: DIMENSION, dimension: mediaType, operator: MATCHES, value: voice}
"""


def test_accepted_shapes_only_warn() -> None:
    diagnostics = lint_text(
        ACCEPTED, "prod.yaml", LintOptions(now=datetime(2026, 11, 23, tzinfo=UTC))
    )
    assert [(d.code, d.severity.name, d.location.line) for d in diagnostics] == [
        ("AQL105", "WARNING", 4),  # naive timestamps
        ("AQL207", "WARNING", 5),  # DESC
        ("AQL205", "WARNING", 6),  # pageSize as a string
        ("AQL205", "WARNING", 6),  # pageNumber as a string
        ("AQL207", "WARNING", 8),  # AND
        ("AQL207", "WARNING", 10),  # DIMENSION
        ("AQL207", "WARNING", 10),  # MATCHES
    ]

"""The Python API for code that builds queries at run time."""

from __future__ import annotations

import subprocess
import sys

import pytest
from conftest import SRC

import aggqlint


def test_lint_payload_returns_pointed_diagnostics() -> None:
    body = {"interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z", "metrics": ["handleTime"]}
    [diagnostic] = aggqlint.lint_payload(body, "conversations/aggregates")
    assert diagnostic.code == "AQL201"
    assert diagnostic.location.pointer == "/metrics/0"
    assert diagnostic.location.line is None
    assert diagnostic.suggestion == "tHandle"


def test_lint_payload_accepts_a_full_path() -> None:
    body = {"interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z", "metrics": ["nOffered"]}
    assert aggqlint.lint_payload(body, "/api/v2/analytics/conversations/aggregates/query") == []


def test_lint_payload_rejects_an_unknown_endpoint() -> None:
    with pytest.raises(ValueError, match="unknown endpoint"):
        aggqlint.lint_payload({}, "nope/aggregates")


def test_lint_text_locates() -> None:
    text = "report: r\nendpoint: users/aggregates\nquery:\n  metrics: [tHandle]\n"
    codes = [
        (d.code, d.location.line, d.location.column) for d in aggqlint.lint_text(text, "r.yaml")
    ]
    assert ("AQL203", 4, 3) in codes  # interval is required
    assert ("AQL208", 4, 13) in codes  # tHandle is a conversations/aggregates metric


def test_the_api_does_not_import_click() -> None:
    code = (
        "import sys, aggqlint; aggqlint.lint_payload({'metrics': ['nOffered']}, "
        "'conversations/aggregates'); print('click' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env={"PYTHONPATH": str(SRC)}, capture_output=True, text=True
    )
    assert result.stdout.strip() == "False", result.stderr

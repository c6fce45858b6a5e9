"""What the configuration decides for one file: which rules, how severe, with what limits."""

from __future__ import annotations

from typing import Any

from msgspec import Struct, field

from aggqlint.diagnostics import Diagnostic, Severity


class Policy(Struct, frozen=True):
    select: frozenset[str] = frozenset()  # codes or code prefixes; empty means all
    ignore: frozenset[str] = frozenset()
    severity: dict[str, Severity] = field(default_factory=dict)  # code -> severity override
    endpoint: str | None = None  # endpoint for bare bodies in this file (glob map or --endpoint)
    limits: dict[str, Any] = field(default_factory=dict)  # the profile's limits
    fail_on: Severity = Severity.ERROR
    config: str | None = None  # the config file that decided this policy, as displayed

    def enabled(self, code: str) -> bool:
        if not self.select and not self.ignore:
            return True  # the usual case, asked once per rule and document
        if self.select and not any(code.startswith(prefix) for prefix in self.select):
            return False
        return not any(code.startswith(prefix) for prefix in self.ignore)

    def apply(self, diagnostics: list[Diagnostic]) -> list[Diagnostic]:
        kept = []
        for diagnostic in diagnostics:
            if not self.enabled(diagnostic.code):
                continue
            override = self.severity_for(diagnostic.code)
            kept.append(diagnostic.with_severity(override) if override else diagnostic)
        return kept

    def severity_for(self, code: str) -> Severity | None:
        """The configured severity for a code; the most specific entry wins (AQL201 over AQL2)."""
        matches = [prefix for prefix in self.severity if code.startswith(prefix)]
        return self.severity[max(matches, key=len)] if matches else None


def limit_for(limits: dict[str, Any], endpoint: str, key: str) -> Any:
    """A profile limit for one endpoint: its own `endpoints.<name>.<key>`, else the profile's
    `<key>`, else None (no limit)."""
    per_endpoint = limits.get("endpoints", {}).get(endpoint, {})
    if key in per_endpoint:
        return per_endpoint[key]
    return limits.get(key)

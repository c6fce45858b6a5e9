"""Every check as a registered unit: the codes it may report, declared where it is written.

A unit is a function decorated with `@rule("AQL105")` (several codes only where one analysis
decides between them). The engine asks the registry which units to run for a file: a unit
whose codes the config all disables is never called, a unit that raises becomes one AQL009
naming it while the others still run, and a finding with a code its unit did not declare is
an internal error, never a silent new code.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from msgspec import Struct

from aggqlint.diagnostics import Finding

# Where a unit runs: on a request body's RuleContext, on a whole document (secrets), as a
# handler of one JSON Schema keyword (the schema layer), or inside the engine and loader
# (input, endpoint and envelope codes: declared here so the registry knows every code).
SCOPES = ("body", "document", "envelope", "schema", "engine")

# The modules whose units make up the registry, imported when it is first asked.
MODULES = (
    "aggqlint.checks.loader",
    "aggqlint.checks.schema_keywords",
    "aggqlint.checks.envelope",
    "aggqlint.checks.time",
    "aggqlint.checks.filters",
    "aggqlint.checks.limits",
    "aggqlint.checks.metrics",
    "aggqlint.checks.secrets",
)

CRASH = "AQL009"

Enabled = Callable[[str], bool]


class Option(Struct, frozen=True):
    """A per-rule setting read from a config profile (yamllint's CONF), e.g. max-interval:
    declared beside its rule, parsed and validated once by the config, generically."""

    name: str
    kind: str  # "duration" (a non-zero ISO 8601 duration) or "count" (a whole number >= 1)
    default: Any  # None: no limit unless a profile sets one
    doc: str

    def parse(self, value: Any) -> Any:
        """The value as rules read it (durations canonical: P7D, PT4H); ValueError, in our
        words, for a value of the wrong type or out of range."""
        if self.kind == "duration":
            from aggqlint.api.isotime import parse_duration

            if not isinstance(value, str):
                raise TypeError("a string")
            try:
                duration = parse_duration(value)
            except ValueError as err:
                raise ValueError(f"not an ISO 8601 duration: {err}") from None
            if duration.is_zero:
                raise ValueError(f"'{value}' is zero; a limit must be longer")
            return str(duration)
        if self.kind == "count":
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"must be a whole number ≥ 1, not {value!r}")
            return value
        raise AssertionError(f"option {self.name}: unknown kind {self.kind!r}")


class Unit(Struct, frozen=True, eq=False):
    codes: tuple[str, ...]
    scope: str
    check: Callable[[Any], Iterable[Finding]]
    options: tuple[Option, ...] = ()
    # Codes another unit owns that this one may also report, because it calls that unit's
    # message writer (a metric written as an object is also an unknown metric).
    borrows: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()  # schema scope: the JSON Schema keywords it explains

    @property
    def reports(self) -> tuple[str, ...]:
        return self.codes + self.borrows

    @property
    def family(self) -> str:
        """The family of its codes' metadata (a schema keyword's AQL303 is a filters rule)."""
        from aggqlint.checks.metadata import rule as meta

        return meta(self.codes[0]).family

    @property
    def key(self) -> str:
        """How messages and tests name the unit: its module and function."""
        return f"{self.check.__module__}.{self.check.__qualname__}"

    def label(self) -> str:
        """'AQL105 (interval-without-offset)': the codes with their metadata names."""
        from aggqlint.checks.metadata import rule as meta

        return ", ".join(f"{code} ({meta(code).name})" for code in self.codes or self.borrows)


_UNITS: list[Unit] = []
_LOADED = False


def rule(
    *codes: str,
    scope: str = "body",
    options: tuple[Option, ...] = (),
    borrows: tuple[str, ...] = (),
    keywords: tuple[str, ...] = (),
) -> Callable[[Callable[[Any], Iterable[Finding]]], Callable[[Any], Iterable[Finding]]]:
    """Register the decorated check as the unit that owns these codes."""
    assert scope in SCOPES and (codes or borrows), (codes, scope)

    def register(check: Callable[[Any], Iterable[Finding]]) -> Callable[[Any], Iterable[Finding]]:
        _UNITS.append(Unit(tuple(codes), scope, check, options, borrows, keywords))
        return check

    return register


def declare(*codes: str) -> None:
    """Codes the engine or loader reports itself (AQL0xx): registered with no check to run."""
    _UNITS.append(Unit(tuple(codes), "engine", _never))


def _never(_: Any) -> Iterable[Finding]:
    return ()


def units(scope: str | None = None, module: str | None = None) -> list[Unit]:
    _load()
    key = (scope, module)
    cached = _SELECTIONS.get(key)
    if cached is None or cached[0] is not _UNITS:  # asked every document: worked out once
        chosen = [
            u
            for u in _UNITS
            if (scope is None or u.scope == scope)
            and (module is None or u.check.__module__ == module)
        ]
        cached = _SELECTIONS[key] = (_UNITS, chosen)
    return cached[1]


_SELECTIONS: dict[tuple[str | None, str | None], tuple[list[Unit], list[Unit]]] = {}


def _load() -> None:
    global _LOADED
    if not _LOADED:
        _LOADED = True
        for name in MODULES:
            importlib.import_module(name)


def options() -> dict[str, Option]:
    """Every rule's options by name (a name means the same to every rule that takes it)."""
    return {option.name: option for unit in units() for option in unit.options}


def registered_codes() -> dict[str, list[Unit]]:
    """code -> the units that own it (one each, the registry test holds)."""
    found: dict[str, list[Unit]] = {}
    for unit in units():
        for code in unit.codes:
            found.setdefault(code, []).append(unit)
    return found


def unit_for(code: str) -> Unit | None:
    owners = registered_codes().get(code, [])
    return owners[0] if owners else None


def runs(unit: Unit, enabled: Enabled | None) -> bool:
    """Whether the config leaves any of the unit's codes on (select/ignore, before running)."""
    return enabled is None or any(enabled(code) for code in unit.reports)


def run(
    selected: Iterable[Unit], argument: Any, enabled: Enabled | None = None
) -> Iterator[Finding]:
    """Each unit's findings in turn; a failing unit yields one AQL009 and the rest still run."""
    for unit in selected:
        if enabled is not None and not runs(unit, enabled):
            continue
        # guarded(), written out: this loop runs for every rule of every document.
        try:
            for finding in unit.check(argument):
                declared = finding.code in unit.reports or finding.code == CRASH
                yield finding if declared else undeclared(unit, finding)
        except Exception as exc:  # a broken rule is a diagnostic, never a crash
            yield crashed(unit, exc)


def guarded(unit: Unit, produce: Callable[[], Iterable[Finding]]) -> Iterator[Finding]:
    """The findings produce() gives for unit: what it found before a crash, then AQL009."""
    try:
        for finding in produce():
            # AQL009 passes: a unit that runs others (the envelope's schema) relays their crash.
            declared = finding.code in unit.reports or finding.code == CRASH
            yield finding if declared else undeclared(unit, finding)
    except Exception as exc:  # a broken rule is a diagnostic, never a crash
        yield crashed(unit, exc)


def crashed(unit: Unit, exc: BaseException) -> Finding:
    return Finding(
        CRASH,
        "",
        f"rule {unit.label()} failed on this document ({type(exc).__name__}: {exc}); "
        "other checks still ran",
        data={"rule": unit.key},
    )


def undeclared(unit: Unit, finding: Finding) -> Finding:
    return Finding(
        CRASH,
        finding.pointer,
        f"rule {unit.label()} reported {finding.code}, a code it does not declare; "
        "this is a bug in aggqlint",
        data={"rule": unit.key},
    )

"""The rule registry: every code has one owner and metadata, each rule runs on its own (a crash
is one AQL009 naming it, the file's other findings unchanged), select/ignore skip rules before
they run, and per-rule options are declared once and documented."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from msgspec.structs import replace

from aggqlint.checks import filters, registry, schema
from aggqlint.checks.context import RuleContext
from aggqlint.checks.engine import LintOptions, lint_payload, lint_text
from aggqlint.checks.metadata import all_rules
from aggqlint.config.policy import Policy
from aggqlint.diagnostics import Diagnostic, Finding

NOW = datetime(2024, 1, 1, tzinfo=UTC)
JWT = (
    "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0."
    "dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"
)
# One file with findings of every family: a secret, the envelope, time, metrics, the schema's
# keyword rules (an unknown metric, an invented field), filters and limits.
EVERY_FAMILY = f"""\
report: r
endpoint: conversations/aggregates
description: "token: Bearer {JWT}"
windos: [x]
query:
  interval: 2023-10-01T00:00:00/2023-10-02T00:00:00
  granularity: PT1H
  metrics: [nOffered, nOffered, handleTime]
  groupBys: [queueId]
  filter: {{type: and, predicates: [{{dimension: queueId, value: support}}]}}
---
report: d
endpoint: conversations/details
query:
  interval: 2023-10-01T00:00:00Z/2023-10-02T00:00:00Z
  paging: {{pageSize: 0, pageNumber: 1}}
"""
EXPECTED = [
    (3, 14, "AQL702"),
    (4, 1, "AQL025"),
    (6, 13, "AQL105"),
    (8, 23, "AQL502"),
    (8, 33, "AQL201"),
    (9, 3, "AQL602"),
    (10, 64, "AQL308"),
    (16, 22, "AQL405"),
]


def run(text: str = EVERY_FAMILY, policy: Policy | None = None) -> list[Diagnostic]:
    return lint_text(text, "x.yaml", LintOptions(now=NOW), policy or Policy())


def shown(diagnostics: list[Diagnostic]) -> list[tuple[int | None, int | None, str, str]]:
    return [(d.location.line, d.location.column, d.code, d.message) for d in diagnostics]


def test_the_file_shows_every_family() -> None:
    assert [(d.location.line, d.location.column, d.code) for d in run()] == EXPECTED


# --- registry and metadata ----------------------------------------------------------------


def test_every_metadata_code_has_exactly_one_owner() -> None:
    owners = registry.registered_codes()
    assert sorted(owners) == sorted(all_rules())
    shared = {code: [u.key for u in units] for code, units in owners.items() if len(units) > 1}
    assert shared == {}


def test_every_code_a_unit_reports_has_metadata() -> None:
    known = set(all_rules())
    for unit in registry.units():
        assert set(unit.reports) <= known, unit.key
        assert not set(unit.borrows) & set(unit.codes), unit.key


def test_engine_codes_are_declared_not_run() -> None:
    engine = {code for unit in registry.units("engine") for code in unit.codes}
    assert {"AQL001", "AQL009", "AQL020", "AQL026"} <= engine
    assert all(list(unit.check({})) == [] for unit in registry.units("engine"))


def test_schema_findings_belong_to_their_families() -> None:
    assert registry.unit_for("AQL303") is registry.unit_for("AQL310")
    shape = registry.unit_for("AQL310")
    assert shape is not None and shape.family == "filters" and shape.scope == "schema"
    invented = registry.unit_for("AQL602")
    assert invented is not None and invented.family == "shapes"
    assert "additionalProperties" in invented.keywords
    assert registry.unit_for("AQL200") is not invented


def test_every_keyword_a_shipped_schema_uses_has_a_rule() -> None:
    keywords = {k for unit in registry.units("schema") for k in unit.keywords}
    assert {"additionalProperties", "required", "enum", "type", "minItems", "*"} <= keywords


def test_options_are_documented_as_declared() -> None:
    declared = {
        (code, o.name, o.kind, o.default, o.doc)
        for unit in registry.units()
        for o in unit.options
        for code in unit.codes
    }
    documented = {
        (meta.code, o.name, o.type, o.default, o.doc)
        for meta in all_rules().values()
        for o in meta.options
    }
    assert declared == documented
    assert {name for _, name, *_ in declared} == {"max-interval", "max-buckets"}


@pytest.mark.parametrize(
    ("name", "value", "parsed"),
    [("max-interval", "P7D", "P7D"), ("max-interval", "pt4h", "PT4H"), ("max-buckets", 8, 8)],
)
def test_an_option_parses_to_what_rules_read(name: str, value: Any, parsed: Any) -> None:
    assert registry.options()[name].parse(value) == parsed


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("max-interval", "P0D", "'P0D' is zero; a limit must be longer"),
        ("max-interval", "a week", "not an ISO 8601 duration"),
        ("max-buckets", 0, "must be a whole number ≥ 1, not 0"),
        ("max-buckets", True, "must be a whole number ≥ 1, not True"),
    ],
)
def test_an_option_refuses_a_bad_value(name: str, value: Any, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        registry.options()[name].parse(value)
    assert str(caught.value).startswith(message)


# --- one crash is one rule's --------------------------------------------------------------


def _boom(*_: Any, **__: Any) -> Any:
    raise RuntimeError("injected")


def _swap(monkeypatch: pytest.MonkeyPatch, code: str, check: Any) -> registry.Unit:
    """Run check instead of the unit owning code, wherever the engine calls it from."""
    unit = registry.unit_for(code)
    assert unit is not None
    check.__module__, check.__qualname__ = unit.check.__module__, unit.check.__qualname__
    swapped = [replace(u, check=check) if u is unit else u for u in registry.units()]
    monkeypatch.setattr(registry, "_UNITS", swapped)
    schema._keyword_units.cache_clear()
    return unit


def _break(monkeypatch: pytest.MonkeyPatch, code: str) -> registry.Unit:
    """Make the unit owning code raise when it runs."""

    def broken(_: Any) -> Iterator[Finding]:
        raise RuntimeError("injected")

    return _swap(monkeypatch, code, broken)


def _spy(monkeypatch: pytest.MonkeyPatch, code: str) -> list[Any]:
    """What the unit owning code is called with."""
    calls: list[Any] = []
    real = registry.unit_for(code)
    assert real is not None
    check = real.check

    def spy(argument: Any) -> Any:
        calls.append(argument)
        return check(argument)

    _swap(monkeypatch, code, spy)
    return calls


@pytest.fixture(autouse=True)
def _fresh_keyword_table() -> Iterator[None]:
    yield
    schema._keyword_units.cache_clear()


# One rule of each family, the schema layer's keyword rules and the envelope's.
CRASHES = ["AQL105", "AQL111", "AQL308", "AQL405", "AQL502", "AQL702", "AQL602", "AQL201", "AQL025"]


@pytest.mark.parametrize("code", CRASHES)
def test_a_crash_in_one_rule_loses_only_that_rule(
    monkeypatch: pytest.MonkeyPatch, code: str
) -> None:
    before = run()
    unit = _break(monkeypatch, code)
    after = run()
    lost = set(unit.reports)
    assert [d for d in shown(after) if d[2] != "AQL009"] == [
        d for d in shown(before) if d[2] not in lost
    ]
    crashes = [d for d in after if d.code == "AQL009"]
    assert crashes  # one in each document the rule ran on
    assert f"{code} ({all_rules()[code].name})" in unit.label()
    for crash in crashes:
        assert crash.message == (
            f"rule {unit.label()} failed on this document (RuntimeError: injected); "
            "other checks still ran"
        )
        assert crash.data["rule"] == unit.key


def test_a_crash_in_a_keyword_rule_of_the_envelope_names_that_rule(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    unit = _break(monkeypatch, "AQL200")
    found = [(d.location.line, d.code, d.message) for d in run()]
    assert (
        1,
        "AQL009",
        f"rule {unit.label()} failed on this document (RuntimeError: "
        "injected); other checks still ran",
    ) in found
    assert "AQL025" not in [code for _, code, _ in found]  # 'windos' was its to explain
    assert "AQL602" in [code for _, code, _ in found]


def test_a_failing_validator_is_one_finding_not_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    model = schema._model_for(next(iter(_endpoints())))
    monkeypatch.setattr(type(model.validator), "errors", _boom)
    found = [d.code for d in run()]
    assert "AQL009" in found
    assert {"AQL105", "AQL502", "AQL308", "AQL702", "AQL405"} <= set(found)


def _endpoints() -> Iterator[Any]:
    from aggqlint.api.endpoints import all_endpoints

    yield all_endpoints()["conversations/aggregates"]


def test_a_failing_schema_adapter_is_one_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(schema, "_scan", _boom)  # the first step for every body
    found = [(d.location.line, d.code, d.message) for d in run()]
    failed = "the schema check failed on this document (RuntimeError: injected); "
    # At each body (where the query mapping starts), and every rule still ran.
    assert [line for line, code, message in found if code == "AQL009"] == [6, 15]
    assert all(m == failed + "other checks still ran" for _, c, m in found if c == "AQL009")
    assert {"AQL105", "AQL502", "AQL308", "AQL702", "AQL405", "AQL025"} <= {c for _, c, _ in found}


def test_a_failing_definition_reader_is_one_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    import aggqlint.checks.engine

    # The engine imports the reader where it reads a definition (not at its own import).
    monkeypatch.setattr(aggqlint.loading.definition, "read_definition", _boom)
    found = [(d.code, d.message) for d in run()]
    assert [code for code, _ in found].count("AQL009") == 2  # one per document
    assert found[0][1].startswith("rule AQL020 (")
    assert ("AQL702", found[1][1]) in found  # the secret is still found


def test_a_finding_with_an_undeclared_code_is_an_internal_error() -> None:
    @registry.rule("AQL999")
    def stray(_: Any) -> Iterator[Finding]:
        yield Finding("AQL105", "/interval", "not mine")

    unit = registry._UNITS.pop()  # never part of a real run
    assert unit.check is stray
    [finding] = list(registry.run([unit], None))
    assert finding.code == "AQL009"
    assert "reported AQL105, a code it does not declare" in finding.message


# --- select and ignore run nothing they leave out -----------------------------------------


def test_an_ignored_rule_is_never_called(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _spy(monkeypatch, "AQL105")
    found = [d.code for d in run(policy=Policy(ignore=frozenset({"AQL105"})))]
    assert calls == [] and "AQL105" not in found and "AQL502" in found
    run()
    assert len(calls) == 2  # one context per document


def test_select_runs_only_the_selected_family(monkeypatch: pytest.MonkeyPatch) -> None:
    spies = {code: _spy(monkeypatch, code) for code in ("AQL502", "AQL702", "AQL201", "AQL308")}
    found = {d.code for d in run(policy=Policy(select=frozenset({"AQL1"})))}
    assert found == {"AQL105"}
    assert all(calls == [] for calls in spies.values())


def test_ignoring_a_schema_code_skips_its_keyword_rule(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = _spy(monkeypatch, "AQL602")
    found = [d.code for d in run(policy=Policy(ignore=frozenset({"AQL6"})))]
    assert "AQL602" not in found and "AQL201" in found
    # Only the envelope's check ran it (its findings are AQL025s, which are on).
    assert calls and all(call.endpoint is None for call in calls)


def test_a_suppression_of_an_ignored_code_is_not_unused() -> None:
    text = EVERY_FAMILY.replace(
        "2023-10-02T00:00:00\n", "2023-10-02T00:00:00  # aggqlint: disable=AQL105\n", 1
    )
    assert "AQL007" not in [d.code for d in run(text)]
    assert "AQL007" not in [d.code for d in run(text, Policy(ignore=frozenset({"AQL105"})))]
    stale = text.replace("T00:00:00/", "T00:00:00Z/").replace("T00:00:00  #", "T00:00:00Z  #")
    assert "AQL007" in [d.code for d in run(stale)]


def test_a_payload_runs_every_rule() -> None:
    body = {"interval": "2023-10-01T00:00:00/2023-10-02T00:00:00", "metrics": ["nOffered"] * 2}
    codes = [d.code for d in lint_payload(body, "conversations/aggregates", now=NOW)]
    assert codes == ["AQL105", "AQL502"]


def _count(monkeypatch: pytest.MonkeyPatch, module: Any, name: str) -> list[Any]:
    calls: list[Any] = []
    real = getattr(module, name)

    def counted(*args: Any) -> Any:
        calls.append(args)
        return real(*args)

    monkeypatch.setattr(module, name, counted)
    return calls


def test_shared_analysis_is_computed_once_per_context(monkeypatch: pytest.MonkeyPatch) -> None:
    from aggqlint.api import timespans
    from aggqlint.api.endpoints import all_endpoints

    calls = _count(monkeypatch, timespans, "spans")
    walks = _count(monkeypatch, filters, "_filters")

    body = {
        "interval": "2023-10-01T00:00:00Z/2023-10-02T00:00:00Z",
        "granularity": "PT1H",
        "metrics": ["nOffered"],
        "filter": {"type": "and", "predicates": [{"dimension": "queueId", "value": "x"}]},
    }
    context = RuleContext(body, all_endpoints()["conversations/aggregates"], now=NOW)
    codes = [f.code for f in registry.run(registry.units("body"), context)]
    assert codes == ["AQL308"]
    assert len(calls) == 1 and len(walks) == 1

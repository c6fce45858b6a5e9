"""Every rule's `bad` and `good` example (rules/checks/*.yaml) behaves as documented, checked
as a whole file through the real check command's options and engine (cfn-lint's good/bad
template test): `bad` gives the rule's code, `good` gives no diagnostic at all."""

from __future__ import annotations

import pytest
from conftest import lint_snippet

from aggqlint.checks.metadata import RuleMeta, all_rules
from aggqlint.diagnostics import Diagnostic

RULES = list(all_rules().values())
RUNNABLE = [meta for meta in RULES if meta.no_example_reason is None]


def _lint(meta: RuleMeta, text: str) -> list[Diagnostic]:
    return lint_snippet(text, meta.filename, meta.config, meta.args, walk=meta.walk)


def _shown(diagnostics: list[Diagnostic]) -> str:
    return "\n".join(
        f"{d.location.line}:{d.location.column} {d.code} {d.message}" for d in diagnostics
    )


@pytest.mark.parametrize("meta", RUNNABLE, ids=lambda m: m.code)
def test_bad_example_gives_the_rules_code(meta: RuleMeta) -> None:
    found = _lint(meta, meta.bad)
    assert meta.code in {d.code for d in found}, _shown(found)


@pytest.mark.parametrize("meta", RUNNABLE, ids=lambda m: m.code)
def test_good_example_is_clean(meta: RuleMeta) -> None:
    found = _lint(meta, meta.good)
    assert found == [], _shown(found)


@pytest.mark.parametrize("meta", RULES, ids=lambda m: m.code)
def test_a_rule_without_a_runnable_example_says_why(meta: RuleMeta) -> None:
    if meta.no_example_reason is None:
        assert meta.bad.strip() and meta.good.strip()
        return
    assert len(meta.no_example_reason.split()) >= 5, "example-reason: say why no file shows it"
    # The examples then describe the input in words, "(...)", and are not run.
    assert meta.bad.startswith("(") and meta.good.startswith("(")


def test_only_engine_internal_rules_have_no_example() -> None:
    # Adding to this list needs a reason in the rule's example-reason: prefer a real file.
    assert [m.code for m in RULES if m.no_example_reason] == ["AQL004", "AQL009"]


def test_a_config_or_walk_beside_an_example_is_needed() -> None:
    # Without them the bad example no longer gives its code. (--now only makes AQL108's
    # example give the same answer on any day, so it is not tested here.)
    declared = [m for m in RUNNABLE if m.config is not None or m.walk]
    assert [m.code for m in declared] == ["AQL012", "AQL410", "AQL411"]
    for meta in declared:
        bare = lint_snippet(meta.bad, meta.filename)
        assert meta.code not in {d.code for d in bare}, meta.code


@pytest.mark.parametrize("meta", RUNNABLE, ids=lambda m: m.code)
def test_the_bad_examples_fix_is_what_the_rule_declares(meta: RuleMeta) -> None:
    # `fixable` (metadata, `aggqlint rules --format json`) is the least safe fix the rule can
    # give: "safe" rules only ever give safe edits, "unsafe" ones may also guess, false ones
    # give advice at most. The bad example must show a fix of the kind declared.
    fixes = [d.fix for d in _lint(meta, meta.bad) if d.code == meta.code]
    kinds = {str(f.applicability) for f in fixes if f is not None and f.edits}
    allowed = {False: set(), "safe": {"safe"}, "unsafe": {"safe", "unsafe"}}[meta.fixable]
    assert kinds <= allowed, f"{meta.code} declares {meta.fixable!r}, its example gets {kinds}"
    assert bool(kinds) == bool(meta.fixable), f"{meta.code}: {meta.fixable!r} but gets {kinds}"

"""Applying a file's fixes to its text, pass by pass, never leaving the file worse.

A pass applies every chosen fix whose edits overlap no other's, then checks the new text
again. A pass that breaks parsing or adds a finding is undone; its fixes are then tried apart
(by halves), a fix that alone makes things worse is dropped (and reported), never retried, and
the others are applied together in the next pass. The passes stop when nothing is left to
apply, nothing changes, or after MAX_PASSES.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable, Iterable

from msgspec import Struct, field

from aggqlint.diagnostics import Diagnostic
from aggqlint.fixes.model import Applicability, Edit, apply_edits

# Fixes rarely enable other fixes (a renamed field whose value is then checked); three passes
# cover every chain the rules make today, the rest is a guard against a fix that never settles.
MAX_PASSES = 6

TANGLED = "its edits overlap one another (an aggqlint bug: please report it)"

Check = Callable[[str], list[Diagnostic]]  # the file's diagnostics for a text, as reported


class Dropped(Struct, frozen=True):
    diagnostic: Diagnostic  # whose fix was not applied
    reason: str  # why, in a user's words: "it would add AQL123 (...)"


class FixOutcome(Struct):
    original: str
    text: str  # after the fixes
    applied: list[Diagnostic] = field(default_factory=list)  # their fixes are in text
    dropped: list[Dropped] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.text != self.original


def applicable(diagnostic: Diagnostic, unsafe: bool) -> bool:
    """A fix --fix applies: safe ones, and unsafe ones when asked for. Display-only advice
    and fixes with nothing to edit never are."""
    fix = diagnostic.fix
    if fix is None or not fix.edits:
        return False
    return fix.applicability is Applicability.SAFE or (
        unsafe and fix.applicability is Applicability.UNSAFE
    )


def fix_text(text: str, found: list[Diagnostic], check: Check, unsafe: bool) -> FixOutcome:
    """Apply the fixes of `found` (the diagnostics of text) and of what later passes find."""
    outcome = FixOutcome(text, text)
    refused: set[tuple[str, str, str]] = set()  # fixes that made things worse: never again
    current = found
    for _ in range(MAX_PASSES):
        candidates = [d for d in current if applicable(d, unsafe) and _identity(d) not in refused]
        for diagnostic in [d for d in candidates if _tangled(d)]:
            # Edits that overlap one another cannot be applied together: a writer's mistake,
            # reported as a dropped fix rather than a crash.
            refused.add(_identity(diagnostic))
            candidates.remove(diagnostic)
            outcome.dropped.append(Dropped(diagnostic, TANGLED))
        chosen = _non_overlapping(candidates)
        if not chosen:
            break
        attempt: str | None = _apply(outcome.text, chosen)
        assert attempt is not None
        after = check(attempt)
        reason = _worse(current, after)
        if reason is None:
            outcome.applied.extend(d for group in chosen for d in group)
        else:
            attempt, after = _one_at_a_time(outcome, chosen, current, check, refused, reason)
            if attempt is None:
                continue  # the next pass applies what is left (the fixes that were fine alone)
        if attempt == outcome.text:
            break  # the fixes changed nothing: applying them again would not either
        outcome.text, current = attempt, after
    return outcome


def _tangled(diagnostic: Diagnostic) -> bool:
    """The fix's own edits overlap one another."""
    assert diagnostic.fix is not None
    spans = sorted((e.start.offset, e.end.offset) for e in diagnostic.fix.edits)
    return any(later[0] < earlier[1] for earlier, later in itertools.pairwise(spans))


def _one_at_a_time(
    outcome: FixOutcome,
    chosen: list[list[Diagnostic]],
    current: list[Diagnostic],
    check: Check,
    refused: set[tuple[str, str, str]],
    reason: str,
) -> tuple[str | None, list[Diagnostic]]:
    """After a pass made things worse (reason: why): the fixes that alone make things worse
    are found, by halves (one bad fix among hundreds costs a few checks, not hundreds), and
    dropped; the others are applied together in the next pass (None is returned). When none
    is found (together they do harm, apart none does), the first is applied alone."""
    if len(chosen) == 1:
        bad = [(chosen[0], reason)]
    else:
        middle = len(chosen) // 2
        bad = _sift(outcome.text, chosen[:middle], current, check)
        bad += _sift(outcome.text, chosen[middle:], current, check)
    if not bad:
        attempt = _apply(outcome.text, chosen[:1])
        after = check(attempt)
        alone = _worse(current, after)
        if alone is None:
            outcome.applied.extend(chosen[0])
            return attempt, after
        bad = [(chosen[0], alone)]  # fine in its half, not alone: dropped all the same
    for group, why in bad:
        refused.add(_identity(group[0]))
        outcome.dropped.extend(Dropped(d, why) for d in group)
    return None, current


def _sift(
    text: str, groups: list[list[Diagnostic]], current: list[Diagnostic], check: Check
) -> list[tuple[list[Diagnostic], str]]:
    """The groups that, applied alone, make things worse, each with why."""
    reason = _worse(current, check(_apply(text, groups)))
    if reason is None:
        return []
    if len(groups) == 1:
        return [(groups[0], reason)]
    middle = len(groups) // 2
    return _sift(text, groups[:middle], current, check) + _sift(
        text, groups[middle:], current, check
    )


def _identity(diagnostic: Diagnostic) -> tuple[str, str, str]:
    """What makes a fix the same fix in a later pass, whose positions have moved."""
    fix = diagnostic.fix
    assert fix is not None
    return (diagnostic.code, diagnostic.location.pointer, fix.message)


def _non_overlapping(diagnostics: Iterable[Diagnostic]) -> list[list[Diagnostic]]:
    """The fixes to apply together, in source order: the first of any that overlap wins (the
    others come back in the next pass, if still needed). Diagnostics whose fixes make the
    same edits (one name reported twice through an alias) are one group: applied once."""
    groups: dict[tuple[tuple[int, int, str], ...], list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        assert diagnostic.fix is not None
        groups.setdefault(_edit_key(diagnostic.fix.edits), []).append(diagnostic)
    chosen: list[list[Diagnostic]] = []
    taken: list[tuple[int, int]] = []
    for key, group in sorted(groups.items(), key=lambda item: item[0]):
        spans = [(start, end) for start, end, _ in key]
        if any(_overlap(span, other) for span in spans for other in taken):
            continue
        taken.extend(spans)
        chosen.append(group)
    return chosen


def _edit_key(edits: tuple[Edit, ...]) -> tuple[tuple[int, int, str], ...]:
    return tuple(sorted((e.start.offset, e.end.offset, e.content) for e in edits))


def _overlap(one: tuple[int, int], other: tuple[int, int]) -> bool:
    # Two insertions at one offset (empty ranges) would land in an arbitrary order: overlap.
    if one[0] == other[0]:
        return True
    return one[0] < other[1] and other[0] < one[1]


def _apply(text: str, groups: list[list[Diagnostic]]) -> str:
    edits: list[Edit] = []
    for group in groups:
        fix = group[0].fix
        assert fix is not None
        edits.extend(fix.edits)
    return apply_edits(text, edits)


def _worse(before: list[Diagnostic], after: list[Diagnostic]) -> str | None:
    """Why the text after is worse than before (a finding it did not have), or None.
    Findings are compared by code and message: their positions move with the edits."""
    added = Counter(_said(d) for d in after) - Counter(_said(d) for d in before)
    if not added:
        return None
    code, message = next(iter(added))
    return f"it would add {code} ({message})"


def _said(diagnostic: Diagnostic) -> tuple[str, str]:
    return (diagnostic.code, diagnostic.message)

"""Rule codes as people write them: a code in any case, a rule name or a code prefix.

config (select/ignore/severity) and suppress (`# aggqlint: disable=`) read codes through
this module, so a code they accept is one `aggqlint rules` knows.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from aggqlint.checks.metadata import RuleMeta, all_rules

_PREFIX = re.compile(r"AQL[0-9]{0,3}")


class UnknownRule(ValueError):
    """A code, name or prefix that names no rule; the message carries a did-you-mean."""


def did_you_mean(text: str, candidates: Iterable[str]) -> str:
    """'; did you mean 'x'?' for the closest candidate, or '' when none is close. Of equally
    close ones the first wins (difflib's own pick would be the greatest string: AQL2O1 would
    suggest AQL291 over AQL201)."""
    import difflib  # only for a did-you-mean: most runs never ask

    best, best_score = "", 0.0
    for candidate in candidates:
        score = difflib.SequenceMatcher(None, text, candidate).ratio()
        if score >= 0.6 and score > best_score:
            best, best_score = candidate, score
    return f"; did you mean '{best}'?" if best else ""


def lookup(text: str) -> RuleMeta:
    """The rule with this code (any case) or name; UnknownRule otherwise."""
    key = text.strip()
    rules = all_rules()
    if key.upper() in rules:
        return rules[key.upper()]
    for meta in rules.values():
        if meta.name == key.lower():
            return meta
    typo = _code_typo(key)
    if typo in rules:
        raise UnknownRule(f"unknown rule '{key}'; did you mean '{typo}'?")
    candidates = [*rules, *(meta.name for meta in rules.values())]
    probe = key.upper() if key.upper().startswith("AQL") else key.lower()
    raise UnknownRule(f"unknown rule '{key}'{did_you_mean(probe, candidates)}")


def _code_typo(key: str) -> str | None:
    # The usual slips in a code: a dropped leading zero (AQL24), a letter O for a zero.
    typed = re.fullmatch(r"AQL([0-9OIL]{1,3})", key.upper())
    if typed is None:
        return None
    return "AQL" + typed[1].translate(str.maketrans("OIL", "011")).rjust(3, "0")


def selector(text: str) -> str:
    """A code, a rule name or a code prefix (`AQL2`) as select/ignore take it: the code or
    prefix, upper-case. UnknownRule when it selects no rule."""
    key = text.strip()
    upper = key.upper()
    if _PREFIX.fullmatch(upper) and any(code.startswith(upper) for code in all_rules()):
        return upper
    if _PREFIX.fullmatch(upper) and len(upper) < 6:
        raise UnknownRule(f"'{key}' selects no rule (no code starts with {upper})")
    return lookup(key).code

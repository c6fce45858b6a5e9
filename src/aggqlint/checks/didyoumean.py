"""Did-you-mean: the closest known name to one written, within a per-body budget."""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from typing import Any

from aggqlint.api.endpoints import Endpoint
from aggqlint.data import load_yaml

CUTOFF = 0.6


def close_match(name: str, known: Sequence[str]) -> str | None:
    """The nearest of known by edit similarity, or None below the cutoff."""
    import difflib  # only for a did-you-mean: most runs never ask

    close = difflib.get_close_matches(name, known, n=1, cutoff=CUTOFF)
    return close[0] if close else None


class GuessBudget:
    """How many did-you-mean searches one body may still run. difflib costs a fraction of a
    millisecond per name; a generated body with 10,000 unknown names would take seconds for
    suggestions nobody reads (the output shows the first 20 of a code)."""

    PER_BODY = 200

    def __init__(self) -> None:
        self.left = self.PER_BODY

    def reset(self) -> None:
        self.left = self.PER_BODY

    def take(self) -> bool:
        self.left -= 1
        return self.left >= 0


GUESSES = GuessBudget()


# A written name at least this long that begins real names is taken as their common start.
MIN_PREFIX = 4


@functools.lru_cache(maxsize=2048)
def closest(value: str, allowed: tuple[str, ...]) -> str | None:
    """A name that begins with the written one (`nSurveyNps` -> `nSurveyNpsResponses`, where
    edit distance alone picks the unrelated `nWebSurveys`), else the nearest allowed name,
    else one that ends like it (`conv.tHandle` -> `tHandle`)."""
    import difflib  # only for a did-you-mean: most runs never ask

    if len(value) >= MIN_PREFIX:
        longer = [a for a in allowed if a.startswith(value) and a != value]
        if longer:
            return difflib.get_close_matches(value, longer, n=1, cutoff=0)[0]
    close = close_match(value, allowed)
    if close:
        return close
    lowered = value.lower().replace(".", "").replace("_", "")
    return next((a for a in allowed if lowered and a.lower().endswith(lowered)), None)


def known_wrong_field(name: str, endpoint: Endpoint | None) -> dict[str, Any] | None:
    """The rules/aliases.yaml entry for a made-up field name (`groupBys`, `dateFrom`): the
    code, the real field to use, a hint and a fixer; None for a name it does not know or one
    it knows only for other kinds of query. The envelope (no endpoint) has no such table."""
    if endpoint is None:
        return None
    entry: dict[str, Any] | None = load_yaml("rules", "aliases.yaml").get("fields", {}).get(name)
    if entry and entry.get("only") and not _kind_matches(endpoint, entry["only"]):
        return None
    return entry


def _kind_matches(endpoint: Endpoint, kinds: Iterable[str]) -> bool:
    return any(endpoint.kind.startswith(kind) for kind in kinds)

"""How long to wait before trying again: Retry-After when the server says, otherwise
exponential backoff with full jitter."""

from __future__ import annotations

import email.utils
import math
import random
from datetime import UTC, datetime


class Backoff:
    """How long to wait before attempt n+1: Retry-After when the server says, otherwise
    exponential backoff with full jitter; never longer than max_wait."""

    def __init__(self, base: float, max_wait: float, rng: random.Random | None = None) -> None:
        self.base = base
        self.max_wait = max_wait
        self._rng = rng or random.Random()

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        told = parse_retry_after(retry_after) if retry_after else None
        if told is not None:
            return min(told, self.max_wait)
        ceiling = min(self.max_wait, self.base * 2 ** min(attempt - 1, 30))
        return self._rng.uniform(0, ceiling)


def parse_retry_after(value: str) -> float | None:
    """Retry-After as seconds (delta-seconds or an HTTP date); None when unreadable."""
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(text)
        except (TypeError, ValueError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        seconds = (moment - datetime.now(UTC)).total_seconds()
    if math.isnan(seconds):
        return None
    return max(0.0, seconds)

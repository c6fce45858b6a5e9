"""What every rule of a family is given: the RuleContext (the body, its endpoint, the
windows and limits), with what several rules need worked out once, on first use."""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, tzinfo
from typing import Any, TypeVar

from msgspec import Struct, field

from aggqlint.api import timespans
from aggqlint.api.endpoints import Endpoint
from aggqlint.api.isotime import Duration
from aggqlint.api.timespans import Span
from aggqlint.checks.cache import CLOCK_READS
from aggqlint.diagnostics import Finding

T = TypeVar("T")


class RuleContext(Struct, eq=False, dict=True):  # dict: for cached_property
    body: dict[str, Any]  # the request body under check
    endpoint: Endpoint
    windows: list[str | None] = field(default_factory=list)  # the definition's (None: not text)
    chunk: str | None = None
    limits: dict[str, Any] = field(default_factory=dict)  # from the config profile
    now: datetime | None = None  # fixed "now" for reproducible runs (--now)
    in_envelope: bool = False  # body sits under `query:` (windows/chunk pointers are ../)
    _memo: dict[Callable[[RuleContext], Any], Any] = field(default_factory=dict)

    def shared(self, compute: Callable[[RuleContext], T]) -> T:
        """compute(self), worked out once for this context whichever rule asks first (a
        family's walk of its part of the body)."""
        if compute not in self._memo:
            self._memo[compute] = compute(self)
        result: T = self._memo[compute]
        return result

    @functools.cached_property
    def fields(self) -> dict[str, Any]:
        """The properties of the endpoint's request model."""
        properties: dict[str, Any] = self.endpoint.schema().get("properties", {})
        return properties

    @functools.cached_property
    def zone(self) -> tzinfo:
        """The zone calendar arithmetic uses: the body's timeZone, else UTC."""
        return timespans.zone(self.body) if "timeZone" in self.fields else UTC

    @functools.cached_property
    def bucket(self) -> Duration | None:
        """The granularity when the model has one and it is a usable duration."""
        return timespans.bucket_size(self.body) if "granularity" in self.fields else None

    @functools.cached_property
    def spans(self) -> list[Span]:
        """The interval and each window, read in the query's zone."""
        return timespans.spans(self.body, self.windows, "interval" in self.fields, self.zone)

    @property
    def moment(self) -> datetime:
        """'now' as an aware instant (--now, or the clock). A result that used it may change
        tomorrow: it is never kept in the cache (is_future is the finer question)."""
        CLOCK_READS[0] += 1
        return self._clock

    def is_future(self, instant: datetime) -> bool:
        """instant is after now. 'No' stays true as time passes, so only 'yes' makes the
        result one the cache must not keep."""
        if instant <= self._clock:
            return False
        CLOCK_READS[0] += 1
        return True

    @functools.cached_property
    def _clock(self) -> datetime:
        return timespans.aware(self.now or datetime.now(UTC))


def run_family(module: str, argument: Any) -> Iterator[Finding]:
    """Every unit of one family module, each guarded (the family's own `check`)."""
    from aggqlint.checks import registry

    yield from registry.run(registry.units(module=module), argument)

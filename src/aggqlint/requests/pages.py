"""Synchronous detail queries, page by page (limits.md §5): `paging.pageNumber` and
`pageSize` (default 25); `totalHits` is approximate and a page may be shorter than pageSize, so
the end is an empty page, never a short one; past 100,000 results (pageSize x pageNumber) the
server answers 400. Nothing here prints or imports requests.
"""

from __future__ import annotations

import functools
import math
from typing import Any

from msgspec import Struct

from aggqlint.data import load_yaml
from aggqlint.requests.jobs import Channel, count_rows, row_unit
from aggqlint.requests.recording import Call, Exchange

# Why the reading stopped (the CLI says "stopped on an <stop>" when there is no message)
EMPTY = "empty page"
CAP = "paging cap"
FAILED = "failed page"
INTERRUPTED = "interrupt"
NOT_ASKED = "not asked"  # without --all-pages: one page, as written


class Paging(Struct, frozen=True):
    size: int
    number: int
    written: bool  # the body has `paging` (else the server's defaults apply)


class PagesOutcome(Struct):
    label: str
    pages: int
    rows: int
    stop: str
    message: str | None = None  # why it stopped early, or that more pages exist
    unit: str = "row"  # conversation or user

    @property
    def ok(self) -> bool:
        return self.stop in (EMPTY, NOT_ASKED)


@functools.cache
def _limits() -> tuple[int, int, frozenset[str]]:
    """(default page size, the most results paging may reach, the endpoints where it applies),
    from rules/limits.yaml."""
    data = load_yaml("rules", "limits.yaml")
    pagination = data["pagination"]
    return (
        int(data["page-size"]["default"]),
        int(pagination["max-results"]),
        frozenset(pagination["endpoints"]),
    )


def paging_of(body: dict[str, Any]) -> Paging | None:
    """The page a body asks for; None when its paging is not two whole numbers."""
    default_size, _, _ = _limits()
    paging = body.get("paging")
    if paging is None:
        return Paging(default_size, 1, False)
    if not isinstance(paging, dict):
        return None
    size, number = _whole(paging.get("pageSize")), _whole(paging.get("pageNumber"))
    if size is None or number is None or size < 1 or number < 1:
        return None
    return Paging(size, number, True)


def _whole(value: Any) -> int | None:
    # The server takes "25" as 25 (limits.yaml, counts).
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    return None


def more_pages_note(exchange: Exchange) -> str | None:
    """`page 1 of about 37; --all-pages reads the rest` when the answer says more exist."""
    body = exchange.request.body
    paging = paging_of(body)
    rows = count_rows(exchange.response)
    if paging is None or rows == 0 or not isinstance(exchange.response, dict):
        return None
    total = exchange.response.get("totalHits")
    if isinstance(total, int) and not isinstance(total, bool):
        if total <= paging.size * paging.number:
            return None
        about = math.ceil(total / paging.size)
        return f"page {paging.number} of about {about}; --all-pages reads the rest"
    if rows >= paging.size:  # no count, and the page is full: more may follow
        return f"page {paging.number} is full and more may follow; --all-pages reads the rest"
    return None


def read_pages(channel: Channel, first: Exchange) -> PagesOutcome:
    """After the first page (already sent and recorded), the next ones until an empty page,
    never past the paging cap. Each page is its own recorded query."""
    request = first.request
    outcome = PagesOutcome(request.label, 1, count_rows(first.response), EMPTY)
    outcome.unit = row_unit(first.response)
    paging = paging_of(request.body)
    if outcome.rows == 0:
        return outcome
    if paging is None:
        outcome.stop = FAILED
        outcome.message = "cannot read further pages: 'paging' is not two whole numbers"
        return outcome
    _, cap, capped = _limits()
    number = paging.number
    while True:
        number += 1
        if request.endpoint.name in capped and paging.size * number > cap:
            outcome.stop = CAP
            outcome.message = (
                f"stopped after page {number - 1}: the server refuses paging past {cap:,} "
                f"results (pageSize {paging.size} x pageNumber {number}); split the interval "
                "with `chunk:` (e.g. chunk: P1D) to read the rest"
            )
            return outcome
        body = {**request.body, "paging": {"pageSize": paging.size, "pageNumber": number}}
        page = channel.call(first, Call.QUERY, "POST", request.path, body=body, page=number)
        if channel.cancelled.is_set():
            outcome.stop = INTERRUPTED
            return outcome
        if not page.accepted:
            outcome.stop = FAILED
            outcome.message = f"page {number} answered {page.status or page.error}"
            return outcome
        rows = count_rows(page.response)
        outcome.pages += 1
        if rows == 0:
            return outcome
        outcome.rows += rows

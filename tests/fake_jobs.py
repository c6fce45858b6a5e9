"""The stand-in server's async jobs and result data: jobs that pass through the facts' states
(fake_facts.JOB_STATES) one poll at a time, results read by cursor, detail query pages (short
and repeated ones too), and the data-availability date.

A test shapes what comes next with FakeGenesys.next_jobs(JobPlan(...)) and the attributes of
FakeData; everything else has a default that ends well.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass, field
from typing import Any

import fake_facts

# Page sizes the fake uses when a request does not say (the real defaults are unknown for job
# results): small, so that a few rows already make several pages.
DETAIL_RESULTS_PAGE = 3
AGGREGATE_RESULTS_PAGE = 2
DETAIL_QUERY_PAGE = 25  # PagingSpec's default (limits.md §5)


@dataclass
class JobPlan:
    """How one job behaves: its state at each poll (the last one stays), the server's
    errorMessage when it fails, and how many rows its results hold."""

    states: tuple[str, ...] = ("QUEUED", "PENDING", "FULFILLED")
    error: str | None = None
    rows: int = 5

    def __post_init__(self) -> None:
        unknown = set(self.states) - set(fake_facts.JOB_STATES)
        assert not unknown, f"not AsyncQueryStatus states: {unknown}"


@dataclass
class FakeJob:
    job_id: str
    submit_path: str
    body: dict[str, Any]
    plan: JobPlan
    polls: int = 0
    deleted: bool = False
    results_read: int = 0

    @property
    def details(self) -> bool:
        return "/details/" in self.submit_path

    def state(self) -> str:
        if self.deleted:
            return "CANCELLED"
        return self.plan.states[min(self.polls, len(self.plan.states) - 1)]

    def status(self) -> dict[str, Any]:
        state = self.state()
        answer: dict[str, Any] = {
            "state": state,
            "submissionDate": "2026-11-30T12:00:00.000Z",
            "expirationDate": "2026-12-01T12:00:00.000Z",
        }
        if state == "FAILED":
            answer["errorMessage"] = self.plan.error or "The query failed"
        if state == "FULFILLED":
            answer["completionDate"] = "2026-11-30T12:00:05.000Z"
        return answer


@dataclass
class FakeData:
    """What the fake's queries return."""

    availability: str = "2026-11-29T06:00:00.000Z"  # dataAvailabilityDate
    detail_total: int = 0  # conversations (or users) a synchronous detail query finds
    short_pages: set[int] = field(default_factory=set)  # pages one row shorter than pageSize
    # pages that start again with the previous page's last row (data moved between pages)
    repeat_pages: set[int] = field(default_factory=set)
    jobs: dict[str, FakeJob] = field(default_factory=dict)


def conversation(index: int) -> dict[str, Any]:
    start = f"2026-11-01T{index // 60 % 24:02d}:{index % 60:02d}:00.000Z"
    return {
        "conversationId": f"c{index:05d}-0000-4000-8000-000000000000",
        "conversationStart": start,
        "originatingDirection": "inbound" if index % 2 else "outbound",
        "divisionIds": ["d1"],
        "participants": [
            {
                "participantId": f"p{index}",
                "purpose": "customer",
                "sessions": [
                    {
                        "mediaType": "voice",
                        "segments": [{"segmentType": "interact", "segmentStart": start}],
                    }
                ],
            }
        ],
    }


def user(index: int) -> dict[str, Any]:
    return {
        "userId": f"u{index:05d}-0000-4000-8000-000000000000",
        "primaryPresence": [{"systemPresence": "AVAILABLE", "startTime": "2026-11-01T08:00:00Z"}],
    }


def detail_rows(path: str, count: int) -> tuple[str, list[dict[str, Any]]]:
    if "/users/" in path:
        return "userDetails", [user(i) for i in range(count)]
    return "conversations", [conversation(i) for i in range(count)]


def aggregate_rows(body: dict[str, Any], count: int) -> list[dict[str, Any]]:
    dimensions = body.get("groupBy") or ["mediaType"]
    metrics = [m.get("metric") if isinstance(m, dict) else m for m in body.get("metrics", [])]
    return [
        {
            "group": {d: f"{d}-{i}" for d in dimensions},
            "data": [
                {
                    "interval": body.get("interval"),
                    "metrics": [
                        {"metric": m, "stats": {"count": i + 1, "sum": 100 * (i + 1)}}
                        for m in metrics
                    ],
                }
            ],
        }
        for i in range(count)
    ]


def new_job(path: str, body: dict[str, Any], plan: JobPlan) -> FakeJob:
    return FakeJob(str(uuid.uuid4()), path, body, plan)


def results_page(job: FakeJob, cursor: str | None, page_size: str | None) -> dict[str, Any]:
    offset = _offset(cursor)
    if job.details:
        key, rows = detail_rows(job.submit_path, job.plan.rows)
        size = int(page_size) if page_size else DETAIL_RESULTS_PAGE
    else:
        key, rows = "results", aggregate_rows(job.body, job.plan.rows)
        size = int(job.body.get("pageSize") or AGGREGATE_RESULTS_PAGE)
    answer: dict[str, Any] = {key: rows[offset : offset + size]}
    if offset + size < len(rows):
        answer["cursor"] = base64.urlsafe_b64encode(str(offset + size).encode()).decode()
    if job.details:
        answer["dataAvailabilityDate"] = "2026-11-29T06:00:00.000Z"
    job.results_read += 1
    return answer


def _offset(cursor: str | None) -> int:
    return int(base64.urlsafe_b64decode(cursor.encode())) if cursor else 0


def detail_page(data: FakeData, path: str, body: dict[str, Any]) -> dict[str, Any]:
    """One page of a synchronous detail query: totalHits is the whole count (the real one is
    approximate), a short page may come before the end, an empty one after it."""
    paging = body.get("paging") or {"pageSize": DETAIL_QUERY_PAGE, "pageNumber": 1}
    size, number = int(paging["pageSize"]), int(paging["pageNumber"])
    users = "/users/" in path
    make = user if users else conversation
    offset = (number - 1) * size
    indexes = list(range(offset, min(offset + size, data.detail_total)))
    if number in data.repeat_pages and offset > 0 and indexes:
        indexes = [offset - 1, *indexes[:-1]]
    if number in data.short_pages and indexes:
        indexes = indexes[:-1]
    key = "userDetails" if users else "conversations"
    return {key: [make(i) for i in indexes], "totalHits": data.detail_total}

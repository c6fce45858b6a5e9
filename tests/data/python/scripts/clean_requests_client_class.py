"""A thin client a team wrote around requests: URLs in a table, bodies from builders,
paging in a loop. Correct: must check clean (notes on computed values only)."""

from __future__ import annotations

import requests

ENDPOINTS = {
    "details": "/api/v2/analytics/conversations/details/query",
    "observations": "/api/v2/analytics/queues/observations/query",
}
DEFAULT_INTERVAL = "2026-10-01T00:00:00Z/2026-10-02T00:00:00Z"


def waiting_filter(queue_id: str) -> dict:
    return {
        "type": "and",
        "predicates": [
            {"type": "dimension", "dimension": "queueId", "operator": "matches", "value": queue_id}
        ],
    }


class Analytics:
    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"

    def waiting(self, queue_id: str) -> dict:
        body = {"filter": waiting_filter(queue_id), "metrics": ["oWaiting", "oInteracting"]}
        url = self.base_url + ENDPOINTS["observations"]
        return self.session.post(url, json=body, timeout=30).json()

    def abandoned_calls(self) -> list:
        page = 1
        found = []
        while True:
            body = {
                "interval": DEFAULT_INTERVAL,
                "order": "asc",
                "orderBy": "conversationStart",
                "paging": {"pageSize": 100, "pageNumber": page},
                "segmentFilters": [
                    {
                        "type": "and",
                        "predicates": [
                            {"dimension": "mediaType", "value": "voice"},
                            {"dimension": "segmentType", "value": "interact"},
                        ],
                    }
                ],
                "conversationFilters": [
                    {"type": "and", "predicates": [{"type": "metric", "metric": "tAbandon", "operator": "exists"}]}
                ],
            }
            reply = self.session.post(self.base_url + ENDPOINTS["details"], json=body, timeout=60)
            conversations = reply.json().get("conversations", [])
            found.extend(conversations)
            if len(conversations) < 100:
                return found
            page += 1

"""Agent status per 15 minutes for yesterday's shift blocks, with requests.

Someone copied field names from the old v1 reporting API and a forum answer.
"""

from datetime import date, timedelta

import requests

API = "https://api.mypurecloud.de/api/v2/analytics"
SHIFTS = [("08:00", "12:00"), ("13:00", "17:00")]


def shift_windows(day: date) -> list[str]:
    windows = []
    for start, end in SHIFTS:
        windows.append(f"{day}T{start}:00Z/{day}T{end}:00Z")
    return windows


def agent_status(session: requests.Session, user_ids: list[str]) -> list[dict]:
    results = []
    for window in shift_windows(date.today() - timedelta(days=1)):
        body = {
            "interval": window,
            "granularity": "PT15M",
            "groupBy": ["userId"],
            "metrics": ["tAgentRoutingStatus", "tOrganizationPresence", "tOnQueue"],
            "filter": {
                "type": "or",
                "predicates": [{"dimension": "userId", "value": user} for user in user_ids],
            },
        }
        reply = session.post(f"{API}/users/aggregates/query", json=body, timeout=60)
        reply.raise_for_status()
        results.append(reply.json())
    return results


def details(session: requests.Session, user_id: str) -> dict:
    query = {
        "interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z",
        "order": "DESC",
        "paging": {"pageSize": 500, "pageNumber": 1},
        "userFilters": [
            {"type": "and", "predicates": [{"dimension": "userId", "value": user_id}]}
        ],
        "presenceFilters": [
            {"type": "or", "predicates": [{"dimension": "systemPresence", "value": "On Queue"}]}
        ],
    }
    return session.post(API + "/users/details/query", json=query, timeout=60).json()

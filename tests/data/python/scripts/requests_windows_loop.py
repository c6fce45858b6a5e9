"""Backfill a month of hourly numbers one day at a time: the body is built once and its
interval replaced in the loop."""

import datetime

import requests

URL = "https://api.mypurecloud.com/api/v2/analytics/conversations/aggregates/query"

body = {
    "granularity": "PT1H",
    "timeZone": "Europe/London",
    "groupBy": ["queueId"],
    "metrics": ["nOffered", "tAnswered", "tAbandoned"],
    "filter": {"type": "and", "predicates": [{"dimension": "mediaType", "value": "voice"}]},
}

day = datetime.date(2026, 11, 1)
while day < datetime.date(2026, 12, 1):
    nxt = day + datetime.timedelta(days=1)
    body["interval"] = f"{day}T00:00:00Z/{nxt}T00:00:00Z"
    reply = requests.post(URL, json=body, headers={"Authorization": "Bearer " + TOKEN})
    day = nxt

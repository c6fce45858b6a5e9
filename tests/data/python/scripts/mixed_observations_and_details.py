"""Wallboard feed: queue observations with the SDK, conversation details with requests."""

import json

import PureCloudPlatformClientV2
import requests
from PureCloudPlatformClientV2 import QueueObservationQuery, QueueObservationQueryFilter

REGION = "https://api.usw2.pure.cloud"
DETAILS_URL = REGION + "/api/v2/analytics/conversations/details/query"


def observe(queue_id: str):
    flt = QueueObservationQueryFilter()
    flt.type = "or"
    flt.predicates = [{"type": "dimension", "dimension": "queueId", "value": queue_id}]
    query = QueueObservationQuery()
    query.filter = flt
    query.metrics = ["oWaiting", "oInteracting", "oLongestWaiting", "oServiceLevel"]
    query.detail_metrics = ["oWaiting"]
    api = PureCloudPlatformClientV2.AnalyticsApi()
    return api.post_analytics_queues_observations_query(query)


def recent_calls(token: str, queue_id: str) -> dict:
    body = {
        "interval": "2026-11-29T00:00:00Z/2026-11-29T01:00:00Z",
        "order": "desc",
        "orderBy": "conversationStart",
        "paging": {"pageSize": 100, "pageNumber": 1},
        "segmentFilters": [
            {
                "type": "and",
                "predicates": [
                    {"dimension": "queueId", "value": queue_id},
                    {"dimension": "mediaType", "value": "call"},
                ],
            }
        ],
    }
    reply = requests.post(
        DETAILS_URL,
        data=json.dumps(body),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
    )
    return reply.json()


def jobs(token: str) -> str:
    body = {"interval": "2026-11-01T00:00:00Z/2026-11-08T00:00:00Z"}
    reply = requests.post(
        f"{REGION}/api/v2/analytics/conversations/details/jobs/",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
    )
    return reply.json()["jobId"]

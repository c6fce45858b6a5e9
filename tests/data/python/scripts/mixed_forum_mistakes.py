# Agent handle times for last week, pasted together from two forum answers:
# an SDK part (detail query) and a requests part (aggregates).
import requests
import PureCloudPlatformClientV2 as platform
from PureCloudPlatformClientV2 import SegmentDetailQueryPredicate

TOKEN = "set-by-the-caller"
HOST = "https://api.mypurecloud.com"

# SDK part: predicates built with keyword arguments, a filter written in camelCase
agent = SegmentDetailQueryPredicate(dimension="purpose", value="agent")
details = platform.ConversationQuery()
details.interval = "2026-10-19T00:00:00Z/2026-10-26T00:00:00Z"
details.segmentFilters = [{"type": "and", "predicates": [agent]}]
details.paging = platform.PagingSpec()
details.paging.page_size = 100
details.paging.page_number = 1
platform.AnalyticsApi().post_analytics_conversations_details_query(details)

# requests part: field names from another reporting API
body = {
    "dateFrom": "2026-10-19T00:00:00Z",
    "dateTo": "2026-10-26T00:00:00Z",
    "groupBy": ["userId"],
    "select": ["tHandle", "tTalk", "tAcw"],
    "filter": {"type": "and", "predicates": [{"dimension": "mediaType", "value": "voice"}]},
}
requests.post(
    HOST + "/api/v2/analytics/conversations/aggregates/query",
    json=body,
    headers={"Authorization": "Bearer " + TOKEN},
)

# Monthly export of sales conversations, as a notebook cell pasted into a script.
import time

import PureCloudPlatformClientV2 as platform

platform.configuration.host = "https://api.mypurecloud.com.au"
api = platform.AnalyticsApi(platform.ApiClient())

job = api.post_analytics_conversations_details_jobs({
    "interval": "2026-10-01T00:00:00Z/2026-11-01T00:00:00Z",
    "segmentFilters": [
        {"type": "and", "predicates": [{"dimension": "wrapUpCode", "value": "sale"}]}
    ],
    "orderBy": "conversationStart",
    "limit": 1000,
})
while api.get_analytics_conversations_details_job(job.job_id).state != "FULFILLED":
    time.sleep(5)
page = api.get_analytics_conversations_details_job_results(job.job_id, page_size=1000)

totals = platform.UserAggregationQuery()
totals.interval = "2026-10-01T00:00:00Z/2026-11-01T00:00:00Z"
totals.granularity = "P1M"
totals.metrics = ["tAgentRoutingStatus", "tOrganizationPresence"]
totals.group_by = ["userId"]
print(api.post_analytics_users_aggregates(totals))

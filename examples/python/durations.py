"""Conversation durations for one hour."""

from PureCloudPlatformClientV2 import AnalyticsApi, ConversationDetailQuery

api = AnalyticsApi()
query = ConversationDetailQuery(
    view="conv",
    interval="custom",
    date_range={"from": "2023-10-01T00:00:00.000Z", "to": "2023-10-01T01:00:00.000Z"},
    group_by=["conv.id"],
    order_by=["conv.startTime"],
)
response = api.post_analytics_conversations_details(query=query, page_size=1000)

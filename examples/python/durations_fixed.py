"""Conversation durations for one hour."""

from PureCloudPlatformClientV2 import AnalyticsApi, ConversationQuery, PagingSpec

api = AnalyticsApi()
query = ConversationQuery()
query.interval = "2023-10-01T00:00:00.000Z/2023-10-01T01:00:00.000Z"
query.order = "asc"
query.order_by = "conversationStart"
query.paging = PagingSpec()
query.paging.page_size = 100
query.paging.page_number = 1
response = api.post_analytics_conversations_details_query(query)

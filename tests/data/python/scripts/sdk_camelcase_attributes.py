"""Abandon rate per queue for last week, with the SDK, by someone used to the JSON names."""

from PureCloudPlatformClientV2 import (
    AnalyticsApi,
    ConversationAggregateQueryFilter,
    ConversationAggregateQueryPredicate,
    ConversationAggregationQuery,
)


def abandon_rate(api: AnalyticsApi, week: str) -> object:
    voice = ConversationAggregateQueryPredicate()
    voice.type = "dimension"
    voice.dimension = "mediaType"
    voice.operator = "equals"
    voice.value = "voice"

    only_voice = ConversationAggregateQueryFilter()
    only_voice.type = "and"
    only_voice.predicates = [voice]

    query = ConversationAggregationQuery()
    query.interval = week
    query.granularity = "P1D"
    query.timeZone = "America/New_York"
    query.groupBy = ["queueId"]
    query.metrics = ["nOffered", "tAbandon", "nAbandoned"]
    query.filter = only_voice
    return api.post_analytics_conversations_aggregates_query(body=query)

"""Daily queue report for the service desk, run from cron.

Builds the query with the SDK's models in a helper, a predicate per queue in a loop.
"""

import datetime as dt
import os

import PureCloudPlatformClientV2 as gc
from PureCloudPlatformClientV2.rest import ApiException

QUEUES = [
    "6c1b3f3e-1d2c-4b5a-9e8f-7a6b5c4d3e2f",
    "0f3a2b1c-9d8e-4f7a-8b6c-5d4e3f2a1b0c",
]


def build_query(day: dt.date) -> gc.ConversationAggregationQuery:
    query = gc.ConversationAggregationQuery()
    query.interval = f"{day.isoformat()}T00:00:00Z/{(day + dt.timedelta(days=1)).isoformat()}T00:00:00Z"
    query.granularity = "PT30M"
    query.time_zone = "Europe/Dublin"
    query.group_by = ["queueId", "mediaType"]
    query.metrics = ["nOffered", "tAnswered", "tAbandon", "tHandle", "tTalk", "tAcw"]

    clause = gc.ConversationAggregateQueryClause()
    clause.type = "or"
    clause.predicates = []
    for queue_id in QUEUES:
        predicate = gc.ConversationAggregateQueryPredicate()
        predicate.dimension = "queueId"
        predicate.value = queue_id
        clause.predicates.append(predicate)

    query.filter = gc.ConversationAggregateQueryFilter()
    query.filter.type = "and"
    query.filter.clauses = [clause]
    return query


def main() -> None:
    gc.configuration.host = "https://api.mypurecloud.ie"
    client = gc.api_client.ApiClient().get_client_credentials_token(
        os.environ["GENESYS_CLIENT_ID"], os.environ["GENESYS_CLIENT_SECRET"]
    )
    api = gc.AnalyticsApi(client)
    try:
        result = api.post_analytics_conversations_aggregates_query(build_query(dt.date.today()))
    except ApiException as error:
        raise SystemExit(f"query failed: {error}")
    for row in result.results or []:
        print(row.group, [m.metric for m in row.data[0].metrics])


if __name__ == "__main__":
    main()

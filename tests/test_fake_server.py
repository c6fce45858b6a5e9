"""The fake Genesys server decides by the facts: correct observation, activity and detail
queries are accepted (and drift finds nothing), a body the facts refuse gets a 400 in the
ErrorBody shape of facts/genesys/errors.json. Real HTTP to 127.0.0.1."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import fake_facts
import pytest
from click.testing import CliRunner
from conftest import write_dedented as write
from fake_genesys import FakeGenesys
from fake_genesys import read_records as records
from fake_genesys import submit_with as submit

from aggqlint.cli import cli

# Written as a Genesys developer would: a wallboard, agent queue membership, an IVR's
# occupancy, waiting conversations per queue, agents' active queues, a day's calls.
REALISTIC = """\
    # Wallboard: who is waiting and who is working in the two service desk queues, right now.
    report: service-desk-wallboard
    endpoint: queues/observations
    query:
      filter:
        type: or
        predicates:
          - type: dimension
            dimension: queueId
            operator: matches
            value: 5f0e9c1a-3b2d-4e7f-9a61-2c8d4b7e1f03
          - type: dimension
            dimension: queueId
            operator: matches
            value: 8a7b6c5d-4e3f-4a1b-8c2d-9e0f1a2b3c4d
      metrics: [oWaiting, oInteracting, oLongestWaiting, oOnQueueUsers, oOffQueueUsers]
      detailMetrics: [oWaiting]
    ---
    # Which queues an agent is a member of, and which of them are active.
    report: agent-queue-membership
    endpoint: users/observations
    query:
      filter:
        type: or
        predicates:
          - {dimension: userId, value: 3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f}
      metrics: [oActiveQueues, oMemberQueues]
    ---
    # Conversations currently inside the main IVR flow.
    report: ivr-occupancy
    endpoint: flows/observations
    query:
      filter:
        type: and
        predicates:
          - {dimension: flowId, value: 7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918}
      metrics: [oFlow]
    ---
    # Waiting and interacting conversations per queue and media type, with the conversations.
    report: waiting-by-queue
    endpoint: conversations/activity
    query:
      metrics:
        - {metric: oWaiting, details: true}
        - {metric: oInteracting}
        - {metric: oLongestWaiting}
      groupBy: [queueId, mediaType]
      filter:
        type: and
        predicates:
          - type: dimension
            dimension: queueId
            operator: matches
            value: 5f0e9c1a-3b2d-4e7f-9a61-2c8d4b7e1f03
      order: desc
    ---
    # Active queues per agent.
    report: agent-activity
    endpoint: users/activity
    query:
      metrics:
        - {metric: oActiveQueues}
      groupBy: [userId]
      filter:
        type: and
        predicates:
          - {dimension: userId, value: 3c1d2e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f}
    ---
    # A day's voice conversations in the service desk queue, 100 per page.
    report: service-desk-calls
    endpoint: conversations/details
    query:
      interval: 2026-11-01T00:00:00.000Z/2026-11-02T00:00:00.000Z
      order: asc
      orderBy: conversationStart
      paging: {pageSize: 100, pageNumber: 1}
      segmentFilters:
        - type: and
          predicates:
            - type: dimension
              dimension: queueId
              operator: matches
              value: 5f0e9c1a-3b2d-4e7f-9a61-2c8d4b7e1f03
            - {type: dimension, dimension: mediaType, operator: matches, value: voice}
      conversationFilters:
        - type: or
          predicates:
            - {type: metric, metric: tAbandon, range: {gte: 0}}
    """
QUEUE = "5f0e9c1a-3b2d-4e7f-9a61-2c8d4b7e1f03"
DAY = "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z"
ERROR_BODY_FIELDS = {"message", "code", "status", "contextId", "messageParams", "details", "errors"}


def test_correct_queries_are_accepted_and_drift_finds_nothing(
    fake: FakeGenesys, tmp_path: Path
) -> None:
    recording = tmp_path / "run.jsonl"
    # --force: were aggqlint to flag any of them, drift would count a false alarm.
    result = submit(fake, str(write(tmp_path, REALISTIC)), "--record", str(recording), "--force")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[-1] == (
        f"6 sent, 6 accepted, 0 rejected, 0 failed; recorded in {recording}"
    )
    assert [(line["endpoint"], line["status"]) for line in records(recording)] == [
        ("queues/observations", 200),
        ("users/observations", 200),
        ("flows/observations", 200),
        ("conversations/activity", 200),
        ("users/activity", 200),
        ("conversations/details", 200),
    ]
    assert all(line["diagnostics"] == [] for line in records(recording))
    drift = CliRunner().invoke(cli, ["drift", str(recording)])
    assert drift.exit_code == 0
    assert drift.stdout.splitlines() == [
        "6 exchanges: 0 missed rules, 0 false alarms, 6 agreed accepted, 0 agreed rejected, "
        "0 not judged (network errors, 5xx, 401/403/429)"
    ]


def post(fake: FakeGenesys, endpoint: str, body: Any) -> tuple[int, Any]:
    """POST a body to the fake as it is (no aggqlint in between): (status, parsed answer)."""
    token = fake._issue_token()
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    request = urllib.request.Request(
        f"{fake.base_url}/api/v2/analytics/{endpoint}",
        data=data,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def refusal(status: int, answer: Any) -> tuple[str, str, list[dict[str, Any]]]:
    """(code, message, details) of an error answer, after checking its ErrorBody shape."""
    assert status == 400
    assert set(answer) == ERROR_BODY_FIELDS
    assert answer["status"] == 400
    assert isinstance(answer["contextId"], str)
    return answer["code"], answer["message"], answer["details"]


QUEUE_FILTER = {"type": "or", "predicates": [{"dimension": "queueId", "value": QUEUE}]}


# One body per endpoint family in endpoints.json, each missing a field its model requires.
@pytest.mark.parametrize(
    ("endpoint", "body", "model", "missing"),
    [
        (
            "conversations/aggregates/query",
            {"interval": DAY},
            "ConversationAggregationQuery",
            "metrics",
        ),
        (
            "users/aggregates/jobs",
            {"metrics": ["tAgentRoutingStatus"]},
            "UserAsyncAggregationQuery",
            "interval",
        ),
        ("conversations/details/query", {"order": "asc"}, "ConversationQuery", "interval"),
        ("users/details/jobs", {"order": "desc"}, "AsyncUserDetailsQuery", "interval"),
        ("queues/observations/query", {"metrics": ["oWaiting"]}, "QueueObservationQuery", "filter"),
        (
            "conversations/activity/query",
            {"metrics": [{"metric": "oWaiting"}]},
            "ConversationActivityQuery",
            "groupBy",
        ),
        (
            "conversations/activity/query",
            {"metrics": [{"details": True}], "groupBy": ["queueId"]},
            "ConversationActivityQueryMetric",
            "metrics[0].metric",
        ),
        (
            "agents/status/query",
            {"userFilter": {"predicates": []}},
            "AgentStateUserFilter",
            "userFilter.type",
        ),
        (
            "taskmanagement/metrics/query",
            {"metrics": [{"name": "oWorkitemsAssigned"}], "filter": QUEUE_FILTER},
            "TaskManagementObservationQuery",
            "groupBy",
        ),
        # A JSON null is an absent field: on a required one, a missing field.
        (
            "flows/observations/query",
            {"filter": {"type": "and", "predicates": []}, "metrics": None},
            "FlowObservationQuery",
            "metrics",
        ),
        (
            "queues/observations/query",
            {"filter": {"type": "and", "clauses": [{"type": "or"}]}, "metrics": ["oWaiting"]},
            "QueueObservationQueryClause",
            "filter.clauses[0].predicates",
        ),
    ],
)
def test_a_missing_required_field_is_a_400_in_the_error_body_shape(
    fake: FakeGenesys, endpoint: str, body: dict[str, Any], model: str, missing: str
) -> None:
    code, message, details = refusal(*post(fake, endpoint, body))
    assert code == "bad.request"
    assert message == f"The field '{missing}' is required in {model}"
    assert details == [{"errorCode": "bad.request", "fieldName": missing}]


def test_a_name_outside_the_enums_is_invalid_value(fake: FakeGenesys) -> None:
    code, message, details = refusal(
        *post(
            fake,
            "conversations/aggregates/query",
            {"interval": DAY, "metrics": ["nOffered"], "groupBy": ["queue"]},
        )
    )
    assert code == "invalid.value"
    # errors.json's template for invalid.value, filled in with the model's enum.
    [group_by] = [
        p
        for p in fake_facts.model("ConversationAggregationQuery")["properties"]
        if p["name"] == "groupBy"
    ]
    assert message == (
        "Value [queue] is not valid for field type [groupBy[0]]. Allowable values are: "
        + ", ".join(group_by["items"]["enum"])
    )
    assert details == [{"errorCode": "invalid.value", "fieldName": "groupBy[0]"}]
    predicate = {"dimension": "userId", "operator": "equals", "value": "x"}
    code, message, _ = refusal(
        *post(
            fake,
            "users/observations/query",
            {"filter": {"type": "or", "predicates": [predicate]}, "metrics": ["oActiveQueues"]},
        )
    )
    assert message == (
        "Value [equals] is not valid for field type [filter.predicates[0].operator]. "
        "Allowable values are: matches, exists, notExists"
    )


def test_an_interval_that_is_not_iso_8601_is_invalid_date(fake: FakeGenesys) -> None:
    for interval in ("PT1H", "2026-11-01", "2026-11-02T00:00:00Z/2026-11-01T00:00:00Z"):
        code, message, details = refusal(
            *post(fake, "flows/aggregates/query", {"interval": interval, "metrics": ["nFlow"]})
        )
        assert code == "invalid.date"
        assert message == (
            "Dates must be specified as ISO-8601 strings. For example: yyyy-MM-ddTHH:mm:ss.SSSZ"
        )
        assert details == [{"errorCode": "invalid.date", "fieldName": "interval"}]
    for interval in ("2026-11-01T00:00:00/2026-11-02T00:00:00", "2026-11-01T00:00:00Z/P1D"):
        body = {"interval": interval, "metrics": ["nFlow"]}
        assert post(fake, "flows/aggregates/query", body)[0] == 200


@pytest.mark.parametrize(
    ("endpoint", "filters", "days", "status"),
    [
        ("conversations/details/query", {}, 7, 200),
        ("conversations/details/query", {}, 8, 400),
        ("conversations/details/query", {"segmentFilters": "queue"}, 31, 200),
        ("conversations/details/query", {"segmentFilters": "queue"}, 32, 200),
        ("conversations/details/query", {"segmentFilters": "queue"}, 33, 400),
        ("conversations/details/query", {"segmentFilters": []}, 8, 400),  # empty: no filter
        ("users/details/query", {}, 8, 400),
        ("users/details/query", {"userFilters": "user"}, 31, 200),
        # Async jobs: their limit is unknown (limits.md section 1), so not enforced.
        ("conversations/details/jobs", {}, 90, 202),
    ],
)
def test_detail_intervals_follow_limits_md(
    fake: FakeGenesys, endpoint: str, filters: dict[str, Any], days: int, status: int
) -> None:
    predicates = {
        "queue": [{"type": "and", "predicates": [{"dimension": "queueId", "value": QUEUE}]}],
        "user": [{"type": "and", "predicates": [{"dimension": "userId", "value": QUEUE}]}],
    }
    start = datetime(2026, 9, 1, tzinfo=UTC)
    end = start + timedelta(days=days)
    body: dict[str, Any] = {"interval": f"{start:%Y-%m-%dT%H:%M:%SZ}/{end:%Y-%m-%dT%H:%M:%SZ}"}
    body.update({k: predicates.get(v, v) if isinstance(v, str) else v for k, v in filters.items()})
    answered, answer = post(fake, endpoint, body)
    assert answered == status, answer
    if status == 400:
        kind = "with a filter" if days > 8 else "without a filter"
        limit = 32 if days > 8 else 7
        assert answer["message"] == (
            f"The interval of a detail query {kind} may span at most {limit} days"
        )


def test_the_paging_cap_applies_where_it_was_observed(fake: FakeGenesys) -> None:
    deep = {"interval": DAY, "paging": {"pageSize": 100, "pageNumber": 1001}}
    _, message, details = refusal(*post(fake, "conversations/details/query", deep))
    assert message == "Bad Request - Pagination may not exceed 100000 results."
    assert details == [{"errorCode": "bad.request", "fieldName": "paging"}]
    edge = {"interval": DAY, "paging": {"pageSize": 100, "pageNumber": 1000}}
    assert post(fake, "conversations/details/query", edge)[0] == 200
    # On users/details the cap was never seen (limits.md section 5): not enforced.
    assert post(fake, "users/details/query", deep)[0] == 200


def test_where_the_facts_are_silent_or_in_conflict_the_fake_accepts(fake: FakeGenesys) -> None:
    # An unknown field: no observed refusal in errors.json or limits.md.
    assert (
        post(
            fake,
            "conversations/aggregates/query",
            {"interval": DAY, "metrics": ["nOffered"], "dateFrom": "2026-11-01T00:00:00Z"},
        )[0]
        == 200
    )
    # mediaType on user observations: the developer center allows it, the SDK enum does not.
    predicate = {"dimension": "mediaType", "value": "voice"}
    assert (
        post(
            fake,
            "users/observations/query",
            {"filter": {"type": "and", "predicates": [predicate]}, "metrics": ["oActiveQueues"]},
        )[0]
        == 200
    )
    # A number as text for an integer: whether the server converts it is not in the facts.
    paging = {"pageSize": "25", "pageNumber": 1}
    assert post(fake, "users/details/query", {"interval": DAY, "paging": paging})[0] == 200
    # null on an optional field is an absent field.
    assert (
        post(
            fake,
            "queues/observations/query",
            {"filter": QUEUE_FILTER, "metrics": ["oWaiting"], "detailMetrics": None},
        )[0]
        == 200
    )


def test_shapes_the_model_cannot_read_are_refused(fake: FakeGenesys) -> None:
    _, message, _ = refusal(*post(fake, "queues/observations/query", [QUEUE_FILTER]))
    assert message == "The request body must be a JSON object"
    _, message, _ = refusal(
        *post(fake, "queues/observations/query", {"filter": QUEUE_FILTER, "metrics": "oWaiting"})
    )
    assert message == "The field 'metrics' must be a list"
    _, message, _ = refusal(
        *post(
            fake,
            "users/details/query",
            {"interval": DAY, "paging": {"pageSize": 2.5, "pageNumber": 1}},
        )
    )
    assert message.startswith("Value [2.5] is not valid for field type [paging.pageSize]")
    assert post(fake, "nope/query", {})[0] == 404


def test_requirements_stated_in_descriptions_are_kept(fake: FakeGenesys) -> None:
    # TaskManagementQueryMetric.qualifier: "Required when requesting oWorkitemsDue".
    base = {"groupBy": ["queueId"], "filter": QUEUE_FILTER}
    due = {**base, "metrics": [{"name": "oWorkitemsDue"}]}
    _, message, details = refusal(*post(fake, "taskmanagement/metrics/query", due))
    assert message == "The field 'metrics[0].qualifier' is required when requesting oWorkitemsDue"
    assert details == [{"errorCode": "bad.request", "fieldName": "metrics[0].qualifier"}]
    qualified = {**base, "metrics": [{"name": "oWorkitemsDue", "qualifier": "Hours24"}]}
    assert post(fake, "taskmanagement/metrics/query", qualified)[0] == 200
    # "A single queueId predicate is always required" (several: not in the facts, accepted).
    typed = {"type": "and", "predicates": [{"dimension": "typeId", "value": QUEUE}]}
    no_queue = {**qualified, "filter": typed}
    _, message, _ = refusal(*post(fake, "taskmanagement/metrics/query", no_queue))
    assert message == "A queueId predicate is always required in 'filter.predicates'"
    # sortMetric: "Required when requesting multiple metrics. Only applicable for topN/bottomN".
    top = {"interval": DAY, "queryType": "topN", "limit": 5, "metrics": ["nOffered", "tHandle"]}
    _, message, _ = refusal(*post(fake, "conversations/aggregates/query", top))
    assert message == "The field 'sortMetric' is required when requesting multiple metrics"
    ranked = {**top, "sortMetric": {"name": "tHandle", "function": "sum"}}
    assert post(fake, "conversations/aggregates/query", ranked)[0] == 200
    grouped = {**top, "queryType": "groupBy"}
    del grouped["limit"]
    assert post(fake, "conversations/aggregates/query", grouped)[0] == 200

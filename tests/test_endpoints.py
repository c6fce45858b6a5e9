"""Endpoint names: exact full paths, short names, helpful errors."""

from __future__ import annotations

import pytest

from aggqlint.api.endpoints import EndpointError, all_endpoints, resolve_endpoint


def test_all_request_models_have_an_endpoint() -> None:
    endpoints = all_endpoints()
    assert len(endpoints) == 52
    assert len({e.model for e in endpoints.values()}) == 52


@pytest.mark.parametrize(
    ("text", "model"),
    [
        ("conversations/aggregates", "ConversationAggregationQuery"),
        ("/api/v2/analytics/conversations/aggregates/query", "ConversationAggregationQuery"),
        ("users/aggregates", "UserAggregationQuery"),
        ("queues/observations", "QueueObservationQuery"),
        ("conversations/details", "ConversationQuery"),
        ("conversations/details/jobs", "AsyncConversationQuery"),
        ("conversations/aggregates/jobs", "ConversationAsyncAggregationQuery"),
        ("/api/v2/analytics/conversations/aggregates/jobs", "ConversationAsyncAggregationQuery"),
        ("taskmanagement/metrics", "TaskManagementObservationQuery"),
    ],
)
def test_names_resolve(text: str, model: str) -> None:
    assert resolve_endpoint(text).model == model


def test_full_path_without_query_says_so() -> None:
    with pytest.raises(EndpointError) as caught:
        resolve_endpoint("/api/v2/analytics/conversations/aggregates")
    assert caught.value.code == "AQL021"
    assert "lacks the trailing '/query'" in caught.value.message
    assert caught.value.suggestion == "/api/v2/analytics/conversations/aggregates/query"
    assert caught.value.certain


def test_unknown_short_name_suggests_the_nearest() -> None:
    with pytest.raises(EndpointError) as caught:
        resolve_endpoint("conversation/aggregate")
    assert caught.value.code == "AQL020"
    assert "did you mean 'conversations/aggregates'" in caught.value.message
    assert not caught.value.certain


def test_short_name_with_query_suffix_is_corrected() -> None:
    with pytest.raises(EndpointError) as caught:
        resolve_endpoint("conversations/aggregates/query")
    assert caught.value.suggestion == "conversations/aggregates"


def test_get_endpoint_is_not_a_query() -> None:
    with pytest.raises(EndpointError) as caught:
        resolve_endpoint("/api/v2/analytics/conversations/details/jobs/availability")
    assert caught.value.code == "AQL022"
    assert "is a GET endpoint" in caught.value.message


def test_get_endpoint_beside_a_query_names_both() -> None:
    with pytest.raises(EndpointError) as caught:
        resolve_endpoint("/api/v2/analytics/conversations/details")
    assert caught.value.code == "AQL021"
    assert "itself is a GET endpoint that takes no query body" in caught.value.message


def test_known_invented_path_points_to_the_real_one() -> None:
    with pytest.raises(EndpointError) as caught:
        resolve_endpoint("/api/v2/analytics/agents/summary")
    assert caught.value.code == "AQL020"
    assert caught.value.suggestion == "conversations/aggregates"
    assert "grouped by userId" in caught.value.message


@pytest.mark.parametrize(
    ("url", "short"),
    [
        (
            "https://api.mypurecloud.de/api/v2/analytics/conversations/aggregates/query",
            "conversations/aggregates",
        ),
        ("HTTPS://api.usw2.pure.cloud/api/v2/analytics/users/details/query/", "users/details"),
    ],
)
def test_a_url_with_its_host_is_told_to_drop_the_host(url: str, short: str) -> None:
    with pytest.raises(EndpointError) as err:
        resolve_endpoint(url)
    assert err.value.code == "AQL020"
    assert str(err.value) == (
        f"unknown endpoint '{url}'; drop the host (the region is chosen at submit time): "
        f"write '{short}'"
    )
    assert err.value.suggestion == short

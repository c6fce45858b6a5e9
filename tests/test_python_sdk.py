"""The official Python SDK (PyPI purecloudplatformclientv2, the `test` extra) as a second
source of truth: rules/python-sdk.json is what the installed SDK says; its request models
agree with facts/ (taken from the .NET SDK) except for the differences listed here; the body
aggqlint reads from SDK code without running it is the body the SDK itself serialises; and
lint_payload takes the SDK's model objects."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

sdk_package = pytest.importorskip(
    "PureCloudPlatformClientV2",
    reason="the Python SDK is not installed (pip install -e '.[test]' installs it)",
)
from PureCloudPlatformClientV2 import models  # noqa: E402
from PureCloudPlatformClientV2.utils import sanitize_for_serialization  # noqa: E402

from aggqlint import lint_payload  # noqa: E402
from aggqlint.loading.python_source import parse_python  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
FACTS = REPO / "facts" / "genesys" / "models"
sys.path.insert(0, str(REPO / "tools"))
from generate_python_sdk import setter_enum  # noqa: E402

FACTS_SDK = ".NET 270.0.0"  # facts/genesys/README.md
PYTHON_SDK = "purecloudplatformclientv2 269.0.0"  # pinned in the test extra

# (model, JSON field) -> (in facts only, in the Python SDK only): enum lists that disagree.
# The Python SDK, a release older, has values the .NET 270 facts lack.
KNOWN_ENUM_DIFFERENCES = {
    ("ConversationAggregationSort", "name"): ((), ("nAgentDeclined", "nAlertExpired")),
    ("ConversationAggregationView", "target"): ((), ("nAgentDeclined", "nAlertExpired")),
    ("ConversationDetailQueryPredicate", "metric"): ((), ("nAgentDeclined", "nAlertExpired")),
    ("SummaryAggregateQueryPredicate", "dimension"): ((), ("triggerType", "wrapupCodesSupported")),
}
# (model, JSON field) -> the SDK's attribute, where it is not the snake_case of the JSON name.
KNOWN_ATTRIBUTE_NAMES = {("SegmentDetailQueryPredicate", "property"): "pcProperty"}


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _fact_models() -> list[dict[str, Any]]:
    paths = sorted(p for p in FACTS.glob("*.json") if p.stem != "index")
    return [json.loads(p.read_text(encoding="utf-8")) for p in paths]


def test_the_installed_sdk_is_the_pinned_one() -> None:
    import importlib.metadata

    assert importlib.metadata.version("purecloudplatformclientv2") == PYTHON_SDK.split()[1]


def test_rules_python_sdk_json_is_what_the_installed_sdk_says() -> None:
    tool = REPO / "tools" / "generate_python_sdk.py"
    ran = subprocess.run([sys.executable, str(tool), "--check"], capture_output=True, text=True)
    assert ran.returncode == 0, ran.stdout + ran.stderr


def _compare() -> dict[str, Any]:
    figures: dict[str, Any] = {
        "models": 0,
        "request_models": 0,
        "fields": 0,
        "field_sets_differ": [],
        "attributes_not_snake_case": {},
        "enums": 0,
        "enums_equal": 0,
        "enum_differences": {},
        "list_enums_only_in_facts": 0,
    }
    for fact in _fact_models():
        name = fact["model"]
        if name in {"ErrorBody", "Detail", "Limit"}:  # response models: not sent
            continue
        instance = getattr(models, name)()
        figures["models"] += 1
        figures["request_models"] += fact.get("role") == "request body"
        by_json = {j: a for a, j in instance.attribute_map.items()}
        written = {p["name"] for p in fact["properties"]}
        figures["fields"] += len(written)
        if written != set(by_json):
            figures["field_sets_differ"].append(name)
        for prop in fact["properties"]:
            attribute = by_json.get(prop["name"])
            if attribute is None:
                continue
            if attribute != _snake(prop["name"]):
                figures["attributes_not_snake_case"][(name, prop["name"])] = attribute
            figures["list_enums_only_in_facts"] += "enum" in prop.get("items", {})
            ours = prop.get("enum")
            theirs = setter_enum(type(instance), attribute)
            if ours is None and theirs is None:
                continue
            figures["enums"] += 1
            theirs = [v for v in theirs or [] if v != "OUTDATED_SDK_VERSION"]
            if ours == theirs:
                figures["enums_equal"] += 1
            else:
                only_facts = tuple(sorted(set(ours or ()) - set(theirs)))
                only_sdk = tuple(sorted(set(theirs) - set(ours or ())))
                figures["enum_differences"][(name, prop["name"])] = (only_facts, only_sdk)
    return figures


def test_the_sdks_request_models_agree_with_the_facts() -> None:
    figures = _compare()
    # All 52 request models and their nested models (ErrorBody & co. are responses).
    assert (figures["models"], figures["request_models"]) == (202, 52)
    assert figures["field_sets_differ"] == []  # the same JSON field names, model by model
    assert figures["attributes_not_snake_case"] == KNOWN_ATTRIBUTE_NAMES
    assert figures["enum_differences"] == KNOWN_ENUM_DIFFERENCES, (FACTS_SDK, PYTHON_SDK)
    assert (figures["enums"], figures["enums_equal"]) == (310, 306)
    # groupBy and metrics lists: the Python SDK's list setters check no values.
    assert figures["list_enums_only_in_facts"] > 0


# Code a developer writes with the SDK, every value a literal: the body aggqlint reads from
# the text must be exactly what the SDK serialises when the same code runs.
EQUIVALENT = {
    "aggregates with a filter built on its own": """
        from PureCloudPlatformClientV2 import (
            ConversationAggregateQueryFilter,
            ConversationAggregateQueryPredicate,
            ConversationAggregationQuery,
        )

        def build():
            voice = ConversationAggregateQueryPredicate()
            voice.dimension = "mediaType"
            voice.value = "voice"
            only = ConversationAggregateQueryFilter()
            only.type = "and"
            only.predicates = [voice]
            query = ConversationAggregationQuery()
            query.interval = "2026-10-01T00:00:00Z/2026-10-02T00:00:00Z"
            query.granularity = "PT1H"
            query.time_zone = "Europe/London"
            query.group_by = ["queueId"]
            query.metrics = ["nOffered", "tHandle"]
            query.flatten_multivalued_dimensions = False
            query.filter = only
            query.views = None
            return query
        """,
    "details with paging and nested attributes": """
        import PureCloudPlatformClientV2 as gc

        def build():
            query = gc.ConversationQuery()
            query.interval = "2026-10-01T00:00:00Z/2026-10-01T06:00:00Z"
            query.order = "desc"
            query.order_by = "conversationStart"
            query.paging = gc.PagingSpec()
            query.paging.page_size = 100
            query.paging.page_number = 1
            segment = gc.SegmentDetailQueryFilter()
            segment.type = "or"
            first, second = gc.SegmentDetailQueryPredicate(), gc.SegmentDetailQueryPredicate()
            segment.predicates = [first, second]
            segment.predicates[0].dimension = "queueId"
            query.segment_filters = [segment]
            return query
        """,
    "camelCase attributes, which the SDK leaves out as aggqlint does": """
        from PureCloudPlatformClientV2 import UserAggregationQuery

        def build():
            query = UserAggregationQuery()
            query.interval = "2026-10-01T00:00:00Z/2026-10-02T00:00:00Z"
            query.metrics = ["tAgentRoutingStatus"]
            query.groupBy = ["userId"]
            query.timeZone = "Europe/Berlin"
            return query
        """,
    "observation with a dict filter": """
        from PureCloudPlatformClientV2 import QueueObservationQuery

        def build():
            query = QueueObservationQuery()
            query.filter = {"type": "or", "predicates": [{"dimension": "queueId", "value": "q1"}]}
            query.metrics = ["oWaiting", "oInteracting"]
            query.detail_metrics = ["oWaiting"]
            return query
        """,
    "details with the one attribute not in snake_case (pcProperty)": """
        from PureCloudPlatformClientV2 import (
            ConversationQuery,
            SegmentDetailQueryFilter,
            SegmentDetailQueryPredicate,
        )

        def build():
            label = SegmentDetailQueryPredicate()
            label.type = "property"
            label.pcProperty = "customer.tier"
            label.property_type = "string"
            label.value = "gold"
            segments = SegmentDetailQueryFilter()
            segments.type = "and"
            segments.predicates = [label]
            query = ConversationQuery()
            query.interval = "2026-10-01T00:00:00Z/2026-10-01T06:00:00Z"
            query.segment_filters = [segments]
            return query
        """,
}


def _dynamic(code: str) -> Any:
    namespace: dict[str, Any] = {}
    exec(compile(code, "<sdk code>", "exec"), namespace)  # the real SDK builds the object
    return sanitize_for_serialization(namespace["build"]())


@pytest.mark.parametrize("name", sorted(EQUIVALENT))
def test_the_body_read_statically_is_what_the_sdk_sends(name: str) -> None:
    code = textwrap.dedent(EQUIVALENT[name])
    source = parse_python(code, "code.py")
    assert source.located == []
    (document,) = source.documents
    assert document.unread == frozenset()
    assert document.value == _dynamic(code)


def test_the_seed_script_sends_what_aggqlint_read_except_the_computed_value() -> None:
    code = (REPO / "tests" / "data" / "python" / "seeds" / "sdk_correct.py").read_text("utf-8")
    namespace: dict[str, Any] = {}
    exec(compile(code, "sdk_correct.py", "exec"), namespace)
    sent: list[Any] = []

    class Recorder:
        def post_analytics_conversations_aggregates_query(self, body: Any) -> None:
            sent.append(sanitize_for_serialization(body))

    namespace["hourly"](Recorder(), "queue-1")
    (document,) = parse_python(code, "sdk_correct.py").documents
    assert document.unread == frozenset({"/filter/predicates/0/value"})
    del sent[0]["filter"]["predicates"][0]["value"]
    assert document.value == sent[0]


def test_lint_payload_takes_sdk_model_objects() -> None:
    query = models.ConversationAggregationQuery()
    query.interval = "2026-10-01T00:00:00Z/2026-10-02T00:00:00Z"
    query.metrics = ["nOffered", "handleTime"]
    query.group_by = ["queueId"]
    query.filter = models.ConversationAggregateQueryFilter()
    query.filter.type = "and"
    query.filter.predicates = [models.ConversationAggregateQueryPredicate()]
    query.filter.predicates[0].dimension = "queueId"
    query.filter.predicates[0].value = "6c1b3f3e-1d2c-4b5a-9e8f-7a6b5c4d3e2f"
    found = lint_payload(query, "conversations/aggregates")
    assert [(d.code, d.location.pointer) for d in found] == [("AQL201", "/metrics/1")]
    # The same as the dict the SDK sends, and a dict holding model objects too.
    as_sent = sanitize_for_serialization(query)
    assert lint_payload(as_sent, "conversations/aggregates") == found
    mixed = {**as_sent, "filter": query.filter}
    assert lint_payload(mixed, "conversations/aggregates") == found


def test_lint_payload_names_the_sdks_placeholder_for_an_unknown_enum_value() -> None:
    predicate = models.ConversationAggregateQueryPredicate()
    predicate.dimension = "queue"  # the setter stores "outdated_sdk_version" without a word
    query = models.ConversationAggregationQuery()
    query.interval = "2026-10-01T00:00:00Z/2026-10-02T00:00:00Z"
    query.metrics = ["nOffered"]
    query.filter = models.ConversationAggregateQueryFilter()
    query.filter.type = "and"
    query.filter.predicates = [predicate]
    (found,) = [d for d in lint_payload(query, "conversations/aggregates") if d.code == "AQL202"]
    assert "'outdated_sdk_version'" in found.message
    assert "the SDK's setter replaced a value it does not know" in found.message


def test_the_refresh_tool_prints_what_a_release_adds_and_writes_only_on_request(
    tmp_path: Path,
) -> None:
    import shutil

    facts = tmp_path / "models"
    shutil.copytree(FACTS, facts)
    tool = [sys.executable, str(REPO / "tools" / "refresh_facts_from_python_sdk.py")]
    shown = subprocess.run([*tool, "--facts", str(facts)], capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.splitlines()[1:] == [
        "  ConversationAggregationSort.name: new metric names: nAgentDeclined, nAlertExpired",
        "  ConversationAggregationView.target: new metric names: nAgentDeclined, nAlertExpired",
        "  ConversationDetailQueryPredicate.metric: new metric names: nAgentDeclined, "
        "nAlertExpired",
        "  SummaryAggregateQueryPredicate.dimension: new values: triggerType, wrapupCodesSupported",
        "  candidate metrics for the groupBy/metrics lists (confirm in the .NET SDK, not "
        "written): nAgentDeclined, nAlertExpired",
        "  candidate dimensions for the groupBy/metrics lists (confirm in the .NET SDK, not "
        "written): wrapupCodesSupported",
    ]
    untouched = sorted(p.read_bytes() for p in facts.iterdir())
    assert untouched == sorted(p.read_bytes() for p in FACTS.iterdir())

    written = subprocess.run([*tool, "--facts", str(facts), "--write"], capture_output=True)
    assert written.returncode == 0
    sort = json.loads((facts / "ConversationAggregationSort.json").read_text("utf-8"))
    (name,) = [p for p in sort["properties"] if p["name"] == "name"]
    assert name["enum"][-2:] == ["nAgentDeclined", "nAlertExpired"]
    assert sort["refreshed_from"] == [PYTHON_SDK]
    changed = [p.name for p in facts.iterdir() if p.read_bytes() != (FACTS / p.name).read_bytes()]
    assert sorted(changed) == [
        "ConversationAggregationSort.json",
        "ConversationAggregationView.json",
        "ConversationDetailQueryPredicate.json",
        "SummaryAggregateQueryPredicate.json",
    ]

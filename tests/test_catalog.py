"""`aggqlint catalog` and rules/catalog.yaml: every name explained, in our own words."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from conftest import REPO, run_aggqlint

from aggqlint.api import glossary
from aggqlint.api.endpoints import all_endpoints, resolve_endpoint
from aggqlint.api.vocabulary import vocabulary
from aggqlint.cli import cli

MAIN_ENDPOINTS = (
    "conversations/aggregates",
    "users/aggregates",
    "queues/observations",
    "users/observations",
    "flows/observations",
    "conversations/details",
)


@pytest.fixture(scope="module")
def catalog() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((REPO / "rules" / "catalog.yaml").read_text("utf-8"))
    return data


@pytest.fixture(scope="module")
def facts() -> dict[str, Any]:
    path = REPO / "facts" / "genesys" / "metrics.json"
    metrics: dict[str, Any] = json.loads(path.read_text("utf-8"))["metrics"]
    return metrics


def _invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, ["catalog", *args])


def _norm(text: str) -> str:
    return " ".join(text.lower().split()).rstrip(".")


# --- the data -------------------------------------------------------------------------------


def test_every_query_metric_of_every_endpoint_is_described(catalog: dict[str, Any]) -> None:
    missing = {
        (endpoint.name, name)
        for endpoint in all_endpoints().values()
        for name in vocabulary(endpoint).metrics  # the metrics list and the filters' metrics
        if not catalog["metrics"].get(name, {}).get("text")
    }
    assert missing == set()


def test_dimensions_of_the_main_endpoints_are_described(catalog: dict[str, Any]) -> None:
    endpoints = all_endpoints()
    missing = {
        (name, dimension)
        for name in MAIN_ENDPOINTS
        for dimension in vocabulary(endpoints[name]).dimensions
        if not catalog["dimensions"].get(dimension)
    }
    assert missing == set()


def test_no_description_copies_the_facts(catalog: dict[str, Any], facts: dict[str, Any]) -> None:
    copied = [
        name
        for name, entry in catalog["metrics"].items()
        if facts[name]["meaning"] and _norm(facts[name]["meaning"]) in _norm(entry["text"])
    ]
    assert copied == []


def test_kind_unit_and_documented_agree_with_the_facts(
    catalog: dict[str, Any], facts: dict[str, Any]
) -> None:
    assert set(catalog["metrics"]) == set(facts)
    for name, entry in catalog["metrics"].items():
        assert (entry["kind"], entry["unit"]) == (facts[name]["kind"], facts[name]["unit"]), name
        assert entry.get("documented", True) == (facts[name]["meaning"] is not None), name


def test_check_catalog_tool_is_clean_and_writes_skeletons(facts: dict[str, Any]) -> None:
    spec = importlib.util.spec_from_file_location(
        "check_catalog", REPO / "tools" / "check_catalog.py"
    )
    assert spec is not None and spec.loader is not None
    tool: ModuleType = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    assert tool.problems(*tool.load()) == []
    assert tool.skeleton(["tAcd"], facts) == (
        "  tAcd:\n"
        "    kind: timer\n"
        "    unit: ms\n"
        "    documented: false\n"
        '    text: "TODO: in your own words"\n'
        '    words: ["acd time", "queue time", "time in queue", "time in acd"]\n'
    )


# --- the core -------------------------------------------------------------------------------


def test_metric_info_says_when_a_meaning_is_undocumented() -> None:
    assert glossary.metric_info("tAcd").description == (
        "no documented meaning; by its name: time spent in ACD (the queue)"
    )
    handle = glossary.metric_info("tHandle")
    assert (handle.kind, handle.unit, handle.documented) == ("timer", "ms", True)
    assert "aht" in handle.words
    unknown = glossary.metric_info("nSomethingNew")
    assert (unknown.kind, unknown.unit, unknown.description) == (
        "count",
        "count",
        "not described yet",
    )


def test_name_words() -> None:
    assert glossary.name_words("nBotSessions") == "bot sessions"
    assert glossary.name_words("oServiceLevel") == "service level"
    assert glossary.name_words("queueId") == "queue id"
    assert glossary.name_words("tIvr") == "ivr"


def test_search_matches_at_word_starts() -> None:
    endpoint = resolve_endpoint("conversations/aggregates")
    names = [m.name for m in glossary.listing(endpoint, "hold").metrics]
    # tShortAbandon's "threshold" is no match; tCallbackVirtualWait is, by its word "virtual hold".
    assert names == ["tActiveCallback", "tCallbackVirtualWait", "tHandle", "tHeld", "tHeldComplete"]
    assert [m.name for m in glossary.listing(endpoint, "AHT").metrics] == ["tHandle"]
    assert [m.name for m in glossary.listing(endpoint, "tHandle").metrics] == ["tHandle"]


# --- the command ----------------------------------------------------------------------------


def test_lists_endpoints() -> None:
    result = _invoke()
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["ENDPOINT", "KIND", "PATH"]
    assert len(lines) == 1 + len(all_endpoints())
    assert lines[1] == (
        "actions/aggregates                 aggregate      "
        "/api/v2/analytics/actions/aggregates/query"
    )
    preview = next(line for line in lines if line.startswith("agentutilizations/aggregates "))
    assert preview.endswith("/api/v2/analytics/agentutilizations/aggregates/query  preview")


def test_endpoints_as_json() -> None:
    result = _invoke("--format", "json")
    endpoints = json.loads(result.output)["endpoints"]
    assert len(endpoints) == len(all_endpoints())
    assert endpoints[0] == {
        "name": "actions/aggregates",
        "kind": "aggregate",
        "path": "/api/v2/analytics/actions/aggregates/query",
        "model": "ActionAggregationQuery",
        "preview": False,
    }


def test_grep_handle_in_conversation_metrics() -> None:
    """`aggqlint catalog conversations/aggregates --metrics | grep -i handle`"""
    result = run_aggqlint("catalog", "conversations/aggregates", "--metrics")
    assert result.returncode == 0
    found = [line for line in result.stdout.splitlines() if "handle" in line.lower()]
    assert found[-1] == (
        "  tHandle                       timer        ms       Agent handling time: talk + hold"
        " + after-call work (plus dialing and contacting on outbound); count = handled,"
        " sum/count = AHT; posted when handling ends."
    )
    assert [line.split()[0] for line in found] == ["tContacting", "tDialing", "tHandle"]


def test_one_endpoint_metrics_and_dimensions() -> None:
    result = _invoke("/api/v2/analytics/queues/observations/query")
    assert result.exit_code == 0
    assert result.output == (
        "queues/observations (observation): /api/v2/analytics/queues/observations/query\n"
        "\n"
        "metrics (11)\n"
        "  oActiveUsers          observation  count  Snapshot: members of the queue who are"
        " currently joined (activated) in it.\n"
        "  oAlerting             observation  count  Snapshot: queue conversations ringing at"
        " agents right now, per media type.\n"
        "  oInteracting          observation  count  Snapshot: queue conversations currently"
        " connected to agents, per media type.\n"
        "  oLongestInteracting   observation  ms     no documented meaning; by its name: longest"
        " ongoing interaction (observed, in ms)\n"
        "  oLongestWaiting       observation  ms     no documented meaning; by its name: longest"
        " ongoing wait (observed, in ms)\n"
        "  oMemberUsers          observation  count  Snapshot: users who are members of the"
        " queue.\n"
        "  oOffQueueUsers        observation  count  no documented meaning; by its name: users"
        " off queue (observed count)\n"
        "  oOnQueueUsers         observation  count  no documented meaning; by its name: users"
        " on queue (observed count)\n"
        "  oUserPresences        observation  count  no documented meaning; by its name: user"
        " presences (observed count)\n"
        "  oUserRoutingStatuses  observation  count  no documented meaning; by its name: user"
        " routing statuses (observed count)\n"
        "  oWaiting              observation  count  Snapshot: conversations waiting in the"
        " queue right now, per media type.\n"
        "\n"
        "dimensions (2; g: groupBy, f: filter)\n"
        "  mediaType  -f  Media of the interaction: voice, chat, email, message, callback,"
        " cobrowse, video, screenshare, ...\n"
        "  queueId    -f  Id of the queue.\n"
    )


def test_dimensions_only_with_search() -> None:
    result = _invoke("conversations/aggregates", "--dimensions", "--search", "wrap")
    assert result.exit_code == 0
    assert result.output == (
        "conversations/aggregates (aggregate): /api/v2/analytics/conversations/aggregates/query\n"
        "\n"
        "dimensions (1; g: groupBy, f: filter)\n"
        "  wrapUpCode  gf  Id of the wrap-up code the agent chose.\n"
    )


def test_detail_endpoint_lists_the_metrics_its_filters_take() -> None:
    result = _invoke("conversations/details", "--metrics", "--search", "duration")
    assert result.exit_code == 0
    assert result.output.splitlines()[2] == "metrics (3, in filter predicates only)"
    assert "tConversationDuration" in result.output


def test_listing_as_json() -> None:
    result = _invoke("users/aggregates", "--format", "json")
    document = json.loads(result.output)
    assert document["endpoint"]["model"] == "UserAggregationQuery"
    assert [m["name"] for m in document["metrics"]] == [
        "tAgentRoutingStatus",
        "tOrganizationPresence",
        "tSystemPresence",
    ]
    assert document["metrics"][0]["kind"] == "timer"
    assert document["metricsInFiltersOnly"] is False
    assert document["dimensions"] == [
        {
            "name": "userId",
            "groupBy": True,
            "filter": True,
            "description": "Id of the user (agent).",
        }
    ]


def test_search_across_endpoints() -> None:
    result = _invoke("--search", "aht")
    assert result.exit_code == 0
    assert result.output == (
        "tHandle  (timer ms)  Agent handling time: talk + hold + after-call work (plus dialing"
        " and contacting on outbound); count = handled, sum/count = AHT; posted when handling"
        " ends.\n"
        "    endpoints: conversations/aggregates, conversations/details\n"
    )
    as_json = json.loads(_invoke("--search", "queue id", "--format", "json").output)
    assert as_json["metrics"] == []
    dimensions = {d["name"]: d for d in as_json["dimensions"]}
    assert {"queueId", "activeQueueId", "routedQueueId"} <= set(dimensions)
    assert dimensions["queueId"]["description"] == "Id of the queue."
    assert "queues/observations" in dimensions["queueId"]["endpoints"]


def test_search_that_finds_nothing_exits_one() -> None:
    result = run_aggqlint("catalog", "users/aggregates", "--search", "zebra")
    assert result.returncode == 1
    assert result.stderr == "aggqlint: nothing in users/aggregates matches 'zebra'\n"
    assert run_aggqlint("catalog", "--search", "zebra").returncode == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["conversations/aggregate"], "aggqlint: unknown endpoint 'conversations/aggregate'"),
        (["--metrics"], "aggqlint: --metrics and --dimensions need an ENDPOINT"),
    ],
)
def test_usage_errors_exit_two(args: list[str], message: str) -> None:
    result = run_aggqlint("catalog", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(message)


def test_catalog_ships_with_the_rules(tmp_path: Path) -> None:
    # rules/ is copied into the wheel, so catalog.yaml is found the way the other rule data is.
    from aggqlint.data import data_root

    assert (data_root("rules") / "catalog.yaml").is_file()


def _console_sample(page: str, command: str) -> str:
    """The output shown under `$ COMMAND` in a ```console block of a docs page."""
    text = (REPO / "docs" / page).read_text(encoding="utf-8")
    start = text.index(f"$ {command}\n") + len(f"$ {command}\n")
    return text[start : text.index("```", start)]


@pytest.mark.parametrize(
    "command", ["aggqlint catalog users/aggregates", "aggqlint catalog --search aht"]
)
def test_docs_samples_are_current(command: str) -> None:
    result = CliRunner().invoke(cli, command.split()[1:])
    assert result.output == _console_sample("catalog.md", command)

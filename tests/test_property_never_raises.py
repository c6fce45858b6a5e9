"""Whatever text or body comes in, the engine answers with diagnostics and never raises.

A check that crashes is reported as AQL009 instead of stopping the run, so "never raises" alone
would hide broken rules: the properties also require that no check crashed (no AQL009) and that
every code is declared in rules/checks/.
"""

from __future__ import annotations

import json
import math
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from aggqlint.checks.engine import lint_payload, lint_text
from aggqlint.diagnostics import Diagnostic

SETTINGS = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
ENDPOINTS = [
    "conversations/aggregates",
    "conversations/details",
    "conversations/aggregates/jobs",
    "queues/observations",
    "users/details",
    "flows/aggregates",
]
NAMES = ["report.yaml", "report.json"]

# Pieces of YAML and of report definitions, including the awkward ones: anchors, tags,
# directives, BOMs, NULs, tabs, YAML 1.1 scalars, odd numbers, secrets.
TOKENS = [
    *("report", "endpoint", "query", "windows", "chunk", "description"),
    *("interval", "granularity", "timeZone", "groupBy", "metrics", "filter", "paging"),
    *("type", "predicates", "clauses", "dimension", "operator", "value", "range", "views"),
    *("conversations/aggregates", "/api/v2/analytics/users/details/query", "nOffered"),
    *("tHandle", "handleTime", "queueId", "mediaType", "and", "or", "matches"),
    *("2026-11-01T00:00:00Z/2026-11-02T00:00:00Z", "PT1H", "P1D", "Europe/London"),
    *(": ", ":", " ", "  ", "\n", "- ", "[", "]", "{", "}", ", ", "'", '"', "# ", "\\"),
    *("&a ", "*a", "&b ", "*b", "<<: ", "? ", "|\n", ">-\n", "---\n", "...\n", "%YAML 1.1\n"),
    *("!!python/object:os.system ", "!!set ", "!!binary ", "!local ", "!!str ", "!!int "),
    *("0x1F", "0o17", "0123", "1_000", "1e400", ".nan", "-.inf", "1:30:00", "9" * 60),
    *("no", "on", "~", "null", "true", "\t", "\r\n", "\ufeff", "\x00", "\x07", "\x85"),
    *("\u2028", "\ud7ff", "é", "🙂", "client_secret", "Bearer eyJhbGciOi.eyJzdWIiOi.sig"),
    *("..", "..a", "../", "/", "~1", "~0", "~", "#/"),  # JSON pointer syntax inside names
]
yaml_ish = st.lists(st.sampled_from(TOKENS), max_size=80).map("".join)

scalars = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**40), max_value=10**40)
    | st.floats()  # NaN, infinities, -0.0, subnormals
    | st.text(max_size=20)
    | st.sampled_from(TOKENS)
)
keys = st.sampled_from(TOKENS) | st.text(max_size=10)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=40,
)

# Bodies shaped like queries, so that the checks behind the schema get to run.
predicates = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["dimension", "property", "metric"]) | json_values,
        "dimension": st.sampled_from(["queueId", "mediaType", "userId", "x"]) | json_values,
        "operator": st.sampled_from(["matches", "exists", "notExists"]) | json_values,
        "value": json_values,
        "metric": st.sampled_from(["tHandle", "nOffered"]) | json_values,
        "range": st.dictionaries(st.sampled_from(["gt", "gte", "lt", "lte"]), json_values),
    },
)
filters = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["and", "or"]) | json_values,
        "predicates": st.lists(predicates | json_values, max_size=4),
        "clauses": st.lists(
            st.fixed_dictionaries({"type": st.sampled_from(["and", "or"])})
            | st.fixed_dictionaries({"predicates": st.lists(predicates, max_size=3)}),
            max_size=3,
        ),
    },
)
intervals = st.sampled_from(
    [
        "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z",
        "2026-11-01T00:00:00Z/P1D",
        "P1D/2026-11-02T00:00:00Z",
        "2026-02-30T00:00:00Z/2026-03-01T00:00:00Z",
        "9999-12-31T23:59:59Z/10000-01-01T00:00:00Z",
        "0001-01-01T00:00:00Z/0001-01-01T00:00:00Z",
        "2026-11-01T00:00:00+25:00/2026-11-02",
        "PT1H",
        "/",
        "",
    ]
)
bodies = st.fixed_dictionaries(
    {},
    optional={
        "interval": intervals | json_values,
        "granularity": st.sampled_from(["PT1H", "P1D", "PT0S", "P1M", "P99999999D"]),
        "timeZone": st.sampled_from(["Europe/London", "UTC", "Nowhere/Zone", ""]),
        "groupBy": st.lists(st.sampled_from(["queueId", "mediaType", "x"]), max_size=4),
        "metrics": st.lists(st.sampled_from(["nOffered", "tHandle", "handleTime"]), max_size=5),
        "filter": filters | json_values,
        "paging": st.dictionaries(st.sampled_from(["pageSize", "pageNumber"]), json_values),
        "views": json_values,
        "dateFrom": json_values,
    },
) | st.dictionaries(keys, json_values, max_size=8)
definitions = st.fixed_dictionaries(
    {
        "report": st.sampled_from(["daily"]) | json_values,
        "endpoint": st.sampled_from([*ENDPOINTS, "nope"]) | json_values,
        "query": bodies | json_values,
    },
    optional={
        "windows": st.lists(intervals, max_size=3) | json_values,
        "chunk": st.sampled_from(["P1D", "PT1H", "PT0S", "-P1D"]) | json_values,
        "description": json_values,
    },
)


def assert_answer(diagnostics: Any) -> None:
    assert isinstance(diagnostics, list)
    assert all(isinstance(d, Diagnostic) for d in diagnostics)
    broken = [d for d in diagnostics if d.code == "AQL009" or d.rule == "undeclared"]
    assert not broken, broken


def to_json(value: Any) -> str:
    return json.dumps(value, allow_nan=True)


def to_yaml(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True)


@SETTINGS
@given(yaml_ish, st.sampled_from(NAMES))
def test_yaml_ish_text(text: str, name: str) -> None:
    assert_answer(lint_text(text, name))
    assert_answer(lint_text(text.encode("utf-8", "surrogatepass"), name))


@SETTINGS
@given(st.text(), st.sampled_from(NAMES))
def test_any_unicode_text(text: str, name: str) -> None:
    assert_answer(lint_text(text, name))


@SETTINGS
@given(st.binary(), st.sampled_from(NAMES))
def test_any_bytes(data: bytes, name: str) -> None:
    assert_answer(lint_text(data, name))


@SETTINGS
@given(st.dictionaries(keys, json_values, max_size=8) | bodies, st.sampled_from(ENDPOINTS))
# Found by this test: a list where a dimension name belongs crashed the filters family.
@example({"filter": {"predicates": [{"dimension": [], "value": None}]}}, ENDPOINTS[0])
def test_any_payload(body: dict[str, Any], endpoint: str) -> None:
    assert_answer(lint_payload(body, endpoint))


@SETTINGS
@given(json_values, st.sampled_from(ENDPOINTS))
def test_payload_that_is_not_a_mapping(body: Any, endpoint: str) -> None:
    # Typed as a dict, but code that builds bodies at run time can pass anything.
    assert_answer(lint_payload(body, endpoint))


@SETTINGS
@given(definitions, st.sampled_from([to_json, to_yaml]))
def test_any_definition_as_text(definition: dict[str, Any], dump: Any) -> None:
    name = "report.json" if dump is to_json else "report.yaml"
    assert_answer(lint_text(dump(definition), name))


@SETTINGS
@given(json_values, st.sampled_from(NAMES))
def test_any_json_value_as_a_whole_document(value: Any, name: str) -> None:
    assert_answer(lint_text(to_json(value), name))


def test_odd_floats_in_every_field() -> None:
    for number in (math.nan, math.inf, -math.inf, -0.0, 5e-324, 1.7976931348623157e308):
        body = {key: number for key in ("interval", "granularity", "metrics", "filter", "paging")}
        for endpoint in ENDPOINTS:
            assert_answer(lint_payload(body, endpoint))

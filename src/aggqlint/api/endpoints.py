"""The query endpoints aggqlint knows, by short name or full path (from schemas/index.json)."""

from __future__ import annotations

import functools
import re
from typing import Any

from msgspec import Struct

from aggqlint.data import load_json, load_yaml

PREFIX = "/api/v2/analytics/"
SUFFIX = "/query"


class Endpoint(Struct, frozen=True):
    name: str  # short name: conversations/aggregates
    path: str  # /api/v2/analytics/conversations/aggregates/query
    model: str  # the request model, e.g. ConversationAggregationQuery
    kind: str  # aggregate, aggregate-job, detail, detail-job, observation, activity, agent-status
    preview: bool
    schema_file: str
    # The request model's top-level fields and the required ones (from schemas/index.json):
    # enough to rule most endpoints out for a body without reading their schema files.
    fields: frozenset[str]
    required: frozenset[str]

    def schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = load_json("schemas", self.schema_file)
        return schema


class EndpointError(ValueError):
    def __init__(
        self, code: str, message: str, suggestion: str | None = None, certain: bool = False
    ) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.suggestion = suggestion
        # The suggestion is surely what was meant (not a fuzzy guess): callers may go on
        # checking the query against it.
        self.certain = certain


@functools.cache
def all_endpoints() -> dict[str, Endpoint]:
    index = load_json("schemas", "index.json")
    return {
        entry["name"]: Endpoint(
            entry["name"],
            entry["path"],
            entry["model"],
            entry["kind"],
            bool(entry.get("preview")),
            entry["schema"],
            frozenset(entry["fields"]),
            frozenset(entry["required"]),
        )
        for entry in index["endpoints"]
    }


@functools.cache
def _by_path() -> dict[str, Endpoint]:
    return {endpoint.path: endpoint for endpoint in all_endpoints().values()}


@functools.cache
def _other_paths() -> dict[str, list[dict[str, Any]]]:
    found: dict[str, list[dict[str, Any]]] = {}
    for entry in load_json("schemas", "index.json").get("other_paths", []):
        found.setdefault(entry["path"], []).append(entry)
    return found


_URL_HOST = re.compile(r"https?://[^/\s]+(/\S*?)/?(?:\?\S*)?$", re.IGNORECASE)


def resolve_endpoint(text: str) -> Endpoint:
    """The endpoint a short name or full path names; EndpointError says what is wrong."""
    value = text.strip()
    if value.startswith("/"):
        return _resolve_path(value)
    host = _URL_HOST.match(value)
    if host is not None and host.group(1) in _by_path():
        # Copied from the API Explorer or a curl example, host and all.
        short = _by_path()[host.group(1)].name
        return _fail(
            "AQL020",
            f"unknown endpoint '{value}'; drop the host (the region is chosen at submit time): "
            f"write '{short}'",
            short,
        )
    if value in all_endpoints():
        return all_endpoints()[value]
    bare = value.removeprefix(PREFIX.lstrip("/")).removesuffix(SUFFIX)
    if bare in all_endpoints():
        return _fail(
            "AQL020",
            f"unknown endpoint '{value}'; a short name drops '{PREFIX}' and '{SUFFIX}': "
            f"write '{bare}'",
            bare,
        )
    return _fail_unknown(value, list(all_endpoints()))


def _resolve_path(path: str) -> Endpoint:
    if path in _by_path():
        return _by_path()[path]
    known_wrong = load_yaml("rules", "aliases.yaml").get("endpoints", {})
    if path.rstrip("/") + SUFFIX in _by_path():
        fixed = path.rstrip("/") + SUFFIX
        also = ""
        if path in _other_paths():
            methods = "/".join(sorted({e["method"] for e in _other_paths()[path]}))
            also = f" ('{path}' itself is a {methods} endpoint that takes no query body)"
        return _fail(
            "AQL021",
            f"endpoint '{path}' lacks the trailing '{SUFFIX}'; the query endpoint is '{fixed}'"
            f"{also}",
            fixed,
            certain=True,
        )
    if path in _other_paths():
        entry = _other_paths()[path][0]
        methods = "/".join(sorted({e["method"] for e in _other_paths()[path]}))
        return _fail(
            "AQL022",
            f"'{path}' is a {methods} endpoint ({entry['category'].replace('_', ' ')}), "
            "not a query that takes a request body",
            None,
        )
    if path in known_wrong:
        right = known_wrong[path]
        return _fail(
            "AQL020",
            f"'{path}' is not a Genesys Cloud analytics endpoint; {right['hint']}",
            right.get("use"),
            certain=True,
        )
    return _fail_unknown(path, list(_by_path()))


def _fail_unknown(value: str, candidates: list[str]) -> Endpoint:
    import difflib  # only for a did-you-mean: most runs never ask

    close = difflib.get_close_matches(value, candidates, n=3, cutoff=0.5)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
    return _fail(
        "AQL020",
        f"unknown endpoint '{value}'{hint} (`aggqlint catalog` lists them)",
        close[0] if close else None,
    )


def _fail(code: str, message: str, suggestion: str | None, certain: bool = False) -> Endpoint:
    raise EndpointError(code, message, suggestion, certain)

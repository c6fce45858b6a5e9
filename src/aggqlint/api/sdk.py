"""What aggqlint knows of the official Python SDK (purecloudplatformclientv2): its analytics
model classes (attribute -> JSON name, swagger type, setter enum), every name it exports and
the AnalyticsApi methods. Read from rules/python-sdk.json, which tools/generate_python_sdk.py
writes from the installed package; nothing here imports the SDK."""

from __future__ import annotations

import datetime
import functools
import re
from typing import Any

from msgspec import Struct

from aggqlint.api.endpoints import Endpoint, all_endpoints
from aggqlint.checks.didyoumean import close_match
from aggqlint.data import load_json, load_yaml

PACKAGE = "PureCloudPlatformClientV2"  # the import name of PyPI's purecloudplatformclientv2
_LIST_OF = re.compile(r"^list\[(\w+)\]$")


class SdkAttribute(Struct, frozen=True):
    name: str  # snake_case, as Python code writes it
    json: str  # the JSON name the SDK sends
    type: str  # swagger type: str, int, list[str], ConversationAggregateQueryFilter, ...
    enum: tuple[str, ...] | None

    @property
    def model(self) -> str | None:
        """The SDK model a value of this attribute is (or, for a list, each entry is)."""
        listed = _LIST_OF.match(self.type)
        name = listed.group(1) if listed else self.type
        return name if name in _facts()["models"] else None


class SdkMethod(Struct, frozen=True):
    name: str
    http: str
    path: str
    params: tuple[str, ...]  # every argument it takes (the body is one of them)
    required: tuple[str, ...]
    body: str | None  # the request model it takes, or None

    @property
    def endpoint(self) -> Endpoint | None:
        return _endpoint_by_path().get(self.path) if self.http == "POST" else None


@functools.cache
def _facts() -> dict[str, Any]:
    facts: dict[str, Any] = load_json("rules", "python-sdk.json")
    return facts


def sdk_version() -> str:
    return str(_facts()["version"])


@functools.cache
def model_attributes(model: str) -> dict[str, SdkAttribute] | None:
    """The attributes of an analytics model class, by snake_case name; None for others."""
    entry = _facts()["models"].get(model)
    if entry is None:
        return None
    return {
        name: SdkAttribute(name, a["json"], a["type"], tuple(a["enum"]) if "enum" in a else None)
        for name, a in entry["attributes"].items()
    }


def is_exported(name: str) -> bool:
    """The SDK exports this name (any model, API class or helper, not only analytics ones)."""
    return name in _exported()


@functools.cache
def _exported() -> frozenset[str]:
    return frozenset(_facts()["exported"])


@functools.cache
def request_models() -> dict[str, tuple[Endpoint, ...]]:
    """Each request model class and the query endpoints that take it."""
    found: dict[str, list[Endpoint]] = {}
    for endpoint in all_endpoints().values():
        found.setdefault(endpoint.model, []).append(endpoint)
    return {model: tuple(endpoints) for model, endpoints in found.items()}


def nearest_model(name: str, request_only: bool = False) -> str | None:
    known = list(request_models()) if request_only else list(_facts()["models"])
    return close_match(name, known)


def method(name: str) -> SdkMethod | None:
    entry = _facts()["analytics_methods"].get(name)
    if entry is None:
        # A query endpoint newer than the SDK release the data came from: the SDK names its
        # method after the verb and the path, so the name is known from the endpoint alone.
        endpoint = _methods_by_path_name().get(name)
        if endpoint is None:
            return None
        return SdkMethod(name, "POST", endpoint.path, ("body",), ("body",), endpoint.model)
    return SdkMethod(
        name,
        entry["http"],
        entry["path"],
        tuple(entry["params"]),
        tuple(entry["required"]),
        entry["body"],
    )


def nearest_method(name: str) -> str | None:
    """The closest AnalyticsApi method, preferring one of the same HTTP verb (post_/get_)."""
    names: list[str] = list(_facts()["analytics_methods"])
    verb = name.split("_", 1)[0] + "_"
    same = [n for n in names if n.startswith(verb)]
    # A real name cut short: the longer one it begins, the query itself before its jobs
    # (post_..._details -> post_..._details_query).
    longer = sorted(
        (n for n in same if n.startswith(name + "_")),
        key=lambda n: (not n.endswith("_query"), len(n)),
    )
    if longer:
        return longer[0]
    return close_match(name, same or names) or close_match(name, names)


def is_analytics_method_name(name: str) -> bool:
    """A name that looks like an AnalyticsApi call, real or not."""
    # verb_analytics_...: SocialMediaApi's post_socialmedia_analytics_... is another API's.
    verb, _, rest = name.partition("_")
    return verb in {"post", "get", "delete", "put", "patch"} and rest.startswith("analytics_")


@functools.cache
def _methods_by_path_name() -> dict[str, Endpoint]:
    """post_analytics_conversations_aggregates_query -> its endpoint, for every query."""
    return {
        "post_" + e.path.removeprefix("/api/v2/").replace("/", "_"): e
        for e in all_endpoints().values()
    }


@functools.cache
def _endpoint_by_path() -> dict[str, Endpoint]:
    return {endpoint.path: endpoint for endpoint in all_endpoints().values()}


def json_to_attribute(model: str, json_name: str) -> str | None:
    """The snake_case attribute that sends json_name (`groupBy` -> `group_by`)."""
    for attribute in (model_attributes(model) or {}).values():
        if attribute.json == json_name:
            return attribute.name
    return None


def nearest_attribute(model: str, name: str) -> str | None:
    """The attribute meant by an unknown one: its meant_attribute, else the nearest name."""
    attributes = list(model_attributes(model) or {})
    return (
        meant_attribute(model, name)
        or close_match(name, attributes)
        or close_match(_snake(name), attributes)
    )


def meant_attribute(model: str, name: str) -> str | None:
    """The attribute an unknown one surely stands for: the JSON name in camelCase (`groupBy`
    -> group_by) or one of rules/aliases.yaml's known wrong field names (`group_bys` ->
    groupBys -> group_by, `date_range` -> dateRange -> interval)."""
    snake = json_to_attribute(model, name)
    if snake is not None:
        return snake
    fields = load_yaml("rules", "aliases.yaml").get("fields", {})
    for written in (name, _camel(name)):
        entry = fields.get(written)
        use: object = entry.get("use") or entry.get("fix") if isinstance(entry, dict) else None
        if isinstance(use, str):
            meant = json_to_attribute(model, use)
            if meant is not None:
                return meant
    return None


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def _snake(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def serialise(value: Any) -> Any:
    """A value as the SDK sends it (its sanitize_for_serialization, without importing it): a
    model object becomes a dict of its set attributes under their JSON names (attribute_map),
    None attributes left out; dicts, lists and tuples are walked; dates become ISO text."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, list | tuple):
        return [serialise(item) for item in value]
    if isinstance(value, datetime.date):  # datetime too
        return value.isoformat()
    if isinstance(value, dict):
        return {key: serialise(item) for key, item in value.items()}
    types, names = getattr(value, "swagger_types", None), getattr(value, "attribute_map", None)
    if isinstance(types, dict) and isinstance(names, dict):
        fields = ((names[a], getattr(value, a, None)) for a in types if a in names)
        return {name: serialise(item) for name, item in fields if item is not None}
    return value


def is_model_object(value: Any) -> bool:
    return isinstance(getattr(value, "swagger_types", None), dict)


# What the SDK's enum setters store in place of a value they do not know, without a word.
PLACEHOLDER = "outdated_sdk_version"


def explain_placeholder(message: str) -> str:
    if f"'{PLACEHOLDER}'" not in message:
        return message
    return (
        f"{message} (the SDK's setter replaced a value it does not know with "
        f"'{PLACEHOLDER}': the value the code set is not one of the SDK's)"
    )

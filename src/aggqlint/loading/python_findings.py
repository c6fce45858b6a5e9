"""The findings about Python code itself (AQL801-805), worded in Python terms."""

from __future__ import annotations

import ast

from aggqlint.api import sdk
from aggqlint.diagnostics import Finding, pointer_join

SHOWN_UNREAD = 3  # paths named in the one info about values the code computes


def params(method: sdk.SdkMethod) -> str:
    if method.params == ("body",):
        return "the body as its one argument"
    return "(" + ", ".join(method.params) + ")"


def names(names: list[str]) -> str:
    return ", ".join(f"'{n}'" for n in names)


def keyword_constructor(cls: str, node: ast.Call, target: str | None) -> Finding:
    """AQL801 with the attribute-style code: the real class (for an invented one, the request
    model its AQL803 names), each keyword as an attribute, under the name it surely stands
    for (`group_bys` -> group_by); one the model has not is left as a comment."""
    model = cls if sdk.model_attributes(cls) is not None else sdk.nearest_model(cls, True)
    attributes = sdk.model_attributes(model) if model else None
    written = {k.arg for k in node.keywords if k.arg is not None}
    variable = target or "query"
    lines = [f"{variable} = {model or cls}()"]
    for keyword in node.keywords:
        if keyword.arg is None:
            continue
        name = keyword.arg
        if attributes is not None and name not in attributes and model is not None:
            meant = sdk.meant_attribute(model, name)
            if meant is None or meant in written:
                lines.append(f"# {variable}.{name}: {model} has no such attribute")
                continue
            name = meant
        lines.append(f"{variable}.{name} = {ast.unparse(keyword.value)}")
    return Finding(
        "AQL801",
        "",
        f"{cls}() takes no arguments: the SDK's models raise TypeError for keyword "
        "arguments; build it empty and set each attribute",
        suggestion="\n".join(lines),
        data={"class": cls},
    )


def unknown_class(name: str) -> Finding:
    nearest = sdk.nearest_model(name, request_only=True) or sdk.nearest_model(name)
    hint = f"; did you mean '{nearest}'?" if nearest else ""
    if nearest in sdk.request_models():
        endpoints = ", ".join(e.name for e in sdk.request_models()[nearest])
        hint = f"; the request model of {endpoints} is '{nearest}'"
    return Finding(
        "AQL803",
        "",
        f"'{name}' is not a class of the Genesys Cloud Python SDK "
        f"({sdk.PACKAGE} {sdk.sdk_version()}): the import fails{hint}",
        data={"nearest": nearest},
    )


def unknown_method(name: str, passed: set[str]) -> Finding:
    nearest = sdk.nearest_method(name)
    message = f"AnalyticsApi has no method '{name}'"
    if nearest:
        real = sdk.method(nearest)
        message += f"; did you mean '{nearest}'"
        if real is not None:
            message += f" ({real.http} {real.path}, takes {params(real)})"
            extra = sorted(passed - set(real.params) - {"callback"})
            if extra:
                message += f"; it has no argument {names(extra)}"
        message += "?"
    return Finding("AQL804", "", message, data={"nearest": nearest})


def method_arguments(method: sdk.SdkMethod, passed: set[str]) -> Finding:
    extra = sorted(passed - set(method.params) - {"callback"})
    return Finding(
        "AQL805",
        "",
        f"{method.name} takes {params(method)}: {names(extra)} is not one of "
        "its arguments (TypeError before anything is sent)",
    )


def unknown_attribute(cls: str, name: str, pointer: str) -> Finding:
    attributes = sdk.model_attributes(cls) or {}
    snake = sdk.json_to_attribute(cls, name)
    if snake is not None:
        # `property` is Python's: that one attribute is pcProperty, not snake_case.
        style = " (snake_case)" if "_" in snake else ""
        hint = f"the SDK's attribute for '{name}' is '{snake}'{style}"
    else:
        nearest = sdk.nearest_attribute(cls, name)
        hint = f"did you mean '{nearest}'?" if nearest else ""
        if not hint:
            hint = "its attributes: " + ", ".join(sorted(attributes))
    return Finding(
        "AQL802",
        pointer_join(pointer, "~python", name),
        f"{cls} has no attribute '{name}': the SDK leaves it out of the request without a "
        f"word; {hint}",
        data={"attribute": snake},
    )


def unread_note(unread: list[str]) -> Finding:
    first = sorted(set(unread), key=unread.index)
    names = ", ".join(p.lstrip("/").replace("/", ".") or "(body)" for p in first[:SHOWN_UNREAD])
    more = f" and {len(first) - SHOWN_UNREAD} more" if len(first) > SHOWN_UNREAD else ""
    return Finding(
        "AQL807",
        first[0],
        f"{len(first)} value(s) of this query are computed by the code ({names}{more}): "
        "not checked (aggqlint reads literals only)",
    )


def wrong_body_class(method: sdk.SdkMethod, cls: str) -> Finding:
    return Finding(
        "AQL805",
        "",
        f"{method.name} takes a {method.body} as its body, not a {cls}: the fields of one "
        "query model are not the other's",
        data={"expected": method.body},
    )

"""What a Python expression stands for, as far as a static reading can tell: literals, lists,
dicts, SDK model objects (mutable, shared by the names bound to them), and everything else
as Unknown. Nothing is imported or run."""

from __future__ import annotations

import ast
from typing import Any

from msgspec import Struct, field


class Literal(Struct, eq=False):
    value: Any  # str, int, float, bool or None
    node: ast.expr


class ListValue(Struct, eq=False):
    items: list[Value]
    node: ast.expr
    grown: bool = False  # appended to, extended, ...: its entries are no longer all known


class DictEntry(Struct, eq=False):
    key: ast.AST  # where the key is written (a dict key or a dict() keyword)
    value: Value


class DictValue(Struct, eq=False):
    entries: dict[str, DictEntry]
    node: ast.expr
    open: bool = False  # has keys that cannot be read (**spread, a computed key, update())


class Attribute(Struct, eq=False):
    name: str  # as written in the code
    where: ast.AST  # the attribute target or the keyword argument
    value: Value


class ModelObject(Struct, eq=False):
    """An SDK model object: the class as written, where it is built, what is set on it."""

    cls: str
    node: ast.expr
    attributes: dict[str, Attribute] = field(default_factory=dict)
    by_keywords: bool = False
    open: bool = False  # changed in a way the reader does not follow: attributes may be unset
    nested: bool = False  # set as another model's attribute or list entry


class Unknown(Struct, eq=False):
    node: ast.expr
    text: str | None = None  # a string's constant parts, '{}' for the rest (URLs in f-strings)


Value = Literal | ListValue | DictValue | ModelObject | Unknown


def string_text(value: Value) -> str | None:
    """The text of a string literal, or the constant parts of a built one."""
    if isinstance(value, Literal) and isinstance(value.value, str):
        return value.value
    if isinstance(value, Unknown):
        return value.text
    return None


def contains(value: Value, target: ModelObject) -> bool:
    """target is value or is reached from it (a predicate inside a filter inside a query)."""
    stack: list[Value] = [value]
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        if current is target:
            return True
        if isinstance(current, ListValue):
            stack.extend(current.items)
        elif isinstance(current, DictValue):
            stack.extend(e.value for e in current.entries.values())
        elif isinstance(current, ModelObject):
            stack.extend(a.value for a in current.attributes.values())
    return False


def open_entries(value: Value | None) -> None:
    items = value.items if isinstance(value, ListValue) else [value]
    for item in items:
        if isinstance(item, ModelObject | DictValue):
            item.open = True


def mark_nested(value: Value) -> None:
    if isinstance(value, ModelObject):
        value.nested = True
    elif isinstance(value, ListValue):
        for item in value.items:
            mark_nested(item)

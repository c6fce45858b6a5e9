"""Shapes of Python code the reader follows, as plain functions of the syntax tree: which
calls a statement makes, which blocks it holds, which names a loop rebinds, the arguments of
a call, and the text of strings built from parts."""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

from aggqlint.loading.python_values import Literal, Value, string_text

Evaluate = Callable[[ast.expr], Value]  # what an expression stands for, in its scope


def functions(tree: ast.AST) -> Iterator[ast.FunctionDef | ast.AsyncFunctionDef]:
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def changes_things(loop: ast.For | ast.AsyncFor) -> bool:
    """The loop sets attributes or items (of what it iterates over, maybe)."""
    return any(
        isinstance(node, ast.Attribute | ast.Subscript) and isinstance(node.ctx, ast.Store)
        for statement in loop.body
        for node in ast.walk(statement)
    )


def rebound(loop: ast.For | ast.AsyncFor | ast.While) -> set[str]:
    names: set[str] = set()
    for statement in loop.body + loop.orelse:
        for node in ast.walk(statement):
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
    return names


def dotted(node: ast.Attribute) -> str | None:
    """`self.query` as one name, for an attribute of a plain name."""
    if isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


def unpacked(statement: ast.Assign) -> list[tuple[ast.expr, ast.expr]]:
    """`a, b = x, y`: each name with its own value (a starred or uneven one: not paired)."""
    (target,) = statement.targets if len(statement.targets) == 1 else (None,)
    value = statement.value
    if not isinstance(target, ast.Tuple | ast.List) or not isinstance(value, ast.Tuple):
        return []
    if len(target.elts) != len(value.elts) or any(
        isinstance(e, ast.Starred) for e in (*target.elts, *value.elts)
    ):
        return []
    return list(zip(target.elts, value.elts, strict=True))


def calls(statement: ast.stmt) -> Iterator[ast.Call]:
    """The calls a statement makes itself (not those in its nested blocks), in order."""
    own: list[ast.AST] = []
    for name, child in ast.iter_fields(statement):
        if name in {"body", "orelse", "finalbody", "handlers"}:
            continue
        own.extend(child if isinstance(child, list) else [child])
    for root in own:
        if not isinstance(root, ast.AST):
            continue
        for node in ast.walk(root):
            if isinstance(node, ast.Call):
                yield node


def blocks(statement: ast.stmt) -> Iterator[list[ast.stmt]]:
    for name in ("body", "orelse", "finalbody"):
        block = getattr(statement, name, None)
        if isinstance(block, list) and block and isinstance(block[0], ast.stmt):
            yield block
    for handler in getattr(statement, "handlers", []) or []:
        yield handler.body
    for case in getattr(statement, "cases", []) or []:
        yield case.body


def argument(node: ast.Call, keyword: str, position: int) -> ast.expr | None:
    for item in node.keywords:
        if item.arg == keyword:
            return item.value
    if 0 <= position < len(node.args) and not isinstance(node.args[position], ast.Starred):
        return node.args[position]
    return None


def dumped(node: ast.expr | None) -> ast.expr | None:
    """The object of `data=json.dumps(obj)`."""
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute | ast.Name)
        and (node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id) == "dumps"
        and node.args
    ):
        return node.args[0]
    return None


def exact(node: ast.expr, evaluate: Evaluate) -> bool:
    """An f-string or '+' whose parts are all literal strings, with no format spec."""
    if isinstance(node, ast.JoinedStr):
        parts = [
            p.value
            for p in node.values
            if isinstance(p, ast.FormattedValue) and p.conversion == -1 and p.format_spec is None
        ]
        plain = all(isinstance(p, ast.Constant | ast.FormattedValue) for p in node.values)
        formatted = [p for p in node.values if isinstance(p, ast.FormattedValue)]
        simple = plain and len(parts) == len(formatted)
        return simple and all(_is_text(p, evaluate) for p in parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        return _is_text(node.left, evaluate) and _is_text(node.right, evaluate)
    return False


def _is_text(node: ast.expr, evaluate: Evaluate) -> bool:
    value = evaluate(node)
    return isinstance(value, Literal) and isinstance(value.value, str)


def built_text(node: ast.expr, evaluate: Evaluate) -> str | None:
    """The constant parts of an f-string or a '+' of strings, '{}' for the rest."""
    if isinstance(node, ast.JoinedStr):
        parts = []
        for part in node.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                parts.append(part.value)
            elif isinstance(part, ast.FormattedValue):
                known = string_text(evaluate(part.value))
                parts.append(known if known is not None else "{}")
        return "".join(parts)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left = string_text(evaluate(node.left))
        right = string_text(evaluate(node.right))
        if left is not None or right is not None:
            return (left if left is not None else "{}") + (right if right is not None else "{}")
    return None

"""Validation backends behind one small interface.

jsonschema-rs (compiled) validates a body in microseconds and imports in a fraction of
jsonschema's time, which is most of what a pre-commit run costs; jsonschema is the reference
implementation and the fallback when jsonschema-rs is not installed or cannot take a value.
Both yield `SchemaError`s carrying what the keyword rules (via schema.py) read, so the
messages are the same whichever backend found the problem.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Protocol

from msgspec import Struct


class SchemaError(Struct, frozen=True):
    validator: str  # the failing keyword: type, enum, required, additionalProperties, ...
    validator_value: Any  # that keyword's value in the schema
    instance: Any  # the failing value
    schema: dict[str, Any]  # the schema object holding the keyword (identity matters)
    absolute_path: tuple[str | int, ...]  # where the value sits in the validated document
    message: str


class Backend(Protocol):
    def errors(self, instance: Any) -> Iterator[SchemaError]: ...

    def errors_as(self, value: Any, prop: str) -> Iterator[SchemaError]:
        """Errors for `value` checked as the top-level property `prop` (paths start there)."""
        ...


def compile_schema(schema: dict[str, Any], backend: str | None = None) -> Backend:
    """A validator for the schema: `backend` "jsonschema" or "jsonschema-rs", or the fastest
    one installed when None."""
    if backend == "jsonschema":
        return _Reference(schema)
    try:
        import jsonschema_rs  # noqa: F401
    except ImportError:
        if backend == "jsonschema-rs":
            raise
        return _Reference(schema)
    return _Compiled(schema)


class _Reference:
    """The jsonschema package."""

    def __init__(self, schema: dict[str, Any]) -> None:
        from jsonschema import Draft202012Validator

        self.schema = schema
        self.validator: Any = Draft202012Validator(schema)

    def errors(self, instance: Any) -> Iterator[SchemaError]:
        return self._convert(self.validator.iter_errors(instance))

    def errors_as(self, value: Any, prop: str) -> Iterator[SchemaError]:
        subschema = self.schema["properties"][prop]
        return self._convert(self.validator.descend(value, subschema, path=prop))

    @staticmethod
    def _convert(errors: Any) -> Iterator[SchemaError]:
        required_seen: set[tuple[str | int, ...]] = set()
        for error in errors:
            path = tuple(error.absolute_path)
            if error.validator == "required" and _seen(required_seen, path):
                continue
            yield SchemaError(
                error.validator,
                error.validator_value,
                error.instance,
                error.schema,
                path,
                error.message,
            )


class _Compiled:
    """jsonschema-rs, with jsonschema for values it cannot convert (e.g. huge integers)."""

    def __init__(self, schema: dict[str, Any]) -> None:
        import jsonschema_rs

        self.schema = schema
        self.validator: Any = jsonschema_rs.validator_for(schema)
        self._wrappers: dict[str, Any] = {}
        self._fallback: _Reference | None = None

    def errors(self, instance: Any) -> Iterator[SchemaError]:
        return self._run(self.validator, self.schema, instance) or self._reference().errors(
            instance
        )

    def errors_as(self, value: Any, prop: str) -> Iterator[SchemaError]:
        # Validate {prop: value} against a schema with only that property, so that error paths
        # and schema objects are the same as in a whole-body check.
        wrapper = self._wrappers.get(prop)
        if wrapper is None:
            import jsonschema_rs

            wrapper_schema = {
                "$defs": self.schema.get("$defs", {}),
                "properties": {prop: self.schema["properties"][prop]},
            }
            wrapper = self._wrappers[prop] = (
                jsonschema_rs.validator_for(wrapper_schema),
                wrapper_schema,
            )
        found = self._run(wrapper[0], wrapper[1], {prop: value})
        return found if found is not None else self._reference().errors_as(value, prop)

    def _reference(self) -> _Reference:
        if self._fallback is None:
            self._fallback = _Reference(self.schema)
        return self._fallback

    @staticmethod
    def _run(validator: Any, root: dict[str, Any], instance: Any) -> Iterator[SchemaError] | None:
        try:
            raw = list(validator.iter_errors(instance))
        except (ValueError, TypeError, OverflowError, RecursionError):
            return None
        return _adapt(raw, root, instance)


def _adapt(raw: list[Any], root: dict[str, Any], instance: Any) -> Iterator[SchemaError]:
    required_seen: set[tuple[str | int, ...]] = set()
    for error in raw:
        schema_path = list(error.schema_path)
        keyword = str(schema_path[-1]) if schema_path else ""
        holder = _follow_schema(root, schema_path[:-1])
        path = tuple(error.instance_path)
        if keyword == "required" and _seen(required_seen, path):
            continue
        yield SchemaError(
            keyword,
            holder.get(keyword) if isinstance(holder, dict) else None,
            _follow_instance(instance, path),
            holder if isinstance(holder, dict) else {},
            path,
            error.message,
        )


def _seen(seen: set[tuple[str | int, ...]], path: tuple[str | int, ...]) -> bool:
    """Both libraries report each missing required property as its own error; the translator
    takes one error per object and names every missing property from the keyword's value."""
    if path in seen:
        return True
    seen.add(path)
    return False


def _follow_schema(root: dict[str, Any], path: list[Any]) -> Any:
    node: Any = root
    for part in path:
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return None
    return node


def _follow_instance(instance: Any, path: tuple[str | int, ...]) -> Any:
    # The value itself, not jsonschema-rs's converted copy (it turns NaN into null).
    node = instance
    for part in path:
        node = node[part]
    return node

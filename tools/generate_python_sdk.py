"""Write rules/python-sdk.json from the installed Python SDK (PyPI purecloudplatformclientv2).

What aggqlint's Python reader needs to know of the SDK, taken from the package itself, never
typed by hand: every name the package exports (to tell a real class from an invented one),
for each analytics model of facts/genesys/models the attribute -> JSON name map, the
attribute's swagger type and the enum list its setter checks, and every AnalyticsApi method
with its HTTP method, path and parameters.

    python tools/generate_python_sdk.py            # rewrite rules/python-sdk.json
    python tools/generate_python_sdk.py --check    # exit 1 when the committed file differs

Needs the SDK installed (the `test` extra). tools/refresh_python_sdk.py compares a newer
release with facts/ and prints what changed.
"""

from __future__ import annotations

import argparse
import ast
import importlib.metadata
import inspect
import json
import re
import sys
import textwrap
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "facts" / "genesys" / "models"
OUTPUT = ROOT / "rules" / "python-sdk.json"
PACKAGE = "purecloudplatformclientv2"
_RESOURCE = re.compile(r"resource_path = '([^']+)'")
_HTTP = re.compile(r"call_api\(resource_path, '([A-Z]+)'")
_TYPE_MARK = re.compile(r"^\s*:param (\S+) body:", re.MULTILINE)


def fact_models() -> list[str]:
    return sorted(p.stem for p in FACTS.glob("*.json") if p.stem != "index")


def setter_enum(cls: type, attribute: str) -> list[str] | None:
    """The allowed_values list the attribute's setter checks, read from its source."""
    prop = cls.__dict__.get(attribute)
    if not isinstance(prop, property) or prop.fset is None:
        return None
    tree = ast.parse(textwrap.dedent(inspect.getsource(prop.fset)))
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and any(isinstance(t, ast.Name) and t.id == "allowed_values" for t in node.targets)
            and isinstance(node.value, ast.List)
        ):
            return [ast.literal_eval(e) for e in node.value.elts]
    return None


def describe_model(cls: type) -> dict[str, Any]:
    instance = cls()
    attributes: dict[str, Any] = {}
    for attribute, swagger_type in instance.swagger_types.items():
        entry: dict[str, Any] = {"json": instance.attribute_map[attribute], "type": swagger_type}
        enum = setter_enum(cls, attribute)
        if enum is not None:
            entry["enum"] = enum
        attributes[attribute] = entry
    return {"attributes": attributes}


def describe_methods(api: type) -> dict[str, Any]:
    methods: dict[str, Any] = {}
    for name, function in sorted(vars(api).items()):
        if name.startswith("_") or not callable(function):
            continue
        source = inspect.getsource(function)
        path, http = _RESOURCE.search(source), _HTTP.search(source)
        if path is None or http is None:
            continue
        signature = inspect.signature(function)
        positional = [p for p in signature.parameters if p not in {"self", "kwargs"}]
        listed = re.search(r"all_params = (\[[^\]]*\])", source)
        params = ast.literal_eval(listed.group(1)) if listed else positional
        body = signature.parameters.get("body")
        body_type = None
        if body is not None and isinstance(body.annotation, str):
            body_type = body.annotation
        methods[name] = {
            "http": http.group(1),
            "path": path.group(1),
            "required": positional,
            "params": params,
            "body": body_type,
        }
    return methods


def build() -> dict[str, Any]:
    import PureCloudPlatformClientV2 as sdk  # the installed SDK (test extra)
    from PureCloudPlatformClientV2 import models

    exported = sorted(n for n in dir(sdk) if not n.startswith("_") and n[:1].isupper())
    described = {}
    for name in fact_models():
        cls = getattr(models, name, None)
        if isinstance(cls, type) and hasattr(cls(), "swagger_types"):
            described[name] = describe_model(cls)
    return {
        "generated_by": "tools/generate_python_sdk.py",
        "package": PACKAGE,
        "version": importlib.metadata.version(PACKAGE),
        "models": described,
        "analytics_methods": describe_methods(sdk.AnalyticsApi),
        "exported": exported,
    }


def render(data: dict[str, Any]) -> str:
    # One model or method per line keeps diffs of a refresh readable.
    lines = ["{"]
    for key in ("generated_by", "package", "version"):
        lines.append(f"  {json.dumps(key)}: {json.dumps(data[key])},")
    for key in ("models", "analytics_methods"):
        lines.append(f"  {json.dumps(key)}: {{")
        items = list(data[key].items())
        for i, (name, value) in enumerate(items):
            comma = "," if i < len(items) - 1 else ""
            lines.append(f"    {json.dumps(name)}: {json.dumps(value, sort_keys=True)}{comma}")
        lines.append("  },")
    lines.append(f'  "exported": {json.dumps(data["exported"])}')
    lines.append("}")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is stale")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        if args.output.read_text(encoding="utf-8") != text:
            print(f"{args.output} is stale: run python tools/generate_python_sdk.py")
            return 1
        return 0
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Refresh facts/genesys/models from a newer Python SDK release and print what changed.

The facts come from the .NET SDK; the Python SDK carries the same request models. Install
the release to compare (`pip install purecloudplatformclientv2==NEW` in a venv of your own),
then:

    python tools/refresh_facts_from_python_sdk.py             # print what changed, write nothing
    python tools/refresh_facts_from_python_sdk.py --write     # also update facts/genesys/models

What it takes from the SDK: new fields of the 52 request models and their nested models (with
the type and enum its swagger_types and setters give) and new values of scalar enums (metric
names in sorts, views and predicates, dimensions, operators, ...). The Python SDK does not
check list entries (groupBy, metrics), so for those it prints the metric and dimension names
it saw elsewhere that the lists lack, as candidates to confirm against the .NET SDK; it never
writes them. Values the SDK lacks are never removed (the facts may be the newer source).
Afterwards run tools/generate_schemas.py and tools/generate_python_sdk.py, then the tests.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate_python_sdk import setter_enum

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "facts" / "genesys" / "models"
PLACEHOLDER = "OUTDATED_SDK_VERSION"
_SCALARS = {"str": "string", "int": "integer", "float": "number", "bool": "boolean"}
_LIST = re.compile(r"^list\[(\w+)\]$")


def _property(swagger_type: str, json_name: str, enum: list[str] | None) -> dict[str, Any]:
    """A facts property for a field only the SDK has (no description: the SDK's docstrings
    are not copied)."""
    entry: dict[str, Any] = {"name": json_name, "required": False}
    listed = _LIST.match(swagger_type)
    if listed:
        item = listed.group(1)
        entry["type"] = "array"
        entry["items"] = {"type": _SCALARS[item]} if item in _SCALARS else {"ref": item}
    elif swagger_type in _SCALARS:
        entry["type"] = _SCALARS[swagger_type]
    elif swagger_type.startswith("dict("):
        entry["type"] = "object(map)"
    elif swagger_type == "datetime":
        entry.update(type="string", format="date-time")
    else:
        entry.update(type="object", ref=swagger_type)
    if enum:
        entry["enum"] = enum
    return entry


def compare(facts_dir: Path) -> tuple[list[str], dict[str, dict[str, Any]]]:
    """What the installed SDK adds to the facts: report lines and the updated model files."""
    from PureCloudPlatformClientV2 import models

    lines: list[str] = []
    changed: dict[str, dict[str, Any]] = {}
    seen_metrics: set[str] = set()
    seen_dimensions: set[str] = set()
    for path in sorted(p for p in facts_dir.glob("*.json") if p.stem != "index"):
        fact = json.loads(path.read_text(encoding="utf-8"))
        cls = getattr(models, fact["model"], None)
        if cls is None:
            lines.append(f"{fact['model']}: not in the SDK")
            continue
        instance = cls()
        by_json = {j: a for a, j in instance.attribute_map.items()}
        known = {p["name"]: p for p in fact["properties"]}
        edited = False
        for json_name, attribute in by_json.items():
            enum = setter_enum(cls, attribute)
            enum = [v for v in enum if v != PLACEHOLDER] if enum is not None else None
            if json_name in {"metric", "name", "target"} and enum:
                seen_metrics.update(enum)
            if json_name == "dimension" and enum:
                seen_dimensions.update(enum)
            if json_name not in known:
                prop = _property(instance.swagger_types[attribute], json_name, enum)
                fact["properties"].append(prop)
                lines.append(f"{fact['model']}: new field '{json_name}' ({prop['type']})")
                edited = True
                continue
            ours = known[json_name].get("enum")
            if ours is not None and enum:
                new = [v for v in enum if v not in ours]
                if new:
                    known[json_name]["enum"] = ours + new
                    what = "metric names" if json_name in {"metric", "name", "target"} else ""
                    lines.append(
                        f"{fact['model']}.{json_name}: new {what or 'values'}: {', '.join(new)}"
                    )
                    edited = True
        if edited:
            changed[path.name] = fact
    lines.extend(_list_candidates(facts_dir, seen_metrics, seen_dimensions))
    return lines, changed


def _list_candidates(facts_dir: Path, metrics: set[str], dimensions: set[str]) -> list[str]:
    """Metric and dimension names the SDK uses that no enum of the facts holds anywhere."""
    listed: set[str] = set()
    for path in facts_dir.glob("*.json"):
        if path.stem == "index":
            continue
        for prop in json.loads(path.read_text(encoding="utf-8"))["properties"]:
            listed.update(prop.get("items", {}).get("enum", []))
            listed.update(prop.get("enum", []))
    lines = []
    for kind, names in (("metric", metrics), ("dimension", dimensions)):
        missing = sorted(names - listed)
        if missing:
            lines.append(
                f"candidate {kind}s for the groupBy/metrics lists (confirm in the .NET SDK, "
                f"not written): {', '.join(missing)}"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update the facts' model files")
    parser.add_argument("--facts", type=Path, default=FACTS, help="the facts' models folder")
    args = parser.parse_args(argv)
    version = importlib.metadata.version("purecloudplatformclientv2")
    lines, changed = compare(args.facts)
    print(f"Python SDK {version} against {args.facts}:")
    for line in lines or ["no new fields or values"]:
        print(f"  {line}")
    if args.write:
        for name, fact in changed.items():
            fact.setdefault("refreshed_from", [])
            note = f"purecloudplatformclientv2 {version}"
            if note not in fact["refreshed_from"]:
                fact["refreshed_from"].append(note)
            text = json.dumps(fact, indent=1, ensure_ascii=False)  # as the facts are written
            (args.facts / name).write_text(text, encoding="utf-8")
        print(f"wrote {len(changed)} model file(s); now run tools/generate_schemas.py")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Check rules/catalog.yaml against the facts and the schemas; print entries still to write.

    python tools/check_catalog.py

Run it after regenerating schemas/: a new metric name gets a skeleton entry (kind, unit and
search words from facts/genesys/metrics.json) whose text you then write in your own words.
Exit status 1 when something needs doing.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from aggqlint.api.endpoints import all_endpoints  # noqa: E402
from aggqlint.api.glossary import name_words  # noqa: E402
from aggqlint.api.vocabulary import vocabulary  # noqa: E402  (needs the sys.path line above)

# Endpoints whose dimensions must all be described.
MAIN_ENDPOINTS = (
    "conversations/aggregates",
    "users/aggregates",
    "queues/observations",
    "users/observations",
    "flows/observations",
    "conversations/details",
)


def load() -> tuple[dict[str, Any], dict[str, Any]]:
    """(rules/catalog.yaml, the facts' metrics)."""
    catalog = yaml.safe_load((ROOT / "rules" / "catalog.yaml").read_text(encoding="utf-8"))
    facts = json.loads((ROOT / "facts" / "genesys" / "metrics.json").read_text(encoding="utf-8"))
    return catalog, facts["metrics"]


def needed_metrics() -> set[str]:
    """Every metric name some endpoint accepts, in its metrics list or in its filters."""
    return {n for e in all_endpoints().values() for n in vocabulary(e).metrics}


def needed_dimensions() -> set[str]:
    endpoints = all_endpoints()
    return {n for name in MAIN_ENDPOINTS for n in vocabulary(endpoints[name]).dimensions}


def problems(catalog: dict[str, Any], facts: dict[str, Any]) -> list[str]:
    metrics: dict[str, Any] = catalog.get("metrics", {})
    found = [f"metric {n}: no entry" for n in sorted(needed_metrics() - set(metrics))]
    found += [
        f"dimension {n}: no entry"
        for n in sorted(needed_dimensions() - set(catalog.get("dimensions", {})))
    ]
    for name, entry in sorted(metrics.items()):
        fact = facts.get(name)
        if fact is None:
            found.append(f"metric {name}: not in the facts (renamed or removed?)")
            continue
        for key in ("kind", "unit"):
            if entry.get(key) != fact[key]:
                found.append(
                    f"metric {name}: {key} {entry.get(key)!r}, the facts say {fact[key]!r}"
                )
        if entry.get("documented", True) != (fact["meaning"] is not None):
            found.append(f"metric {name}: `documented` disagrees with the facts' meaning")
        if fact["meaning"] and _same(entry.get("text", ""), fact["meaning"]):
            found.append(f"metric {name}: text copies the facts' meaning; write your own")
    return found


def skeleton(names: list[str], facts: dict[str, Any]) -> str:
    """YAML entries to paste under `metrics:` for names the catalog lacks."""
    lines = []
    for name in names:
        fact = facts.get(name, {"kind": "?", "unit": "?", "meaning": None, "common_words": []})
        lines += [f"  {name}:", f"    kind: {fact['kind']}", f"    unit: {fact['unit']}"]
        if fact["meaning"] is None:
            lines.append("    documented: false")
        lines.append('    text: "TODO: in your own words"')
        words = [w for w in fact["common_words"] if w.lower() not in name_words(name)]
        if words:
            lines.append(f"    words: {json.dumps(words)}")
    return "\n".join(lines) + "\n"


def _same(ours: str, theirs: str) -> bool:
    def norm(text: str) -> str:
        return " ".join(text.lower().split()).rstrip(".")

    return norm(ours) == norm(theirs) or norm(theirs) in norm(ours)


def main() -> int:
    catalog, facts = load()
    found = problems(catalog, facts)
    for problem in found:
        print(problem)
    missing = sorted(needed_metrics() - set(catalog.get("metrics", {})))
    if missing:
        print("\n# entries to complete and add under `metrics:` in rules/catalog.yaml")
        print(skeleton(missing, facts), end="")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

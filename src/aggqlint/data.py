"""Where the shipped data lives: `schemas/` and `rules/`, in the wheel or in a source checkout."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

_PACKAGE = Path(__file__).resolve().parent


@functools.cache
def data_root(kind: str) -> Path:
    """The directory holding `schemas` or `rules` data."""
    root, _ = _located(kind)
    return root


def from_wheel() -> bool:
    """aggqlint runs from an installed wheel (not a checkout or an editable install)."""
    return _located("rules")[1]


@functools.cache
def _located(kind: str) -> tuple[Path, bool]:
    """(the data directory, whether it is inside an installed wheel)."""
    installed = _PACKAGE / "_data" / kind  # inside a built wheel
    if installed.is_dir():
        return installed, True
    checkout = _PACKAGE.parents[1] / kind  # src/aggqlint -> repository top
    if checkout.is_dir():
        return checkout, False
    raise FileNotFoundError(f"aggqlint data directory '{kind}' is missing from the installation")


@functools.cache
def load_json(kind: str, relative: str) -> Any:
    with (data_root(kind) / relative).open(encoding="utf-8") as handle:
        return json.load(handle)


@functools.cache
def load_yaml(kind: str, relative: str) -> Any:
    root, installed = _located(kind)
    path = root / relative
    if installed:
        # The wheel carries a JSON copy of each YAML data file (hatch_build.py): the same data,
        # read ~20x faster, and PyYAML is not imported for it.
        compiled = path.with_name(path.name + ".json")
        if compiled.is_file():
            with compiled.open(encoding="utf-8") as handle:
                return json.load(handle)
    import yaml

    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)

"""Where the shipped data lives: `schemas/` and `rules/`, in the wheel or in a source checkout."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import yaml

_PACKAGE = Path(__file__).resolve().parent


@functools.cache
def data_root(kind: str) -> Path:
    """The directory holding `schemas` or `rules` data."""
    installed = _PACKAGE / "_data" / kind  # inside a built wheel
    if installed.is_dir():
        return installed
    checkout = _PACKAGE.parents[1] / kind  # src/aggqlint -> repository top
    if checkout.is_dir():
        return checkout
    raise FileNotFoundError(f"aggqlint data directory '{kind}' is missing from the installation")


@functools.cache
def load_json(kind: str, relative: str) -> Any:
    with (data_root(kind) / relative).open(encoding="utf-8") as handle:
        return json.load(handle)


@functools.cache
def load_yaml(kind: str, relative: str) -> Any:
    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with (data_root(kind) / relative).open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)

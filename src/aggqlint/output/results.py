"""How a results table is written: CSV (nested values as compact JSON in their cell) or JSON
Lines (one object per row, nested values as they came)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    from aggqlint.requests.results import ResultsTable


_NESTED = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict | list):
        return _NESTED.encode(value)
    return str(value)


def _csv(table: ResultsTable, stream: TextIO) -> None:
    if not table.columns:
        return
    writer = csv.writer(stream, lineterminator="\n")
    writer.writerow(table.columns)
    for row in table.rows:
        writer.writerow([_cell(row.get(name)) for name in table.columns])


def _jsonl(table: ResultsTable, stream: TextIO) -> None:
    for row in table.rows:
        stream.write(_NESTED.encode(row) + "\n")


# --format name -> writer(table, stream)
RESULT_FORMATS: dict[str, Callable[[ResultsTable, TextIO], None]] = {
    "csv": _csv,
    "jsonl": _jsonl,
}

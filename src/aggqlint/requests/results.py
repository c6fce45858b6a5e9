"""Recorded answers as one table (aggqlint results): every accepted query answer and job
results page of the latest run of each report (or of every run), combined without
overwriting or double counting.

- aggregates (queries and jobs): a row per report, window, group, bucket interval and metric,
  a column per groupBy dimension and per statistic returned;
- observations: a row per group and metric, its observations kept whole;
- details: a row per conversation (or user), its top-level fields as columns and nested ones
  (participants, segments, presences) kept whole; the same conversation on two pages, or in
  two windows of one run, is one row.

Nothing here prints; the CLI writes the table (output/results.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from msgspec import Struct, field

from aggqlint.requests.recording import Call, Verdict, read_records, verdict

DATA_CALLS = frozenset({Call.QUERY, Call.RESULTS})  # the calls whose answers hold data
STAT_ORDER = ("count", "sum", "min", "max", "ratio", "numerator", "denominator", "target")
_ADDED = frozenset({"count", "sum", "numerator", "denominator"})  # what two parts sum to
DETAIL_IDS = {"conversations": "conversationId", "userDetails": "userId"}


class Answer(Struct, frozen=True):
    """One recorded answer that holds data."""

    recording: str
    line: int
    report: str
    run: str
    time: str
    window: int | None
    response: dict[str, Any]


class ResultsTable(Struct):
    columns: list[str] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # "FILE:LINE: why", unreadable lines
    answers: int = 0  # recorded answers the rows came from
    not_accepted: int = 0  # data requests of the chosen runs that failed (no rows from them)


def results_table(
    recordings: Iterable[Path], all_runs: bool = False, reports: frozenset[str] = frozenset()
) -> ResultsTable:
    """The table of the recordings (of the named reports only, when some are named);
    OSError for a file that cannot be read."""
    table = ResultsTable()
    answers: list[Answer] = []
    failed: list[tuple[str, str]] = []  # (report, run) of data requests not accepted
    for path in recordings:
        for line in read_records(path):
            if line.record is None:
                table.problems.append(f"{path}:{line.number}: {line.problem}")
                continue
            if reports and line.record["report"] not in reports:
                continue
            answer = _answer(str(path), line.number, line.record)
            if answer is not None:
                answers.append(answer)
            elif _failed_data_call(line.record):
                failed.append((line.record["report"], _run(str(path), line.record)))
    chosen = answers if all_runs else _latest_runs(answers)
    runs = {(a.report, a.run) for a in chosen}
    table.not_accepted = sum(1 for key in failed if key in runs)
    table.answers = len(chosen)
    builder = _Builder(all_runs)
    for answer in chosen:
        builder.add(answer)
    table.rows = builder.rows()
    table.columns = _columns(table.rows)
    return table


def _run(recording: str, record: dict[str, Any]) -> str:
    run = record.get("run")
    # Recordings from before runs were named: each file is one run.
    return run if isinstance(run, str) else f"file:{recording}"


def _answer(recording: str, number: int, record: dict[str, Any]) -> Answer | None:
    response = record.get("response")
    if record.get("call", Call.QUERY) not in DATA_CALLS or not isinstance(response, dict):
        return None
    if verdict(record["status"]) is not Verdict.ACCEPTED:
        return None
    window = record.get("window")
    return Answer(
        recording,
        number,
        record["report"],
        _run(recording, record),
        str(record.get("time") or ""),
        window if isinstance(window, int) and not isinstance(window, bool) else None,
        response,
    )


def _failed_data_call(record: dict[str, Any]) -> bool:
    call = record.get("call", Call.QUERY)
    return call in DATA_CALLS and verdict(record["status"]) is not Verdict.ACCEPTED


def _latest_runs(answers: list[Answer]) -> list[Answer]:
    """Each report's answers from its latest run (the run with the latest answer)."""
    latest: dict[str, tuple[str, int, str]] = {}  # report -> (time, order, run)
    for order, answer in enumerate(answers):
        mark = (answer.time, order, answer.run)
        if answer.report not in latest or mark > latest[answer.report]:
            latest[answer.report] = mark
    return [a for a in answers if latest[a.report][2] == a.run]


class _Builder:
    """Rows by key, so that a part seen twice is not counted twice and parts of one bucket
    are summed, never overwritten."""

    def __init__(self, all_runs: bool) -> None:
        self.all_runs = all_runs
        self._rows: dict[tuple[Any, ...], dict[str, Any]] = {}

    def rows(self) -> list[dict[str, Any]]:
        return list(self._rows.values())

    def add(self, answer: Answer) -> None:
        for key, id_field in DETAIL_IDS.items():
            items = answer.response.get(key)
            if isinstance(items, list):
                self._details(answer, items, id_field)
                return
        groups = answer.response.get("results")
        if isinstance(groups, list):
            for group in groups:
                if isinstance(group, dict):
                    self._group(answer, group)

    def _base(self, answer: Answer) -> dict[str, Any]:
        row: dict[str, Any] = {"report": answer.report}
        if self.all_runs:
            row["run"] = answer.run
        # 1-based, as submit names windows ("window 2/7"); empty for a query as written
        row["window"] = answer.window + 1 if answer.window is not None else None
        return row

    def _details(self, answer: Answer, items: list[Any], id_field: str) -> None:
        for item in items:
            if not isinstance(item, dict):
                continue
            key = ("detail", answer.report, answer.run, _text(item.get(id_field)))
            if key in self._rows:  # on two pages, or in two windows: one row
                continue
            row = self._base(answer)
            row.update(item)
            self._rows[key] = row

    def _group(self, answer: Answer, group: dict[str, Any]) -> None:
        dimensions = _object(group.get("group"))
        data = group.get("data")
        for entry in data if isinstance(data, list) else []:
            if not isinstance(entry, dict):
                continue
            if isinstance(entry.get("metrics"), list):  # aggregate: one bucket interval
                for metric in entry["metrics"]:
                    if isinstance(metric, dict):
                        self._metric(answer, dimensions, entry.get("interval"), metric)
            elif "metric" in entry:  # observation
                self._metric(answer, dimensions, None, entry, observation=True)

    def _metric(
        self,
        answer: Answer,
        dimensions: dict[str, Any],
        interval: Any,
        metric: dict[str, Any],
        observation: bool = False,
    ) -> None:
        row = self._base(answer)
        row.update(dimensions)
        if not observation:
            row["interval"] = interval
        row["metric"] = metric.get("metric")
        if metric.get("qualifier") is not None:
            row["qualifier"] = metric["qualifier"]
        stats = _object(metric.get("stats"))
        row.update(_ordered(stats))
        if observation:
            row["observations"] = metric.get("observations")
        key = (
            "observation" if observation else "aggregate",
            answer.report,
            answer.run,
            answer.window,
            tuple(sorted((str(k), _text(v)) for k, v in dimensions.items())),
            _text(interval),
            _text(row["metric"]),
            _text(metric.get("qualifier")),
        )
        if key not in self._rows:
            self._rows[key] = row
        elif self._rows[key] != row:
            _combine(self._rows[key], stats)


def _text(value: Any) -> str:
    """A value as a key part: any JSON value, hashable (a string as itself, the rest as
    JSON after a NUL, so that "1" and 1 stay apart)."""
    if isinstance(value, str):
        return value
    return "\0" + json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def _object(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _ordered(stats: dict[str, Any]) -> dict[str, Any]:
    known = [k for k in STAT_ORDER if k in stats]
    return {k: stats[k] for k in [*known, *sorted(k for k in stats if k not in STAT_ORDER)]}


def _combine(row: dict[str, Any], stats: dict[str, Any]) -> None:
    """A second part of one bucket (the same group, interval and metric): counts and sums
    add up, min and max widen, and a figure that cannot be combined is left empty."""
    for name, value in stats.items():
        before = row.get(name)
        numbers = all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in (before, value)
        )
        if not numbers:
            row[name] = value if before is None else (before if before == value else None)
        elif name in _ADDED:
            row[name] = before + value
        elif name == "min":
            row[name] = min(before, value)
        elif name == "max":
            row[name] = max(before, value)
        elif before != value:
            row[name] = None


def _columns(rows: list[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        for name in row:
            seen.setdefault(name, None)
    return list(seen)

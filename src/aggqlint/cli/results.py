"""aggqlint results: the data in submit's recordings, as one table."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from aggqlint.cli.common import EXIT_USAGE, PATHS
from aggqlint.output.results import RESULT_FORMATS


@click.command()
@click.argument("recordings", nargs=-1, required=True, type=PATHS)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(RESULT_FORMATS)),
    default="csv",
    show_default=True,
    help="csv: one table, nested values as JSON text; jsonl: one JSON object per row.",
)
@click.option(
    "--output", "-o", "output_path", metavar="FILE", help="Write the table here, not to stdout."
)
@click.option(
    "--all-runs", is_flag=True, help="Rows from every run, not only each report's latest."
)
@click.option(
    "--report",
    "reports",
    multiple=True,
    metavar="NAME",
    help="Only this report's rows (repeatable): one kind of table, not a mix.",
)
def results(
    recordings: tuple[str, ...],
    output_format: str,
    output_path: str | None,
    all_runs: bool,
    reports: tuple[str, ...],
) -> None:
    """Turn recorded answers into a table: aggregates, observations and details.

    Pages, windows and job results pages are combined; a conversation seen twice is one row.
    Only each report's latest run unless --all-runs. Reports of different kinds (aggregates,
    details) share one table with the columns of both; --report picks some. Exit 0, or 2
    when a recording cannot be read or holds unreadable lines (each is named; the other lines
    still make rows).
    """
    from aggqlint.requests.results import results_table

    if output_path is not None and _same_file(output_path, recordings):
        _usage(f"--output {output_path} is one of the recordings; it would be overwritten")
    try:
        table = results_table((Path(r) for r in recordings), all_runs, frozenset(reports))
    except OSError as err:
        _usage(f"cannot read {err.filename}: {err.strerror or err}")
    for problem in table.problems:
        click.echo(f"{problem} (not a recorded exchange; skipped)", err=True)
    write = RESULT_FORMATS[output_format]
    if output_path is None:
        write(table, sys.stdout)
    else:
        try:
            with open(output_path, "w", encoding="utf-8", newline="") as stream:
                write(table, stream)
        except OSError as err:
            _usage(f"cannot write {output_path}: {err.strerror or err}")
    said = f"{_count(len(table.rows), 'row')} from {_count(table.answers, 'recorded answer')}"
    if table.not_accepted:
        said += f"; {table.not_accepted} requests of these runs were not accepted (no rows)"
    click.echo(said, err=True)
    sys.exit(EXIT_USAGE if table.problems else 0)


def _same_file(output: str, recordings: tuple[str, ...]) -> bool:
    target = Path(output).resolve()
    return any(Path(r).resolve() == target for r in recordings)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _usage(message: str) -> NoReturn:
    click.echo(f"aggqlint: {message}", err=True)
    sys.exit(EXIT_USAGE)

"""aggqlint drift: where the server and aggqlint disagreed, from submit's recordings."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from aggqlint.cli.common import EXIT_USAGE, PATHS
from aggqlint.output.drift import DRIFT_FORMATS


@click.command()
@click.argument("recordings", nargs=-1, required=True, type=PATHS)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(sorted(DRIFT_FORMATS)),
    default="text",
    show_default=True,
    help="Output format.",
)
def drift(recordings: tuple[str, ...], output_format: str) -> None:
    """Show where the server and aggqlint disagreed, from submit recordings.

    Exit 1 when there is a missed rule or a false alarm, 0 otherwise.
    """
    from aggqlint.requests.drift import find_drift

    try:
        report = find_drift(Path(r) for r in recordings)
    except OSError as err:
        click.echo(f"aggqlint: cannot read {err.filename}: {err.strerror or err}", err=True)
        sys.exit(EXIT_USAGE)
    click.echo(DRIFT_FORMATS[output_format](report), nl=False)
    sys.exit(report.exit_code)

"""The command line: click parses options, the core does the work and returns values.

This package is the only click code; everything it calls works without it. One module per
command, registered on the `cli` group below.
"""

from __future__ import annotations

import sys
from typing import Any

import click

from aggqlint import __version__

EXIT_USAGE = 2


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="aggqlint")
def cli() -> None:
    """Lint Genesys Cloud Analytics query definitions before they reach the server."""


def _register() -> None:
    from aggqlint.cli import check

    cli.add_command(check.check)


def main(argv: list[str] | None = None) -> Any:
    _register()
    try:
        return cli.main(args=argv, prog_name="aggqlint")
    except KeyboardInterrupt:
        click.echo("aggqlint: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:  # the last line of defence: a message, never a traceback
        click.echo(f"aggqlint: internal error: {type(exc).__name__}: {exc}", err=True)
        sys.exit(3)


if __name__ == "__main__":  # pragma: no cover
    main()

"""The command line: click parses options, the core does the work and returns values.

This package is the only click code; everything it calls works without it. One module per
command, registered on the `cli` group below.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import click

from aggqlint import __version__

# command name -> "module:attribute" under aggqlint.cli. A command's module is imported only
# when that command runs, so `aggqlint check` never pays for `submit` (requests) and a
# problem in one command cannot break the others.
COMMANDS: dict[str, str] = {
    "check": "check:check",
    "schema": "schema:schema",
    "catalog": "catalog:catalog",
    "rules": "rules:rules",
    "plan": "plan:plan",
    "submit": "submit:submit",
    "drift": "drift:drift",
    "results": "results:results",
    "lsp": "lsp:lsp",
}


class _LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        module = importlib.import_module(f"aggqlint.cli.{module_name}")
        command: click.Command = getattr(module, attribute)
        return command


@click.group(cls=_LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="aggqlint")
def cli() -> None:
    """Lint Genesys Cloud Analytics query definitions before they reach the server."""


def main(argv: list[str] | None = None) -> Any:
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

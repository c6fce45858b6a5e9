"""aggqlint lsp: the language server, for editors (needs the `lsp` extra: pygls)."""

from __future__ import annotations

import sys

import click

from aggqlint.cli.common import EXIT_USAGE

INSTALL = "pip install 'aggqlint[lsp]'"


@click.command()
@click.option(
    "--stdio",
    is_flag=True,
    help="Talk LSP over standard input and output (the default and only transport; accepted "
    "because editor clients pass it).",
)
def lsp(stdio: bool) -> None:
    """Run the language server: diagnostics, fixes, hover and completion in your editor."""
    try:
        from aggqlint.lsp.server import serve
    except ImportError as err:
        if (err.name or "").split(".")[0] not in ("pygls", "lsprotocol", "cattrs", "attrs"):
            raise
        click.echo(
            f"aggqlint: the language server needs pygls, which is not installed: {INSTALL}",
            err=True,
        )
        sys.exit(EXIT_USAGE)
    serve()

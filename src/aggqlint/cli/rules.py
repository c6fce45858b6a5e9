"""aggqlint rules: list every rule, or explain one."""

from __future__ import annotations

import json
import sys

import click

from aggqlint.cli.common import EXIT_USAGE


@click.command()
@click.argument("rule", required=False, metavar="[CODE|NAME]")
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["text", "json"]),
    default="text",
    show_default=True,
    help="Output format.",
)
def rules(rule: str | None, output_format: str) -> None:
    """List the rules by family, or explain one (AQL201 or unknown-metric)."""
    from aggqlint.checks.metadata import all_rules
    from aggqlint.config import codes
    from aggqlint.output import ruledocs

    if rule is None:
        everything = list(all_rules().values())
        if output_format == "json":
            click.echo(json.dumps([ruledocs.as_dict(m) for m in everything], indent=2))
        else:
            click.echo(ruledocs.render_list(everything), nl=False)
        return
    try:
        meta = codes.lookup(rule)
    except codes.UnknownRule as err:
        click.echo(f"aggqlint: {err} (`aggqlint rules` lists them all)", err=True)
        sys.exit(EXIT_USAGE)
    if output_format == "json":
        click.echo(json.dumps(ruledocs.as_dict(meta), indent=2))
    else:
        click.echo(ruledocs.render_rule(meta), nl=False)

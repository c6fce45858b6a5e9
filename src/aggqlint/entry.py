"""The console entry point. `aggqlint --version` answers before click is imported, because
pre-commit and CI wrappers call it often and it should cost no more than starting Python."""

from __future__ import annotations

import sys

TYPE_CHECKING = False  # see aggqlint/__init__.py: no typing import on the --version path
if TYPE_CHECKING:
    from typing import Any


def main() -> Any:
    if sys.argv[1:] == ["--version"]:
        from aggqlint import __version__

        sys.stdout.write(f"aggqlint, version {__version__}\n")
        return 0
    from aggqlint.cli import main as cli_main

    return cli_main()

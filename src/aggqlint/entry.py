"""The console entry point. `aggqlint --version` answers before click is imported, because
pre-commit and CI wrappers call it often and it should cost no more than starting Python."""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # see aggqlint/__init__.py: no typing import on the --version path
if TYPE_CHECKING:
    from typing import Any

# Commands that read files and print: once their output is flushed, nothing is left to do, and
# the interpreter's teardown (freeing every module and object) is time the user waits for
# (~45 ms of a warm `check` of 594 files, measured). They end with os._exit, as mypy and
# Mercurial do. submit (threads, a recording being written) and lsp end the usual way.
QUICK_EXIT = frozenset({"catalog", "check", "plan", "rules", "schema"})


def main() -> Any:
    if sys.argv[1:] == ["--version"]:
        from aggqlint import __version__

        sys.stdout.write(f"aggqlint, version {__version__}\n")
        return 0
    from aggqlint.cli import main as cli_main

    if sys.argv[1:2] and sys.argv[1] in QUICK_EXIT:
        try:
            cli_main()
            code: object = 0
        except SystemExit as exit:
            code = exit.code
        _exit_now(code)
    return cli_main()


def _exit_now(code: object) -> None:
    """Exit with what SystemExit(code) exits with, without the teardown."""
    if code is None:
        status = 0
    elif isinstance(code, int):
        status = code
    else:  # as Python does: the message on standard error, status 1
        sys.stderr.write(f"{code}\n")
        status = 1
    import contextlib

    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing can reach it
            stream.flush()
    os._exit(status)

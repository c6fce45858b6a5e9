"""`aggqlint lsp` without the lsp extra: how to install it, exit 2 (no pygls needed here)."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO, SRC


def test_without_pygls_lsp_says_how_to_install_it_and_exits_2() -> None:
    # pygls made unimportable, as in an install without the extra.
    script = (
        "import sys; sys.modules['pygls'] = None; sys.modules['lsprotocol'] = None; "
        "from aggqlint.cli import main; main(['lsp'])"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO,
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == (
        "aggqlint: the language server needs pygls, which is not installed: "
        "pip install 'aggqlint[lsp]'\n"
    )


def test_the_core_never_imports_pygls() -> None:
    script = (
        "import sys; import aggqlint.cli.check, aggqlint.checks.engine, aggqlint.fixes.apply; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('pygls', 'lsprotocol')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        env={"PYTHONPATH": str(SRC), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert done.stdout == "[]\n"

"""aggqlint: lint Genesys Cloud Analytics query definitions before they reach the server."""

from __future__ import annotations

# Not `from typing import ...`: importing typing costs `aggqlint --version` a few milliseconds,
# and mypy treats a constant named TYPE_CHECKING as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__version__ = "0.1.0"

__all__ = [
    "Diagnostic",
    "Location",
    "Severity",
    "__version__",
    "lint_file",
    "lint_payload",
    "lint_text",
]

if TYPE_CHECKING:
    from aggqlint.diagnostics import Diagnostic, Location, Severity


def __getattr__(name: str) -> Any:
    # The public API is imported lazily so that `aggqlint --version` pays for nothing.
    if name in {"Diagnostic", "Location", "Severity"}:
        from aggqlint import diagnostics

        return getattr(diagnostics, name)
    if name in {"lint_payload", "lint_text", "lint_file"}:
        from aggqlint.checks import engine as lint

        return getattr(lint, name)
    raise AttributeError(name)

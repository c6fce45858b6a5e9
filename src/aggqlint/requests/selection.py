"""What a submit run sends: the requests of definitions without errors, and with --force
also those with errors; what is left out, and why."""

from __future__ import annotations

from msgspec import Struct

from aggqlint.diagnostics import Diagnostic, Severity
from aggqlint.requests.plan import Plan, PlannedDefinition, PlannedRequest


class Work(Struct, frozen=True):
    request: PlannedRequest
    diagnostics: tuple[Diagnostic, ...]  # the definition's diagnostics and the request's own
    forced: bool


class Selection(Struct):
    work: list[Work]
    refused: list[PlannedDefinition]  # error-level diagnostics and no --force
    unsendable: list[PlannedDefinition]  # nothing that could be sent, even with --force
    unreadable: list[str]  # files with load errors (not YAML/JSON, unreadable): no definitions

    @property
    def complete(self) -> bool:
        """Everything found was selected to be sent."""
        return not (self.refused or self.unsendable or self.unreadable)


def select_work(plan: Plan, force: bool) -> Selection:
    """What a run sends: every request of a definition without errors, and with force also
    those of definitions with errors."""
    unreadable = sorted(
        {d.location.file for d in plan.file_diagnostics if d.severity is Severity.ERROR}
    )
    selection = Selection([], [], [], unreadable)
    for definition in plan.definitions:
        if definition.has_errors and not force:
            selection.refused.append(definition)
            continue
        if not definition.requests:
            selection.unsendable.append(definition)
            continue
        for request in definition.requests:
            diagnostics = (*definition.diagnostics, *request.diagnostics)
            selection.work.append(Work(request, diagnostics, definition.has_errors))
    return selection

"""A document becomes a report definition: the envelope, the resolved endpoint and the body."""

from __future__ import annotations

from typing import Any

from msgspec import Struct, field

from aggqlint.api import bodyfit
from aggqlint.api.endpoints import Endpoint, EndpointError, all_endpoints, resolve_endpoint
from aggqlint.diagnostics import Finding
from aggqlint.fixes.model import Fix, ReplaceValue
from aggqlint.loading.source import Document

ENVELOPE_KEYS = frozenset({"report", "endpoint", "query", "description", "windows", "chunk"})
# Keys of the user's own beside the envelope's (`x-defaults: &defaults {...}`, as in
# docker-compose): a place for YAML anchors that the query merges in. Checks ignore them.
EXTENSION_PREFIX = "x-"
_MARKERS = frozenset({"report", "endpoint", "query"})


class ReportDefinition(Struct):
    document: Document
    name: str | None
    endpoint: Endpoint | None
    body: Any
    body_pointer: str  # where the request body sits in the document: "/query" or ""
    # None where an entry is not text (the envelope schema reports it): indices stay those of
    # the file, so `/windows/N` pointers land on the right entry.
    windows: list[str | None] = field(default_factory=list)
    chunk: str | None = None
    is_envelope: bool = False
    # Pointers relative to the document; the envelope's own shape is a rule's (AQL025).
    findings: list[Finding] = field(default_factory=list)


def is_envelope(value: Any) -> bool:
    return isinstance(value, dict) and bool(_MARKERS & value.keys())


def is_envelope_key(key: object) -> bool:
    """A key the envelope takes: one of its own or an extension key (x-...)."""
    return isinstance(key, str) and (key in ENVELOPE_KEYS or key.startswith(EXTENSION_PREFIX))


def read_definition(document: Document, endpoint_hint: str | None = None) -> ReportDefinition:
    """endpoint_hint (from --endpoint or the config's glob map) applies to bare bodies only."""
    value = document.value
    if is_envelope(value):
        return _from_envelope(document, value)
    definition = ReportDefinition(document, None, None, value, "")
    if not isinstance(value, dict):
        kind = "a list" if isinstance(value, list) else f"a {type(value).__name__} scalar"
        if value is None:
            kind = "empty"
        definition.findings.append(
            Finding(
                "AQL005",
                "",
                f"document is {kind}; expected a report definition or a query body (a mapping)",
            )
        )
        return definition
    if endpoint_hint:
        definition.endpoint = _resolve_or_report(endpoint_hint, "", definition.findings)
        return definition
    endpoint, finding = infer_endpoint(value)
    definition.endpoint = endpoint
    definition.findings.append(finding)
    return definition


def _from_envelope(document: Document, value: dict[str, Any]) -> ReportDefinition:
    definition = ReportDefinition(
        document,
        value.get("report") if isinstance(value.get("report"), str) else None,
        None,
        value.get("query"),
        "/query",
        is_envelope=True,
    )
    windows = value.get("windows")
    if isinstance(windows, list):
        definition.windows = [w if isinstance(w, str) else None for w in windows]
    if isinstance(value.get("chunk"), str):
        definition.chunk = value["chunk"]
    endpoint = value.get("endpoint")
    if isinstance(endpoint, str):
        definition.endpoint = _resolve_or_report(endpoint, "/endpoint", definition.findings)
    return definition


def _resolve_or_report(text: str, pointer: str, findings: list[Finding]) -> Endpoint | None:
    """The endpoint named by text. When it is wrong but the right one is certain (a path
    without /query, a known wrong path), the body is still checked against the right one,
    so that one mistake does not hide the others."""
    try:
        return resolve_endpoint(text)
    except EndpointError as err:
        findings[:] = [f for f in findings if f.pointer != pointer]
        message = err.message
        fallback = None
        if err.certain and err.suggestion:
            try:
                fallback = resolve_endpoint(err.suggestion)
                message += f" (the query was checked as {fallback.name})"
            except EndpointError:
                fallback = None
        findings.append(Finding(err.code, pointer, message, fix=_endpoint_fix(err, pointer)))
        return fallback


def _endpoint_fix(err: EndpointError, pointer: str) -> Fix | None:
    """The endpoint the error names: sure (a missing /query, a known wrong path) or a guess."""
    if not err.suggestion:
        return None
    build = Fix.safe if err.certain else Fix.unsafe
    change = ReplaceValue(pointer, err.suggestion)
    return build(f"replace with '{err.suggestion}'", change, shown=err.suggestion)


def infer_endpoint(body: dict[str, Any]) -> tuple[Endpoint | None, Finding]:
    """The one endpoint whose model fits the body's fields and names, or a finding asking."""
    candidates = [e for e in all_endpoints().values() if bodyfit.fits(e, body)]
    # A job body is the sync body plus paging; prefer the sync endpoint unless paging is there.
    sync = [e for e in candidates if not e.kind.endswith("-job")]
    if sync and len(sync) < len(candidates) and "pageSize" not in body:
        candidates = sync
    if len(candidates) == 1:
        endpoint = candidates[0]
        return endpoint, Finding(
            "AQL024",
            "",
            f"bare query body: endpoint inferred as {endpoint.name} from its fields and names; "
            "say it with 'endpoint:' in a report definition or --endpoint",
            endpoint.name,
        )
    if candidates:
        names = ", ".join(e.name for e in candidates[:6])
        more = f" and {len(candidates) - 6} more" if len(candidates) > 6 else ""
        message = f"bare query body fits several endpoints ({names}{more})"
    else:
        message = "bare query body matches no endpoint's request model"
    return None, Finding(
        "AQL023",
        "",
        f"{message}; name it with 'endpoint:' in a report definition or with --endpoint",
    )

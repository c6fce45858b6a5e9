"""The engine: paths or payloads in, diagnostics out. No printing, no click."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from msgspec import Struct, field
from msgspec.structs import replace

from aggqlint.checks.cache import CLOCK_READS, ResultCache
from aggqlint.checks.cache import Entry as CacheEntry
from aggqlint.config.policy import Policy
from aggqlint.diagnostics import Diagnostic, Finding, Location, Severity, pointer_join
from aggqlint.fixes.model import Applicability, Fix
from aggqlint.loading.inputs import PYTHON_SUFFIX, Input, collect_inputs
from aggqlint.loading.inputs import (
    UsageError as UsageError,  # raised by lint_paths; callers catch it here
)
from aggqlint.loading.source import (
    MAX_FILE_BYTES,
    Document,
    Source,
    Span,
    parse_source,
    point_span,
    read_bytes,
    read_source,
)

# The checks themselves (schemas, rule families, the time arithmetic) are imported where a
# file is checked: a run served from the cache never loads them.
if TYPE_CHECKING:
    from aggqlint.api.endpoints import Endpoint
    from aggqlint.checks.registry import Enabled
    from aggqlint.fixes.apply import FixOutcome
    from aggqlint.loading.definition import ReportDefinition

# Diagnostics of one code shown per file; the rest become one "... and N more" line, so that a
# generated file with 10,000 unknown names does not drown its other problems.
MAX_REPEATS = 20


class LintOptions(Struct):
    endpoint: str | None = None  # for bare bodies: --endpoint
    now: datetime | None = None
    policy_for: Callable[[Path], Policy] | None = None  # the config's policy for a file
    max_repeats: int | None = MAX_REPEATS  # per code and file; None shows every diagnostic
    excluded: Callable[[Path, bool], bool] | None = None  # skipped in folders; None: defaults
    force_exclude: bool = False  # the excludes apply to named files too
    stdin: BinaryIO | None = None  # read for the path "-" (None: the process's stdin)
    stdin_filename: str | None = None  # the name, config and per-file rules for "-"
    include_python: bool = False  # walked folders give .py files too (named ones always)
    cache: ResultCache | None = None  # results kept between runs (check only); None: off
    # Standard input is judged as a file found in a folder, not named: a document that is no
    # report definition or query body is skipped (an editor's buffer: `aggqlint lsp`).
    stdin_found: bool = False


class CheckedFile(Struct):
    path: str
    source: Source
    definitions: list[ReportDefinition]
    diagnostics: list[Diagnostic]
    policy: Policy
    suppressed: list[Diagnostic] = field(default_factory=list)  # silenced by inline comments
    disk_path: Path | None = None  # the file read; None for standard input
    # Served from the cache: the report names its definitions have (definitions is empty).
    cached_reports: list[str] | None = None
    fixed: FixOutcome | None = None  # with fixing on: what the fixes did to the text


class Fixing(Struct, frozen=True):
    """check --fix: which fixes to apply (safe ones always)."""

    unsafe: bool = False


class LintResult(Struct):
    files: list[CheckedFile] = field(default_factory=list)
    fixing: Fixing | None = None  # the run applied fixes (check --fix or --diff)

    @property
    def diagnostics(self) -> list[Diagnostic]:
        return [d for f in self.files for d in f.diagnostics]


def lint_paths(
    paths: Iterable[str], options: LintOptions | None = None, fixing: Fixing | None = None
) -> LintResult:
    """Check the files the paths stand for. With fixing, each file's fixes are applied to its
    text first (nothing is written: CheckedFile.fixed holds the new text) and the diagnostics
    are those of the fixed text."""
    options = options or LintOptions()
    result = LintResult(fixing=fixing)
    inputs = collect_inputs(
        paths,
        options.excluded,
        options.force_exclude,
        options.stdin_filename,
        options.include_python,
    )
    cache = options.cache if fixing is None else None  # --fix works on the parsed files
    for item in inputs:
        policy = options.policy_for(item.config_path) if options.policy_for else Policy()
        # Python files are read afresh: few, and their decoding is their own (PEP 263).
        if cache is not None and item.path is not None and not item.is_python:
            checked = _check_cached(item, options, policy, cache)
        else:
            checked = _check_input(item, _read(item, options), options, policy)
        if fixing is not None:
            checked = _fix(checked, options, _walked(item, options), fixing)
        checked.disk_path = item.path
        result.files.append(checked)
    _recheck_cached_duplicates(result, inputs, options)
    _flag_duplicate_reports(result)
    if cache is not None:
        cache.save()
    for checked in result.files:
        _settle(checked, options.max_repeats)
    return result


def _check_input(item: Input, source: Source, options: LintOptions, policy: Policy) -> CheckedFile:
    walked = _walked(item, options)
    if walked and _unrelated_json(item, source, options.endpoint or policy.endpoint):
        source = Source(source.path, "", [], [_skipped(None)])
    return _check_source(source, options, policy, walked)


def _walked(item: Input, options: LintOptions) -> bool:
    """Judged as a file found in a folder (documents of other kinds skipped): not named, or
    standard input when the caller asks (an editor's buffer)."""
    return not item.named or (item.path is None and options.stdin_found)


def _check_cached(
    item: Input, options: LintOptions, policy: Policy, cache: ResultCache
) -> CheckedFile:
    """A file's check, from the cache when its bytes and settings were checked before."""
    assert item.path is not None
    data = read_bytes(item.path, item.name)
    if isinstance(data, Source):  # unreadable: nothing to key or keep
        return _check_input(item, data, options, policy)
    # The shared part is the same objects for every file (made plain once per run).
    key = cache.key(
        data, (item.name, item.named, item.is_json), (options.endpoint, options.now, policy)
    )
    entry = cache.get(key)
    if entry is not None:
        text = data.decode("utf-8-sig", errors="replace")  # for the inline suppressions
        source = Source(item.name, text, [], as_json=item.is_json)
        return CheckedFile(
            item.name, source, [], entry.diagnostics, policy, cached_reports=entry.reports
        )
    clock = CLOCK_READS[0]
    checked = _check_input(item, parse_source(data, item.name, item.is_json), options, policy)
    # Not kept: a result that read the clock, and a file holding a secret (the cache must not
    # copy it to another place on disk, even masked in messages: data may hold it whole).
    timeless = CLOCK_READS[0] == clock or options.now is not None
    if timeless and not any(d.code.startswith("AQL70") for d in checked.diagnostics):
        names = [d.name for d in checked.definitions if d.name]
        cache.put(key, CacheEntry(checked.diagnostics, names))
    return checked


def _recheck_cached_duplicates(
    result: LintResult, inputs: list[Input], options: LintOptions
) -> None:
    """A report name defined twice needs where each definition is: a file served from the
    cache has no parsed definitions, so such a file (rare) is checked afresh."""
    counts: dict[str, int] = {}
    for checked in result.files:
        names = checked.cached_reports
        for name in names if names is not None else [d.name for d in checked.definitions]:
            if name:
                counts[name] = counts.get(name, 0) + 1
    for index, checked in enumerate(result.files):
        names = checked.cached_reports
        if names is not None and any(counts.get(name, 0) > 1 for name in names):
            item = inputs[index]
            fresh = _check_input(item, _read(item, options), options, checked.policy)
            fresh.disk_path = checked.disk_path
            result.files[index] = fresh


def _fix(checked: CheckedFile, options: LintOptions, walked: bool, fixing: Fixing) -> CheckedFile:
    """The file checked again after its fixes, with what they did (CheckedFile.fixed)."""
    from aggqlint.fixes.apply import fix_text

    source = checked.source
    if source.is_python:
        return checked  # fixes in Python code are advice: nothing is written into it

    seen: dict[str, CheckedFile] = {}  # each text the passes checked: the last is the result

    def check(text: str) -> list[Diagnostic]:
        again = parse_source(text, source.path, as_json=source.as_json)
        again.bom = source.bom
        seen[text] = _check_source(again, options, checked.policy, walked)
        return _settled(seen[text])

    outcome = fix_text(source.text, _settled(checked), check, fixing.unsafe)
    if outcome.changed:
        checked = seen[outcome.text]  # checked by the pass that made it; not parsed again
    checked.fixed = outcome
    return checked


def _settled(checked: CheckedFile) -> list[Diagnostic]:
    """The diagnostics as reported, every one of them (no cap on repeats): what --fix fixes
    and compares. Works on a copy: the file is settled once more when the run ends."""
    copy = CheckedFile(
        checked.path, checked.source, checked.definitions, list(checked.diagnostics), checked.policy
    )
    return _settle(copy, None).diagnostics


def _read(item: Input, options: LintOptions) -> Source:
    if item.is_python:
        from aggqlint.loading.python_source import parse_python, read_python_source

        if item.path is not None:
            return read_python_source(item.path, item.name)
        return parse_python((options.stdin or sys.stdin.buffer).read(MAX_FILE_BYTES + 1), item.name)
    if item.path is not None:
        return read_source(item.path, item.name)
    stream = options.stdin or sys.stdin.buffer
    # One byte over the limit is enough for parse_source to refuse it, as for a file.
    return parse_source(stream.read(MAX_FILE_BYTES + 1), item.name, as_json=item.is_json)


def _unrelated_json(item: Input, source: Source, hint: str | None) -> bool:
    """A .json file found in a folder that is not strict JSON but JSON with comments, and
    nothing like a report (tsconfig.json): skipped rather than failed."""
    if hint or not item.is_json:
        return False
    failed = [d.failure for d in source.documents if d.failure is not None]
    if not failed or failed[0].finding.code != "AQL001":
        return False
    from aggqlint.loading.relevance import lenient_json, looks_like_report

    value = lenient_json(source.text)
    return value is not None and not looks_like_report(value)


def lint_text(
    text: str | bytes,
    name: str = "<text>",
    options: LintOptions | None = None,
    policy: Policy | None = None,
) -> list[Diagnostic]:
    """Lint YAML or JSON text (a report definition or a bare body) without touching disk."""
    as_json = name.lower().endswith(".json")
    if name.lower().endswith(PYTHON_SUFFIX):
        from aggqlint.loading.python_source import parse_python

        source = parse_python(text, name)
    else:
        source = parse_source(text, name, as_json=as_json)
    options = options or LintOptions()
    checked = _check_source(source, options, policy or Policy())
    _flag_duplicate_reports(LintResult([checked]))
    return _settle(checked, options.max_repeats).diagnostics


def lint_file(path: str | Path, options: LintOptions | None = None) -> list[Diagnostic]:
    return lint_paths([str(path)], options).diagnostics


def lint_payload(body: Any, endpoint: str, now: datetime | None = None) -> list[Diagnostic]:
    """Lint a request body built in code, a dict or the Python SDK's model object (read as
    the SDK serialises it); diagnostics carry pointers but no line numbers."""
    from aggqlint.api.endpoints import resolve_endpoint

    resolved = resolve_endpoint(endpoint)  # EndpointError (a ValueError) for a bad name
    from aggqlint.api import sdk

    if isinstance(body, dict) or sdk.is_model_object(body):
        body = sdk.serialise(body)  # SDK model objects, at the top or inside a dict
    findings = _check_body(body, resolved, [], None, now, {}, None) + _document_findings(body)
    out = [
        _diagnostic(f, "", Location("<payload>", None, None, _join("", f.pointer)))
        for f in findings
    ]
    out = [replace(d, message=sdk.explain_placeholder(d.message)) for d in out]
    # plan places these in the definition's file; where a finding points at a key (an unknown
    # field), it must land where the definition's own check put it, or it shows twice.
    out = [
        replace(d, data={**d.data, "at_key": True}) if f.at_key else d
        for d, f in zip(out, findings, strict=True)
    ]
    return sorted(_redact(out, findings), key=lambda d: d.location.pointer)


def _check_source(
    source: Source, options: LintOptions, policy: Policy, walked: bool = False
) -> CheckedFile:
    """walked: found in a folder, not named; then a document that is neither a report
    definition nor like a query body (a compose file, a CI workflow) is skipped, unless the
    config or --endpoint says what the file's bodies are."""
    from aggqlint.loading.relevance import looks_like_report

    diagnostics: list[Diagnostic] = []
    where = _spanned(Location(source.path), point_span(source.text, *source.error_position))
    for finding in source.findings:
        diagnostics.append(_diagnostic(finding, "", where))
    for finding, span in source.located:  # Python code's own findings, each at its node
        diagnostics.append(_diagnostic(finding, "", _spanned(Location(source.path), span)))
    definitions = []
    hint = options.endpoint or policy.endpoint
    # Asked for every rule of every document; None (no select/ignore) lets every rule run
    # without asking at all.
    enabled = functools.cache(policy.enabled) if policy.select or policy.ignore else None
    all_findings: list[Finding] = []
    for document in source.documents:
        hint = document.endpoint or options.endpoint or policy.endpoint
        if document.failure is not None:
            if walked and not hint and _unrelated(document):
                # A CloudFormation template's `!Ref` found by walking: not ours to refuse.
                diagnostics.append(_locate(_skipped(document), "", source, document))
                continue
            # Not read: what was found before the problem, then the problem, where it is.
            failure = document.failure
            diagnostics.extend(_locate(f, "", source, document) for f in document.findings)
            at = point_span(source.text, failure.line, failure.column)
            place = _spanned(Location(source.path, document=document.index), at)
            diagnostics.append(_diagnostic(failure.finding, "", place))
            continue
        if walked and not hint and not looks_like_report(document.value):
            diagnostics.append(_locate(_skipped(document), "", source, document))
            continue
        definition = _read_definition(document, hint)
        definitions.append(definition)
        envelope = _envelope_findings(definition, enabled)
        findings = [(f, "") for f in document.findings + envelope + definition.findings]
        findings.extend((f, "") for f in _document_findings(document.value, enabled))
        body = definition.body
        if definition.endpoint is not None and isinstance(body, dict):
            scalars = _relative_scalars(document, definition.body_pointer)
            for finding in _check_body(
                body,
                definition.endpoint,
                definition.windows,
                definition.chunk,
                options.now,
                policy.limits,
                scalars,
                definition.is_envelope,
                enabled,
            ):
                if document.unread and _unread(finding, document):
                    continue  # about a value the code computes: not read, never guessed
                if finding.pointer in document.notes:  # what the SDK does with the value
                    note = document.notes[finding.pointer]
                    finding = replace(finding, message=f"{finding.message} ({note})")
                findings.append((finding, definition.body_pointer))
        for finding, base in findings:
            diagnostics.append(_locate(finding, base, source, document))
        all_findings.extend(f for f, _ in findings)
    diagnostics = _redact(diagnostics, all_findings)
    if source.is_python:  # a filter object shared by two queries: its findings once
        diagnostics = list({_said(d): d for d in diagnostics}.values())
    return CheckedFile(source.path, source, definitions, diagnostics, policy)


def _said(diagnostic: Diagnostic) -> tuple[str, int | None, int | None, str]:
    where = diagnostic.location
    return (diagnostic.code, where.line, where.column, diagnostic.message)


def _read_definition(document: Document, hint: str | None) -> ReportDefinition:
    """The definition, or when reading it fails, one AQL009 and a body left unchecked."""
    from aggqlint.checks import registry
    from aggqlint.loading.definition import ReportDefinition, read_definition

    try:
        return read_definition(document, hint)
    except Exception as exc:  # a broken reader is a diagnostic, never a crash
        unit = registry.unit_for("AQL020")
        assert unit is not None
        definition = ReportDefinition(document, None, None, None, "")
        definition.findings.append(registry.crashed(unit, exc))
        return definition


def _envelope_findings(definition: ReportDefinition, enabled: Enabled | None) -> list[Finding]:
    """The envelope rules (AQL025) on a report definition's own fields."""
    from aggqlint.checks import registry

    value = definition.document.value
    if not definition.is_envelope or not isinstance(value, dict):
        return []
    found = list(registry.run(registry.units("envelope"), value, enabled))
    if any(f.pointer == "/endpoint" for f in definition.findings):
        # The endpoint's own finding says it (and names the fix); not twice.
        found = [f for f in found if f.pointer != "/endpoint"]
    return found


def _unrelated(document: Document) -> bool:
    """A syntax problem (a tag aggqlint refuses, say) in a document whose keys read before it
    are no report's or query body's. Size and depth limits (AQL006) are always reported."""
    from aggqlint.loading.relevance import looks_like_report

    partial = document.partial
    if document.failure is None or document.failure.finding.code != "AQL001":
        return False
    return isinstance(partial, dict) and bool(partial) and not looks_like_report(partial)


def _skipped(document: Document | None) -> Finding:
    which = f"document {document.index + 1}" if document and document.index else "document"
    return Finding(
        "AQL012",
        "",
        f"{which} is not a report definition or query body (none of their field names): "
        "skipped; name this file on the command line to check it",
    )


def _redact(diagnostics: list[Diagnostic], findings: Iterable[Finding]) -> list[Diagnostic]:
    """Mask, in every diagnostic, the texts a check marked as secret (data["redact"]: raw ->
    masked): another rule may quote the same value (an unknown name, a bad type)."""
    masks: dict[str, str] = {}
    for finding in findings:
        masks.update(finding.data.get("redact", {}))
    if not masks:
        return diagnostics
    out = []
    for diagnostic in diagnostics:
        message, suggestion = diagnostic.message, diagnostic.suggestion
        pointer = diagnostic.location.pointer  # a secret used as a key is in the pointer
        for raw, masked in masks.items():
            message = message.replace(raw, masked)
            suggestion = suggestion.replace(raw, masked) if suggestion else suggestion
            pointer = pointer.replace(pointer_join("", raw)[1:], masked)
        data = {k: v for k, v in diagnostic.data.items() if k != "redact"}
        location = replace(diagnostic.location, pointer=pointer)
        fix = _redact_fix(diagnostic.fix, masks) if diagnostic.fix else None
        out.append(
            replace(
                diagnostic,
                message=message,
                suggestion=suggestion,
                data=data,
                location=location,
                fix=fix,
            )
        )
    return out


def _redact_fix(fix: Fix, masks: dict[str, str]) -> Fix:
    def mask(text: str) -> str:
        for raw, masked in masks.items():
            text = text.replace(raw, masked)
        return text

    shown = mask(fix.shown) if fix.shown else fix.shown
    masked = replace(fix, message=mask(fix.message), shown=shown)
    if any(mask(edit.content) != edit.content for edit in fix.edits):
        # An edit that would write the secret cannot be shown, and masked it would write
        # the mask into the file: advice only.
        return replace(masked, applicability=Applicability.DISPLAY, changes=(), edits=())
    return masked


def _settle(checked: CheckedFile, max_repeats: int | None = MAX_REPEATS) -> CheckedFile:
    """Inline suppressions, then the policy, then source order. Suppressions see every
    diagnostic of the rules that ran (select/ignore skips rules before running them)."""
    from aggqlint.config.suppressions import apply_suppressions

    # A rule the policy skipped never ran: a suppression of its code is not called unused.
    outcome = apply_suppressions(checked.diagnostics, checked.source, checked.policy.enabled)
    checked.diagnostics = sorted(checked.policy.apply(outcome.kept), key=Diagnostic.sort_key)
    if max_repeats is not None:
        checked.diagnostics = _cap_repeats(checked.diagnostics, max_repeats)
    checked.suppressed = outcome.suppressed
    return checked


def _cap_repeats(diagnostics: list[Diagnostic], limit: int) -> list[Diagnostic]:
    """The first `limit` diagnostics of each code, then one that counts the rest."""
    by_code: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        by_code.setdefault(diagnostic.code, []).append(diagnostic)
    if all(len(group) <= limit for group in by_code.values()):
        return diagnostics
    kept = []
    for code, group in by_code.items():
        kept.extend(group[:limit])
        rest = group[limit:]
        if rest:
            kept.append(
                replace(
                    rest[0],
                    severity=max(d.severity for d in rest),
                    message=f"... and {len(rest):,} more {code} ({rest[0].rule}) in this file, "
                    f"not shown; aggqlint shows the first {limit} of each code",
                    suggestion=None,
                    fix=None,
                    data={"more": len(rest)},
                )
            )
    return sorted(kept, key=Diagnostic.sort_key)


def _relative_scalars(document: Document, base: str) -> dict[str, Any]:
    if not base:
        return document.scalars
    return {p[len(base) :]: raw for p, raw in document.scalars.items() if p.startswith(base + "/")}


def _check_body(
    body: dict[str, Any],
    endpoint: Endpoint,
    windows: list[str | None],
    chunk: str | None,
    now: datetime | None,
    limits: dict[str, Any],
    scalars: dict[str, Any] | None,
    in_envelope: bool = False,
    enabled: Enabled | None = None,
) -> list[Finding]:
    from aggqlint.checks import registry
    from aggqlint.checks.context import RuleContext
    from aggqlint.checks.schema import check_body

    served: Any = body  # when the schema check fails, the rules take the body as written
    try:
        findings, served = check_body(body, endpoint, scalars, enabled)
    except Exception as exc:  # the adapter itself, not one keyword's rule (those are guarded)
        findings = [_schema_failed(exc)]
    if windows:  # plan makes each window a request's interval: the body needs none of its own
        findings = [f for f in findings if not _interval_required(f)]
    if not isinstance(body, dict):  # lint_payload takes what the caller built; rules need a dict
        return findings
    # The rules judge the body as the server reads it: a field written as null is absent
    # (the schema layer has already noted it, AQL210), so no rule warns about its value.
    context = RuleContext(served, endpoint, windows, chunk, limits, now, in_envelope)
    return findings + list(registry.run(registry.units("body"), context, enabled))


def _schema_failed(exc: Exception) -> Finding:
    return Finding(
        "AQL009",
        "",
        f"the schema check failed on this document ({type(exc).__name__}: {exc}); "
        "other checks still ran",
    )


def _interval_required(finding: Finding) -> bool:
    return (
        finding.code == "AQL203" and not finding.pointer and finding.data.get("field") == "interval"
    )


def _document_findings(value: Any, enabled: Enabled | None = None) -> list[Finding]:
    """The rules that look at a whole document (leaked secrets), whatever its shape."""
    from aggqlint.checks import registry

    return list(registry.run(registry.units("document"), value, enabled))


def _locate(finding: Finding, base: str, source: Source, document: Document) -> Diagnostic:
    pointer = _join(base, finding.pointer)
    span = document.positions.span(pointer, finding.at_key)
    where = _spanned(Location(source.path, pointer=pointer, document=document.index), span)
    diagnostic = _diagnostic(finding, base, where)
    if diagnostic.fix is not None and source.is_python:
        # The fixes write YAML/JSON; in Python code they are advice, never edits.
        advice = replace(diagnostic.fix, applicability=Applicability.DISPLAY, changes=(), edits=())
        return replace(diagnostic, fix=advice)
    if diagnostic.fix is not None and diagnostic.fix.changes:
        from aggqlint.fixes.text import locate_fix

        fix = locate_fix(
            diagnostic.fix,
            source.text,
            document.positions,
            source.as_json,
            lambda p: _join(base, p),
        )
        diagnostic = replace(diagnostic, fix=fix)
    return diagnostic


def _unread(finding: Finding, document: Document) -> bool:
    from aggqlint.loading.python_source import is_unread

    return is_unread(finding, document.unread)


def _spanned(location: Location, span: Span) -> Location:
    return replace(
        location,
        line=span.line,
        column=span.column,
        end_line=span.end_line,
        end_column=span.end_column,
        offset=span.offset,
        end_offset=span.end_offset,
    )


def _join(base: str, pointer: str) -> str:
    # Findings about the envelope (windows, chunk) use "../" to step out of the body. Only a
    # whole ".." token steps out: a field named "..a" is a field.
    while pointer == "/.." or pointer.startswith("/../"):
        pointer = pointer[3:]
        base = base.rsplit("/", 1)[0] if base else ""
    return base + pointer


def _diagnostic(finding: Finding, base: str, location: Location) -> Diagnostic:
    from aggqlint.checks.metadata import rule

    meta = rule(finding.code)
    fix = finding.fix
    suggestion = finding.suggestion
    if fix is not None:
        suggestion = fix.shown if fix.shown is not None else suggestion
    return Diagnostic(
        code=finding.code,
        severity=meta.severity,
        message=finding.message,
        location=location,
        rule=meta.name,
        suggestion=suggestion,
        data=finding.data,
        fix=fix,
    )


def _flag_duplicate_reports(result: LintResult) -> None:
    first: dict[str, tuple[CheckedFile, ReportDefinition]] = {}
    for checked in result.files:
        added = []
        for definition in checked.definitions:
            name = definition.name
            if not name:
                continue
            if name in first:
                # Positions are looked up only here: a JSON file's are computed on demand.
                where, earlier = first[name]
                line, _ = earlier.document.positions.locate("/report")
                finding = Finding(
                    "AQL026",
                    "/report",
                    f"report '{name}' is already defined in {where.path}:{line}",
                )
                added.append(_locate(finding, "", checked.source, definition.document))
            else:
                first[name] = (checked, definition)
        checked.diagnostics.extend(added)  # before _settle: suppressions and policy apply


def exit_code(result: LintResult, fail_on: Severity | None = None) -> int:
    """1 when a diagnostic reaches fail_on, or else its file's policy's fail-on; else 0."""
    failing = (
        d
        for f in result.files
        for d in f.diagnostics
        if d.severity >= (fail_on or f.policy.fail_on)
    )
    return 1 if any(failing) else 0

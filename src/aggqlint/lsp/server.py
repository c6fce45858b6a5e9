"""The language server: pygls wiring around the pure modules beside it.

Checks run in one worker thread, so the server answers hover and completion while a large file
is being checked. A change is checked after a short pause in typing (DEBOUNCE), and a result is
published only for the text it was computed from: one for an older version is dropped.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar, cast

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from aggqlint import __version__
from aggqlint.config.files import CONFIG_FILES
from aggqlint.lsp import actions, completion, convert, linting
from aggqlint.lsp import hover as hovering
from aggqlint.lsp.positions import UTF16, Lines

DEBOUNCE = 0.15  # seconds without a change before a check starts

Handler = TypeVar("Handler", bound=Callable[..., Any])
T = TypeVar("T")


class AggqlintServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("aggqlint", __version__)
        self.worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="aggqlint-check")
        self.pending: dict[str, asyncio.Task[None]] = {}
        # uri -> (version, text, result) of the newest check: code actions reuse it.
        self.results: dict[str, tuple[int | None, str, linting.Linted]] = {}
        self.rules_url = convert.RULES_URL
        self.debounce = DEBOUNCE

    def lines(self, text: str) -> Lines:
        encoding = self.workspace.position_encoding or UTF16
        return Lines(text, str(getattr(encoding, "value", encoding)))

    def log(self, message: str, kind: types.MessageType = types.MessageType.Info) -> None:
        self.window_log_message(types.LogMessageParams(type=kind, message=message))

    def schedule(self, uri: str, delay: float) -> None:
        """Check the document after delay seconds; a check scheduled before is dropped."""
        previous = self.pending.pop(uri, None)
        if previous is not None and not previous.done():
            previous.cancel()
        self.pending[uri] = asyncio.ensure_future(self.check(uri, delay))

    async def check(self, uri: str, delay: float) -> None:
        try:
            if delay:
                await asyncio.sleep(delay)
            document = self.workspace.text_documents.get(uri)
            if document is None or not checked(document):
                return
            version, text = document.version, document.source
            path = document_path(document)
            linted = await self.in_worker(linting.lint_buffer, path, text)
            self.publish(uri, version, text, linted)
        except asyncio.CancelledError:
            raise
        except Exception:
            self.log(f"aggqlint: checking {uri} failed:\n{traceback.format_exc()}", ERROR)

    def publish(self, uri: str, version: int | None, text: str, linted: linting.Linted) -> None:
        document = self.workspace.text_documents.get(uri)
        if document is None or document.version != version:
            return  # closed, or changed since: the newer text's check publishes
        self.results[uri] = (version, text, linted)
        lines = self.lines(text)
        shown = [convert.to_lsp(lines, d, self.rules_url) for d in linted.diagnostics]
        if linted.config_error is not None:
            shown.insert(0, config_problem(linted.config_error))
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, diagnostics=shown, version=version)
        )

    async def current(self, document: TextDocument) -> linting.Linted:
        """The check of the document's current text: the published one, or a new one."""
        found = self.results.get(document.uri)
        if found is not None and found[0] == document.version and found[1] == document.source:
            return found[2]
        return await self.in_worker(linting.lint_buffer, document_path(document), document.source)

    async def in_worker(self, function: Callable[..., T], *args: Any) -> T:
        """function(*args) in the checks' thread: one check at a time, the server answering."""
        return await asyncio.get_running_loop().run_in_executor(self.worker, function, *args)

    def recheck_all(self) -> None:
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, 0)


ERROR = types.MessageType.Error


def document_path(document: TextDocument) -> Path | None:
    path = to_fs_path(document.uri) if document.uri.startswith("file:") else None
    return Path(path) if path else None


def checked(document: TextDocument) -> bool:
    return linting.checked_here(document_path(document), document.language_id)


def config_problem(message: str) -> types.Diagnostic:
    return types.Diagnostic(
        range=types.Range(types.Position(0, 0), types.Position(0, 0)),
        message=f"aggqlint cannot use its config, so nothing was checked: {message}",
        severity=types.DiagnosticSeverity.Error,
        source=convert.SOURCE,
    )


def guarded(fallback: Any) -> Callable[[Handler], Handler]:
    """A handler that fails logs why to the client and answers fallback: one bad request
    never takes the server down."""

    def wrap(handler: Handler) -> Handler:
        def failed(ls: AggqlintServer) -> Any:
            ls.log(f"aggqlint: {handler.__name__} failed:\n{traceback.format_exc()}", ERROR)
            return fallback

        if inspect.iscoroutinefunction(handler):

            @functools.wraps(handler)
            async def wait(ls: AggqlintServer, params: Any) -> Any:
                try:
                    return await handler(ls, params)
                except Exception:
                    return failed(ls)

            return cast(Handler, wait)

        @functools.wraps(handler)
        def run(ls: AggqlintServer, params: Any) -> Any:
            try:
                return handler(ls, params)
            except Exception:
                return failed(ls)

        return cast(Handler, run)

    return wrap


server = AggqlintServer()


@server.feature(types.INITIALIZE)
@guarded(None)
def initialize(ls: AggqlintServer, params: types.InitializeParams) -> None:
    options = params.initialization_options
    if isinstance(options, dict):
        if isinstance(options.get("rulesUrl"), str):
            ls.rules_url = options["rulesUrl"]
        if isinstance(options.get("debounceMs"), int | float):
            ls.debounce = max(float(options["debounceMs"]), 0.0) / 1000


@server.feature(types.INITIALIZED)
@guarded(None)
def initialized(ls: AggqlintServer, params: types.InitializedParams) -> None:
    watching = ls.client_capabilities.workspace
    support = watching.did_change_watched_files if watching else None
    if support is None or not support.dynamic_registration:
        return  # configs are still read afresh for every check
    watchers = [types.FileSystemWatcher(glob_pattern=f"**/{name}") for name in CONFIG_FILES]
    registration = types.Registration(
        id="aggqlint-config",
        method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
        register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
    )
    ls.client_register_capability(types.RegistrationParams(registrations=[registration]))


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
@guarded(None)
def did_open(ls: AggqlintServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
@guarded(None)
def did_change(ls: AggqlintServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, ls.debounce)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
@guarded(None)
def did_save(ls: AggqlintServer, params: types.DidSaveTextDocumentParams) -> None:
    if params.text_document.uri.rsplit("/", 1)[-1] in CONFIG_FILES:
        ls.recheck_all()
    else:
        ls.schedule(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
@guarded(None)
def did_close(ls: AggqlintServer, params: types.DidCloseTextDocumentParams) -> None:
    uri = params.text_document.uri
    task = ls.pending.pop(uri, None)
    if task is not None:
        task.cancel()
    ls.results.pop(uri, None)
    ls.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=uri, diagnostics=[]))


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
@guarded(None)
def did_change_watched_files(ls: AggqlintServer, params: types.DidChangeWatchedFilesParams) -> None:
    if any(change.uri.rsplit("/", 1)[-1] in CONFIG_FILES for change in params.changes):
        ls.log("aggqlint: a config file changed; checking the open files again")
        ls.recheck_all()


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, actions.FIX_ALL],
    ),
)
@guarded([])
async def code_action(ls: AggqlintServer, params: types.CodeActionParams) -> list[types.CodeAction]:
    document = ls.workspace.get_text_document(params.text_document.uri)
    if not checked(document):
        return []
    path = document_path(document)
    text = document.source
    linted = await ls.current(document)
    only = params.context.only
    # check --fix on the text, in the worker, only when the action is wanted (it is a whole
    # check and fix run); computed here so that code_actions itself stays synchronous.
    fixed: str | None = None
    if actions.fix_all_wanted(only, linted.diagnostics):
        fixed = await ls.in_worker(linting.fix_all, path, text)
    return actions.code_actions(
        document.uri,
        ls.lines(text),
        linted.diagnostics,
        params.range,
        only,
        lambda: fixed,
        as_json=(path is not None and path.suffix.lower() == ".json")
        or document.language_id == "json",
        rules_url=ls.rules_url,
    )


@server.feature(types.TEXT_DOCUMENT_HOVER)
@guarded(None)
def hover(ls: AggqlintServer, params: types.HoverParams) -> types.Hover | None:
    document = ls.workspace.get_text_document(params.text_document.uri)
    if not checked(document):
        return None
    lines = ls.lines(document.source)
    return hovering.hover(lines, params.position, document_path(document), ls.rules_url)


@server.feature(
    types.TEXT_DOCUMENT_COMPLETION,
    types.CompletionOptions(trigger_characters=[" ", "[", ",", '"', "-"]),
)
@guarded(types.CompletionList(is_incomplete=False, items=[]))
def complete(ls: AggqlintServer, params: types.CompletionParams) -> types.CompletionList:
    document = ls.workspace.get_text_document(params.text_document.uri)
    if not checked(document):
        return types.CompletionList(is_incomplete=False, items=[])
    lines = ls.lines(document.source)
    return completion.complete(lines, params.position, document_path(document))


def serve() -> None:
    """Speak LSP on standard input and output until the client says exit."""
    server.start_io()

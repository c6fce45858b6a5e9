"""`aggqlint lsp` end to end: a real LSP client (pytest-lsp) talks to the server over stdio."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

pytest_lsp = pytest.importorskip("pytest_lsp")  # the `lsp` extra; .ci/run installs it

from conftest import SRC  # noqa: E402
from lsprotocol import types  # noqa: E402
from pytest_lsp import ClientServerConfig, LanguageClient  # noqa: E402

from aggqlint.api.endpoints import resolve_endpoint  # noqa: E402
from aggqlint.api.vocabulary import vocabulary  # noqa: E402

pytestmark = pytest.mark.asyncio

PUBLISH = types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS
ENV = {**os.environ, "PYTHONPATH": str(SRC)}
RULES = "https://github.com/OWNER/aggqlint/blob/main/docs/rules.md"

BAD = """\
report: agents
endpoint: users/aggregates
query:
  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
  metrics: [tAgentRoutingStatus, tHandle]
  groupBy: [userid]
"""


def server(*code: str) -> ClientServerConfig:
    """The server as a user starts it; code, if given, runs first in its process."""
    if not code:
        return ClientServerConfig([sys.executable, "-m", "aggqlint", "lsp"], server_env=ENV)
    script = "; ".join([*code, "from aggqlint.cli import main", "main(['lsp'])"])
    return ClientServerConfig([sys.executable, "-c", script], server_env=ENV)


async def start(client: LanguageClient, **options: Any) -> types.InitializeResult:
    capabilities = types.ClientCapabilities(
        workspace=types.WorkspaceClientCapabilities(
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=True
            )
        ),
        text_document=types.TextDocumentClientCapabilities(
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(version_support=True),
            code_action=types.CodeActionClientCapabilities(
                code_action_literal_support=types.ClientCodeActionLiteralOptions(
                    code_action_kind=types.ClientCodeActionKindOptions(
                        value_set=[types.CodeActionKind.QuickFix, types.CodeActionKind.Source]
                    )
                )
            ),
        ),
    )
    return await client.initialize_session(
        types.InitializeParams(
            capabilities=capabilities, initialization_options={"debounceMs": 50, **options}
        )
    )


def record(client: LanguageClient) -> list[types.PublishDiagnosticsParams]:
    """Every publishDiagnostics the client receives, in order (pytest-lsp keeps the last)."""
    published: list[types.PublishDiagnosticsParams] = []
    handle = client.protocol._handle_notification

    def recording(method: str, params: Any) -> None:
        if method == PUBLISH:
            published.append(params)
        handle(method, params)

    client.protocol._handle_notification = recording  # type: ignore[method-assign]
    return published


def accept_registrations(client: LanguageClient) -> list[types.Registration]:
    """The client says it lets servers watch files; it accepts the server's registration."""
    registered: list[types.Registration] = []

    @client.feature(types.CLIENT_REGISTER_CAPABILITY)
    def register(params: types.RegistrationParams) -> None:
        registered.extend(params.registrations)

    return registered


async def stop(client: LanguageClient) -> None:
    if client._server is not None and client._server.returncode is None:
        await asyncio.wait_for(client.shutdown_session(), 30)


@pytest_lsp.fixture(config=server())
async def client(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    lsp_client.published = record(lsp_client)  # type: ignore[attr-defined]
    lsp_client.registered = accept_registrations(lsp_client)  # type: ignore[attr-defined]
    lsp_client.initialized_with = await start(lsp_client)  # type: ignore[attr-defined]
    yield
    await stop(lsp_client)


@pytest_lsp.fixture(
    config=server(
        "import aggqlint.lsp.hover as h",
        "h.hover = lambda *a: 1 / 0",
    )
)
async def crashing(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    accept_registrations(lsp_client)
    await start(lsp_client)
    yield
    await stop(lsp_client)


# A check of a text naming `slow-check` takes 1.5 s in this server: long enough, whatever the
# machine's speed, for a newer version to arrive while it runs.
@pytest_lsp.fixture(
    config=server(
        "import time, aggqlint.lsp.linting as linting",
        "real = linting.lint_buffer",
        "linting.lint_buffer = lambda path, text: "
        "(time.sleep(1.5) if 'slow-check' in text else None) or real(path, text)",
    )
)
async def slow(lsp_client: LanguageClient):  # type: ignore[no-untyped-def]
    lsp_client.published = record(lsp_client)  # type: ignore[attr-defined]
    accept_registrations(lsp_client)
    await start(lsp_client)
    yield
    await stop(lsp_client)


async def open_document(
    client: LanguageClient, path: Path, text: str, language: str = "yaml"
) -> types.PublishDiagnosticsParams:
    path.write_text(text, encoding="utf-8")
    waiting = client.protocol.wait_for_notification_async(PUBLISH)
    client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=path.as_uri(), language_id=language, version=1, text=text)
        )
    )
    return await asyncio.wait_for(waiting, 30)


async def change(
    client: LanguageClient, path: Path, version: int, text: str
) -> types.PublishDiagnosticsParams:
    waiting = client.protocol.wait_for_notification_async(PUBLISH)
    client.text_document_did_change(
        types.DidChangeTextDocumentParams(
            types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
            [types.TextDocumentContentChangeWholeDocument(text=text)],
        )
    )
    return await asyncio.wait_for(waiting, 30)


def shown(published: types.PublishDiagnosticsParams) -> list[tuple[str, str, int, int, int, int]]:
    out = []
    for d in published.diagnostics:
        r = d.range
        out.append(
            (
                str(d.code),
                str(d.severity.name if d.severity else ""),
                r.start.line,
                r.start.character,
                r.end.line,
                r.end.character,
            )
        )
    return out


def apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply text edits (UTF-16 positions) as an editor does, last first."""
    lines = text.split("\n")

    def offset(position: types.Position) -> int:
        before = sum(len(line) + 1 for line in lines[: position.line])
        line = lines[position.line] if position.line < len(lines) else ""
        units = 0
        for index, char in enumerate(line):
            if units >= position.character:
                return before + index
            units += 2 if ord(char) > 0xFFFF else 1
        return before + len(line)

    for edit in sorted(
        edits, key=lambda e: (e.range.start.line, e.range.start.character), reverse=True
    ):
        start, end = offset(edit.range.start), offset(edit.range.end)
        text = text[:start] + edit.new_text + text[end:]
    return text


async def test_initialize_advertises_the_features(client: LanguageClient) -> None:
    result: types.InitializeResult = client.initialized_with  # type: ignore[attr-defined]
    capabilities = result.capabilities
    assert result.server_info is not None and result.server_info.name == "aggqlint"
    assert capabilities.position_encoding == types.PositionEncodingKind.Utf16
    assert capabilities.hover_provider
    assert capabilities.completion_provider is not None
    assert isinstance(capabilities.code_action_provider, types.CodeActionOptions)
    assert list(capabilities.code_action_provider.code_action_kinds or []) == [
        "quickfix",
        "source.fixAll.aggqlint",
    ]


async def test_a_bad_definition_gets_its_diagnostics_with_ranges_and_links(
    client: LanguageClient, tmp_path: Path
) -> None:
    published = await open_document(client, tmp_path / "agents.yaml", BAD)
    assert published.version == 1
    assert shown(published) == [
        ("AQL208", "Error", 4, 33, 4, 40),  # tHandle: not a users/aggregates metric
        ("AQL207", "Warning", 5, 12, 5, 18),  # userid -> userId
    ]
    first = published.diagnostics[0]
    assert "metric 'tHandle' is not available in users/aggregates" in first.message
    assert first.source == "aggqlint"
    assert first.code_description is not None
    assert first.code_description.href == f"{RULES}#aql208-{first.data['rule']}"


async def test_an_edit_updates_the_diagnostics(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "agents.yaml"
    await open_document(client, path, BAD)
    fixed = BAD.replace("tAgentRoutingStatus, tHandle", "tAgentRoutingStatus")
    published = await change(client, path, 2, fixed)
    assert published.version == 2
    assert shown(published) == [("AQL207", "Warning", 5, 12, 5, 18)]


async def test_ranges_count_utf16_units_after_a_character_outside_the_bmp(
    client: LanguageClient, tmp_path: Path
) -> None:
    # The emoji is one character to aggqlint and two UTF-16 units to the editor: userid
    # starts at aggqlint's column 18 (character 17 from 0), at the editor's unit 18.
    text = BAD.replace("  groupBy: [userid]", '  groupBy: ["🚀", userid]')
    published = await open_document(client, tmp_path / "emoji.yaml", text)
    by_code = {str(d.code): d.range for d in published.diagnostics}
    name = by_code["AQL207"]
    assert (name.start.line, name.start.character, name.end.character) == (5, 18, 24)


async def test_a_quick_fix_edit_gives_the_fixed_text(
    client: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "agents.yaml"
    published = await open_document(client, path, BAD)
    target = next(d for d in published.diagnostics if d.code == "AQL207")
    found = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            range=target.range,
            context=types.CodeActionContext(diagnostics=[target]),
        )
    )
    assert found is not None
    titles = [a.title for a in found if isinstance(a, types.CodeAction)]
    assert titles == [
        "AQL207: write 'userId'",
        "Disable AQL207 for this line",
        "aggqlint: fix all safe problems",
    ]
    quick = found[0]
    assert isinstance(quick, types.CodeAction) and quick.kind == "quickfix"
    assert quick.is_preferred
    assert quick.edit is not None and quick.edit.changes is not None
    fixed = apply(BAD, list(quick.edit.changes[path.as_uri()]))
    assert fixed == BAD.replace("[userid]", "[userId]")

    disable = found[1]
    assert isinstance(disable, types.CodeAction)
    assert disable.edit is not None and disable.edit.changes is not None
    silenced = apply(BAD, list(disable.edit.changes[path.as_uri()]))
    assert "  groupBy: [userid]  # aggqlint: disable=AQL207 -- reason\n" in silenced
    published = await change(client, path, 2, silenced)
    assert [d.code for d in published.diagnostics] == ["AQL208"]


async def test_fix_all_is_check_fix(client: LanguageClient, tmp_path: Path) -> None:
    # Two safe fixes (a name's case, an endpoint path without /query) and an unsafe one
    # (tHandle's guess) that fixAll leaves, as check --fix does.
    text = BAD.replace("users/aggregates", "/api/v2/analytics/users/aggregates")
    path = tmp_path / "agents.yaml"
    await open_document(client, path, text)
    found = await client.text_document_code_action_async(
        types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            range=types.Range(types.Position(0, 0), types.Position(0, 0)),
            context=types.CodeActionContext(diagnostics=[], only=["source.fixAll"]),
        )
    )
    assert found is not None and len(found) == 1
    action = found[0]
    assert isinstance(action, types.CodeAction) and action.kind == "source.fixAll.aggqlint"
    assert action.edit is not None and action.edit.changes is not None
    fixed = apply(text, list(action.edit.changes[path.as_uri()]))
    cli = subprocess.run(
        [sys.executable, "-m", "aggqlint", "check", "--fix", "--stdin-filename", str(path), "-"],
        input=text,
        capture_output=True,
        text=True,
        env=ENV,
        check=False,
    )
    assert fixed == cli.stdout
    assert "groupBy: [userId]" in fixed and "tHandle" in fixed
    assert "endpoint: /api/v2/analytics/users/aggregates/query\n" in fixed


async def test_hover_on_a_metric_says_what_it_means(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "agents.yaml"
    await open_document(client, path, BAD)
    found = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            position=types.Position(4, 36),  # inside tHandle
        )
    )
    assert found is not None and isinstance(found.contents, types.MarkupContent)
    text = found.contents.value
    assert text.startswith("**tHandle**: metric (timer, ms)")
    assert "Agent handling time: talk + hold + after-call work" in text
    assert "Valid in: conversations/aggregates" in text
    assert "Not valid for users/aggregates, this document's endpoint." in text
    assert found.range == types.Range(types.Position(4, 33), types.Position(4, 40))


async def test_hover_on_a_code_in_a_suppression_gives_the_rule(
    client: LanguageClient, tmp_path: Path
) -> None:
    text = BAD.replace("[userid]", "[userid]  # aggqlint: disable=AQL207 -- legacy name")
    path = tmp_path / "agents.yaml"
    await open_document(client, path, text)
    found = await client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            position=types.Position(5, text.split("\n")[5].index("AQL207") + 2),
        )
    )
    assert found is not None and isinstance(found.contents, types.MarkupContent)
    assert found.contents.value.startswith("**AQL207** ")


async def test_completion_in_metrics_offers_the_endpoints_metrics_only(
    client: LanguageClient, tmp_path: Path
) -> None:
    text = BAD.replace(
        "metrics: [tAgentRoutingStatus, tHandle]", "metrics: [tAgentRoutingStatus, t"
    )
    path = tmp_path / "agents.yaml"
    await open_document(client, path, text)
    line = text.split("\n")[4]
    found = await client.text_document_completion_async(
        types.CompletionParams(
            text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
            position=types.Position(4, len(line)),
        )
    )
    assert isinstance(found, types.CompletionList)
    labels = {item.label for item in found.items}
    users = set(vocabulary(resolve_endpoint("users/aggregates")).query_metrics)
    assert labels == users
    assert "tHandle" not in labels and "tAgentRoutingStatus" in labels
    item = next(i for i in found.items if i.label == "tAgentRoutingStatus")
    assert isinstance(item.text_edit, types.TextEdit)
    assert item.text_edit.range.start == types.Position(4, len(line) - 1)  # replaces the 't'


async def test_completion_of_endpoints_and_time_zones(
    client: LanguageClient, tmp_path: Path
) -> None:
    text = "report: r\nendpoint: us\nquery:\n  timeZone: Europe/Be\n"
    path = tmp_path / "zones.yaml"
    await open_document(client, path, text)

    async def labels(line: int, character: int) -> set[str]:
        found = await client.text_document_completion_async(
            types.CompletionParams(
                text_document=types.TextDocumentIdentifier(uri=path.as_uri()),
                position=types.Position(line, character),
            )
        )
        assert isinstance(found, types.CompletionList)
        return {item.label for item in found.items}

    assert "users/aggregates" in await labels(1, 12)
    zones = await labels(3, 21)
    assert "Europe/Berlin" in zones and "foo" not in zones


async def test_a_broken_file_gets_its_parse_diagnostic(
    client: LanguageClient, tmp_path: Path
) -> None:
    text = "report: r\nendpoint: users/aggregates\nquery:\n  metrics: [tHandle\n  groupBy: x\n"
    published = await open_document(client, tmp_path / "broken.yaml", text)
    assert [d.code for d in published.diagnostics] == ["AQL001"]
    assert published.diagnostics[0].severity == types.DiagnosticSeverity.Error


async def test_a_file_that_is_no_report_gets_no_noise(
    client: LanguageClient, tmp_path: Path
) -> None:
    compose = "services:\n  web:\n    image: nginx\n    ports: ['80:80']\n"
    published = await open_document(client, tmp_path / "compose.yaml", compose)
    assert list(published.diagnostics) == []


async def test_the_config_applies_and_is_reloaded_when_it_changes(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / "aggqlint.toml").write_text('[per-file-ignores]\n"reports/*" = ["AQL207"]\n')
    (tmp_path / "reports").mkdir()
    path = tmp_path / "reports" / "agents.yaml"
    published = await open_document(client, path, BAD)
    assert [d.code for d in published.diagnostics] == ["AQL208"]
    (tmp_path / "aggqlint.toml").write_text('ignore = ["AQL208"]\n')
    waiting = client.protocol.wait_for_notification_async(PUBLISH)
    client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            [types.FileEvent((tmp_path / "aggqlint.toml").as_uri(), types.FileChangeType.Changed)]
        )
    )
    published = await asyncio.wait_for(waiting, 30)
    assert [d.code for d in published.diagnostics] == ["AQL207"]
    watched = client.registered  # type: ignore[attr-defined]
    assert [r.method for r in watched] == ["workspace/didChangeWatchedFiles"]


async def test_a_stale_check_is_never_published_over_a_newer_text(
    slow: LanguageClient, tmp_path: Path
) -> None:
    client = slow
    path = tmp_path / "agents.yaml"
    await open_document(client, path, BAD)

    def send(version: int, text: str) -> None:
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                types.VersionedTextDocumentIdentifier(uri=path.as_uri(), version=version),
                [types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )

    # Version 2's check takes 1.5 s (the `slow` server); version 3 arrives while it is
    # being checked. The result for 2 is then stale: never published.
    send(2, "# slow-check\n" + BAD)
    await asyncio.sleep(0.5)  # past the pause after typing: the check of 2 has started
    send(3, BAD.replace("[userid]", "[userid, x3]"))
    last = await asyncio.wait_for(client.protocol.wait_for_notification_async(PUBLISH), 60)
    while last.version != 3:
        last = await asyncio.wait_for(client.protocol.wait_for_notification_async(PUBLISH), 60)
    await asyncio.sleep(0.3)  # anything still in flight arrives
    published = [p.version for p in client.published if p.uri == path.as_uri()]  # type: ignore[attr-defined]
    assert published == [1, 3]
    assert "'x3'" in " ".join(d.message for d in last.diagnostics)


async def test_a_crash_in_one_request_is_logged_and_the_server_goes_on(
    crashing: LanguageClient, tmp_path: Path
) -> None:
    path = tmp_path / "agents.yaml"
    published = await open_document(crashing, path, BAD)
    answer = await crashing.text_document_hover_async(
        types.HoverParams(types.TextDocumentIdentifier(path.as_uri()), types.Position(4, 36))
    )
    assert answer is None
    assert any(
        "hover failed" in m.message and "ZeroDivisionError" in m.message
        for m in crashing.log_messages
    )
    again = await change(crashing, path, 2, BAD.replace("[userid]", "[userId]"))
    assert again.version == 2
    assert [d.code for d in published.diagnostics] == ["AQL208", "AQL207"]
    assert [d.code for d in again.diagnostics] == ["AQL208"]


async def test_shutdown(client: LanguageClient) -> None:
    await client.shutdown_session()
    assert client._server is not None and client._server.returncode == 0


async def test_save_checks_again_and_close_clears(client: LanguageClient, tmp_path: Path) -> None:
    path = tmp_path / "agents.yaml"
    await open_document(client, path, BAD)
    (tmp_path / "aggqlint.toml").write_text('ignore = ["AQL207"]\n')  # unwatched: read on save
    waiting = client.protocol.wait_for_notification_async(PUBLISH)
    client.text_document_did_save(
        types.DidSaveTextDocumentParams(types.TextDocumentIdentifier(path.as_uri()))
    )
    saved = await asyncio.wait_for(waiting, 30)
    assert [d.code for d in saved.diagnostics] == ["AQL208"]
    waiting = client.protocol.wait_for_notification_async(PUBLISH)
    client.text_document_did_close(
        types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(path.as_uri()))
    )
    closed = await asyncio.wait_for(waiting, 30)
    assert closed.uri == path.as_uri() and list(closed.diagnostics) == []


async def test_a_config_that_cannot_be_used_is_said_on_the_file(
    client: LanguageClient, tmp_path: Path
) -> None:
    (tmp_path / "aggqlint.toml").write_text('select = ["AQL9999"]\n')
    published = await open_document(client, tmp_path / "agents.yaml", BAD)
    [only] = published.diagnostics
    assert only.severity == types.DiagnosticSeverity.Error
    assert only.message.startswith("aggqlint cannot use its config, so nothing was checked: ")
    assert "aggqlint.toml: select: unknown rule 'AQL9999'" in only.message

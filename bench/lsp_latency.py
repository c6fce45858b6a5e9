"""How long after a keystroke the editor shows aggqlint's findings: didChange to
publishDiagnostics, on a 300-line file of report definitions, through a real `aggqlint lsp`
process over stdio.

    python bench/lsp_latency.py [--runs 30] [--lines 300]

Needs the lsp extra (pip install 'aggqlint[lsp]'). Prints the median and the 90th percentile,
with the server's default pause after typing (150 ms) and with none (the check alone).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

REPO = Path(__file__).resolve().parents[1]

REPORT = """\
report: queue-hourly-{n}
endpoint: conversations/aggregates
description: Offered, answered and abandoned per queue and media type, hour by hour.
query:
  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
  granularity: PT1H
  timeZone: Europe/Berlin
  groupBy: [queueId, mediaType]
  metrics:
    - nOffered
    - tAnswered
    - tAbandon
    - tHandle
    - tTalk
    - tHeld
    - tAcw
  filter:
    type: and
    predicates:
      - dimension: mediaType
        value: voice
      - dimension: queueid
        value: 3b0c7e36-4c3e-4a8b-9a8e-5f7d2c1b0a9f
  flattenMultivaluedDimensions: true
"""


def definitions(lines: int) -> str:
    """Report definitions, one mistake each (a dimension's case), to about `lines` lines."""
    parts: list[str] = []
    n = 0
    while sum(p.count("\n") + 1 for p in parts) < lines:
        parts.append(REPORT.format(n=n))
        n += 1
    return "---\n".join(parts)


async def measure(runs: int, lines: int, debounce_ms: int) -> list[float]:
    client = LanguageClient("bench", "1")
    published: dict[int, float] = {}
    arrived = asyncio.Event()

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_publish(params: types.PublishDiagnosticsParams) -> None:
        if params.version is not None:
            published[params.version] = time.perf_counter()
            arrived.set()

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def on_log(params: Any) -> None:
        pass

    env = {**os.environ, "PYTHONPATH": str(REPO / "src")}
    await client.start_io(sys.executable, "-m", "aggqlint", "lsp", env=env)
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            initialization_options={"debounceMs": debounce_ms},
        )
    )
    client.initialized(types.InitializedParams())
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "reports.yaml"
        text = definitions(lines)
        path.write_text(text)
        uri = path.as_uri()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri, "yaml", 1, text))
        )
        await asyncio.wait_for(arrived.wait(), 60)
        times = []
        for version in range(2, runs + 2):
            arrived.clear()
            # One keystroke: a character typed into the first report's description.
            text = text.replace("hour by hour", f"hour by hour{version % 10}", 1)
            sent = time.perf_counter()
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    types.VersionedTextDocumentIdentifier(version=version, uri=uri),
                    [types.TextDocumentContentChangeWholeDocument(text)],
                )
            )
            while version not in published:
                await asyncio.wait_for(arrived.wait(), 60)
                arrived.clear()
            times.append((published[version] - sent) * 1000)
            text = text.replace(f"hour by hour{version % 10}", "hour by hour", 1)
    await client.shutdown_async(None)
    client.exit(None)
    await client.stop()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--lines", type=int, default=300)
    args = parser.parse_args()
    print(f"didChange -> publishDiagnostics, {args.lines}-line file, {args.runs} edits")
    for debounce in (150, 0):
        times = sorted(asyncio.run(measure(args.runs, args.lines, debounce)))
        p90 = times[int(len(times) * 0.9) - 1]
        print(
            f"  pause {debounce:>3} ms: median {statistics.median(times):6.1f} ms, "
            f"p90 {p90:6.1f} ms, max {times[-1]:6.1f} ms"
        )


if __name__ == "__main__":
    main()

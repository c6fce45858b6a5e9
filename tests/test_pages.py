"""Synchronous detail queries page by page against the stand-in server: --all-pages reads from
the written pageNumber to the first empty page (a short page is not the end), never past the
100,000-result paging cap; without it the summary says that more pages exist."""

from __future__ import annotations

from pathlib import Path

from conftest import write_dedented as write
from fake_genesys import FakeGenesys
from fake_genesys import read_records as records
from fake_genesys import submit_with as submit

DETAILS = """\
report: calls
endpoint: conversations/details
query:
  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z
  paging: {{pageSize: {size}, pageNumber: {number}}}
"""


def _details(tmp_path: Path, size: int = 25, number: int = 1) -> Path:
    return write(tmp_path, DETAILS.format(size=size, number=number))


def test_all_pages_reads_past_a_short_page_and_stops_on_the_empty_one(
    fake: FakeGenesys, tmp_path: Path
) -> None:
    fake.data.detail_total = 60
    fake.data.short_pages = {2}  # 24 of 25: not the end
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(_details(tmp_path)), "--record", str(recording), "--all-pages")
    assert result.exit_code == 0, result.output
    lines = records(recording)
    assert [(r["call"], r["page"], r["status"]) for r in lines] == [
        ("query", 1, 200),
        ("query", 2, 200),
        ("query", 3, 200),
        ("query", 4, 200),
    ]
    assert [len(r["response"]["conversations"]) for r in lines] == [25, 24, 10, 0]
    assert [r["request"]["paging"] for r in lines] == [
        {"pageSize": 25, "pageNumber": n} for n in (1, 2, 3, 4)
    ]
    assert all(r["diagnostics"] == [] and r["job_id"] is None for r in lines)
    assert "calls: 4 pages, 59 conversations; stopped on an empty page\n" in result.stdout
    assert result.stdout.splitlines()[-1].startswith(
        "1 sent, 1 accepted, 0 rejected, 0 failed, 3 follow-up requests;"
    )


def test_all_pages_starts_at_the_written_page(fake: FakeGenesys, tmp_path: Path) -> None:
    fake.data.detail_total = 60
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(_details(tmp_path, 20, 2)), "--record", str(recording), "--all-pages")
    assert result.exit_code == 0, result.output
    assert [(r["page"], len(r["response"]["conversations"])) for r in records(recording)] == [
        (2, 20),
        (3, 20),
        (4, 0),
    ]


def test_without_all_pages_the_summary_says_more_pages_exist(
    fake: FakeGenesys, tmp_path: Path
) -> None:
    fake.data.detail_total = 920
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(_details(tmp_path)), "--record", str(recording))
    assert result.exit_code == 0, result.output
    assert len(records(recording)) == 1
    assert "calls: page 1 of about 37; --all-pages reads the rest\n" in result.stdout
    assert "1 detail query with more pages (--all-pages)" in result.stdout.splitlines()[-1]


def test_a_last_page_says_nothing_more(fake: FakeGenesys, tmp_path: Path) -> None:
    fake.data.detail_total = 20
    result = submit(fake, str(_details(tmp_path)), "--record", str(tmp_path / "r.jsonl"))
    assert result.exit_code == 0
    assert "--all-pages" not in result.stdout


def test_all_pages_never_asks_past_100000_results(fake: FakeGenesys, tmp_path: Path) -> None:
    fake.data.detail_total = 100_050
    recording = tmp_path / "run.jsonl"
    path = _details(tmp_path, 100, 999)  # reaches 99,900; page 1000 reaches 100,000
    result = submit(fake, str(path), "--record", str(recording), "--all-pages")
    assert result.exit_code == 1
    assert [r["page"] for r in records(recording)] == [999, 1000]
    assert all(r["status"] == 200 for r in records(recording))
    assert (
        "calls: 2 pages, 200 conversations; stopped after page 1000: the server refuses paging "
        "past 100,000 results (pageSize 100 x pageNumber 1001); split the interval with `chunk:` "
        "(e.g. chunk: P1D) to read the rest\n"
    ) in result.stdout
    assert "1 detail query stopped before its last page" in result.stdout


def test_users_details_page_by_user(fake: FakeGenesys, tmp_path: Path) -> None:
    fake.data.detail_total = 30
    path = write(tmp_path, DETAILS.format(size=25, number=1).replace("conversations", "users"))
    recording = tmp_path / "run.jsonl"
    result = submit(fake, str(path), "--record", str(recording), "--all-pages")
    assert result.exit_code == 0, result.output
    assert [len(r["response"]["userDetails"]) for r in records(recording)] == [25, 5, 0]

"""The result cache of `check` (.aggqlint_cache/): a warm run says exactly what a cold one
says, and anything that could change the answer makes the file be checked again."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from conftest import REPO, UNKNOWN_METRIC_REPORT, run_aggqlint, write_file

from aggqlint.checks import engine
from aggqlint.checks.cache import DIRECTORY, ResultCache
from aggqlint.checks.engine import LintOptions, lint_paths
from aggqlint.output import FORMATTERS, Style, render

NOW = ("--now", "2026-11-30T00:00:00Z")
FUTURE = """\
report: next-year
endpoint: conversations/aggregates
query:
  interval: 2999-01-01T00:00:00Z/2999-01-02T00:00:00Z
  metrics: [nOffered]
"""
SECRET = UNKNOWN_METRIC_REPORT.replace(
    "report: bad", "report: bad\nx-auth: Bearer abcdefghijklmnopqrstuvwxyz123456"
)


def _run(cwd: Path, *args: str) -> tuple[int, str]:
    done = run_aggqlint("check", *args, cwd=cwd, env={"AGGQLINT_CACHE_DIR": str(cwd)})
    assert done.stderr == "", done.stderr
    return done.returncode, done.stdout


def _entries(root: Path) -> dict[str, object]:
    document = json.loads((root / DIRECTORY / "results.json").read_text(encoding="utf-8"))
    entries: dict[str, object] = document["entries"]
    return entries


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "tests" / "corpus", tmp_path / "corpus")
    return tmp_path


@pytest.mark.parametrize("output", sorted(FORMATTERS))
def test_a_warm_run_says_exactly_what_a_cold_one_says(corpus: Path, output: str) -> None:
    args = ("corpus", "--format", output, *NOW)
    fresh = _run(corpus, *args, "--no-cache")
    assert not (corpus / DIRECTORY).exists()  # --no-cache keeps nothing
    cold = _run(corpus, *args)
    assert _entries(corpus)  # the cold run kept results
    warm = _run(corpus, *args)
    assert fresh == cold == warm


def test_a_warm_run_checks_nothing_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_file(tmp_path, "reports/bad.yaml", UNKNOWN_METRIC_REPORT)
    good = UNKNOWN_METRIC_REPORT.replace("handleTime", "tHandle").replace("bad", "ok")
    write_file(tmp_path, "reports/ok.yaml", good)
    monkeypatch.chdir(tmp_path)
    checked: list[str] = []
    real = engine._check_source

    def counting(source, *args, **kwargs):  # type: ignore[no-untyped-def]
        checked.append(source.path)
        return real(source, *args, **kwargs)

    monkeypatch.setattr(engine, "_check_source", counting)

    def run() -> str:
        options = LintOptions(cache=ResultCache(tmp_path))
        return render("text", lint_paths(["reports"], options), Style())

    cold = run()
    assert sorted(checked) == ["reports/bad.yaml", "reports/ok.yaml"]
    checked.clear()
    assert run() == cold
    assert checked == []
    (tmp_path / "reports/ok.yaml").write_text(UNKNOWN_METRIC_REPORT.replace("bad", "ok"))
    changed = run()
    assert checked == ["reports/ok.yaml"]  # only the file whose bytes changed
    assert changed.count("AQL201") == 2


def test_a_changed_config_is_a_different_answer(tmp_path: Path) -> None:
    write_file(tmp_path, "reports/bad.yaml", UNKNOWN_METRIC_REPORT)
    assert _run(tmp_path, "reports", *NOW)[0] == 1
    write_file(tmp_path, "aggqlint.toml", 'ignore = ["AQL201"]\n')
    assert _run(tmp_path, "reports", *NOW) == (0, "no problems (1 file checked)\n")
    write_file(tmp_path, "aggqlint.toml", "")
    assert _run(tmp_path, "reports", *NOW)[0] == 1


def test_cache_false_in_the_config_keeps_nothing(tmp_path: Path) -> None:
    write_file(tmp_path, "reports/bad.yaml", UNKNOWN_METRIC_REPORT)
    write_file(tmp_path, "aggqlint.toml", "cache = false\n")
    assert _run(tmp_path, "reports", *NOW)[0] == 1
    assert not (tmp_path / DIRECTORY).exists()


def test_a_bad_cache_setting_is_a_config_error(tmp_path: Path) -> None:
    write_file(tmp_path, "reports/bad.yaml", UNKNOWN_METRIC_REPORT)
    write_file(tmp_path, "aggqlint.toml", 'cache = "no"\n')
    done = run_aggqlint("check", "reports", cwd=tmp_path)
    assert done.returncode == 2
    assert "cache" in done.stderr and "must be true or false, not a string" in done.stderr


@pytest.mark.parametrize(
    "planted",
    [
        b"not json at all",
        b'{"format": 1, "stamp": "another aggqlint", "entries": {}}',
        b'{"format": 1, "entries": {"k": {"diagnostics": [], "reports": []}}}',  # an older aggqlint
        b'{"format": 99}',
        b"[1, 2, 3]",
        b'{"format": 1, "stamp": null, "entries": []}',
    ],
)
def test_a_corrupt_or_foreign_cache_is_ignored_and_rebuilt(tmp_path: Path, planted: bytes) -> None:
    write_file(tmp_path, "reports/bad.yaml", UNKNOWN_METRIC_REPORT)
    expected = _run(tmp_path, "reports", *NOW, "--no-cache")
    (tmp_path / DIRECTORY).mkdir()
    (tmp_path / DIRECTORY / "results.json").write_bytes(planted)
    assert _run(tmp_path, "reports", *NOW) == expected
    assert len(_entries(tmp_path)) == 1  # rebuilt, as JSON
    assert _run(tmp_path, "reports", *NOW) == expected


@pytest.mark.parametrize(
    "planted",
    [
        {"diagnostics": [{"code": 7}], "reports": None},
        [1, '{"diagnostics": [{"code": 7}], "reports": null}'],
        [1, "not json"],
        [None, "{}"],
        "text",
    ],
)
def test_an_entry_of_another_shape_is_checked_afresh(tmp_path: Path, planted: object) -> None:
    write_file(tmp_path, "reports/bad.yaml", UNKNOWN_METRIC_REPORT)
    write_file(tmp_path, "reports/new.yaml", UNKNOWN_METRIC_REPORT.replace("bad", "new"))
    _run(tmp_path, "reports", *NOW)
    path = tmp_path / DIRECTORY / "results.json"
    document = json.loads(path.read_text())
    for key in document["entries"]:
        document["entries"][key] = planted
    path.write_text(json.dumps(document))
    (tmp_path / "reports" / "new.yaml").write_text(UNKNOWN_METRIC_REPORT.replace("bad", "other"))
    expected = _run(tmp_path, "reports", *NOW, "--no-cache")
    # Read, checked afresh, and the cache written again with the planted entries around.
    assert _run(tmp_path, "reports", *NOW) == expected
    assert _run(tmp_path, "reports", *NOW) == expected


def test_the_folder_is_tagged_and_ignored_by_git(tmp_path: Path) -> None:
    write_file(tmp_path, "reports/bad.yaml", UNKNOWN_METRIC_REPORT)
    _run(tmp_path, "reports", *NOW)
    tag = (tmp_path / DIRECTORY / "CACHEDIR.TAG").read_text()
    assert tag.startswith("Signature: 8a477f597d28d172789f06886806bc55\n")
    assert (tmp_path / DIRECTORY / ".gitignore").read_text().splitlines()[-1] == "*"


def test_a_result_that_depends_on_now_is_not_kept(tmp_path: Path) -> None:
    write_file(tmp_path, "reports/future.yaml", FUTURE)
    write_file(tmp_path, "reports/bad.yaml", UNKNOWN_METRIC_REPORT)
    first = _run(tmp_path, "reports")  # the clock: the interval ends after now
    assert "AQL108" in first[1]
    assert len(_entries(tmp_path)) == 1  # bad.yaml only: its past interval stays past
    second = _run(tmp_path, "reports")
    assert "AQL108" in second[1]  # worked out again, with the clock of that run
    assert len(_entries(tmp_path)) == 1
    # With --now fixed, the answer is the same every day: it is kept, under that 'now'.
    assert "AQL108" in _run(tmp_path, "reports", *NOW)[1]
    assert len(_entries(tmp_path)) == 3  # bad.yaml twice (with and without --now), future.yaml


def test_a_file_holding_a_secret_is_not_copied_into_the_cache(tmp_path: Path) -> None:
    write_file(tmp_path, "reports/leak.yaml", SECRET)
    code, output = _run(tmp_path, "reports", *NOW)
    assert code == 1 and "AQL70" in output
    assert "abcdefghijklmnopqrstuvwxyz" not in output
    assert not (tmp_path / DIRECTORY / "results.json").exists()


def test_a_report_name_defined_again_is_found_in_a_cached_file(tmp_path: Path) -> None:
    write_file(tmp_path, "reports/a.yaml", "# first\n" + UNKNOWN_METRIC_REPORT)
    fresh = _run(tmp_path, "reports", *NOW)
    write_file(tmp_path, "reports/b.yaml", UNKNOWN_METRIC_REPORT)  # the same report name
    expected = _run(tmp_path / "..", str(tmp_path / "reports"), *NOW, "--no-cache")
    both = _run(tmp_path, "reports", *NOW)
    assert "reports/b.yaml:1:9: AQL026 error report 'bad' is already defined in " in both[1]
    assert "reports/a.yaml:2" in both[1]
    assert both[1].count("AQL026") == 1 and expected[1].count("AQL026") == 1
    assert fresh != both


def test_an_entry_json_writes_but_msgspec_cannot_read_is_a_miss(tmp_path: Path) -> None:
    """Python's json writes NaN; the cache is read back with msgspec, which refuses it: such
    an entry is checked afresh, never a crash or a different answer."""
    from aggqlint.checks.cache import Entry
    from aggqlint.diagnostics import Diagnostic, Location, Severity

    odd = Diagnostic(
        "AQL204", Severity.ERROR, "m", Location("a.yaml", 1, 1), data={"x": float("nan")}
    )
    cache = ResultCache(tmp_path)
    cache.put("k", Entry([odd], []))
    cache.save()
    assert "NaN" in (tmp_path / DIRECTORY / "results.json").read_text()
    again = ResultCache(tmp_path)
    assert "k" in again.entries
    assert again.get("k") is None

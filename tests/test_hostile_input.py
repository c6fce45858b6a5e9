"""Hostile input: every file gets a located diagnostic, the other files are still checked, and
nothing hangs, eats the memory or prints a traceback.

Each case runs the real CLI in a subprocess on a folder holding the hostile file and a normal
file with one known mistake, under a timeout and a 1 GB address-space limit. Both limits are
far above what a healthy run needs (well under 2 seconds and 100 MB), so a failure means a
hang or a blow-up, never a slow machine.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
TIMEOUT = 10  # seconds; each of these inputs takes well under 2 on a loaded CI runner
MEMORY = 1024**3  # bytes of address space for the child process

HEAD = (
    "report: {name}\n"
    "endpoint: conversations/aggregates\n"
    "query:\n"
    "  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z\n"
)
NORMAL = HEAD.format(name="normal") + "  metrics: [nOffered, handleTime]\n"
NORMAL_LINE = "normal.yaml:5:23: AQL201 error unknown metric 'handleTime'"


def _limit_memory() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run_check(cwd: Path, *args: str, timeout: float = TIMEOUT) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(SRC), env.get("PYTHONPATH")]))
    env.pop("GITHUB_ACTIONS", None)
    env.pop("GITLAB_CI", None)
    return subprocess.run(
        [sys.executable, "-m", "aggqlint", "check", "--no-color", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        preexec_fn=_limit_memory,
    )


def assert_clean(result: subprocess.CompletedProcess[str]) -> None:
    """No traceback and no internal error, whatever the input."""
    both = result.stdout + result.stderr
    assert "Traceback" not in both, both[-3000:]
    assert "internal error" not in both, both[-3000:]
    assert "AQL009" not in both, both[-3000:]


def folder_with(tmp_path: Path, name: str, content: bytes | str) -> Path:
    (tmp_path / "normal.yaml").write_text(NORMAL, encoding="utf-8")
    hostile = tmp_path / name
    if isinstance(content, str):
        hostile.write_text(content, encoding="utf-8")
    else:
        hostile.write_bytes(content)
    return tmp_path


def bomb() -> str:
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, 10):
        refs = ", ".join([f"*a{level - 1}"] * 9)
        lines.append(f"a{level}: &a{level} [{refs}]")
    return "\n".join(lines) + "\n"


def merge_bomb() -> str:
    # Merge keys expand like aliases: each level merges nine of the level before.
    lines = ["b0: &b0 {" + ", ".join(f"k{i}: [x, x, x, x, x, x, x, x, x]" for i in range(9)) + "}"]
    for level in range(1, 12):
        refs = ", ".join(f"*b{level - 1}" for _ in range(9))
        lines.append(f"b{level}: &b{level} {{<<: [{refs}], k{level}x: [{refs}]}}")
    return "\n".join(lines) + "\n"


def deep_block_mapping(depth: int) -> str:
    # Block mappings indent one more space per level, so 2,500 levels are already 3 MB:
    # deeper ones are stopped by the size limit (test_fifty_megabytes) before the depth limit.
    return "".join(" " * i + "a:\n" for i in range(depth)) + " " * depth + "b\n"


def deep_report_json(depth: int) -> str:
    body = {
        "report": "deep",
        "endpoint": "conversations/aggregates",
        "query": {"interval": "2026-11-01T00:00:00Z/2026-11-02T00:00:00Z", "filter": "HOLE"},
    }
    return json.dumps(body).replace('"HOLE"', '{"a": ' * depth + "1" + "}" * depth)


def column_of_container(text: str, ordinal: int) -> int:
    """1-based column of the ordinal-th '{' or '[' on the first line (no brackets in strings)."""
    return [m.start() for m in re.finditer(r"[\[{]", text)][ordinal - 1] + 1


@dataclass(frozen=True)
class Case:
    name: str  # file name in the checked folder
    content: Callable[[], bytes | str]
    expected: str  # the start of the hostile file's diagnostic line: file:line:col: CODE sev
    message: str  # a distinctive part of its message


DEEP_JSON = deep_report_json(100_000)
NOT_JSON = (
    '{{"report": "n", "endpoint": "conversations/aggregates", '
    '"query": {{"metrics": ["nOffered"], "pageSize": {}}}}}'
)

CASES = [
    Case(
        "bomb.yaml",
        bomb,
        "bomb.yaml:6:25: AQL006 error",
        "refusing an alias bomb",
    ),
    Case(
        "merge-bomb.yaml",
        merge_bomb,
        "merge-bomb.yaml:4:45: AQL006 error",
        "refusing an alias bomb",
    ),
    Case(
        "deep-flow.yaml",
        lambda: "[" * 100_000 + "]" * 100_000,
        "deep-flow.yaml:1:201: AQL006 error",
        "nesting deeper than 200 levels",
    ),
    Case(
        "deep-block-seq.yaml",
        lambda: "- " * 100_000 + "x\n",
        "deep-block-seq.yaml:1:401: AQL006 error",
        "nesting deeper than 200 levels",
    ),
    Case(
        "deep-block-map.yaml",
        lambda: deep_block_mapping(2_500),
        "deep-block-map.yaml:201:201: AQL006 error",
        "nesting deeper than 200 levels",
    ),
    Case(
        "deep.json",
        lambda: '{"a": ' * 100_000 + "1" + "}" * 100_000,
        f"deep.json:1:{6 * 200 + 1}: AQL006 error",
        "nesting deeper than 200 levels",
    ),
    Case(
        "deep-list.json",
        lambda: "[" * 100_000 + "]" * 100_000,
        "deep-list.json:1:201: AQL006 error",
        "nesting deeper than 200 levels",
    ),
    Case(
        "deep-report.json",
        lambda: DEEP_JSON,
        f"deep-report.json:1:{column_of_container(DEEP_JSON, 201)}: AQL006 error",
        "nesting deeper than 200 levels",
    ),
    Case(
        "image.yaml",
        lambda: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 64,
        "image.yaml:1:1: AQL004 error",
        "binary file (NUL bytes)",
    ),
    Case(
        "latin1.yaml",
        lambda: (
            HEAD.format(name="latin1").encode() + "  timeZone: Europe/Zürich\n".encode("latin-1")
        ),
        "latin1.yaml:5:21: AQL004 error",
        "invalid UTF-8 (byte 0xfc); save the file as UTF-8",
    ),
    Case(
        "tabs.yaml",
        lambda: HEAD.format(name="tabs") + "\tmetrics: [nOffered]\n",
        "tabs.yaml:5:1: AQL001 error",
        "a tab: YAML indents with spaces only",
    ),
    Case("empty.yaml", lambda: b"", "empty.yaml:1:1: AQL010 warning", "file is empty"),
    Case(
        "list.yaml",
        lambda: "- nOffered\n- tHandle\n",
        # Found by walking a folder, a document nothing like a report is skipped (named, it
        # is AQL005: tests/test_inputs.py).
        "list.yaml:1:1: AQL012 info",
        "not a report definition or query body",
    ),
    Case(
        "scalar.yaml",
        lambda: "just some words\n",
        "scalar.yaml:1:1: AQL012 info",
        "not a report definition or query body",
    ),
    *[
        Case(
            f"{stem}.json",
            lambda constant=constant: NOT_JSON.format(constant),
            f"{stem}.json:1:{NOT_JSON.format(constant).index(constant) + 1}: AQL001 error",
            f"'{constant}' is not valid JSON",
        )
        for stem, constant in (("nan", "NaN"), ("inf", "Infinity"), ("minus-inf", "-Infinity"))
    ],
    Case(
        "control.yaml",
        lambda: HEAD.format(name="control") + '  timeZone: "Europe/\x07London"\n',
        "control.yaml:5:21: AQL001 error",
        "control character U+0007 is not allowed in YAML",
    ),
    Case(
        "python-tag.yaml",
        lambda: (
            HEAD.format(name="python-tag")
            + '  metrics: !!python/object/apply:os.system ["touch pwned"]\n'
        ),
        "python-tag.yaml:5:12: AQL001 error",
        "YAML tag '!!python/object/apply:os.system' is not supported",
    ),
    Case(
        "python-scalar-tag.yaml",
        lambda: (
            HEAD.format(name="python-scalar-tag")
            + "  timeZone: !!python/name:os.system Europe/London\n"
        ),
        "python-scalar-tag.yaml:5:13: AQL001 error",
        "YAML tag '!!python/name:os.system' is not supported",
    ),
    Case(
        "set-tag.yaml",
        lambda: HEAD.format(name="set-tag") + "  groupBy: !!set {queueId, mediaType}\n",
        "set-tag.yaml:5:12: AQL001 error",
        "YAML tag '!!set' is not supported",
    ),
    Case(
        "bad-int-tag.yaml",
        lambda: HEAD.format(name="bad-int-tag") + "  paging: {pageSize: !!int lots}\n",
        "bad-int-tag.yaml:5:22: AQL001 error",
        "'lots' is not a valid !!int",
    ),
    Case(
        # "/.." in a pointer means "the envelope around the body"; a field named "..a" once
        # sent the position lookup into an endless loop.
        "dotdot-key.yaml",
        lambda: HEAD.format(name="dotdot-key") + "  metrics: [nOffered]\n  ..a: 1\n",
        "dotdot-key.yaml:6:3: AQL200 error",
        "unknown field '..a'",
    ),
    Case(
        # Counted as the loader goes: the mapping, its key, the list, then the items.
        "many-values.yaml",
        lambda: "metrics: [" + ", ".join(["x"] * 300_000) + "]\n",
        f"many-values.yaml:1:{len('metrics: [') + 3 * (250_000 - 3) + 1}: AQL006 error",
        "more than 250,000 values",
    ),
    Case(
        "huge-number.json",
        lambda: '{"pageSize": ' + "9" * 5_000 + "}",
        "huge-number.json:1:14: AQL006 error",
        "a number of 5,000 characters",
    ),
    Case(
        "huge-hex.yaml",
        lambda: HEAD.format(name="huge-hex") + "  pageSize: 0x" + "f" * 5_000 + "\n",
        "huge-hex.yaml:5:13: AQL006 error",
        "a number of 5,002 characters",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_hostile_file_is_located_and_the_others_still_checked(tmp_path: Path, case: Case) -> None:
    folder = folder_with(tmp_path, case.name, case.content())
    result = run_check(folder, ".")
    assert_clean(result)
    lines = result.stdout.splitlines()
    assert any(line.startswith(NORMAL_LINE) for line in lines), result.stdout
    [hostile] = [line for line in lines if line.startswith(case.name + ":")]
    assert hostile.startswith(case.expected), hostile
    assert case.message in hostile
    assert lines[-1].endswith("(2 files checked)")
    assert result.returncode == 1
    assert not (folder / "pwned").exists()  # no YAML tag is ever constructed


def test_fifty_megabytes(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "big.yaml", b"a: b\n" * (10 * 1024 * 1024))
    result = run_check(folder, ".")
    assert_clean(result)
    assert (
        "big.yaml:1:1: AQL006 error file is 50.0 MB; aggqlint reads report definitions of at "
        "most 5 MB" in result.stdout
    )
    assert NORMAL_LINE in result.stdout
    assert result.returncode == 1


def test_utf8_bom_is_read_normally(tmp_path: Path) -> None:
    # The BOM takes no column: the mistake on line 5 is where an editor shows it.
    text = HEAD.format(name="bom") + "  metrics: [nOffered, handleTime]\n"
    folder = folder_with(tmp_path, "bom.yaml", b"\xef\xbb\xbf" + text.encode())
    result = run_check(folder, ".")
    assert_clean(result)
    assert "bom.yaml:5:23: AQL201 error unknown metric 'handleTime'" in result.stdout
    assert "bom.yaml:1:1" not in result.stdout
    assert NORMAL_LINE in result.stdout


def test_one_megabyte_line(tmp_path: Path) -> None:
    text = (
        "report: long\n"
        f'description: "{"x" * (1 << 20)}"\n'
        "endpoint: conversations/aggregates\n"
        "query:\n"
        "  interval: 2026-11-01T00:00:00Z/2026-11-02T00:00:00Z\n"
        "  metrics: [handleTime]\n"
    )
    folder = folder_with(tmp_path, "long.yaml", text)
    result = run_check(folder, ".")
    assert_clean(result)
    assert "long.yaml:6:13: AQL201 error unknown metric 'handleTime'" in result.stdout
    assert NORMAL_LINE in result.stdout


def test_ten_thousand_valid_metrics(tmp_path: Path) -> None:
    # No errors; only the repeats are reported (a warning), and not 9,996 times.
    names = ["nOffered", "tHandle", "tAnswered", "tAbandon"] * 2_500
    text = HEAD.format(name="many") + f"  metrics: [{', '.join(names)}]\n"
    folder = folder_with(tmp_path, "many.yaml", text)
    result = run_check(folder, ".")
    assert_clean(result)
    mine = [line for line in result.stdout.splitlines() if line.startswith("many.yaml:")]
    assert all(" AQL502 warning " in line for line in mine), mine
    assert len(mine) == 21
    assert "... and 9,976 more AQL502" in mine[-1]
    assert NORMAL_LINE in result.stdout


@pytest.mark.parametrize(
    ("names", "first"),
    [
        (["handleTime"] * 10_000, "did you mean 'tHandle'?"),
        ([f"madeUp{i}" for i in range(10_000)], "unknown metric 'madeUp0'"),
    ],
    ids=["duplicates", "unknowns"],
)
def test_ten_thousand_bad_metrics_are_capped(tmp_path: Path, names: list[str], first: str) -> None:
    text = HEAD.format(name="many") + f"  metrics: [{', '.join(names)}]\n"
    folder = folder_with(tmp_path, "many.yaml", text)
    result = run_check(folder, ".")
    assert_clean(result)
    mine = [line for line in result.stdout.splitlines() if line.startswith("many.yaml:")]
    unknown = [line for line in mine if " AQL201 " in line]
    assert unknown[0].startswith("many.yaml:5:13: AQL201 error")
    assert first in unknown[0]
    assert len(unknown) == 21
    assert "... and 9,980 more AQL201 (unknown-metric) in this file" in unknown[-1]
    assert len(mine) <= 2 * 21  # the repeats of 'handleTime' are capped as well
    assert NORMAL_LINE in result.stdout
    assert result.returncode == 1


def test_a_file_at_the_limits(tmp_path: Path) -> None:
    # 240,000 values in 2.3 MB: just inside every limit, so every check runs on all of them.
    names = ["nOffered", "tHandle"] * 120_000
    text = HEAD.format(name="limits") + f"  metrics: [{', '.join(names)}]\n"
    folder = folder_with(tmp_path, "limits.yaml", text)
    result = run_check(folder, ".", timeout=3 * TIMEOUT)  # about 3 s here, 2 for the rest
    assert_clean(result)
    mine = [line for line in result.stdout.splitlines() if line.startswith("limits.yaml:")]
    assert len(mine) == 21
    assert "... and 239,978 more AQL502" in mine[-1]
    assert NORMAL_LINE in result.stdout


def test_ten_thousand_keys(tmp_path: Path) -> None:
    fields = "".join(f"  field{i}: {i}\n" for i in range(10_000))
    text = HEAD.format(name="keys") + "  metrics: [nOffered]\n" + fields
    folder = folder_with(tmp_path, "keys.yaml", text)
    result = run_check(folder, ".")
    assert_clean(result)
    mine = [line for line in result.stdout.splitlines() if line.startswith("keys.yaml:")]
    assert (
        mine[0]
        == "keys.yaml:6:3: AQL200 error unknown field 'field0' in conversations/aggregates query"
    )
    assert "... and 9,980 more AQL200 (unknown-field)" in mine[-1]
    assert len(mine) == 21
    assert NORMAL_LINE in result.stdout


def test_five_thousand_documents(tmp_path: Path) -> None:
    documents = [HEAD.format(name=f"r{i}") + "  metrics: [nOffered]\n" for i in range(4_999)] + [
        HEAD.format(name="last") + "  metrics: [handleTime]\n"
    ]
    text = "---\n" + "---\n".join(documents)
    folder = folder_with(tmp_path, "docs.yaml", text)
    result = run_check(folder, ".")
    assert_clean(result)
    line = 6 * 4_999 + 6
    assert f"docs.yaml:{line}:13: AQL201 error unknown metric 'handleTime'" in result.stdout
    assert NORMAL_LINE in result.stdout


def test_everything_at_once_in_json(tmp_path: Path) -> None:
    for case in CASES:
        content = case.content()
        path = tmp_path / case.name
        path.write_bytes(content if isinstance(content, bytes) else content.encode())
    (tmp_path / "normal.yaml").write_text(NORMAL, encoding="utf-8")
    result = run_check(tmp_path, "--format", "json", ".")
    assert_clean(result)
    report = json.loads(result.stdout)
    files = {d["file"] for d in report["diagnostics"]}
    assert files == {case.name for case in CASES} | {"normal.yaml"}
    assert report["summary"]["files_checked"] == len(CASES) + 1
    assert result.returncode == 1


def test_symlink_loop_in_a_checked_folder(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "ok.yaml", HEAD.format(name="ok") + "  metrics: [nOffered]\n")
    (folder / "a").mkdir()
    (folder / "a" / "loop").symlink_to("..")
    (folder / "self.yaml").symlink_to("self.yaml")
    result = run_check(folder, ".")
    assert_clean(result)
    assert result.stdout.count(NORMAL_LINE) == 1  # walked once, not through the loop
    assert "self.yaml:1:1: AQL004 error cannot read file: Too many levels of symbolic links" in (
        result.stdout
    )
    assert result.stdout.splitlines()[-1].endswith("(3 files checked)")


def test_broken_symlink_is_unreadable(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "placeholder.txt", "")
    (folder / "gone.yaml").symlink_to("nowhere/gone.yaml")
    result = run_check(folder, ".")
    assert_clean(result)
    assert "gone.yaml:1:1: AQL004 error cannot read file: No such file or directory" in (
        result.stdout
    )
    assert NORMAL_LINE in result.stdout


@pytest.mark.skipif(
    not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads a chmod 000 file"
)
def test_file_without_permission(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "secret.yaml", NORMAL)
    (folder / "secret.yaml").chmod(0)
    try:
        result = run_check(folder, ".")
    finally:
        (folder / "secret.yaml").chmod(0o600)
    assert_clean(result)
    assert "secret.yaml:1:1: AQL004 error cannot read file: Permission denied" in result.stdout
    assert NORMAL_LINE in result.stdout


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this system")
def test_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    # Reading a FIFO nobody writes to would block forever.
    folder = folder_with(tmp_path, "placeholder.txt", "")
    os.mkfifo(folder / "pipe.yaml")
    result = run_check(folder, ".")
    assert_clean(result)
    assert "pipe.yaml:1:1: AQL004 error not a regular file" in result.stdout
    assert NORMAL_LINE in result.stdout


def test_device_argument_is_refused(tmp_path: Path) -> None:
    # /dev/zero reports size 0 and never ends: reading it would fill the memory.
    if not Path("/dev/zero").exists():
        pytest.skip("no /dev/zero")
    folder = folder_with(tmp_path, "placeholder.txt", "")
    result = run_check(folder, "/dev/zero", "normal.yaml")
    assert_clean(result)
    assert "/dev/zero:1:1: AQL004 error not a regular file" in result.stdout
    assert NORMAL_LINE in result.stdout


def test_missing_path_is_a_usage_error(tmp_path: Path) -> None:
    folder = folder_with(tmp_path, "placeholder.txt", "")
    result = run_check(folder, "normal.yaml", "no-such-dir/report.yaml")
    assert_clean(result)
    assert result.returncode == 2
    assert "no such file or directory: no-such-dir/report.yaml" in result.stderr

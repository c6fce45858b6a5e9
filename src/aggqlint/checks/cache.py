"""What checking a file found, kept between runs in `.aggqlint_cache/`: a file whose bytes,
settings and aggqlint are unchanged is not read and checked again (pre-commit on a big
repository, CI re-runs, an editor saving).

Safe by construction:
- JSON only: a planted cache file can say wrong things, never run code.
- One entry per (aggqlint version, shipped data, the file's name and bytes, its resolved
  policy, --endpoint, --now): anything else that changes gives another key.
- A result that read the clock ("now": a future interval, a window that has not ended) is
  never kept, unless --now fixed the clock (it is then part of the key).
- A cache that cannot be read, or was written by another aggqlint or for other data, is
  ignored and rebuilt. Writing is atomic (temp file + rename) and never fails a run.
"""

from __future__ import annotations

import contextlib
import enum
import json
import os
import time
from pathlib import Path
from typing import Any

import msgspec
from msgspec import Struct, structs

from aggqlint.data import data_root, from_wheel
from aggqlint.diagnostics import Diagnostic, Location, Severity
from aggqlint.fixes.model import Applicability, Edit, Fix, Position

DIRECTORY = ".aggqlint_cache"
# 2: each entry is [time, its findings as JSON text], read only when the file is asked for.
FORMAT = 2
# Entries beyond this are dropped, oldest first: a repository's definitions, many times over.
MAX_ENTRIES = 20_000
# A file with more diagnostics is not kept: writing and reading them costs about what checking
# it again does (a generated body with 240,000 unknown names), and they would bloat the cache.
MAX_DIAGNOSTICS = 1_000

# How many times a check asked for 'now' in this process (checks/context.py counts): the
# engine compares it before and after checking a file, to know whether its result may be kept.
CLOCK_READS = [0]

# BLAKE2b from the module hashlib takes it from: importing hashlib itself loads OpenSSL,
# ~5 ms of every run the cache serves (measured), for a hash it does not need.
try:
    from _blake2 import blake2b as _hash
except ImportError:  # a Python built without it: hashlib offers it through OpenSSL
    from hashlib import blake2b as _hash

_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by aggqlint.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)


class Entry(Struct, frozen=True):
    diagnostics: list[Diagnostic]  # before suppressions and the policy, as the check found
    reports: list[str]  # the report names the file defines (duplicates are found across files)


class ResultCache:
    def __init__(self, root: Path) -> None:
        self.directory = root / DIRECTORY
        self.path = self.directory / "results.json"
        self.stamp = _stamp()
        self.entries: dict[str, Any] = self._load()
        self.added: dict[str, Any] = {}
        self.shared: dict[tuple[int, ...], tuple[tuple[Any, ...], bytes]] = {}

    def key(self, data: bytes, file: tuple[Any, ...], shared: tuple[Any, ...]) -> str:
        """The entry's key: the file's bytes, what is its own (name, ...), and what it shares
        with other files (options, its policy), which is made plain once per run."""
        memo = tuple(id(v) for v in shared)
        if memo not in self.shared:  # the values are kept too: their ids stay theirs
            plain = json.dumps([FORMAT, self.stamp, *map(_plain, shared)]).encode()
            self.shared[memo] = (shared, plain)
        digest = _hash(self.shared[memo][1])
        # NUL ends each part: no file name or flag holds one.
        digest.update("\0".join(map(str, file)).encode())
        digest.update(b"\0\0")
        digest.update(data)
        return digest.hexdigest()

    def get(self, key: str) -> Entry | None:
        raw = self.entries.get(key)
        if raw is None:
            return None
        try:
            found = msgspec.json.decode(raw[1])
            return Entry([_decode(d) for d in found["diagnostics"]], list(found["reports"]))
        except (KeyError, TypeError, ValueError, AttributeError, IndexError, msgspec.DecodeError):
            # An entry of another shape (or a NaN, which only Python's json writes): checked
            # afresh, and written anew.
            return None

    def put(self, key: str, entry: Entry) -> None:
        if len(entry.diagnostics) > MAX_DIAGNOSTICS:
            return
        try:
            found = {
                "diagnostics": [_encode(d) for d in entry.diagnostics],
                "reports": entry.reports,
            }
            # As text inside the cache's JSON: reading the cache then only scans each entry's
            # text, and a run decodes the entries of the files it checks, not every file the
            # cache knows (1,000 entries read in 0.56 ms, against 7.0 ms as objects with json).
            text = json.dumps(found, separators=(",", ":"))
        except (TypeError, ValueError):  # a value JSON cannot hold: the file is not kept
            return
        self.added[key] = [int(time.time()), text]

    def save(self) -> None:
        """Write what this run added (with what is there now: parallel runs add theirs)."""
        if not self.added:
            return
        with contextlib.suppress(OSError):
            self.directory.mkdir(parents=True, exist_ok=True)
            _write_once(self.directory / "CACHEDIR.TAG", _TAG)
            _write_once(self.directory / ".gitignore", "# created by aggqlint\n*\n")
            # Only entries of this format's shape are written back: the eviction below reads
            # their time (get() refuses other shapes where they are read).
            entries = {**_well_formed(self._load()), **self.added}
            if len(entries) > MAX_ENTRIES:
                newest = sorted(entries, key=lambda k: entries[k][0], reverse=True)
                entries = {k: entries[k] for k in newest[:MAX_ENTRIES]}
            document = {"format": FORMAT, "stamp": self.stamp, "entries": entries}
            import tempfile  # here: a run that adds nothing never needs it (shutil, random)

            handle, temp = tempfile.mkstemp(dir=self.directory, prefix=".results.", suffix=".tmp")
            try:
                with os.fdopen(handle, "w", encoding="utf-8") as out:
                    json.dump(document, out, separators=(",", ":"))
                os.replace(temp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(temp)
                raise

    def _load(self) -> dict[str, Any]:
        try:
            # msgspec reads JSON faster than json (an entry: 8 against 20 us, measured) and
            # gives plain values only, as json does.
            document = msgspec.json.decode(self.path.read_bytes())
        except (OSError, msgspec.DecodeError):
            return {}  # none yet, unreadable or not JSON: rebuilt
        if not isinstance(document, dict) or document.get("format") != FORMAT:
            return {}
        if document.get("stamp") != self.stamp or not isinstance(document.get("entries"), dict):
            return {}  # another aggqlint, or other shipped data
        entries: dict[str, Any] = document["entries"]
        return entries


def _well_formed(entries: dict[str, Any]) -> dict[str, Any]:
    """The entries shaped [time, text]; anything else (a hand-edited or planted file) is left
    out. Checked where the cache is rewritten, not on every read: a warm run only reads."""
    return {
        key: raw
        for key, raw in entries.items()
        if type(raw) is list and len(raw) == 2 and type(raw[0]) is int and type(raw[1]) is str
    }


def _stamp() -> str:
    """aggqlint's version, its code and its shipped data: an installed wheel's RECORD (every
    file with its hash), else the names, sizes and times of every file, so that an editable
    install whose code changed is not served old results."""
    from aggqlint import __version__

    parts = [__version__]
    package = Path(__file__).resolve().parents[1]
    if from_wheel():
        # pip's list of the installed wheel's files, each with its sha256: the code and the
        # data in one small read, where walking them stats ~200 files (5 ms a run).
        record = package.parent / f"aggqlint-{__version__}.dist-info" / "RECORD"
        with contextlib.suppress(OSError):
            parts.append(record.read_text(encoding="utf-8"))
            return _hash("\n".join(parts).encode()).hexdigest()
    roots = {"code": package}
    roots.update((kind, data_root(kind)) for kind in ("schemas", "rules"))
    for kind, root in roots.items():
        for folder, subfolders, files in os.walk(root):
            # In order, and without what is not code or data (the wheel's data is its own root).
            subfolders[:] = sorted(d for d in subfolders if d not in ("__pycache__", "_data"))
            for name in sorted(files):
                status = os.stat(os.path.join(folder, name))
                relative = os.path.relpath(os.path.join(folder, name), root)
                parts.append(f"{kind}/{relative}:{status.st_size}:{status.st_mtime_ns}")
    return _hash("\n".join(parts).encode()).hexdigest()


def _write_once(path: Path, text: str) -> None:
    if not path.exists():
        path.write_text(text, encoding="utf-8")


def _plain(value: Any) -> Any:
    """A value as JSON that is the same in every run (sets sorted, enums by name)."""
    if isinstance(value, Struct):
        return {f.name: _plain(getattr(value, f.name)) for f in structs.fields(value)}
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))}
    if isinstance(value, set | frozenset):
        return sorted(_plain(v) for v in value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, enum.Enum):
        return str(value.name)
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _encode(diagnostic: Diagnostic) -> dict[str, Any]:
    fix = diagnostic.fix
    return {
        "code": diagnostic.code,
        "severity": diagnostic.severity.name,
        "message": diagnostic.message,
        "location": structs.asdict(diagnostic.location),
        "rule": diagnostic.rule,
        "suggestion": diagnostic.suggestion,
        "data": diagnostic.data,
        "fix": None
        if fix is None
        else {
            "applicability": fix.applicability.value,
            "message": fix.message,
            "edits": [
                [structs.astuple(e.start), structs.astuple(e.end), e.content] for e in fix.edits
            ],
            "shown": fix.shown,
            "fragment": fix.fragment,
        },
    }


def _decode(raw: dict[str, Any]) -> Diagnostic:
    fix_raw = raw["fix"]
    fix = None
    if fix_raw is not None:
        edits = tuple(
            Edit(Position(*start), Position(*end), content)
            for start, end, content in fix_raw["edits"]
        )
        fix = Fix(
            Applicability(fix_raw["applicability"]),
            fix_raw["message"],
            edits=edits,
            shown=fix_raw["shown"],
            fragment=fix_raw["fragment"],
        )
    return Diagnostic(
        code=raw["code"],
        severity=Severity[raw["severity"]],
        message=raw["message"],
        location=Location(**raw["location"]),
        rule=raw["rule"],
        suggestion=raw["suggestion"],
        data=dict(raw["data"]),
        fix=fix,
    )

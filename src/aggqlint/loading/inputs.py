"""Command-line paths to the files a run checks: folders walked, excludes applied, standard
input named, and every file taken once however many times it was reached."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from msgspec import Struct
from msgspec.structs import force_setattr

from aggqlint.config.globs import Glob

SUFFIXES = (".yaml", ".yml", ".json")
PYTHON_SUFFIX = ".py"  # walked only with --include-python; a named .py file is always read
STDIN = "-"  # the path argument that means standard input
STDIN_NAME = "<stdin>"  # how standard input is shown without --stdin-filename
_GLOB_CHARACTERS = frozenset("*?[")
# Skipped when walking a folder, unless the config's `exclude` replaces this list. Gitignore-
# style: a pattern without '/' matches a name at any depth (`.*`: hidden files and folders,
# .git and .venv among them). A folder holding pyvenv.cfg (a virtualenv) is always skipped.
DEFAULT_EXCLUDE = (".*", "__pycache__", "node_modules", "venv", "build", "dist")
DEFAULT_GLOBS = tuple(Glob(pattern) for pattern in DEFAULT_EXCLUDE)


class UsageError(Exception):
    """A problem with how aggqlint was called (exit 2), not with a checked file."""


class Input(Struct, frozen=True):
    """One file to check."""

    path: Path | None  # None: standard input
    name: str  # as shown in diagnostics
    named: bool  # named on the command line (always checked fully), not found in a folder
    config_path: Path  # whose config, per-file-ignores and endpoint globs apply
    # Worked out once (asked several times for each of thousands of files); splitext reads a
    # name like `.json` alone as a name, as Path.suffix does.
    suffix: str = ""

    def __post_init__(self) -> None:
        force_setattr(self, "suffix", os.path.splitext(str(self.config_path))[1].lower())

    @property
    def is_json(self) -> bool:
        return self.suffix == ".json"

    @property
    def is_python(self) -> bool:
        return self.suffix == PYTHON_SUFFIX


Excluded = Callable[[Path, bool], bool]  # (path, is_folder) -> skipped by the excludes


def collect_inputs(
    arguments: Iterable[str],
    excluded: Excluded | None = None,
    force_exclude: bool = False,
    stdin_filename: str | None = None,
    include_python: bool = False,
) -> list[Input]:
    """The files to check, in the order given. Folders are walked for YAML and JSON files,
    skipping what `excluded` says; named files are checked whatever their suffix, and
    excluded only with force_exclude. A file reached twice (a folder and a file in it,
    `a.yaml ./a.yaml`, a symlink) is checked once, under the first name it was reached by."""
    skip = excluded or default_excluded
    found: list[Input] = []
    seen: set[object] = set()

    def add(item: Input, identity: object) -> None:
        if identity not in seen:
            seen.add(identity)
            found.append(item)

    for text in arguments:
        if text == STDIN:
            named = Path(stdin_filename) if stdin_filename else None
            if not (force_exclude and named and skip(_absolute(named), False)):
                add(_stdin_input(stdin_filename), STDIN)
            continue
        path = Path(text)
        try:
            status = os.stat(text)  # one system call for both tests, and the file's identity
            is_folder = stat.S_ISDIR(status.st_mode)
            exists = True
        except (OSError, ValueError):
            is_folder = exists = False
        if is_folder:
            if force_exclude and skip(_absolute(path), True):
                continue
            suffixes = (*SUFFIXES, PYTHON_SUFFIX) if include_python else SUFFIXES
            walked = list(_walk(path, skip, suffixes))
            if not walked:
                raise UsageError(
                    f"no YAML or JSON files found in {text} (looked for "
                    f"{', '.join('*' + s for s in suffixes)}, after excludes); "
                    "is the folder name right?"
                )
            for file in walked:
                add(Input(file, display_path(file), False, file), _identity(file))
        elif exists or path.is_symlink():
            if force_exclude and skip(_absolute(path), False):
                continue
            identity = (status.st_dev, status.st_ino) if exists else _identity(path)
            add(Input(path, display_path(path), True, path), identity)
        else:
            hint = ""
            if _GLOB_CHARACTERS & set(text):
                hint = " (a shell pattern that matched no file is passed on as written)"
            raise UsageError(f"no such file or directory: {text}{hint}")
    return found


def _stdin_input(stdin_filename: str | None) -> Input:
    if stdin_filename:
        path = Path(stdin_filename)
        return Input(None, display_path(path), True, path)
    # Without a name, the config is the one found from the working directory.
    return Input(None, STDIN_NAME, True, Path.cwd() / STDIN_NAME)


def default_excluded(path: Path, is_folder: bool) -> bool:
    """The default excludes, without any config (the default patterns match names only)."""
    return is_virtualenv(path, is_folder) or matches_any(DEFAULT_GLOBS, path.name, is_folder)


def is_virtualenv(path: Path, is_folder: bool) -> bool:
    return is_folder and (path / "pyvenv.cfg").is_file()


def matches_any(globs: Iterable[Glob], relative: str, is_folder: bool) -> bool:
    return any(glob.excludes(relative, is_folder) for glob in globs)


def _walk(root: Path, skip: Excluded, suffixes: tuple[str, ...] = SUFFIXES) -> Iterator[Path]:
    # os.walk does not follow symlinked directories, so a symlink loop cannot trap it.
    for directory, subdirs, files in os.walk(root):
        folder = Path(directory)
        subdirs[:] = sorted(d for d in subdirs if not skip(_absolute(folder / d), True))
        for name in sorted(files):
            path = folder / name
            if name.lower().endswith(suffixes) and not skip(_absolute(path), False):
                yield path


def _absolute(path: Path) -> Path:
    # Normalised: the excludes see `reports`, not `reports/..`'s last name `..`.
    return Path(os.path.abspath(path))


def _identity(path: Path) -> object:
    """What makes two paths one file: its device and inode (a symlink, `a/../a`, a folder and
    a file in it), one system call; a path that cannot be stat()ed, by its resolved text."""
    try:
        status = os.stat(path)
    except (OSError, ValueError):
        return os.path.realpath(path)
    return (status.st_dev, status.st_ino)


def display_path(path: Path) -> str:
    """Paths as the user would type them: relative to the working directory when inside it."""
    try:
        if not path.is_absolute():
            # A relative Path is already written the short way unless it climbs out and back
            # in (`a/../b`): relpath (two abspath calls) only then. Most runs name 1,000s.
            climbs = path.drive or (".." in str(path) and ".." in path.parts)  # or C:x
            return os.path.relpath(path) if climbs else str(path)
        return os.path.relpath(path) if _inside_cwd(path) else str(path)
    except ValueError:
        return str(path)


def _inside_cwd(path: Path) -> bool:
    # normcase: Windows compares paths without regard to case. Written inside the working
    # directory is inside; otherwise the resolved paths decide (a symlinked folder).
    cwd = os.path.normcase(os.getcwd()).rstrip(os.sep) + os.sep
    if os.path.normcase(os.path.abspath(path)).startswith(cwd):
        return True
    resolved = os.path.normcase(os.path.realpath(path))
    real_cwd = os.path.normcase(_resolved_cwd())
    return resolved == real_cwd or resolved.startswith(real_cwd.rstrip(os.sep) + os.sep)


def _resolved_cwd() -> str:
    # Resolved once per working directory: a run asks for every file it displays.
    cwd = os.getcwd()
    if _CWD[0] != cwd:
        _CWD[:] = [cwd, os.path.realpath(cwd)]
    return str(_CWD[1])


_CWD: list[Any] = [None, None]

"""Writing a fixed text over its file: atomically, with the file's mode, and only if the file
is still what was read (an editor that saved meanwhile wins; nothing is lost)."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path


class WriteError(Exception):
    """The file was left as it was; the message says why, in a user's words."""


def encode(text: str, bom: bool) -> bytes:
    """The file's bytes for a text as read (the reader drops a BOM; it goes back)."""
    return ("\ufeff" if bom else "").encode() + text.encode("utf-8")


def write_fixed(path: Path, original: str, fixed: str, bom: bool) -> None:
    """Replace the file's content with fixed, if it still holds original. A symlink's target is
    written (the link stays a link). Raises WriteError."""
    target = path.resolve()
    try:
        if target.read_bytes() != encode(original, bom):
            raise WriteError("it changed on disk while aggqlint was fixing it; left as it is")
        mode = stat.S_IMODE(target.stat().st_mode)
        # In the same folder, so the rename is atomic: the file is either old or new, never half.
        handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(encode(fixed, bom))
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temp, mode)
            os.replace(temp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise
    except OSError as err:
        raise WriteError(f"cannot write it: {err.strerror or err}") from None

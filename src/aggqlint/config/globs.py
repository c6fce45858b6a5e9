"""Path patterns for the config's per-file tables: `*`, `?`, `[...]` and `**`.

fnmatch lets `*` cross directories and pathlib's match (before Python 3.13) has no `**`, so the
patterns are translated to regular expressions here.
"""

from __future__ import annotations

import re


class Glob:
    """A path pattern relative to the config file's directory: `*` and `?` stay within one
    directory, `**` spans any number of them, a trailing `/` means everything below. A pattern
    without `/` matches the file name in any directory."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        text = pattern.removeprefix("./")
        if text.endswith("/"):
            text += "**"
        self.anchored = "/" in text
        self._regex = re.compile(_glob_regex(text))

    def matches(self, relative: str) -> bool:
        target = relative if self.anchored else relative.rsplit("/", 1)[-1]
        return self._regex.fullmatch(target) is not None

    def excludes(self, relative: str, is_folder: bool) -> bool:
        """As an exclude pattern (gitignore-style): `legacy/` and `legacy/**` also match the
        folder `legacy` itself, so the walk never enters it."""
        return self.matches(relative) or (is_folder and self.matches(relative + "/"))


def exclude_glob(pattern: str) -> Glob:
    """A gitignore-style exclude pattern: `build/` (its only '/' at the end) is a folder of
    that name at any depth, as in .gitignore; otherwise a Glob as in the per-file tables."""
    name = pattern.removesuffix("/")
    if pattern.endswith("/") and name and "/" not in name:
        return Glob("**/" + pattern)
    return Glob(pattern)


def _glob_regex(pattern: str) -> str:
    if not pattern:
        raise ValueError("an empty pattern")
    if "\\" in pattern:
        raise ValueError("write paths with '/', not '\\'")
    if pattern.startswith("/"):
        raise ValueError("patterns are relative to the config file's directory; drop the '/'")
    segments = pattern.split("/")
    if ".." in segments:
        raise ValueError("'..' cannot reach outside the config file's directory")
    out = []
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == "**":
            out.append(".*" if last else "(?:[^/]+/)*")
        elif "**" in segment:
            raise ValueError("'**' must be a whole path segment, as in 'legacy/**/*.yaml'")
        else:
            out.append(_segment_regex(segment) + ("" if last else "/"))
    return "".join(out)


def _segment_regex(segment: str) -> str:
    out = []
    i = 0
    while i < len(segment):
        char = segment[i]
        if char == "*":
            out.append("[^/]*")
        elif char == "?":
            out.append("[^/]")
        elif char == "[":
            end = i + 1
            if end < len(segment) and segment[end] in "!^":
                end += 1
            if end < len(segment) and segment[end] == "]":
                end += 1
            end = segment.find("]", end)
            if end < 0:
                raise ValueError("'[' without a closing ']'")
            body = segment[i + 1 : end]
            negate = body[:1] in ("!", "^")
            # '[' inside a class is literal in a glob but a warning in re; backslashes are
            # refused above, so escaping '[' is all it takes.
            body = (body[1:] if negate else body).replace("[", "\\[")
            out.append("[" + ("^" if negate else "") + body + "]")
            i = end
        else:
            out.append(re.escape(char))
        i += 1
    return "".join(out)

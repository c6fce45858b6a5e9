"""Positions between aggqlint and an LSP client.

aggqlint counts 1-based lines split at '\\n' and 1-based columns in characters (code points).
An LSP client counts 0-based lines and columns in the code units of the position encoding the
server and client agreed on: UTF-16 unless both said otherwise. A character outside the Basic
Multilingual Plane (an emoji) is one character, two UTF-16 units and four UTF-8 bytes.
"""

from __future__ import annotations

UTF8 = "utf-8"
UTF16 = "utf-16"
UTF32 = "utf-32"


def units(text: str, encoding: str) -> int:
    """How many code units text takes in the encoding."""
    if encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


class Lines:
    """A text's lines, to convert columns between characters and code units."""

    def __init__(self, text: str, encoding: str = UTF16) -> None:
        self.text = text
        self.lines = text.split("\n")
        self.encoding = encoding
        # aggqlint reads a text without its byte order mark: its first line's columns start
        # one character later in the editor's text.
        self.bom = text.startswith("\ufeff")

    def line(self, index: int) -> str:
        """Line index (0-based) without its line break; '' past the end."""
        if 0 <= index < len(self.lines):
            return self.lines[index].removesuffix("\r")
        return ""

    def to_client(self, line: int, column: int) -> tuple[int, int]:
        """aggqlint's 1-based (line, character column) as the client's 0-based (line, unit)."""
        index = max(line - 1, 0)
        text = self.line(index)
        if index == 0 and self.bom:
            column += 1
        return index, units(text[: max(column - 1, 0)], self.encoding)

    def to_character(self, line: int, unit: int) -> int:
        """The client's 0-based (line, unit) as a 0-based character index into that line. A
        position inside a character (half a surrogate pair) counts as after it."""
        text = self.line(line)
        if self.encoding == UTF32:
            return min(unit, len(text))
        seen = 0
        for index, char in enumerate(text):
            if seen >= unit:
                return index
            seen += units(char, self.encoding)
        return len(text)

    def offset(self, line: int, unit: int) -> int:
        """The client's position as an index into the whole text."""
        line = min(max(line, 0), len(self.lines) - 1)
        start = sum(len(text) + 1 for text in self.lines[:line])
        return start + self.to_character(line, unit)

    def position_of(self, offset: int) -> tuple[int, int]:
        """An index into the text as the client's 0-based (line, unit)."""
        before = self.text[:offset]
        line = before.count("\n")
        start = before.rfind("\n") + 1
        return line, units(before[start:], self.encoding)

    def end(self) -> tuple[int, int]:
        return self.position_of(len(self.text))

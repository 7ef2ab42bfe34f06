"""Column conversion between code points (the core's unit) and LSP position encodings.

The core counts columns in Unicode code points, as Python indexes a `str`.
LSP clients count in UTF-16 code units by default, or in UTF-8 bytes / UTF-32
(= code points) when both sides agree at `initialize`. A character outside the
Basic Multilingual Plane (an emoji) is one code point, two UTF-16 units and four
UTF-8 bytes, so every column after it on the same line shifts.

Pure functions, no pygls: the language server and tests both use them.
"""

from __future__ import annotations

import re

UTF8 = "utf-8"
UTF16 = "utf-16"
UTF32 = "utf-32"
ENCODINGS = (UTF8, UTF16, UTF32)


def _units(ch: str, encoding: str) -> int:
    cp = ord(ch)
    if encoding == UTF16:
        return 2 if cp > 0xFFFF else 1
    if encoding == UTF8:
        if cp < 0x80:
            return 1
        if cp < 0x800:
            return 2
        if cp < 0x10000:
            return 3
        return 4
    return 1


def to_units(line: str, col: int, encoding: str = UTF16) -> int:
    """Code-point column `col` on `line` as a column in `encoding` units.

    Columns past the end of the line count one unit per missing character, so a
    position just after the last character (or on an empty line) stays valid.
    """
    if col <= 0:
        return 0
    if encoding == UTF32 or line.isascii():
        return col
    head = line[:col]
    if encoding == UTF16:
        # Each astral character takes two units: count them with one pass.
        n = len(head) + sum(1 for ch in head if ord(ch) > 0xFFFF)
    else:
        n = len(head.encode("utf-8", "surrogatepass"))
    return n + max(0, col - len(line))


def from_units(line: str, units: int, encoding: str = UTF16) -> int:
    """A column in `encoding` units on `line` as a code-point column.

    A unit column that falls inside a character (the second half of a surrogate
    pair, the middle of a UTF-8 sequence) maps to the character after it, the way
    most editors round. Columns past the end are kept as past the end.
    """
    if units <= 0:
        return 0
    if encoding == UTF32 or line.isascii():
        return units
    seen = 0
    for i, ch in enumerate(line):
        if seen >= units:
            return i
        seen += _units(ch, encoding)
    return len(line) + max(0, units - seen)


# ---------------------------------------------------------------------------
# Lines: the core counts them as LSP and libyaml do. A line ends at "\n", "\r\n" or a
# lone "\r" (old Mac files): counting only "\n" put a whole CR-only file on line 1,
# while libyaml's marks (and editors) said line 8.

_LONE_CR = re.compile(r"\r(?!\n)")


def split_lines(text: str) -> list[str]:
    """The text's lines. A line ended by "\r\n" keeps its "\r", as `text.split("\n")`
    gives it (the core's convention: callers strip it where it matters)."""
    return (_LONE_CR.sub("\n", text) if "\r" in text else text).split("\n")


def line_starts(text: str) -> list[int]:
    """The offset in `text` where each line starts."""
    starts = [0]
    if "\r" in text:
        text = _LONE_CR.sub("\n", text)  # one character for one: offsets stay the same
    i = text.find("\n")
    while i >= 0:
        starts.append(i + 1)
        i = text.find("\n", i + 1)
    return starts


def line_col(text: str, offset: int) -> tuple[int, int]:
    """(line, column) of an offset in `text`, lines counted as split_lines counts them."""
    head = _LONE_CR.sub("\n", text[:offset]) if "\r" in text else text[:offset]
    line = head.count("\n")
    return line, offset - (head.rfind("\n") + 1)

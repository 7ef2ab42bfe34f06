"""Text from outside (file names, mostly) made safe to print on a terminal or in a log.

A file may be named `\\x1b[2J` (clears the screen when printed), contain a newline (one
finding would read as two lines of `check` output, and could forge a third), or bytes
that are not UTF-8 (Python holds them as lone surrogates, which crash `print`). Such
characters are shown as escapes instead: `\\x1b`, `\\n`, `\\u202e`, `\\xff` for an
undecodable byte. Ordinary names, accents and emoji included, are unchanged.
"""

from __future__ import annotations

import unicodedata
from pathlib import Path

_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(ch: str) -> str:
    cp = ord(ch)
    if ch in _NAMED:
        return _NAMED[ch]
    if 0xDC80 <= cp <= 0xDCFF:  # os.fsdecode's surrogateescape: one undecodable byte
        return f"\\x{cp - 0xDC00:02x}"
    if cp <= 0xFF:
        return f"\\x{cp:02x}"
    return f"\\u{cp:04x}" if cp <= 0xFFFF else f"\\U{cp:08x}"


def _unsafe(ch: str) -> bool:
    # Cc: C0/C1 controls and DEL; Cf: format characters (bidi overrides such as U+202E that
    # make a name read backwards); Cs: lone surrogates; Zl/Zp: line and paragraph separators.
    return unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zl", "Zp") and ch != "\u200d"


def printable(text: str | Path) -> str:
    """`text` with control, format and undecodable characters escaped."""
    s = str(text)
    if s.isprintable() and s.isascii():
        return s
    return "".join(_escape(ch) if _unsafe(ch) else ch for ch in s)

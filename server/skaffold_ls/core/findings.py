"""What every check produces: a finding with a stable code, a severity and a range.

Positions are 0-based (line, column) with columns counted in Unicode code points,
the way Python indexes a line. The LSP layer converts columns to the client's
negotiated encoding (UTF-16 by default); the `check` command prints them 1-based.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Pos(NamedTuple):
    line: int
    col: int


class Range(NamedTuple):
    start: Pos
    end: Pos

    @staticmethod
    def of(line: int, col: int, end_line: int, end_col: int) -> Range:
        return Range(Pos(line, col), Pos(end_line, end_col))

    def contains(self, pos: Pos) -> bool:
        return self.start <= pos <= self.end


class Severity(enum.IntEnum):
    # Same numbers as LSP's DiagnosticSeverity.
    ERROR = 1
    WARNING = 2
    INFORMATION = 3
    HINT = 4

    @property
    def label(self) -> str:
        return {1: "error", 2: "warning", 3: "info", 4: "hint"}[int(self)]


@dataclass(frozen=True, slots=True)
class Finding:
    code: str
    severity: Severity
    message: str
    range: Range
    data: dict[str, Any] | None = field(default=None, compare=False)

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR


@dataclass(slots=True)
class TextEdit:
    """Replace `range` with `new_text`: what every code action is made of."""

    range: Range
    new_text: str

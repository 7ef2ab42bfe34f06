"""Plain-JSON views of finding data, shared by the pygls server and the fast start.

No pygls or lsprotocol here: the fast start uses it before either is imported.
"""

from __future__ import annotations

import enum
import math
from pathlib import Path
from typing import Any


def clean_text(s: str) -> str:
    """Text that survives JSON → UTF-8 (lone surrogates from a hostile document become U+FFFD)."""
    try:
        s.encode("utf-8")
        return s
    except UnicodeEncodeError:
        return s.encode("utf-8", "replace").decode("utf-8")


def json_safe(value: Any, depth: int = 0) -> Any:
    """`Finding.data` as plain JSON values (paths → strings, tuples → lists)."""
    if depth > 20:
        return None
    if value is None or isinstance(value, (bool, int)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, enum.Enum):
        return json_safe(value.value, depth + 1)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, dict):
        return {clean_text(str(k)): json_safe(v, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        items = sorted(value, key=str) if isinstance(value, (set, frozenset)) else value
        return [json_safe(v, depth + 1) for v in items]
    return clean_text(str(value))

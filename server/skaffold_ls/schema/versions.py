"""skaffold's apiVersion names and their order (as `skaffold schema list` prints them)."""

from __future__ import annotations

import difflib
import re

PREFIX = "skaffold/"
_VERSION = re.compile(r"^v(\d+)(?:(alpha|beta)(\d+))?$")
_STAGE_RANK = {"alpha": 0, "beta": 1, None: 2}


def sort_key(version: str) -> tuple[int, int, int]:
    """Order skaffold uses: v1alpha1 < v1beta1 < v1 < v2alpha1 ... except that
    skaffold lists v3alpha1 before v3, which this order also gives."""
    name = version.removeprefix(PREFIX)
    m = _VERSION.match(name)
    if not m:
        return (10_000, 0, 0)
    major, stage, num = int(m.group(1)), m.group(2), int(m.group(3) or 0)
    return (major, _STAGE_RANK[stage], num)


def is_version_name(version: str) -> bool:
    return bool(_VERSION.match(version.removeprefix(PREFIX)))


def nearest(version: str, known: list[str], count: int = 3) -> list[str]:
    """Known versions closest to an unknown one, nearest first: the same track's
    neighbours in skaffold's order, then by spelling."""
    if is_version_name(version):
        key = sort_key(version)
        ranked = sorted(known, key=lambda v: (_distance(sort_key(v), key), v))
        return ranked[:count]
    return difflib.get_close_matches(version, known, n=count, cutoff=0.0)


def _distance(a: tuple[int, int, int], b: tuple[int, int, int]) -> tuple[int, int, int]:
    return (abs(a[0] - b[0]), abs(a[1] - b[1]), abs(a[2] - b[2]))

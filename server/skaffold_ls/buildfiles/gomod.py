"""go.mod reading: the module path (and go version), nothing fancier."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from skaffold_ls.buildfiles.textfile import read_build_file

_MODULE_RE = re.compile(r'^\s*module\s+(?:"([^"]+)"|`([^`]+)`|(\S+))', re.M)
_GO_RE = re.compile(r"^\s*go\s+(\S+)", re.M)


@dataclass(frozen=True)
class GoMod:
    path: Path  # the go.mod file
    module: str  # module path, e.g. example.com/app
    go_version: str | None

    @property
    def root(self) -> Path:
        """The module root directory (where go.mod lives)."""
        return self.path.parent


def parse_go_mod(text: str, path: Path) -> GoMod | None:
    stripped = re.sub(r"//[^\n]*", "", text)
    m = _MODULE_RE.search(stripped)
    if not m:
        return None
    module = next(g for g in m.groups() if g)
    g = _GO_RE.search(stripped)
    return GoMod(path=path, module=module, go_version=g.group(1) if g else None)


def read_go_mod(path: Path) -> GoMod | None:
    try:
        return parse_go_mod(read_build_file(path), path)
    except OSError:
        return None


def find_go_mod(start: Path, stop_at: Path | None = None) -> GoMod | None:
    """The nearest go.mod at or above `start` (not above `stop_at` when given)."""
    cur = start.resolve()
    stop = stop_at.resolve() if stop_at is not None else None
    while True:
        candidate = cur / "go.mod"
        if candidate.is_file():
            return read_go_mod(candidate)
        if cur == stop or cur.parent == cur:
            return None
        if stop is not None and stop not in cur.parents:
            return None
        cur = cur.parent

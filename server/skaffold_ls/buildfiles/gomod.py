"""go.mod and go.work reading: the module path, go version, local `replace`s and workspace modules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from skaffold_ls.buildfiles.textfile import read_build_file

_MODULE_RE = re.compile(r'^\s*module\s+(?:"([^"]+)"|`([^`]+)`|(\S+))', re.M)
_GO_RE = re.compile(r"^\s*go\s+(\S+)", re.M)
_REPLACE_LINE = re.compile(r"^\s*(?:replace\s+)?(\S+)(?:\s+\S+)?\s+=>\s+(\.{1,2}/\S*|/\S+)\s*$")


@dataclass(frozen=True)
class GoMod:
    path: Path  # the go.mod file
    module: str  # module path, e.g. example.com/app
    go_version: str | None
    replaces: tuple[tuple[str, str], ...] = ()  # (module path, local directory as written) for local replacements

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
    return GoMod(path=path, module=module, go_version=g.group(1) if g else None, replaces=_local_replaces(stripped))


def _local_replaces(text: str) -> tuple[tuple[str, str], ...]:
    """`replace example.com/lib => ../lib` (single or in a `replace ( ... )` block), local targets only."""
    out: list[tuple[str, str]] = []
    in_block = False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("replace") and stripped.rstrip().endswith("("):
            in_block = True
            continue
        if in_block and stripped == ")":
            in_block = False
            continue
        if in_block or stripped.startswith("replace "):
            m = _REPLACE_LINE.match(stripped)
            if m:
                out.append((m.group(1), m.group(2)))
    return tuple(out)


def local_modules(mod: GoMod, context: Path | None = None) -> list[GoMod]:
    """Modules whose sources a build of `mod` compiles from local folders: its local `replace`
    targets, and the other modules of a go.work at or above it (inside `context` when given)."""
    out: list[GoMod] = []
    seen = {mod.root.resolve()}
    candidates = [(mod.root / target).resolve() for _path, target in mod.replaces]
    work = _find_go_work(mod.root, context)
    if work is not None:
        candidates += work
    for folder in candidates:
        if folder in seen:
            continue
        seen.add(folder)
        other = read_go_mod(folder / "go.mod")
        if other is not None:
            out.append(other)
    return out


_USE_RE = re.compile(r"^\s*(?:use\s+)?(\.{1,2}(?:/\S*)?)\s*$")


def _find_go_work(start: Path, stop_at: Path | None) -> list[Path] | None:
    cur = start.resolve()
    stop = stop_at.resolve() if stop_at is not None else None
    while True:
        work = cur / "go.work"
        if work.is_file():
            try:
                text = re.sub(r"//[^\n]*", "", work.read_text(encoding="utf-8"))
            except OSError:
                return None
            uses: list[Path] = []
            in_block = False
            for line in text.splitlines():
                stripped = line.strip()
                if stripped.startswith("use") and stripped.endswith("("):
                    in_block = True
                    continue
                if in_block and stripped == ")":
                    in_block = False
                    continue
                if in_block or stripped.startswith("use "):
                    m = _USE_RE.match(stripped)
                    if m:
                        uses.append((cur / m.group(1)).resolve())
            return uses
        if cur == stop or cur.parent == cur or (stop is not None and stop not in cur.parents):
            return None
        cur = cur.parent


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

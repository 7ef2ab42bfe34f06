"""Where each root skaffold config is run from (its *run directory*), guessed from the workspace.

skaffold resolves a config's relative paths against the config's own folder, but `skaffold dev`
itself runs somewhere: the config's folder, unless a Makefile or a script in the workspace names
the file with `-f`/`--filename`/`SKAFFOLD_FILENAME`; then the folder that command runs in (a
Makefile's own folder, after any `cd DIR &&` on the same line; a script's commands usually run
from the repository root, the workspace).

A small stand-alone rule for `skaffold-ls doctor`; the config package that knows run directories
will replace it. Stdlib only.
"""

from __future__ import annotations

import os
import re
import shlex
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

SKIP_DIRS = {".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", "vendor", "dist", "build"}
MAKEFILES = {"Makefile", "makefile", "GNUmakefile"}
SCRIPT_SUFFIXES = (".sh", ".bash", ".mk")
MAX_SCAN_BYTES = 512 * 1024
MAX_FILES = 2000
_SKAFFOLD_WORD = re.compile(r"(^|[\s;&|(/])skaffold(\s|$)")
_CD = re.compile(r"(?:^|[;&(])\s*cd\s+(\S+)\s*(?:&&|;)")
_VAR_PREFIX = re.compile(r"^(\$\(CURDIR\)|\$\{CURDIR\}|\$\(PWD\)|\$\{PWD\}|\$PWD|\$\(shell pwd\)|\.)/")


@dataclass(frozen=True, slots=True)
class RunDirectory:
    config: Path
    directory: Path
    source: str | None = None  # "Makefile:12" when a command names the config; None: its own folder


def run_directories(workspace: Path, configs: Iterable[Path]) -> dict[Path, RunDirectory]:
    """Each config (absolute path) -> where it is run from."""
    workspace = workspace.resolve()
    wanted = {c.resolve() for c in configs}
    found: dict[Path, RunDirectory] = {}
    for file in _command_files(workspace):
        for lineno, line in _lines(file):
            if "skaffold" not in line and "SKAFFOLD_FILENAME" not in line:
                continue
            base = file.parent if _is_makefile(file) else workspace
            for named, cwd in _named_configs(line, base):
                target = (cwd / named).resolve()
                if target in wanted and target not in found:
                    found[target] = RunDirectory(target, cwd.resolve(), f"{_rel(file, workspace)}:{lineno}")
    return {c: found.get(c) or RunDirectory(c, c.parent) for c in sorted(wanted)}


def _named_configs(line: str, base: Path) -> Iterator[tuple[str, Path]]:
    """(file named by the command, folder the command runs in) for a command line."""
    cwd = base
    cd = _CD.search(line)
    if cd is not None and "$" not in cd.group(1):
        cwd = base / cd.group(1).strip("'\"")
    try:
        words = shlex.split(line, comments=True, posix=True)
    except ValueError:
        words = line.split()
    has_skaffold = bool(_SKAFFOLD_WORD.search(line))
    for i, w in enumerate(words):
        value = None
        if w.startswith("SKAFFOLD_FILENAME="):
            value = w.split("=", 1)[1]
        elif has_skaffold and w in ("-f", "--filename") and i + 1 < len(words):
            value = words[i + 1]
        elif has_skaffold and w.startswith("--filename="):
            value = w.split("=", 1)[1]
        if value is None:
            continue
        value = _VAR_PREFIX.sub("", value)
        if value and "$" not in value and "*" not in value:
            yield value, cwd


def _command_files(workspace: Path) -> Iterator[Path]:
    seen = 0
    for folder, dirs, files in os.walk(workspace):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name in MAKEFILES or name.endswith(SCRIPT_SUFFIXES):
                seen += 1
                if seen > MAX_FILES:
                    return
                yield Path(folder) / name


def _is_makefile(path: Path) -> bool:
    return path.name in MAKEFILES or path.suffix == ".mk"


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    """Logical lines (backslash continuations joined), numbered by their first physical line."""
    try:
        if path.stat().st_size > MAX_SCAN_BYTES:
            return
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return
    pending, start = "", 0
    for n, raw in enumerate(text.splitlines(), 1):
        if not pending:
            start = n
        if raw.endswith("\\"):
            pending += raw[:-1] + " "
            continue
        yield start, pending + raw
        pending = ""
    if pending:
        yield start, pending


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)

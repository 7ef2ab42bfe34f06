"""Where relative paths in a config resolve, and finding the files they name.

skaffold resolves a root config's relative paths against the directory it runs in
(it makes them absolute only for configs reached through `requires`, against their own
folder). The run directory is therefore a fact about how the user runs skaffold, which
the file alone does not say. We decide it per root config:
1. an explicit setting (`--run-dir`, the `skaffold.runDirectory` setting) wins;
2. a Makefile or shell script in the workspace that runs skaffold with `-f`/`--filename`
   or `SKAFFOLD_FILENAME` naming the file: the folder that command runs in (a Makefile's
   own folder, after any `cd DIR &&` on the line; a script's commands usually run from the
   repository root, the workspace);
3. the config's own folder, unless its paths resolve only from the workspace root;
4. the config's own folder.
"""

from __future__ import annotations

import fnmatch
import os
import re
import shlex
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from skaffold_ls.config.values import Value
from skaffold_ls.core import fsutil

TEMPLATE_MARKERS = ("{{", "${")
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "vendor", ".venv", "venv", "__pycache__",
                       ".idea", ".vscode", "target", ".terraform", "dist", ".mypy_cache", ".ruff_cache",
                       ".pytest_cache", ".cache"})
MAX_GLOB_ENTRIES = 20_000  # directory entries one glob may visit
MAX_SCRIPT_BYTES = 512 * 1024
SCRIPT_SCAN_TTL = 10.0


def is_templated(value: str) -> bool:
    return any(m in value for m in TEMPLATE_MARKERS)


def is_remote(value: str) -> bool:
    return "://" in value


def resolve(base: Path, value: str) -> Path:
    """`value` against `base`, normalised the way Go's filepath.Join does (no symlink resolution)."""
    return Path(os.path.normpath(os.path.join(base, value)))


def find_workspace_root(path: Path, cwd: Path | None = None, max_levels: int = 8) -> Path:
    """The project a config belongs to, when no editor says: the nearest folder holding
    `.git`, else the outermost folder (a few levels up) holding a `skaffold.yaml` (a
    multi-config project's top), else the working directory when it holds the file, else
    the file's folder."""
    folders = list(path.parents)[:max_levels]
    for folder in folders:
        if (folder / ".git").exists():
            return folder
    outermost = next((f for f in reversed(folders) if (f / "skaffold.yaml").is_file()), None)
    if outermost is not None:
        return outermost
    if cwd is not None and cwd in path.parents:
        return cwd
    return path.parent


@dataclass(frozen=True, slots=True)
class RunDirectory:
    path: Path
    reason: str  # why this folder, for messages: "the config's folder", "Makefile:12 runs ..."

    def describe(self, workspace: Path | None = None) -> str:
        """`the config's folder`, or `the workspace root (Makefile:3 runs skaffold with ...)`."""
        if self.reason == "the config's folder":
            return self.reason
        shown = self.path.as_posix()
        if workspace is not None and (self.path == workspace or workspace in self.path.parents):
            rel = self.path.relative_to(workspace).as_posix()
            shown = "the workspace root" if rel == "." else f"`{rel}`"
        return f"{shown}, where skaffold runs ({self.reason})"


def run_directory(config_file: Path, workspace: Path | None, explicit: Path | None = None,
                  written: Value | None = None) -> RunDirectory:
    """Where skaffold runs for this root config (see the module's docstring)."""
    folder = config_file.parent
    if explicit is not None:
        return RunDirectory(Path(os.path.abspath(explicit)), "set explicitly")
    if workspace is None or folder == workspace:
        return RunDirectory(folder, "the config's folder")
    named = scripts_naming(config_file, workspace)
    if named is not None:
        return named
    if written is not None and _resolves_only_from(written, folder, workspace):
        return RunDirectory(workspace, "its paths resolve only from the workspace root")
    return RunDirectory(folder, "the config's folder")


def _resolves_only_from(config: Value, folder: Path, root: Path) -> bool:
    here = there = 0
    for value in relative_paths(config):
        if (folder / value).exists():
            here += 1
        elif (root / value).exists():
            there += 1
    return there > 0 and here == 0


def relative_paths(config: Value) -> Iterator[str]:
    """The plain relative paths a config's own sections name (not globs or templates)."""
    sections = [config]
    profiles = config.get("profiles")
    sections += [p for p in (profiles.items if profiles else [])]
    for section in sections:
        arts = section.at("build", "artifacts")
        for art in arts.items if arts else []:
            yield from _plain(art.text_at("context"))
        for v in section.texts_at("manifests", "rawYaml") + section.texts_at("deploy", "kubectl", "manifests"):
            yield from _plain(v.text)
        for v in section.texts_at("manifests", "kustomize", "paths"):
            yield from _plain(v.text)
        for where in ("manifests", "deploy"):
            releases = section.at(where, "helm", "releases")
            for rel in releases.items if releases else []:
                yield from _plain(rel.text_at("chartPath"))


def _plain(value: str | None) -> Iterator[str]:
    if value and value != "." and not is_templated(value) and not is_remote(value) \
            and not os.path.isabs(value) and not any(c in value for c in "*?["):
        yield value


# ---------------------------------------------------------------------------
# Scripts that run skaffold

MAKEFILES = frozenset({"Makefile", "makefile", "GNUmakefile"})
SCRIPT_SUFFIXES = (".sh", ".bash", ".mk")
MAX_SCRIPTS = 2000
_SKAFFOLD_WORD = re.compile(r"(^|[\s;&|(/])skaffold(\s|$)")
_CD = re.compile(r"(?:^|[;&(])\s*cd\s+(\S+)\s*(?:&&|;)")
_VAR_PREFIX = re.compile(r"^(\$\(CURDIR\)|\$\{CURDIR\}|\$\(PWD\)|\$\{PWD\}|\$PWD|\$\(shell pwd\)|\.)/")


@dataclass(frozen=True, slots=True)
class Invocation:
    """A command in a Makefile or script that runs skaffold on a named config."""

    script: Path
    line: int
    named: str  # the file as written after -f / --filename / SKAFFOLD_FILENAME=
    cwd: Path  # where the command runs: a Makefile's folder (after `cd DIR &&`), else the workspace

    @property
    def config(self) -> Path:
        return resolve(self.cwd, self.named)


_script_cache: dict[Path, tuple[float, list[Invocation]]] = {}
_script_lock = threading.Lock()


def scripts_naming(config_file: Path, workspace: Path) -> RunDirectory | None:
    """A Makefile or script in the workspace that runs skaffold on `config_file`, as a run directory."""
    for inv in skaffold_invocations(workspace):
        if inv.config == config_file:
            try:
                label = f"{inv.script.relative_to(workspace).as_posix()}:{inv.line}"
            except ValueError:
                label = f"{inv.script}:{inv.line}"
            return RunDirectory(inv.cwd, f"{label} runs skaffold with `{inv.named}`")
    return None


def skaffold_invocations(workspace: Path) -> list[Invocation]:
    """Every skaffold command naming a config in the workspace's Makefiles and shell scripts
    (cached for a few seconds: the server asks on every analysis)."""
    key = Path(os.path.abspath(workspace))
    now = time.monotonic()
    with _script_lock:
        hit = _script_cache.get(key)
    if hit is not None and now - hit[0] < SCRIPT_SCAN_TTL:
        return hit[1]
    found: list[Invocation] = []
    for script in _command_files(key):
        base = script.parent if script.name in MAKEFILES or script.suffix == ".mk" else key
        for lineno, line in _logical_lines(script):
            if "skaffold" in line or "SKAFFOLD_FILENAME" in line:
                found.extend(Invocation(script, lineno, named, cwd) for named, cwd in _named_configs(line, base))
    with _script_lock:
        _script_cache[key] = (now, found)
    return found


def _named_configs(line: str, base: Path) -> Iterator[tuple[str, Path]]:
    """(file named by the command, folder the command runs in) for one command line."""
    cwd = base
    cd = _CD.search(line)
    if cd is not None and "$" not in cd.group(1):
        cwd = resolve(base, cd.group(1).strip("'\""))
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
    for folder, dirs, files in os.walk(workspace):  # does not follow symlinked folders
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            if name in MAKEFILES or name.endswith(SCRIPT_SUFFIXES):
                seen += 1
                if seen > MAX_SCRIPTS:
                    return
                yield Path(folder) / name


def _logical_lines(path: Path) -> Iterator[tuple[int, str]]:
    """Logical lines (backslash continuations joined), numbered by their first physical line."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_SCRIPT_BYTES:
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


# ---------------------------------------------------------------------------
# Globs


@dataclass(slots=True)
class GlobResult:
    files: list[Path]
    truncated: bool = False  # the walk stopped at the entry cap


# One analysis expands the same manifest globs from several checks (files, images, debug readiness,
# consumers): within `globs_remembered()` each is walked once. Per thread of work, never global, so
# the language server sees files created between two analyses.
_remembered_globs: ContextVar[dict[tuple[str, str, int], GlobResult] | None] = ContextVar("remembered_globs",
                                                                                           default=None)


@contextmanager
def globs_remembered() -> Iterator[None]:
    """Within the block, a glob expanded again gives the files of its first expansion."""
    token = _remembered_globs.set({})
    try:
        yield
    finally:
        _remembered_globs.reset(token)


def glob_files(base: Path, pattern: str, limit: int = MAX_GLOB_ENTRIES) -> GlobResult:
    """The files a manifest glob names (see `_expand_glob`), remembered inside `globs_remembered()`."""
    memo = _remembered_globs.get()
    if memo is None:
        return _expand_glob(base, pattern, limit)
    key = (str(base), pattern, limit)
    found = memo.get(key)
    if found is None:
        found = memo[key] = _expand_glob(base, pattern, limit)
    return GlobResult(list(found.files), found.truncated)  # a copy: callers may sort or trim it


def _expand_glob(base: Path, pattern: str, limit: int) -> GlobResult:
    """The files a manifest glob names, as skaffold expands it (`util.ExpandPathsGlob`):
    a path that exists is taken as is (a folder: every file in it); otherwise Go's
    `filepath.Glob`, where `*`, `?` and `[...]` match within one folder (so `**` is just
    `*`), and each folder it matches stands for every file in it.

    Regular files only; symlinked folders are not followed (no loops); at most `limit`
    entries are looked at, and `truncated` says when that cut the walk short.
    """
    full = Path(os.path.normpath(pattern if os.path.isabs(pattern) else os.path.join(base, pattern)))
    if full.exists():
        return _files_of([full], limit)
    parts = full.parts
    fixed = next((i for i, part in enumerate(parts) if fsutil.has_magic(part)), len(parts))
    matches = [Path(*parts[:fixed])] if fixed else [Path(os.sep)]
    looked = 0
    for step, part in enumerate(parts[fixed:], start=fixed):
        nxt: list[Path] = []
        go_pattern = part.replace("[^", "[!")
        for folder in matches:
            for entry in sorted(fsutil.list_dir(folder), key=lambda e: e.name):
                looked += 1
                if looked > limit:
                    return GlobResult(sorted(nxt), truncated=True)
                if fnmatch.fnmatchcase(entry.name, go_pattern):
                    nxt.append(Path(entry.path))
        matches = nxt if step == len(parts) - 1 else [m for m in nxt if m.is_dir() and not m.is_symlink()]
    return _files_of(matches, limit - looked)


def _files_of(paths: list[Path], limit: int) -> GlobResult:
    out: list[Path] = []
    truncated = False
    for p in paths:
        if fsutil.is_regular_file(p):
            out.append(p)
        elif p.is_dir() and not p.is_symlink():
            listing = fsutil.walk_files(p, max_entries=max(limit, 0))
            out.extend(f for f in listing.paths if fsutil.is_regular_file(f))
            truncated = truncated or listing.truncated
    return GlobResult(sorted(set(out)), truncated)

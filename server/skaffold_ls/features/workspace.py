"""What the editing features read from the workspace: a scan of its Go modules, main
packages, Helm charts and Kubernetes manifests (cached for a few seconds), chart values.
Skaffold configs are read through the config package (`config/sources.py`).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import yaml

from skaffold_ls.config.manifests import K8sObject, objects_in
from skaffold_ls.config.paths import SKIP_DIRS, glob_files
from skaffold_ls.config.recognition import is_skaffold_name
from skaffold_ls.core import fsutil
from skaffold_ls.core.findings import Range
from skaffold_ls.core.yamldoc import Mapping, Node, Scalar, deref, parse

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

T = TypeVar("T")
MAX_SCAN_FILES = 20_000
SCAN_TTL = 10.0


# ---------------------------------------------------------------------------
# Workspace scan


@dataclass(slots=True)
class Scan:
    root: Path
    go_mods: dict[Path, str] = field(default_factory=dict)  # folder -> module path
    main_packages: list[Path] = field(default_factory=list)  # folders with `package main`
    charts: list[Path] = field(default_factory=list)  # folders with Chart.yaml
    manifests: list[Path] = field(default_factory=list)  # Kubernetes YAML files (outside charts)
    resources: list[K8sObject] = field(default_factory=list)
    dockerfiles: list[Path] = field(default_factory=list)
    configs: list[Path] = field(default_factory=list)  # skaffold*.yaml
    truncated: bool = False

    def module_for(self, folder: Path) -> tuple[Path, str] | None:
        best: tuple[Path, str] | None = None
        for d, mod in self.go_mods.items():
            if (folder == d or d in folder.parents) and (best is None or len(d.parts) > len(best[0].parts)):
                best = (d, mod)
        return best


_MODULE = re.compile(r'^\s*module\s+"?([^\s"]+)"?', re.M)
_PACKAGE_MAIN = re.compile(r"^\s*package\s+main\b", re.M)
_scan_cache: dict[Path, tuple[float, Scan]] = {}
_lock = threading.Lock()


def go_module(go_mod: Path) -> str | None:
    try:
        text = fsutil.read_text(go_mod, fsutil.MAX_READ_BYTES, errors="replace")
    except OSError:
        return None
    m = _MODULE.search(re.sub(r"//[^\n]*", "", text))
    return m.group(1) if m else None


def scan(root: Path, ttl: float = SCAN_TTL) -> Scan:
    """The workspace's Go modules, main packages, charts and manifests (cached for `ttl` s)."""
    key = root.resolve()
    now = time.monotonic()
    with _lock:
        hit = _scan_cache.get(key)
    if hit is not None and now - hit[0] < ttl:
        return hit[1]
    result = _scan(key)
    with _lock:
        _scan_cache[key] = (now, result)
    return result


def invalidate(root: Path | None = None) -> None:
    with _lock:
        if root is None:
            _scan_cache.clear()
        else:
            _scan_cache.pop(root.resolve(), None)


def _scan(root: Path) -> Scan:
    out = Scan(root)
    count = 0
    chart_dirs: list[Path] = []
    yaml_files: list[Path] = []
    main_dirs: set[Path] = set()
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIP_DIRS and not d.startswith("."))
        here = Path(dirpath)
        if "Chart.yaml" in filenames:
            chart_dirs.append(here)
        for name in sorted(filenames):
            count += 1
            if count > MAX_SCAN_FILES:
                out.truncated = True
                break
            f = here / name
            if name == "go.mod":
                mod = go_module(f)
                if mod:
                    out.go_mods[here] = mod
            elif name.endswith(".go") and not name.endswith("_test.go") and here not in main_dirs:
                if _cached(f, _is_main_package):
                    main_dirs.add(here)
            elif name == "Dockerfile" or name.endswith(".Dockerfile") or name.startswith("Dockerfile."):
                out.dockerfiles.append(f)
            elif name.endswith((".yaml", ".yml")):
                if is_skaffold_name(name):
                    out.configs.append(f)
                else:
                    yaml_files.append(f)
        if out.truncated:
            break
    out.main_packages = sorted(main_dirs)
    out.charts = chart_dirs
    for f in yaml_files:
        if any(c == f.parent or c in f.parents for c in chart_dirs):
            continue
        resources = objects_in(f)
        if resources:
            out.manifests.append(f)
            out.resources.extend(resources)
    return out


_file_cache: dict[tuple[Path, str], tuple[tuple[int, int], object]] = {}


def _cached(f: Path, fn: Callable[[Path], T]) -> T:
    """fn(f), recomputed only when the file's mtime or size changes: rescans only stat."""
    try:
        st = f.stat()
    except OSError:
        return fn(f)
    stamp = (st.st_mtime_ns, st.st_size)
    key = (f, fn.__name__)
    hit = _file_cache.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]  # type: ignore[return-value]
    value = fn(f)
    if len(_file_cache) > 50_000:
        _file_cache.clear()
    _file_cache[key] = (stamp, value)
    return value


def _is_main_package(f: Path) -> bool:
    if not fsutil.is_regular_file(f):  # a FIFO named main.go would block the scan
        return False
    try:
        with f.open("r", encoding="utf-8", errors="replace") as fh:
            head = fh.read(4096)
    except OSError:
        return False
    return _PACKAGE_MAIN.search(head) is not None


def chart_values(chart: Path) -> dict[str, object]:
    """The chart's values.yaml as plain data ({} when missing or unreadable)."""
    try:
        data = yaml.load(fsutil.read_bytes(chart / "values.yaml", fsutil.MAX_READ_BYTES), Loader=_Loader)
    except (OSError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def list_dir(folder: Path, limit: int = 500) -> list[tuple[str, bool]]:
    """(name, is_dir) entries of a folder, hidden and VCS folders left out."""
    try:
        with os.scandir(folder) as it:
            out = []
            for e in it:
                if e.name.startswith(".") or e.name in SKIP_DIRS:
                    continue
                try:
                    out.append((e.name, e.is_dir()))
                except OSError:
                    continue
                if len(out) >= limit:
                    break
    except OSError:
        return []
    return sorted(out, key=lambda x: (not x[1], x[0]))


def chart_value(chart: Path, dotted: str) -> tuple[Path, Range, str] | None:
    """Where a dotted key (`image.repository`) is set in a chart's values.yaml, and its text."""
    values = chart / "values.yaml"
    try:
        text = fsutil.read_text(values, fsutil.MAX_READ_BYTES, errors="replace")
    except OSError:
        return None
    doc = next(iter(parse(text).documents), None)
    node: Node | None = doc.root if doc is not None else None
    key_node: Node | None = None
    parts = dotted.split(".")
    i = 0
    while i < len(parts):
        node = deref(node)
        if not isinstance(node, Mapping):
            return None
        # keys may themselves contain dots: try the longest match first
        for j in range(len(parts), i, -1):
            pair = node.pair(".".join(parts[i:j]))
            if pair is not None:
                key_node, node, i = pair.key, pair.value, j
                break
        else:
            return None
    if key_node is None:
        return None
    value = deref(node)
    shown = value.value if isinstance(value, Scalar) else ("{…}" if isinstance(value, Mapping) else "[…]")
    return values, key_node.range, shown




def manifest_files(base: Path, globs: list[str], limit: int = 500) -> list[Path]:
    """The files a config's manifest globs (`k8s/*.yaml`, `**`) match, relative to `base`."""
    out: list[Path] = []
    for g in globs:
        for p in glob_files(base, g).files:
            if p not in out:
                out.append(p)
                if len(out) >= limit:
                    return out
    return out

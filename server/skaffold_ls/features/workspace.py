"""What the editing features read from disk: other skaffold configs (for `requires`),
and a scan of the workspace (Go modules, main packages, Helm charts, Kubernetes
manifests). Everything is cached: configs by file stamp, scans for a few seconds.
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

from skaffold_ls.core import fsutil
from skaffold_ls.core.findings import Range
from skaffold_ls.core.yamldoc import Mapping, Node, ParsedFile, Scalar, Sequence, YamlDocument, deref, parse

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

T = TypeVar("T")
SKIP_DIRS = frozenset({".git", ".hg", ".svn", "node_modules", "vendor", ".venv", "venv", "__pycache__",
                       ".idea", ".vscode", "target", ".terraform", "dist", ".mypy_cache", ".ruff_cache",
                       ".pytest_cache", ".cache"})
MAX_SCAN_FILES = 20_000
MAX_MANIFEST_BYTES = 512 * 1024
SCAN_TTL = 10.0
CONFIG_NAMES = ("skaffold.yaml", "skaffold.yml")


# ---------------------------------------------------------------------------
# Skaffold configs on disk (and the one being edited)


@dataclass(slots=True)
class ConfigDoc:
    """What other features need from one skaffold document."""

    index: int
    document: YamlDocument
    name: str | None
    name_range: Range | None
    profiles: dict[str, Range] = field(default_factory=dict)
    images: dict[str, Range] = field(default_factory=dict)  # artifact image -> its `image:` value
    requires: list[Requirement] = field(default_factory=list)


@dataclass(slots=True)
class Requirement:
    path: str | None  # None: no `path` (git, GCS... or the same file)
    path_range: Range | None
    configs: list[tuple[str, Range]]
    entry_range: Range
    remote: bool = False


@dataclass(slots=True)
class ConfigFile:
    path: Path | None
    parsed: ParsedFile
    docs: list[ConfigDoc]

    def names(self) -> list[str]:
        return [d.name for d in self.docs if d.name]

    def doc_named(self, name: str) -> ConfigDoc | None:
        return next((d for d in self.docs if d.name == name), None)


def summarize(parsed: ParsedFile, path: Path | None) -> ConfigFile:
    docs: list[ConfigDoc] = []
    for doc in parsed.documents:
        root = doc.root_mapping()
        if root is None:
            continue
        name_node = _get(root, "metadata", "name")
        cd = ConfigDoc(doc.index, doc, name_node.value if name_node else None,
                       name_node.range if name_node else None)
        profiles = deref(root.get("profiles"))
        if isinstance(profiles, Sequence):
            for p in profiles.items:
                n = _get(p, "name")
                if n is not None:
                    cd.profiles.setdefault(n.value, n.range)
        artifacts = deref(_node(root, "build", "artifacts"))
        if isinstance(artifacts, Sequence):
            for a in artifacts.items:
                n = _get(a, "image")
                if n is not None:
                    cd.images.setdefault(n.value, n.range)
        requires = deref(root.get("requires"))
        if isinstance(requires, Sequence):
            for r_node in requires.items:
                r = deref(r_node)
                if not isinstance(r, Mapping):
                    continue
                pn = _get(r, "path")
                configs: list[tuple[str, Range]] = []
                cs = deref(r.get("configs"))
                if isinstance(cs, Sequence):
                    for c_node in cs.items:
                        c = deref(c_node)
                        if isinstance(c, Scalar) and not c.is_null:
                            configs.append((c.value, c.range))
                remote = any(r.get(k) is not None or r.pair(k) is not None for k in ("git", "googleCloudStorage", "googleCloudBuildRepoV2"))
                cd.requires.append(Requirement(pn.value if pn else None, pn.range if pn else None, configs,
                                               r.range, remote))
        docs.append(cd)
    return ConfigFile(path, parsed, docs)


def _node(root: Node | None, *keys: str) -> Node | None:
    node = deref(root)
    for k in keys:
        if not isinstance(node, Mapping):
            return None
        node = deref(node.get(k))
    return node


def _get(root: Node | None, *keys: str) -> Scalar | None:
    node = _node(root, *keys)
    return node if isinstance(node, Scalar) and not node.is_null else None


_config_cache: dict[Path, tuple[tuple[int, int], ConfigFile]] = {}
_lock = threading.Lock()


def load_config(path: Path) -> ConfigFile | None:
    """A skaffold file on disk, parsed and summarised (cached by mtime and size)."""
    try:
        st = path.stat()
    except OSError:
        return None
    if not path.is_file():
        return None
    stamp = (st.st_mtime_ns, st.st_size)
    key = path.resolve()
    with _lock:
        hit = _config_cache.get(key)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    try:
        text = fsutil.read_text(path, fsutil.MAX_READ_BYTES, errors="replace")
    except OSError:
        return None
    cf = summarize(parse(text), path)
    with _lock:
        if len(_config_cache) > 512:
            _config_cache.clear()
        _config_cache[key] = (stamp, cf)
    return cf


def resolve_required(base_dir: Path, value: str) -> Path:
    """Where `requires[].path` points: a file, or a folder meaning its skaffold.yaml."""
    target = (base_dir / value).resolve() if value else base_dir
    if target.is_dir():
        for name in CONFIG_NAMES:
            if (target / name).is_file():
                return target / name
        return target / "skaffold.yaml"
    return target


# ---------------------------------------------------------------------------
# Workspace scan


@dataclass(slots=True)
class K8sResource:
    kind: str
    name: str
    path: Path
    line: int
    images: list[str] = field(default_factory=list)
    ports: list[int] = field(default_factory=list)  # containerPort values


@dataclass(slots=True)
class Scan:
    root: Path
    go_mods: dict[Path, str] = field(default_factory=dict)  # folder -> module path
    main_packages: list[Path] = field(default_factory=list)  # folders with `package main`
    charts: list[Path] = field(default_factory=list)  # folders with Chart.yaml
    manifests: list[Path] = field(default_factory=list)  # Kubernetes YAML files (outside charts)
    resources: list[K8sResource] = field(default_factory=list)
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
            _config_cache.clear()
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
                if name.startswith("skaffold"):
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
        resources = _cached(f, _manifest_resources)
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


def _manifest_resources(f: Path) -> list[K8sResource]:
    try:
        text = fsutil.read_text(f, MAX_MANIFEST_BYTES, errors="replace")
    except OSError:
        return []
    if "kind:" not in text or "apiVersion:" not in text:
        return []
    out: list[K8sResource] = []
    try:
        parsed = parse(text)
    except Exception:  # pragma: no cover - parse never raises by contract
        return []
    for doc in parsed.documents:
        root = doc.root_mapping()
        if root is None:
            continue
        api = _get(root, "apiVersion")
        kind = _get(root, "kind")
        if api is None or kind is None or api.value.startswith("skaffold/"):
            continue
        name = _get(root, "metadata", "name")
        port_key = "port" if kind.value == "Service" else "containerPort"
        found = _iter_keys(root, ("image", port_key))
        images = [n.value for k, n in found if k == "image"]
        ports = [int(n.value) for k, n in found if k == port_key and n.value.isdigit()]
        out.append(K8sResource(kind.value, name.value if name else "", f, kind.range.start.line, images, ports))
    return out


def _iter_keys(root: Node, keys: tuple[str, ...]) -> list[tuple[str, Scalar]]:
    """(key, scalar value) for every pair named one of `keys`, in document order."""
    out: list[tuple[str, Scalar]] = []
    stack: list[Node] = [root]
    seen = 0
    while stack and seen < 5000:
        n = deref(stack.pop())
        seen += 1
        if isinstance(n, Mapping):
            for p in reversed(n.pairs):
                if isinstance(p.key, Scalar) and p.key.value in keys:
                    v = deref(p.value)
                    if isinstance(v, Scalar) and not v.is_null:
                        out.append((p.key.value, v))
                else:
                    stack.append(p.value)
        elif isinstance(n, Sequence):
            stack.extend(reversed(n.items))
    out.sort(key=lambda kv: kv[1].start)
    return out


def chart_values(chart: Path) -> dict[str, object]:
    """The chart's values.yaml as plain data ({} when missing or unreadable)."""
    try:
        data = yaml.load(fsutil.read_bytes(chart / "values.yaml", MAX_MANIFEST_BYTES), Loader=_Loader)
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
        text = values.read_text(encoding="utf-8", errors="replace")
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


def resources_in(f: Path) -> list[K8sResource]:
    """The Kubernetes objects of one manifest file (cached by file stamp)."""
    return _cached(f, _manifest_resources)


def manifest_files(base: Path, globs: list[str], limit: int = 500) -> list[Path]:
    """The files a config's manifest globs (`k8s/*.yaml`, `**`) match, relative to `base`."""
    import glob as globlib

    out: list[Path] = []
    seen: set[Path] = set()
    for g in globs:
        import itertools

        for m in sorted(itertools.islice(globlib.iglob(str(base / g), recursive=True), limit)):
            p = Path(m)
            if p not in seen and p.is_file():
                seen.add(p)
                out.append(p)
                if len(out) >= limit:
                    return out
    return out

"""What a config deploys: its manifests, kustomizations and charts, as files and objects.

skaffold renders `manifests.rawYaml` globs, `manifests.kustomize.paths` (kustomize
build), `manifests.helm` / `deploy.helm` charts (helm template / install, then its own
post-renderer), and with no renderer at all `k8s/*.yaml`. This module finds the files
each of those reads, without running kustomize or helm: kustomizations are followed
through `resources`, `bases`, `components` and patches; charts contribute their
templates and values. Sources that cannot be read here (remote manifests and charts,
kpt, templated paths) make the set "unknowable", and checks that need the whole set
stay silent.
"""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

from skaffold_ls.config.paths import glob_files, is_remote, is_templated, resolve
from skaffold_ls.config.sources import ReadFailure, read_regular_text
from skaffold_ls.config.values import Value
from skaffold_ls.core.yamldoc import Mapping, Node, Scalar, Sequence, deref, node_at, parse

MAX_MANIFEST_BYTES = 1024 * 1024
MAX_FILES = 500
KUSTOMIZATION_NAMES = ("kustomization.yaml", "kustomization.yml", "Kustomization")
WORKLOAD_KINDS = frozenset({"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController",
                            "Job", "CronJob"})


@dataclass(slots=True)
class Container:
    name: str
    image: str | None
    ports: list[tuple[str | None, int]]  # (name, containerPort)
    probes: dict[str, str]  # probe field (livenessProbe...) -> handler (httpGet, tcpSocket, grpc, exec)
    line: int  # 0-based line of the container in its file
    init: bool = False
    env: dict[str, str] = field(default_factory=dict)  # `env` names (a `valueFrom` counts, as ""); not `envFrom`
    command: list[str] = field(default_factory=list)
    args: list[str] = field(default_factory=list)


@dataclass(slots=True)
class K8sObject:
    kind: str
    name: str
    file: Path
    line: int  # 0-based
    containers: list[Container] = field(default_factory=list)
    images: list[str] = field(default_factory=list)  # every `image:` value anywhere in the object
    ports: list[int] = field(default_factory=list)  # Service ports
    namespace: str | None = None
    api_version: str = ""

    @property
    def exposed_ports(self) -> list[int]:
        """What a port-forward can target: a Service's ports, else its containers' ports."""
        return self.ports or [n for c in self.containers if not c.init for _name, n in c.ports]


@dataclass(slots=True)
class ManifestSource:
    """One place a config names manifests: a rawYaml glob, a kustomize path, a chart."""

    kind: str  # rawYaml | kustomize | helm | default
    value: Value | None  # where it is written (None for skaffold's default `k8s/*.yaml`)
    files: list[Path]
    missing: str | None = None  # why nothing was found, when nothing was
    truncated: bool = False


@dataclass(slots=True)
class Deployed:
    """The manifests a config deploys, as far as they can be known here."""

    sources: list[ManifestSource] = field(default_factory=list)
    unknowable: str | None = None  # why the set is incomplete ("`remoteManifests`", ...)

    @property
    def files(self) -> list[Path]:
        seen: dict[Path, None] = {}
        for s in self.sources:
            for f in s.files:
                seen.setdefault(f, None)
        return list(seen)


def deployed_manifests(config: Value, base_dir: Path) -> Deployed:
    """The manifest files of one config section (effective config, or a profile's section)."""
    out = Deployed()
    manifests = config.get("manifests")
    deploy = config.get("deploy")
    for where, keys in ((manifests, ("remoteManifests", "kpt")), (deploy, ("kpt", "cloudrun"))):
        for k in keys:
            if where is not None and where.get(k) is not None:
                out.unknowable = f"`{k}`"
    if deploy is not None and deploy.at("kubectl", "remoteManifests") is not None:
        out.unknowable = "`remoteManifests`"
    raw = config.texts_at("manifests", "rawYaml") + config.texts_at("deploy", "kubectl", "manifests")
    for v in raw:
        pattern = v.text or ""
        if is_templated(pattern) or is_remote(pattern):
            out.unknowable = f"the manifest `{pattern}`"
            continue
        found = glob_files(base_dir, pattern)
        missing = None if found.files else ("matches no file" if any(c in pattern for c in "*?[") else "does not exist")
        out.sources.append(ManifestSource("rawYaml", v, found.files[:MAX_FILES], missing, found.truncated))
    for section in ((manifests.get("kustomize") if manifests else None), (deploy.get("kustomize") if deploy else None)):
        if section is None:
            continue
        paths = section.texts_at("paths") or [Value(".", section.origin, None)]
        for v in paths:
            text = v.text or "."
            if is_templated(text) or is_remote(text):
                out.unknowable = f"the kustomize path `{text}`"
                continue
            folder = resolve(base_dir, text)
            files, problem = kustomization_files(folder)
            out.sources.append(ManifestSource("kustomize", v if v.node is not None else section, files, problem))
    for where in (manifests, deploy):
        releases = where.at("helm", "releases") if where is not None else None
        for rel in releases.items if releases else []:
            chart = rel.text_at("chartPath")
            if rel.get("remoteChart") is not None or not chart or is_remote(chart):
                out.unknowable = "a remote chart"
                continue
            if is_templated(chart):
                out.unknowable = f"the chart `{chart}`"
                continue
            folder = resolve(base_dir, chart)
            files = chart_files(folder)
            values = [resolve(base_dir, t.text or "") for t in rel.texts_at("valuesFiles")
                      if t.text and not is_templated(t.text)]
            out.sources.append(ManifestSource("helm", rel.get("chartPath"), files + [v for v in values if v.is_file()],
                                              None if folder.exists() else "does not exist"))
    has_renderer = bool(raw) or any(s.kind != "rawYaml" for s in out.sources) or out.unknowable is not None
    other_deployer = deploy is not None and any(deploy.get(k) is not None for k in ("helm", "docker", "cloudrun"))
    if not has_renderer and not other_deployer:
        found = glob_files(base_dir, "k8s/*.yaml")  # skaffold's default renderer
        out.sources.append(ManifestSource("default", None, found.files[:MAX_FILES],
                                          None if found.files else "matches no file"))
    return out


def kustomization_files(folder: Path, limit: int = MAX_FILES) -> tuple[list[Path], str | None]:
    """The files a kustomization reads: itself, its resources, bases, components and patches
    (folders followed as kustomizations), or why there is none."""
    if not folder.is_dir():
        return [], "is not a folder"
    if _kustomization(folder) is None:
        return [], "has no kustomization.yaml"
    out: list[Path] = []
    seen: set[Path] = set()
    stack = [folder]
    while stack and len(out) < limit:
        current = stack.pop()
        real = Path(os.path.realpath(current))
        if real in seen:
            continue
        seen.add(real)
        kfile = _kustomization(current)
        if kfile is None:
            continue
        out.append(kfile)
        for ref in read_kustomization(kfile).refs:
            if is_remote(ref) or ref.startswith(("github.com/", "git@")):
                continue
            target = resolve(current, ref)
            if target.is_dir():
                stack.append(target)
            elif target.is_file() and target not in out:
                out.append(target)
    return out, None


def _kustomization(folder: Path) -> Path | None:
    return next((folder / n for n in KUSTOMIZATION_NAMES if (folder / n).is_file()), None)


@dataclass(frozen=True, slots=True)
class Kustomization:
    """What skaffold-ls reads from a kustomization file: the files and folders it refers to and the
    image names its `images:` transformer rewrites."""

    refs: tuple[str, ...] = ()
    image_names: tuple[str, ...] = ()


_kustomization_cache: dict[Path, tuple[tuple[int, int, int], Kustomization]] = {}
_kustomization_lock = threading.Lock()


def read_kustomization(kfile: Path) -> Kustomization:
    """The kustomization file's references and image names, cached by file stamp (a project's checks
    ask for the same overlays once per config and profile; bank-of-anthos: ~4,500 times per `check`)."""
    try:
        st = os.stat(kfile)
    except OSError:
        return Kustomization()
    stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
    with _kustomization_lock:
        hit = _kustomization_cache.get(kfile)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    text = read_regular_text(kfile, MAX_MANIFEST_BYTES)
    parsed = Kustomization() if isinstance(text, ReadFailure) else _parse_kustomization(text)
    with _kustomization_lock:
        if len(_kustomization_cache) > 10_000:
            _kustomization_cache.clear()
        _kustomization_cache[kfile] = (stamp, parsed)
    return parsed


def _parse_kustomization(text: str) -> Kustomization:
    doc = next(iter(parse(text).documents), None)
    root = doc.root_mapping() if doc is not None else None
    if root is None:
        return Kustomization()
    refs: list[str] = []
    for key in ("resources", "bases", "components", "patchesStrategicMerge", "crds", "configurations"):
        refs += _scalars(root.get(key))
    for key in ("patches", "patchesJson6902"):
        seq = deref(root.get(key))
        for item in seq.items if isinstance(seq, Sequence) else []:
            m = deref(item)
            if isinstance(m, Mapping):
                refs += _scalars(m.get("path"))
    names: list[str] = []
    images = deref(root.get("images"))
    for item in images.items if isinstance(images, Sequence) else []:
        m = deref(item)
        if isinstance(m, Mapping):
            names += _scalars(m.get("name")) + _scalars(m.get("newName"))
    return Kustomization(tuple(refs), tuple(names))


def kustomize_image_names(folder: Path) -> list[str]:
    """Image names a kustomization's `images:` transformer rewrites (name and newName)."""
    kfile = _kustomization(folder)
    return list(read_kustomization(kfile).image_names) if kfile is not None else []


def _scalars(node: Node | None) -> list[str]:
    node = deref(node)
    if isinstance(node, Scalar):
        return [] if node.is_null else [node.value]
    if isinstance(node, Sequence):
        return [n.value for n in (deref(i) for i in node.items) if isinstance(n, Scalar) and not n.is_null]
    return []


def chart_files(chart: Path, limit: int = MAX_FILES) -> list[Path]:
    """A local chart's values, templates and bundled sub-charts (regular files, no symlink loops)."""
    out: list[Path] = []
    if not chart.is_dir():
        return out
    for pattern in ("values*.yaml", "values*.yml", "templates/**/*", "charts/**/*"):
        out += glob_files(chart, pattern).files
        if len(out) >= limit:
            break
    return out[:limit]


# ---------------------------------------------------------------------------
# Objects in a manifest file

_objects_cache: dict[Path, tuple[tuple[int, int, int], list[K8sObject]]] = {}
_objects_lock = threading.Lock()


def objects_in(path: Path) -> list[K8sObject]:
    """The Kubernetes objects of a manifest file (cached by file stamp; [] when unreadable)."""
    try:
        st = os.stat(path)
    except OSError:
        return []
    stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
    with _objects_lock:
        hit = _objects_cache.get(path)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    text = read_regular_text(path, MAX_MANIFEST_BYTES)
    objects = [] if isinstance(text, ReadFailure) else _objects(text, path)
    with _objects_lock:
        if len(_objects_cache) > 10_000:
            _objects_cache.clear()
        _objects_cache[path] = (stamp, objects)
    return objects


def _objects(text: str, path: Path) -> list[K8sObject]:
    if "kind" not in text:
        return []
    out: list[K8sObject] = []
    for doc in parse(text).documents:
        root = doc.root_mapping()
        if root is None:
            continue
        kind = _text(root.get("kind"))
        api = _text(root.get("apiVersion"))
        if kind is None or api is None or api.startswith("skaffold/"):
            continue
        if kind == "List":
            items = deref(root.get("items"))
            for item in items.items if isinstance(items, Sequence) else []:
                m = deref(item)
                if isinstance(m, Mapping) and (k := _text(m.get("kind"))):
                    out.append(_object(k, m, path))
            continue
        out.append(_object(kind, root, path))
    return out


def _object(kind: str, root: Mapping, path: Path) -> K8sObject:
    meta = deref(root.get("metadata"))
    name = _text(meta.get("name")) if isinstance(meta, Mapping) else None
    obj = K8sObject(kind, name or "", path, root.range.start.line)
    obj.namespace = _text(meta.get("namespace")) if isinstance(meta, Mapping) else None
    obj.api_version = _text(root.get("apiVersion")) or ""
    obj.images = [v.value for k, v in _pairs_named(root, "image") if isinstance(v, Scalar) and not v.is_null]
    spec = deref(root.get("spec"))
    if kind == "Service" and isinstance(spec, Mapping):
        ports = deref(spec.get("ports"))
        for p in ports.items if isinstance(ports, Sequence) else []:
            pm = deref(p)
            port = _text(pm.get("port")) if isinstance(pm, Mapping) else None
            if port is not None and port.isdigit():
                obj.ports.append(int(port))
    pod = _pod_spec(kind, spec)
    if pod is not None:
        for key, init in (("initContainers", True), ("containers", False)):
            seq = deref(pod.get(key))
            for c in seq.items if isinstance(seq, Sequence) else []:
                cm = deref(c)
                if isinstance(cm, Mapping):
                    obj.containers.append(_container(cm, init))
    return obj


def _pod_spec(kind: str, spec: Node | None) -> Mapping | None:
    if not isinstance(spec, Mapping):
        return None
    if kind == "Pod":
        return spec
    if kind == "CronJob":
        spec = deref(node_at(spec, "jobTemplate", "spec"))
        if not isinstance(spec, Mapping):
            return None
    template = deref(node_at(spec, "template", "spec"))
    return template if isinstance(template, Mapping) else None


def _container(m: Mapping, init: bool) -> Container:
    ports: list[tuple[str | None, int]] = []
    seq = deref(m.get("ports"))
    for p in seq.items if isinstance(seq, Sequence) else []:
        pm = deref(p)
        number = _text(pm.get("containerPort")) if isinstance(pm, Mapping) else None
        if isinstance(pm, Mapping) and number is not None and number.isdigit():
            ports.append((_text(pm.get("name")), int(number)))
    probes: dict[str, str] = {}
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        pm = deref(m.get(probe))
        if isinstance(pm, Mapping):
            handler = next((k for k in ("httpGet", "tcpSocket", "grpc", "exec") if pm.get(k) is not None), "unknown")
            probes[probe] = handler
    env: dict[str, str] = {}
    seq = deref(m.get("env"))
    for e in seq.items if isinstance(seq, Sequence) else []:
        em = deref(e)
        name = _text(em.get("name")) if isinstance(em, Mapping) else None
        if isinstance(em, Mapping) and name:
            env[name] = _text(em.get("value")) or ""
    return Container(_text(m.get("name")) or "", _text(m.get("image")), ports, probes, m.range.start.line, init,
                     env, _texts(m.get("command")), _texts(m.get("args")))


def _texts(node: Node | None) -> list[str]:
    node = deref(node)
    if not isinstance(node, Sequence):
        return []
    return [n.value for n in (deref(i) for i in node.items) if isinstance(n, Scalar) and not n.is_null]



def _text(node: Node | None) -> str | None:
    node = deref(node)
    return node.value if isinstance(node, Scalar) and not node.is_null else None


def _pairs_named(root: Node, key: str, limit: int = 20_000) -> list[tuple[Scalar, Node]]:
    """Every (key, value) pair whose key is `key`, anywhere below `root` (aliases not followed)."""
    out: list[tuple[Scalar, Node]] = []
    stack: list[Node] = [root]
    seen = 0
    while stack and seen < limit:
        n = stack.pop()
        seen += 1
        if isinstance(n, Mapping):
            for p in n.pairs:
                if isinstance(p.key, Scalar) and p.key.value == key:
                    out.append((p.key, p.value))
                else:
                    stack.append(p.value)
        elif isinstance(n, Sequence):
            stack.extend(n.items)
    return out


def image_matches(reference: str, image: str) -> bool:
    """Whether a manifest's image reference is the artifact `image` (skaffold replaces
    references whose name, without tag or digest, is the artifact's image)."""
    base = reference.split("@", 1)[0]
    if base == image:
        return True
    name, _, tag = base.rpartition(":")
    return bool(name) and "/" not in tag and name == image

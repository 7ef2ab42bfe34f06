"""The kube context skaffold would use, read from kubeconfig (never contacting a cluster).

skaffold takes `--kube-context`, else the current context of kubeconfig (KUBECONFIG or
~/.kube/config); profile activation by `kubeContext` and `deploy.kubeContext` depend on it.
It is read with the `kubernetes` client's loader, imported lazily (only what needs a
context pays for it). `is_local` tells the clusters that share the local docker daemon or
load its images (minikube, kind, k3d, Docker Desktop, Rancher Desktop, colima, OrbStack,
microk8s).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

_LOCAL_NAMES = re.compile(
    r"^(minikube|docker-desktop|docker-for-desktop|rancher-desktop|colima(-.*)?|orbstack|microk8s|kind-.*|k3d-.*)$")


@dataclass(frozen=True)
class KubeContext:
    name: str
    cluster: str | None
    server: str | None


_cache: dict[tuple[str, float], KubeContext | None] = {}


def _kubeconfig_files() -> list[Path]:
    env = os.environ.get("KUBECONFIG")
    if env:
        return [Path(p) for p in env.split(os.pathsep) if p]
    return [Path.home() / ".kube" / "config"]


def _get(obj: Any, key: str) -> Any:
    """kubernetes' ConfigNode and plain dicts alike."""
    if obj is None:
        return None
    if isinstance(obj, dict):
        return obj.get(key)
    getter = getattr(obj, "safe_get", None)
    return getter(key) if getter is not None else None


def current_context(name: str | None = None) -> KubeContext | None:
    """The current (or named) context from kubeconfig; None when there is none to read."""
    files = [f for f in _kubeconfig_files() if f.is_file()]
    if not files:
        return None
    key = (os.pathsep.join(map(str, files)) + "|" + (name or ""), max(f.stat().st_mtime for f in files))
    if key in _cache:
        return _cache[key]
    result: KubeContext | None = None
    try:
        from kubernetes.config import kube_config  # lazy: ~150 ms, paid only when a context is needed

        loader = kube_config.KubeConfigMerger(os.pathsep.join(map(str, files)))
        cfg = loader.config
        ctx_name = name or _get(cfg, "current-context")
        ctx = next((c for c in (_get(cfg, "contexts") or []) if _get(c, "name") == ctx_name), None)
        if ctx_name and ctx is not None:
            cluster_name = _get(_get(ctx, "context"), "cluster")
            cluster = next((c for c in (_get(cfg, "clusters") or []) if _get(c, "name") == cluster_name), None)
            server = _get(_get(cluster, "cluster"), "server")
            result = KubeContext(str(ctx_name), cluster_name, server)
        elif ctx_name:
            result = KubeContext(str(ctx_name), None, None)
    except Exception:  # unreadable kubeconfig: say nothing rather than guess
        result = None
    _cache[key] = result
    return result


def is_local(ctx: KubeContext) -> bool:
    if _LOCAL_NAMES.match(ctx.name) or (ctx.cluster and _LOCAL_NAMES.match(ctx.cluster)):
        return True
    if ctx.server:
        host = urlparse(ctx.server).hostname or ""
        if host in ("localhost", "127.0.0.1", "::1", "host.docker.internal", "kubernetes.docker.internal") \
                or host.startswith("127.") or host.endswith(".orb.local"):
            return True
    return False

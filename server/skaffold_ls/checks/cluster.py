"""Can the cluster pull what skaffold builds? (the user's guide's `local.push` note)

With `build.local.push: false`, images stay in the local docker daemon. Only a local
cluster sharing that daemon or loading images (minikube, kind, k3d, Docker Desktop,
Rancher Desktop, colima, OrbStack, microk8s) can run them. The kube context is read from
kubeconfig with the `kubernetes` client's loader (KUBECONFIG or ~/.kube/config); the
cluster is never contacted. Code: images-not-pushed (warning; fix: set-local-push).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from skaffold_ls.checks.common import skaffold_docs
from skaffold_ls.core.analysis import CHECKS, CheckContext
from skaffold_ls.core.findings import Finding, Severity
from skaffold_ls.core.textedit import get_path, mapping_of
from skaffold_ls.core.yamldoc import Scalar, deref
from skaffold_ls.model_helpers import scalar

_LOCAL_NAMES = re.compile(
    r"^(minikube|docker-desktop|docker-for-desktop|rancher-desktop|colima(-.*)?|orbstack|microk8s|kind-.*|k3d-.*)$")
_FALSE = ("false", "False", "FALSE", "no", "off")


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
        from kubernetes.config import kube_config  # lazy: only this check needs the client

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


def check_push(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for doc in skaffold_docs(ctx):
        root = doc.root_mapping()
        if root is None:
            continue
        push = deref(get_path(root, ["build", "local", "push"]))
        if not isinstance(push, Scalar) or push.value not in _FALSE:
            continue
        arts = get_path(root, ["build", "artifacts"])
        if arts is None:
            continue
        deploy = mapping_of(root.get("deploy"))
        pinned = scalar(deploy.get("kubeContext")) if deploy else None
        if deploy is not None and deploy.pair("docker") is not None:
            continue  # deploys to the local docker daemon itself
        kctx = current_context(pinned)
        if kctx is None or is_local(kctx):
            continue
        out.append(Finding(
            "images-not-pushed", Severity.WARNING,
            f"`push: false` keeps images in the local docker daemon, but the kube context "
            f"`{kctx.name}`{f' ({kctx.server})' if kctx.server else ''} is not a local cluster: it cannot pull "
            "them. Set `push: true` (and a registry you can push to, e.g. `--default-repo`)",
            push.range, {"context": kctx.name, "server": kctx.server}))
    return out


CHECKS.append(check_push)

"""Can the cluster pull what skaffold builds? (the user's guide's `local.push` note)

images-not-pushed (warning; fix: set-local-push): with `build.local.push: false`, images
stay in the local docker daemon, so only a local cluster (minikube, kind, k3d, Docker
Desktop...) can run them. The kube context is the one skaffold would use (`deploy.kubeContext`,
else kubeconfig's current context), read without contacting the cluster.
"""

from __future__ import annotations

from skaffold_ls.checks.context import CheckContext
from skaffold_ls.config.kubecontext import current_context, is_local
from skaffold_ls.core.findings import Finding, Severity


def check_push(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for doc in ctx.configs():
        config = doc.value
        assert config is not None
        push = config.at("build", "local", "push")
        if push is None or push.data is not False or config.at("build", "artifacts") is None:
            continue
        if config.at("deploy", "docker") is not None:
            continue  # deploys to the local docker daemon itself
        kctx = current_context(config.text_at("deploy", "kubeContext"))
        if kctx is None or is_local(kctx):
            continue
        out.append(Finding(
            "images-not-pushed", Severity.WARNING,
            f"`push: false` keeps images in the local docker daemon, but the kube context "
            f"`{kctx.name}`{f' ({kctx.server})' if kctx.server else ''} is not a local cluster: it cannot pull "
            "them. Set `push: true` (and a registry you can push to, e.g. `--default-repo`)",
            push.range, {"context": kctx.name, "server": kctx.server}))
    return out

"""ko artifacts: no Go module to build, or a default base image many networks cannot pull.

- ko-without-go-mod (warning): ko builds Go modules only; without a go.mod at or above the
  artifact's `context`/`dir` the build fails.
- ko-default-base (information, once per config, naming its artifacts; fix:
  add-ko-from-image): with no `fromImage` and no `.ko.yaml`, ko puts the binary on its
  default base, on a public registry that restricted networks (the user's guide's case)
  cannot reach.
"""

from __future__ import annotations

from skaffold_ls.buildfiles import find_go_mod
from skaffold_ls.checks.context import CheckContext
from skaffold_ls.config.artifacts import Artifact
from skaffold_ls.config.paths import is_templated, resolve
from skaffold_ls.core.findings import Finding, Severity

KO_DEFAULT_BASE = "cgr.dev/chainguard/static:latest"


def check_ko(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for doc in ctx.configs():
        on_default_base: list[Artifact] = []
        for art in ctx.view.artifacts(doc):
            if art.builder != "ko" or art.context is None or not art.context.is_dir():
                continue
            kdir = art.ko_dir
            if kdir and is_templated(kdir):
                continue
            go_dir = resolve(art.context, kdir or ".")
            if go_dir.is_dir() and find_go_mod(go_dir) is None:
                out.append(Finding(
                    "ko-without-go-mod", Severity.WARNING,
                    f"no go.mod at or above `{art.context_text}{'/' + kdir if kdir else ''}`: ko builds Go modules "
                    f"only, so building {art.label()} fails", art.anchor_range, {"dir": str(go_dir)}))
                continue
            has_base = art.spec("fromImage") is not None
            ko_yaml = any((d / n).is_file() for d in {art.context, go_dir} for n in (".ko.yaml", ".ko.yml"))
            if not has_base and not ko_yaml:
                on_default_base.append(art)
        if on_default_base:
            first = on_default_base[0]
            names = ", ".join(a.label() for a in on_default_base)
            out.append(Finding(
                "ko-default-base", Severity.INFORMATION,
                f"no `fromImage` and no .ko.yaml: ko puts {names} on its default base `{KO_DEFAULT_BASE}`, on a "
                "public registry that restricted networks cannot reach; set `fromImage` to a base your cluster "
                "can pull", first.anchor_range,
                {"default": KO_DEFAULT_BASE, "images": [a.image for a in on_default_base]}))
    return out

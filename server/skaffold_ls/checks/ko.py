"""ko artifacts: no Go module to build, or a default base image many networks cannot pull.

Codes: ko-without-go-mod (warning), ko-default-base (information; fix: add-ko-from-image).
"""

from __future__ import annotations

from skaffold_ls.buildfiles import find_go_mod
from skaffold_ls.checks.common import all_artifacts, is_templated
from skaffold_ls.core.analysis import CHECKS, CheckContext
from skaffold_ls.core.findings import Finding, Severity
from skaffold_ls.model_helpers import scalar

KO_DEFAULT_BASE = "cgr.dev/chainguard/static:latest"


def check_ko(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for art in all_artifacts(ctx):
        if art.builder != "ko" or art.context is None or not art.context.is_dir():
            continue
        ko = art.builder_mapping
        pair = art.builder_pair
        assert pair is not None
        kdir = scalar(ko.get("dir")) if ko else None
        if kdir and is_templated(kdir):
            continue
        go_dir = (art.context / (kdir or ".")).resolve()
        if go_dir.is_dir() and find_go_mod(go_dir) is None:
            out.append(Finding("ko-without-go-mod", Severity.WARNING,
                               f"no go.mod at or above `{art.context_value}{'/' + kdir if kdir else ''}`: ko builds "
                               "Go modules only, so building " + art.label() + " fails",
                               pair.key.range, {"dir": str(go_dir)}))
            continue
        has_base = ko is not None and ko.pair("fromImage") is not None
        ko_yaml = any((d / n).is_file() for d in {art.context, go_dir} for n in (".ko.yaml", ".ko.yml"))
        if not has_base and not ko_yaml:
            out.append(Finding(
                "ko-default-base", Severity.INFORMATION,
                f"no `fromImage` and no .ko.yaml: ko puts {art.label()} on its default base "
                f"`{KO_DEFAULT_BASE}`, on a public registry that restricted networks cannot reach; "
                "set `fromImage` to a base your cluster can pull",
                pair.key.range, {"default": KO_DEFAULT_BASE}))
    return out


CHECKS.append(check_ko)

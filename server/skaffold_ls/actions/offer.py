"""What a code action provider gets (ActionContext) and gives (Offer), and the action names."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from skaffold_ls.actions.text import Text
from skaffold_ls.core.findings import Finding, Pos, Range
from skaffold_ls.core.textedit import content_end
from skaffold_ls.core.yamldoc import Node
from skaffold_ls.features.types import CodeAction, FeatureContext

# name -> one-line description (docs/code-actions.md has the long form)
ACTION_NAMES: dict[str, str] = {
    "rename-key": "rename a key to the one skaffold knows (from unknown-key / removed-field)",
    "remove-key": "remove a key skaffold does not know",
    "add-required": "add a missing required key with a placeholder value",
    "move-field": "move a field skaffold moved (kubectl manifests, kustomize, helm artifactOverrides, ...)",
    "upgrade-latest": "upgrade apiVersion to the latest, applying skaffold's transforms, comments kept",
    "upgrade-one-step": "upgrade apiVersion to the next version",
    "docker-to-ko": "build a Go artifact with ko instead of its Dockerfile",
    "ko-to-docker": "build a ko artifact from a generated Dockerfile with the same base and flags",
    "add-go-gcflags": "add ARG SKAFFOLD_GO_GCFLAGS and -gcflags=\"${SKAFFOLD_GO_GCFLAGS}\" to a Go Dockerfile",
    "remove-trimpath": "remove -trimpath from ko flags or a Dockerfile go build",
    "exec-form-entrypoint": "rewrite a shell-form ENTRYPOINT/CMD in exec form",
    "add-port-forward": "forward a container port of a manifest's resource",
    "helm-debug-switch": "add a debug-only profile setting the chart's probe switch (e.g. debug: true)",
    "set-local-push": "set build.local.push: true so the cluster can pull the images",
    "add-ko-from-image": "set ko.fromImage explicitly",
    "loopback-address": "forward a debugger port on 127.0.0.1 only",
    "add-runtime-env": "add the ENV that makes `skaffold debug` recognise the image's runtime (e.g. GOTRACEBACK)",
    "go-debug-ldflags": "keep DWARF under `skaffold debug`: undo -ldflags -s/-w when SKAFFOLD_GO_GCFLAGS is set",
}


@dataclass
class Offer:
    action: CodeAction
    notes: list[str] = field(default_factory=list)
    anchor: Range | None = None  # the part of the document it is about


@dataclass
class ActionContext:
    feature: FeatureContext
    range: Range
    diagnostics: list[Finding]
    text: Text

    @property
    def path(self) -> Path | None:
        return self.feature.path

    @property
    def folder(self) -> Path | None:
        return self.feature.path.parent if self.feature.path is not None else None

    def touches(self, node: Node | Range) -> bool:
        rng = node if isinstance(node, Range) else Range(node.start, content_end(node))
        r = self.range
        return not (rng.end < r.start or r.end < rng.start)


Provider = Callable[[ActionContext], list[Offer]]


def collect(ctx: FeatureContext, range: Range, diagnostics: list[Finding], providers: list[Provider]) -> list[Offer]:
    """Every provider's offers for `range`; a provider that fails gives a disabled action
    saying so instead of hiding the others."""
    text = Text(ctx.analysis.parsed.text, ctx.analysis.parsed)
    actx = ActionContext(ctx, range, diagnostics, text)
    out: list[Offer] = []
    for provider in providers:
        try:
            out.extend(provider(actx))
        except Exception as e:
            out.append(Offer(CodeAction(title=f"skaffold-ls: {getattr(provider, '__name__', provider)} failed",
                                        kind="quickfix", disabled_reason=repr(e), name="internal-error")))
    return out


def whole(ctx: FeatureContext) -> Range:
    lines = ctx.analysis.parsed.lines
    return Range(Pos(0, 0), Pos(max(len(lines) - 1, 0), len(lines[-1]) if lines else 0))

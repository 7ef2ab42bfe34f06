"""The apiVersion upgrade actions (latest, and one step)."""

from __future__ import annotations

from pathlib import Path

from skaffold_ls.actions.offer import ActionContext, Offer
from skaffold_ls.actions.text import Refused, disabled, file_edit
from skaffold_ls.actions.upgrade import upgrade
from skaffold_ls.features.types import CodeAction
from skaffold_ls.schema.versions import sort_key

KIND = "refactor.rewrite"


def upgrade_offers(ctx: ActionContext) -> list[Offer]:
    store = ctx.feature.store
    versions = store.known_versions()
    latest = versions[-1]
    outdated = []
    touched = False
    for doc in ctx.text.parsed.documents:
        v = doc.scalar_at("apiVersion")
        if v is None or v.value not in versions or sort_key(v.value) >= sort_key(latest):
            continue
        outdated.append(v.value)
        if ctx.touches(v):
            touched = True
    diags = [f for f in ctx.diagnostics if f.code == "outdated-api-version"]
    if not outdated or not (touched or diags):
        return []
    out: list[Offer] = []
    path = ctx.path or Path("untitled:skaffold.yaml")
    oldest = min(outdated, key=sort_key)
    nxt = versions[versions.index(oldest) + 1]
    for name, one_step, title in (
        ("upgrade-latest", False, f"Upgrade to {latest} (keeps comments)"),
        ("upgrade-one-step", True, f"Upgrade one step, to {nxt}"),
    ):
        if one_step and nxt == latest:
            continue
        try:
            result = upgrade(ctx.text.text, store, one_step=one_step)
        except Refused as e:
            out.append(Offer(disabled(title, KIND, name, str(e), diags)))
            continue
        action = CodeAction(title=title, kind="quickfix" if diags else KIND, name=name, diagnostics=diags,
                            edit=file_edit(path, ctx.text.text, result.text), preferred=not one_step)
        out.append(Offer(action, result.notes))
    return out


"""Code actions: quick fixes, builder switches, apiVersion upgrades and debug helpers.

Public API (pure, no pygls):
- `code_actions(ctx, range, diagnostics) -> list[CodeAction]`: the actions for a range
  of the document (the LSP layer passes the diagnostics the client sent);
- `offers(ctx, range, diagnostics)`: the same with the notes each action carries (what
  was derived, what is not carried over), used by `skaffold-ls fix` and SARIF fixes;
- `PROVIDERS`: every provider, in the order their actions are listed.

Every action's `name` is stable and is what `skaffold-ls fix --action NAME` takes
(see docs/code-actions.md).
"""

from __future__ import annotations

from skaffold_ls.actions import builders, debughelp, quickfix, upgrade_action
from skaffold_ls.actions.offer import ACTION_NAMES, ActionContext, Offer, Provider, collect, whole
from skaffold_ls.core.findings import Finding, Range
from skaffold_ls.core.textedit import apply_text_edits
from skaffold_ls.features.types import CodeAction, FeatureContext

__all__ = ["ACTION_NAMES", "PROVIDERS", "ActionContext", "Offer", "apply_text_edits", "code_actions", "offers",
           "whole"]

PROVIDERS: list[Provider] = [
    builders.builder_offers,
    debughelp.artifact_helpers,
    debughelp.port_forward_offers,
    debughelp.helm_switch_offers,
    debughelp.check_fixes,
    debughelp.debug_runtime_fixes,
    quickfix.quick_fixes,
    upgrade_action.upgrade_offers,
]


def offers(ctx: FeatureContext, range: Range, diagnostics: list[Finding]) -> list[Offer]:
    return collect(ctx, range, diagnostics, PROVIDERS)


def code_actions(ctx: FeatureContext, range: Range, diagnostics: list[Finding]) -> list[CodeAction]:
    return [o.action for o in offers(ctx, range, diagnostics)]

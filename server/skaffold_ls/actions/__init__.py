"""Code actions: quick fixes, builder switches, apiVersion upgrades and debug helpers.

Public API (pure, no pygls):
- `code_actions(ctx, range, diagnostics) -> list[CodeAction]`: the actions for a range
  of the document (the LSP layer passes the diagnostics the client sent);
- `resolve(action) -> CodeAction`: edits are computed eagerly (cheap), so this is the
  identity, kept for clients that resolve lazily;
- `offers(...)`: the same with the notes each action carries (what was derived, what
  is not carried over), used by `skaffold-ls fix`;
- `apply_text_edits(text, edits) -> str`.

Every action's `name` is stable and is what `skaffold-ls fix --action NAME` takes
(see docs/code-actions.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from skaffold_ls.core.findings import Finding, Range
    from skaffold_ls.features.types import CodeAction, FeatureContext

__all__ = ["ACTION_NAMES", "Offer", "apply_text_edits", "code_actions", "offers", "resolve"]


def code_actions(ctx: FeatureContext, range: Range, diagnostics: list[Finding]) -> list[CodeAction]:
    from skaffold_ls.actions.registry import offers

    return [o.action for o in offers(ctx, range, diagnostics)]


def resolve(action: CodeAction) -> CodeAction:
    return action


def __getattr__(name: str) -> Any:
    # Lazy on purpose: every `skaffold-ls` invocation imports `actions.cli_args` to build
    # its parser, and must not pay for the whole actions package (and the core) to do so.
    if name in ("ACTION_NAMES", "Offer", "offers"):
        from skaffold_ls.actions import registry

        return getattr(registry, name)
    if name == "apply_text_edits":
        from skaffold_ls.core.textedit import apply_text_edits

        return apply_text_edits
    raise AttributeError(name)

"""Code lenses: above each profile, when skaffold activates it by itself.

"active on `skaffold debug`", "active when `ENV=prod`", "active in kube context `kind-.*`",
"never active by itself (only with -p)": the same words `skaffold-ls config` uses, from the
config package (`config/activation.py`).
"""

from __future__ import annotations

from skaffold_ls.config.activation import describe_activation, profiles_of
from skaffold_ls.features.types import FeatureContext, Lens


def profile_lenses(ctx: FeatureContext) -> list[Lens]:
    out: list[Lens] = []
    for doc in ctx.config_file.documents:
        if doc.value is None:
            continue
        for name, profile in profiles_of(doc.value):
            anchor = profile.get("name")
            if anchor is None:
                continue
            out.append(Lens(anchor.key_range, describe_activation(profile), {"profile": name}))
    return out

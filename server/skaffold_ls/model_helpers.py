"""Small readers of the YAML document model shared by features, actions and checks
(neutral ground: checks need not import the actions package for them)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from skaffold_ls.core.yamldoc import Mapping, Node, Scalar, Sequence, deref


def config_sections(root: Mapping) -> Iterator[tuple[list[str | int], Mapping]]:
    """The root config and each profile (both carry build/manifests/deploy...)."""
    yield [], root
    profiles = deref(root.get("profiles"))
    if isinstance(profiles, Sequence):
        for i, item in enumerate(profiles.items):
            m = deref(item)
            if isinstance(m, Mapping):
                yield ["profiles", i], m


def scalar(node: Node | None) -> str | None:
    """The text of a non-null scalar (after aliases), else None."""
    node = deref(node)
    if isinstance(node, Scalar) and not node.is_null:
        return node.value
    return None


def sanitize_image(image: str) -> str:
    """How skaffold names an image in template variables (its SanitizeHelmTemplateValue:
    `.`, `-`, `/`, `:` become `_`)."""
    return re.sub(r"[.\-/:]", "_", image)

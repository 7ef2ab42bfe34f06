"""Which files are skaffold configurations: one rule for `check`, the server and the extension.

By name (`skaffold*.yaml`, `*.skaffold.yaml`, either extension, any case) or, for an open
document, by content (`apiVersion: skaffold/...`). Pure and import-light: the fast start uses it.
"""

from __future__ import annotations

import re

NAME_RE = re.compile(r"^(skaffold[^/\\]*|[^/\\]+\.skaffold)\.ya?ml$", re.IGNORECASE)
CONTENT_RE = re.compile(r"^apiVersion:[ \t]*[\"']?skaffold/", re.MULTILINE)


def is_skaffold_name(filename: str) -> bool:
    return bool(NAME_RE.match(filename))


def is_skaffold_document(uri: str, text: str) -> bool:
    """Recognised by file name (skaffold*.yaml, *.skaffold.yaml) or by content (apiVersion: skaffold/...)."""
    name = uri.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
    if is_skaffold_name(name):
        return True
    return CONTENT_RE.search(text) is not None

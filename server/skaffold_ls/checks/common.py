"""Helpers shared by the checks beyond the schema (artifact nodes, manifests, files)."""

from __future__ import annotations

import glob
from collections.abc import Iterator
from pathlib import Path

from skaffold_ls.core.analysis import CheckContext
from skaffold_ls.core.yamldoc import YamlDocument
from skaffold_ls.model_helpers import ArtifactNode, artifacts

MAX_FILE_BYTES = 1_000_000


def skaffold_docs(ctx: CheckContext) -> Iterator[YamlDocument]:
    """Documents that are skaffold configs with a known schema (others get no deeper checks)."""
    for info in ctx.analysis.documents:
        if info.schema.schema is not None and not info.aliases_refused:
            yield info.document


def disk_folder(ctx: CheckContext) -> Path | None:
    """The config's folder, when the config is a file on disk: relative paths of a buffer
    that was never saved (or of a virtual document) mean nothing yet, so file checks skip it."""
    path = ctx.path
    if path is None or not path.is_file():
        return None
    return path.parent


def all_artifacts(ctx: CheckContext) -> list[ArtifactNode]:
    docs = list(skaffold_docs(ctx))
    indexes = {id(d) for d in docs}
    return [a for a in artifacts(ctx.analysis.parsed.documents, disk_folder(ctx))
            if id(ctx.analysis.parsed.documents[a.doc_index]) in indexes]


def is_templated(value: str) -> bool:
    return "{{" in value or "${" in value


def glob_files(folder: Path, pattern: str) -> list[Path]:
    if is_templated(pattern) or "://" in pattern:
        return []
    return sorted(Path(p) for p in glob.glob(str(folder / pattern), recursive=True))


def read_small(path: Path) -> str | None:
    try:
        if not path.is_file() or path.stat().st_size > MAX_FILE_BYTES:
            return None
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None

"""Helpers shared by the checks beyond the schema (artifact nodes, manifests, files)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from skaffold_ls.core import fsutil
from skaffold_ls.core.analysis import CheckContext
from skaffold_ls.core.yamldoc import YamlDocument
from skaffold_ls.model_helpers import ArtifactNode, artifacts

MAX_FILE_BYTES = 1_000_000
# Checks run again whenever the document has been quiet for a moment: one glob or
# folder walk of theirs looks at no more entries than this (`/**/*.yaml` stops here).
MAX_WALK_ENTRIES = 20_000


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


def glob_listing(folder: Path, pattern: str) -> fsutil.Listing:
    """What a manifest glob matches (relative to the config's folder), within MAX_WALK_ENTRIES."""
    if is_templated(pattern) or "://" in pattern:
        return fsutil.Listing()
    return fsutil.glob_paths(pattern, folder, max_entries=MAX_WALK_ENTRIES)


def glob_files(folder: Path, pattern: str) -> list[Path]:
    return glob_listing(folder, pattern).paths


def files_under(folder: Path) -> list[Path]:
    """The files in a folder and its subfolders (symlinks to folders not followed), within
    MAX_WALK_ENTRIES."""
    return fsutil.walk_files(folder, max_entries=MAX_WALK_ENTRIES).paths


def read_small(path: Path) -> str | None:
    """A regular file of at most MAX_FILE_BYTES as text; None for anything else (a FIFO
    would block the check, a device never end)."""
    try:
        return fsutil.read_text(path, MAX_FILE_BYTES, errors="replace")
    except OSError:
        return None

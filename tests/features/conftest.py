"""Helpers for the editing features' unit tests: a document with a cursor marker."""

from __future__ import annotations

from pathlib import Path

import pytest

from skaffold_ls.analysis import AnalysisOptions, analyze
from skaffold_ls.core.findings import Pos
from skaffold_ls.features.types import FeatureContext
from skaffold_ls.schema.store import SchemaStore

WORKSPACES = Path(__file__).resolve().parents[1] / "fixtures" / "workspaces"
CARET = "§"
_STORE = SchemaStore()


def store() -> SchemaStore:
    return _STORE


def at(text: str, path: Path | None = None, workspace: Path | None = None) -> tuple[FeatureContext, Pos]:
    """The context of `text` with the caret marker `§` removed, and the caret's position."""
    idx = text.index(CARET)
    before = text[:idx]
    line = before.count("\n")
    col = idx - (before.rfind("\n") + 1)
    clean = text[:idx] + text[idx + 1:]
    return ctx_for(clean, path, workspace), Pos(line, col)


def ctx_for(text: str, path: Path | None = None, workspace: Path | None = None,
            checks: bool = True) -> FeatureContext:
    """As the language server builds it; `checks=False` skips the checks beyond the schema
    (the server's features run on such an analysis too)."""
    analysis = analyze(text, path, _STORE, AnalysisOptions(schema_only=not checks))
    return FeatureContext(analysis, _STORE, workspace if workspace is not None else
                          (path.parent if path is not None else None))


def ws(*parts: str) -> Path:
    return WORKSPACES.joinpath(*parts)


@pytest.fixture
def shop() -> Path:
    return ws("shop", "skaffold.yaml")

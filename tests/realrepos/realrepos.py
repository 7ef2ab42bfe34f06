"""The real projects in ../shared/realrepos: which configs there are and how skaffold runs them."""

from __future__ import annotations

from pathlib import Path

import pytest

from skaffold_ls.analysis import Analysis, AnalysisOptions, Workspace, analyze
from skaffold_ls.config.paths import find_workspace_root
from skaffold_ls.config.recognition import is_skaffold_name
from skaffold_ls.config.sources import Sources
from skaffold_ls.schema.store import SchemaStore
from tests.conftest import SHARED

REALREPOS = SHARED / "realrepos"
STORE = SchemaStore()


def require_realrepos() -> Path:
    if not REALREPOS.is_dir():
        pytest.skip(f"the real projects are not at {REALREPOS}: these tests read them from ../shared "
                    "(the project never ships copies of them)")
    return REALREPOS


def config_files() -> list[Path]:
    """Every skaffold config of the three projects (root and required ones), sorted."""
    root = require_realrepos()
    out = []
    for folder in sorted(root.iterdir()):
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.is_file() and is_skaffold_name(path.name) and "node_modules" not in path.parts:
                out.append(path)
    return out


def analysis_of(path: Path, sources: Sources) -> Analysis:
    """What `skaffold-ls check` says about a config, run from its folder (where the projects'
    own docs run skaffold; configs reached through `requires` resolve against their folder)."""
    workspace = Workspace(root=find_workspace_root(path, path.parent), sources=sources)
    return analyze(path.read_text(encoding="utf-8"), path, STORE, AnalysisOptions(), workspace)

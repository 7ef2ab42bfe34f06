"""Shared test helpers: where the upstream data lives, and skipping clearly without it."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
UPSTREAM_SCHEMAS = SHARED / "skaffold" / "schemas"
EXAMPLES = SHARED / "skaffold" / "examples"
TESTDATA = SHARED / "skaffold" / "testdata"


def require_shared(path: Path) -> Path:
    """Skip (with the reason) when the upstream skaffold data beside the project is absent."""
    if not path.exists():
        pytest.skip(f"upstream skaffold data not found at {path}: these tests read it from ../shared "
                    "(the project never ships copies of it)")
    return path

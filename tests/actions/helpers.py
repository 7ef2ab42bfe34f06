"""Helpers for the code-action tests: run actions through the pure API, compare with
expected files byte for byte (REGEN_EXPECTED=1 rewrites them; review the diff!)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from skaffold_ls.actions import Offer, apply_text_edits, offers, whole
from skaffold_ls.analysis import Analysis, AnalysisOptions, analyze
from skaffold_ls.core.findings import Range
from skaffold_ls.features.types import FeatureContext
from skaffold_ls.schema.store import SchemaStore

PROJECTS = Path(__file__).resolve().parents[1] / "fixtures" / "projects"
STORE = SchemaStore()


def analysis_of(path: Path, text: str | None = None, schema_only: bool = False) -> Analysis:
    text = path.read_text(encoding="utf-8") if text is None else text
    return analyze(text, path, STORE, AnalysisOptions(schema_only=schema_only))


def all_offers(path: Path, text: str | None = None, rng: Range | None = None) -> list[Offer]:
    a = analysis_of(path, text)
    ctx = FeatureContext(a, STORE, path.parent)
    return offers(ctx, rng or whole(ctx), a.findings)


def offer(path: Path, name: str, text: str | None = None, index: int = 0) -> Offer:
    found = [o for o in all_offers(path, text) if o.action.name == name]
    assert found, f"no {name} action for {path}"
    return found[index]


def apply_offer(o: Offer, path: Path, text: str | None = None) -> dict[Path, str]:
    """New contents of every file the action edits or creates."""
    assert o.action.disabled_reason is None, o.action.disabled_reason
    assert o.action.edit is not None
    out: dict[Path, str] = {}
    for target, edits in o.action.edit.changes.items():
        base = text if (text is not None and Path(target) == path) else Path(target).read_text(encoding="utf-8")
        out[Path(target)] = apply_text_edits(base, edits)
    for target, body in o.action.edit.creates.items():
        out[Path(target)] = body
    return out


def expect(expected: Path, actual: str) -> None:
    if os.environ.get("REGEN_EXPECTED"):
        expected.parent.mkdir(parents=True, exist_ok=True)
        expected.write_text(actual, encoding="utf-8")
    assert expected.exists(), f"missing expected file {expected} (run with REGEN_EXPECTED=1 and review)"
    assert actual == expected.read_text(encoding="utf-8"), f"differs from {expected}"


def copy_project(name: str, tmp: Path) -> Path:
    dest = tmp / name
    shutil.copytree(PROJECTS / name, dest, ignore=shutil.ignore_patterns("expected"))
    return dest


def errors_in(text: str, path: Path | None = None) -> list[str]:
    a = analyze(text, path, STORE, AnalysisOptions(schema_only=True))
    return [f"{f.range.start.line + 1}: {f.code} {f.message}" for f in a.findings if f.is_error]

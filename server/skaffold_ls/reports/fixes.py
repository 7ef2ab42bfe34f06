"""The quick fixes our code actions offer for each finding of a file, as report `Fix`es.

`check --format sarif` puts them in each result's `fixes`. One pass of the code-action
providers over the whole file (what `skaffold-ls fix --list` does); an action fixes a finding
when it names the finding among its diagnostics, or when docs/diagnostics.md names the
action as that code's fix and the action is about the part of the file the finding is in.
Actions that create files are left out (a SARIF fix only changes existing artifacts).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from skaffold_ls.actions import Offer, offers, whole
from skaffold_ls.analysis import Analysis
from skaffold_ls.core.findings import Finding
from skaffold_ls.core.positions import split_lines
from skaffold_ls.features.types import FeatureContext
from skaffold_ls.reports.formats import FileEdits, Fix
from skaffold_ls.reports.rules import CodeDoc
from skaffold_ls.schema.store import SchemaStore

MAX_FIXES_PER_FINDING = 3


def fixes_for(analysis: Analysis, store: SchemaStore, findings: list[Finding],
              docs: Mapping[str, CodeDoc]) -> dict[int, list[Fix]]:
    """index in `findings` -> the fixes for that finding (only findings that have some)."""
    if analysis.path is None or not findings or analysis.not_skaffold:
        return {}
    ctx = FeatureContext(analysis, store, analysis.path.parent)
    try:
        found = offers(ctx, whole(ctx), list(findings))
    except Exception:  # a report must never fail because a fix could not be computed
        return {}
    usable = [o for o in found if o.action.kind.startswith("quickfix") and o.action.disabled_reason is None
              and o.action.edit is not None and not o.action.edit.creates and o.action.edit.changes]
    lines_of: dict[Path, list[str] | None] = {analysis.path: analysis.parsed.lines}
    out: dict[int, list[Fix]] = {}
    for i, f in enumerate(findings):
        names = docs[f.code].fix_actions if f.code in docs else ()
        mine = [o for o in usable if _fixes(o, f, names)]
        fixes = [fx for o in mine if (fx := _fix(o, lines_of)) is not None]
        if fixes:
            out[i] = fixes[:MAX_FIXES_PER_FINDING]
    return out


def _fixes(offer: Offer, f: Finding, names: tuple[str, ...]) -> bool:
    if f in offer.action.diagnostics:
        return True
    if offer.action.diagnostics or offer.action.name not in names or offer.anchor is None:
        return False
    return offer.anchor.contains(f.range.start)


def _fix(offer: Offer, lines_of: dict[Path, list[str] | None]) -> Fix | None:
    edit = offer.action.edit
    assert edit is not None
    files: list[FileEdits] = []
    for target, edits in edit.changes.items():
        path = Path(target)
        if path not in lines_of:
            lines_of[path] = _lines(path)
        lines = lines_of[path]
        if lines is None:
            return None
        files.append(FileEdits(path, lines, list(edits)))
    return Fix(offer.action.title, files)


def _lines(path: Path) -> list[str] | None:
    """Another file's lines, split as the document model splits them (core/positions.split_lines)."""
    try:
        return split_lines(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        return None

"""Half-edited files: with any one line deleted or cut in half, every action either
applies cleanly (non-overlapping edits, YAML that still parses as well as before) or says
why not; no provider ever fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from skaffold_ls.actions import apply_text_edits
from skaffold_ls.core.yamldoc import parse

from .helpers import PROJECTS, all_offers

FILES = [PROJECTS / "quickfix" / "skaffold.yaml", PROJECTS / "ko-app" / "skaffold.yaml",
         PROJECTS / "helm-chart" / "skaffold.yaml", PROJECTS / "upgrade" / "helm-strategy.v2beta29.yaml",
         PROJECTS / "upgrade" / "kubectl-kustomize.v2beta28.yaml"]


def variants(text: str) -> list[str]:
    lines = text.split("\n")
    out = []
    for i in range(len(lines)):
        out.append("\n".join(lines[:i] + lines[i + 1:]))
        out.append("\n".join([*lines[:i], lines[i][: len(lines[i]) // 2], *lines[i + 1:]]))
    return out


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_mutated_files(path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBECONFIG", str(PROJECTS / "kubeconfig" / "remote.yaml"))
    for text in variants(path.read_text(encoding="utf-8")):
        syntax_ok = not any(f.code == "yaml-syntax" for f in parse(text).findings)
        for o in all_offers(path, text):
            assert o.action.name != "internal-error", (o.action.title, o.action.disabled_reason, text)
            if o.action.edit is None:
                assert o.action.disabled_reason
                continue
            for target, edits in o.action.edit.changes.items():
                base = text if target == path else Path(target).read_text(encoding="utf-8")
                new = apply_text_edits(base, edits)
                if target == path and syntax_ok:
                    assert not any(f.code == "yaml-syntax" for f in parse(new).findings), (o.action.name, text, new)

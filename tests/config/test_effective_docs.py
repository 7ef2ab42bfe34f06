"""docs/effective-config.md's example is what `skaffold-ls config` prints."""

from __future__ import annotations

from pathlib import Path

import pytest

from skaffold_ls.cli import main
from tests.conftest import REPO
from tests.tooling import doc_snippet

DOC = REPO / "docs" / "effective-config.md"


def test_the_documented_example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "skaffold.yaml").write_text(doc_snippet(DOC, "effective-example-config"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ENV", raising=False)
    assert main(["config", "--command", "debug"]) == 0
    out = capsys.readouterr().out.replace(tmp_path.as_posix(), "/home/me/shop")
    assert out == doc_snippet(DOC, "effective-example-output")

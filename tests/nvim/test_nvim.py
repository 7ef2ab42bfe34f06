"""Real Neovim (headless) as the LSP client: it starts `skaffold-ls serve`, receives the
diagnostics, converts their UTF-16 columns itself, and sends an incremental change."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

HERE = Path(__file__).parent
NVIM = shutil.which("nvim")

TEXT = """\
apiVersion: skaffold/v4beta14
kind: Config
metadata: {name: "😀 shop", lables: {team: web}}
biuld:
  artifacts:
  - image: app
"""


def run_nvim(tmp_path: Path, text: str, edit_line: int = -1, edit_text: str = "") -> tuple[int, list[str], str]:
    if NVIM is None:
        pytest.skip("nvim not installed (Debian: apt-get install -y neovim)")
    work = tmp_path / "ws"
    work.mkdir()
    f = work / "skaffold.yaml"
    f.write_text(text, encoding="utf-8")
    out = tmp_path / "diagnostics.txt"
    env = dict(os.environ, SKLS_PYTHON=sys.executable, SKLS_OUT=str(out), SKLS_EDIT_LINE=str(edit_line),
               SKLS_EDIT_TEXT=edit_text, XDG_STATE_HOME=str(tmp_path / "state"),
               XDG_DATA_HOME=str(tmp_path / "data"), XDG_CACHE_HOME=str(tmp_path / "cache"))
    r = subprocess.run([NVIM, "--headless", "--clean", "-n", "-u", "NONE", "-c", f"luafile {HERE / 'check.lua'}",
                        str(f)], cwd=work, env=env, capture_output=True, text=True, timeout=90)
    lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
    return r.returncode, lines, r.stderr


def test_neovim_receives_diagnostics_at_the_right_columns_and_after_an_edit(tmp_path: Path):
    rc, lines, stderr = run_nvim(tmp_path, TEXT, edit_line=3, edit_text="build:")
    assert rc == 0, (lines, stderr)
    phase1 = [x for x in lines if x.startswith("1 ")]
    phase2 = [x for x in lines if x.startswith("2 ")]
    # Neovim's columns are bytes: it converted our UTF-16 column itself.
    byte_col = TEXT.splitlines()[2].encode().index(b"lables")
    assert phase1 == [
        f"1 2:{byte_col}:ERROR:unknown-key:unknown key `lables` in `metadata`. Did you mean `labels`?",
        "1 3:0:ERROR:unknown-key:unknown key `biuld` in the top level. Did you mean `build`?",
    ], lines
    # after the incremental edit (line 3 "biuld:" -> "build:") only the first remains
    assert [x.split(":")[3] for x in phase2] == ["unknown-key"] and phase2[0].startswith("2 2:"), lines


def test_neovim_clean_file_gets_an_empty_publish(tmp_path: Path):
    rc, lines, stderr = run_nvim(tmp_path, TEXT.replace("lables", "labels").replace("biuld", "build"))
    assert rc == 0, (lines, stderr)
    assert lines == ["1 NONE"]

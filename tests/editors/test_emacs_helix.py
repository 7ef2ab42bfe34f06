"""The Emacs (eglot) and Helix set-ups in docs/editors.md, taken from the document.

Emacs: Debian 12's Emacs 28.2 with elpa-eglot 1.9 and elpa-yaml-mode (scripts/install.sh --all)
loads the snippet as pasted, eglot starts `skaffold-ls serve` for a skaffold.yaml, and the
diagnostics arrive with the snippet's settings applied (outdatedApiVersion "hint" = severity 4).
Helix is in no package registry reachable here: its TOML is parsed and its keys checked only.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import tomllib

from ..tooling import REPO, doc_snippet, missing

HERE = Path(__file__).parent
DOC = REPO / "docs" / "editors.md"


def snippet(name: str) -> str:
    return doc_snippet(DOC, name)


@pytest.mark.slow
def test_emacs_eglot_snippet_as_pasted_gets_diagnostics_with_its_settings(tmp_path: Path):
    emacs = shutil.which("emacs")
    if emacs is None:
        missing("Emacs", "Debian: apt-get install --no-install-recommends emacs-nox elpa-eglot elpa-yaml-mode")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    exe = bin_dir / "skaffold-ls"
    exe.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m skaffold_ls "$@"\n', encoding="utf-8")
    exe.chmod(0o755)
    ws = tmp_path / "project"
    (ws / ".git").mkdir(parents=True)
    (ws / "skaffold.yaml").write_text("apiVersion: skaffold/v4beta13\nkind: Config\nbiuld: {}\n",
                                      encoding="utf-8")
    (tmp_path / "init.el").write_text(snippet("emacs-eglot"), encoding="utf-8")
    out = tmp_path / "out.txt"
    env = {**os.environ, "HOME": str(tmp_path / "home"), "SKLS_OUT": str(out),
           "SKLS_SNIPPET": str(tmp_path / "init.el"), "SKLS_FILE": str(ws / "skaffold.yaml"),
           "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}"}
    r = subprocess.run([emacs, "--batch", "-l", str(HERE / "eglot_harness.el")], env=env, capture_output=True,
                       text=True, timeout=120)
    if r.returncode != 0 and "eglot" in r.stderr and "Cannot open load file" in r.stderr:
        missing("eglot for this Emacs", "Debian 12: apt-get install elpa-eglot elpa-yaml-mode")
    lines = out.read_text(encoding="utf-8").splitlines() if out.exists() else []
    assert r.returncode == 0 and lines, r.stderr[-2000:]
    assert lines[0] == "MODE yaml-mode" and lines[1] == 'COMMAND ("skaffold-ls" "serve")', lines
    newest = lines[lines.index("BATCH 0") + 1:lines.index("BATCH 1")] if "BATCH 1" in lines else []
    assert "DIAG 1 unknown-key unknown key `biuld` in the top level. Did you mean `build`?" in newest, lines
    # eglot-workspace-configuration reached the server: the outdated apiVersion is now a hint (4)
    assert any(x.startswith("DIAG 4 outdated-api-version ") for x in newest), lines


def test_helix_languages_toml_parses_with_the_keys_helix_reads() -> None:
    config = tomllib.loads(snippet("helix"))
    server = config["language-server"]["skaffold-ls"]
    assert server["command"] == "skaffold-ls" and server["args"] == ["serve"]
    assert server["config"]["skaffold"]["validation"]["outdatedApiVersion"] == "hint"
    (yaml_lang,) = [lang for lang in config["language"] if lang["name"] == "yaml"]
    assert "skaffold-ls" in yaml_lang["language-servers"]

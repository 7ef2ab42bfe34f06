"""The extension's own unit tests (node:test, no VS Code needed): `npm ci && npm test` in vscode-extension/.

Under the `vscode` marker because they need node and npm (and the npm registry for `npm ci`).
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

pytestmark = pytest.mark.vscode

EXT = Path(__file__).resolve().parents[2] / "vscode-extension"


def test_extension_unit_tests() -> None:
    if not shutil.which("npm") or not shutil.which("node"):
        pytest.skip("no node/npm: apt-get install -y nodejs npm")
    if not (EXT / "node_modules" / "typescript").is_dir():
        r = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=EXT, capture_output=True, text=True, timeout=600, check=False)
        if r.returncode != 0:
            pytest.skip(f"npm ci failed (no npm registry?): {r.stderr[-1500:]}")
    r = subprocess.run(["npm", "test"], cwd=EXT, capture_output=True, text=True, timeout=300, check=False)
    summary = [ln for ln in r.stdout.splitlines() if ln.startswith(("# pass", "# fail", "not ok"))]
    assert r.returncode == 0, "\n".join(summary) + "\n" + r.stdout[-4000:] + r.stderr[-2000:]
    assert "# fail 0" in r.stdout, summary

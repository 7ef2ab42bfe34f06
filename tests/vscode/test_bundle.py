"""The Python side of the VSIX (vscode-extension/scripts/bundle_python.py) runs on a bare Python.

Fast (no node, no VS Code): bundle into a temp dir, then run the server package from it with an
interpreter that has none of the dependencies installed (Debian's /usr/bin/python3 on these
machines), exactly with the PYTHONPATH the extension builds (src, libs, native/<SOABI>).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "vscode-extension" / "scripts" / "bundle_python.py"
MODULES = ["skaffold_ls", "pygls", "lsprotocol", "yaml", "jsonschema", "dockerfile_parse", "json5"]  # src/python.ts


def _soabi(py: str) -> str | None:
    r = subprocess.run([py, "-c", "import sysconfig; print(sysconfig.get_config_var('SOABI'))"],
                       capture_output=True, text=True, check=False)
    return r.stdout.strip() if r.returncode == 0 else None


def _bare(py: str) -> bool:
    r = subprocess.run([py, "-c", "import pygls"], capture_output=True, text=True, check=False,
                       env={**os.environ, "PYTHONPATH": "", "PYTHONNOUSERSITE": "1"})
    return r.returncode != 0


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("vsix") / "bundled"
    r = subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stdout + r.stderr
    return out


def _env(bundle: Path, soabi: str) -> dict[str, str]:
    parts = [bundle / "src", bundle / "libs"]
    if (bundle / "native" / soabi).is_dir():
        parts.append(bundle / "native" / soabi)
    return {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, parts)), "PYTHONNOUSERSITE": "1"}


def test_bundle_layout(bundle: Path) -> None:
    assert (bundle / "src" / "skaffold_ls" / "__main__.py").is_file()
    assert (bundle / "src" / "skaffold_ls" / "schemas").is_dir(), "schemas/model goes where the wheel puts it"
    assert (bundle / "libs" / "pygls").is_dir() and (bundle / "libs" / "lsprotocol").is_dir()
    assert list((bundle / "libs").glob("pygls-*.dist-info")), "dist-info kept for importlib.metadata"
    native = list((bundle / "native").iterdir())
    assert [p.name for p in native] == [_soabi(sys.executable)]
    assert (native[0] / "rpds").is_dir() and (native[0] / "regex").is_dir()
    assert not (bundle / "libs" / "kubernetes").exists(), "kubernetes is only for `attach`: not bundled"
    assert not list(bundle.rglob("__pycache__"))


def test_bare_python_runs_the_bundled_server(bundle: Path, tmp_path: Path) -> None:
    soabi = _soabi(sys.executable)
    bare = next((py for py in ("/usr/bin/python3", "/usr/local/bin/python3")
                 if Path(py).is_file() and _soabi(py) == soabi and _bare(py)), None)
    if bare is None:
        pytest.skip(f"no Python without pygls and with SOABI {soabi} on this machine")
    env = _env(bundle, soabi or "")
    r = subprocess.run([bare, "-c", f"import importlib; [importlib.import_module(m) for m in {MODULES!r}]"],
                       env=env, capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    (tmp_path / "skaffold.yaml").write_text(
        "apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  artifacts:\n  - image: app\n    dockr: {}\n")
    r = subprocess.run([bare, "-m", "skaffold_ls", "check", "--format", "json", "skaffold.yaml"],
                       cwd=tmp_path, env=env, capture_output=True, text=True, check=False)
    codes = [d["code"] for d in json.loads(r.stdout)]
    assert "unknown-key" in codes, r.stdout + r.stderr

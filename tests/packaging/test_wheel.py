"""The wheel from `python -m build` gives a working `skaffold-ls` outside the repository.

Built from a copy of this working tree, installed into a fresh venv in a temporary folder, run
from a folder that has nothing of the repository in it: the schema model and the diagnostics
doc must come from inside the wheel.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from ..tooling import REPO, missing
from .conftest import clone_working_tree

pytestmark = pytest.mark.slow


def run(cmd: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_wheel_installs_into_a_fresh_venv_and_checks_an_example(tmp_path: Path):
    try:
        import build  # noqa: F401  (only to know it is there; it runs as `python -m build`)
    except ImportError:
        missing("the `build` package", "pip install -e '.[test]'")
    src = clone_working_tree(tmp_path / "src")
    dist = tmp_path / "dist"
    r = run([sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(src)], cwd=tmp_path)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]
    (wheel,) = dist.glob("skaffold_ls-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert {"skaffold_ls/schemas/skaffold-model.json", "skaffold_ls/docs/diagnostics.md",
            "skaffold_ls/cli.py"} <= names
    assert not any(n.startswith(("tests/", "vscode-extension/", "server/")) for n in names), sorted(names)[:20]
    print(f"wheel {wheel.name}: {wheel.stat().st_size} bytes, {len(names)} files")

    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=True, clear=True).create(env_dir)
    py, exe = env_dir / "bin" / "python", env_dir / "bin" / "skaffold-ls"
    r = run([str(py), "-m", "pip", "install", "-q", str(wheel)], cwd=tmp_path, timeout=900)
    assert r.returncode == 0, r.stdout[-3000:] + r.stderr[-3000:]

    work = tmp_path / "elsewhere"
    shutil.copytree(REPO / "examples" / "go-ko-helm", work)
    located = run([str(py), "-c", "import skaffold_ls, sys; print(skaffold_ls.__file__)"], cwd=work)
    assert Path(located.stdout.strip()).is_relative_to(env_dir), located.stdout

    r = run([str(exe), "check", "skaffold.yaml"], cwd=work)
    assert r.returncode == 1, r.stdout + r.stderr
    assert "skaffold.yaml:13:7: error unknown-key unknown key `fromImge`" in r.stdout, r.stdout
    assert "removed-field" in r.stdout

    r = run([str(exe), "check", "--format", "sarif", "skaffold.yaml"], cwd=work)
    rules = json.loads(r.stdout)["runs"][0]["tool"]["driver"]["rules"]
    uri = next(x["helpUri"] for x in rules if x["id"] == "unknown-key")
    assert uri.startswith(env_dir.resolve().as_uri()) and "/skaffold_ls/docs/diagnostics.md#" in uri, uri
    assert run([str(exe), "--version"], cwd=work).stdout.startswith("skaffold-ls ")

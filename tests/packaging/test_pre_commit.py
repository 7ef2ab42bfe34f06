"""The pre-commit hook (.pre-commit-hooks.yaml) through the real `pre-commit`: `try-repo` on a local
clone installs skaffold-ls in pre-commit's own environment and runs it on a repository with a good
and a bad config, plus files the hook must leave alone."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from ..tooling import REPO, missing
from .conftest import clone_working_tree, git

pytestmark = pytest.mark.slow

GOOD = "apiVersion: skaffold/v4beta14\nkind: Config\nmetadata:\n  name: good\n"
BAD = "apiVersion: skaffold/v4beta14\nkind: Config\nbiuld:\n  artifacts: []\n"


def test_the_hook_definition_follows_the_issue() -> None:
    (hook,) = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "skaffold-ls" and hook["entry"] == "skaffold-ls check" and hook["language"] == "python"


@pytest.fixture(scope="module")
def pre_commit() -> list[str]:
    exe = shutil.which("pre-commit", path=str(Path(sys.executable).parent))
    if exe is None:
        missing("pre-commit", "pip install -e '.[test]'")
    return [exe]


def test_pre_commit_try_repo_passes_good_configs_and_fails_bad_ones(pre_commit: list[str], tmp_path: Path):
    hook_repo = clone_working_tree(tmp_path / "skaffold-ls")
    project = tmp_path / "project"
    for rel, text in {
        "good/skaffold.yaml": GOOD,
        "good/api.skaffold.yml": GOOD,
        "bad/skaffold-dev.yaml": BAD,
        "k8s/deployment.yaml": BAD,  # not a skaffold file name: never passed to the hook
        "notes/skaffold.txt": BAD,
    }.items():
        (project / rel).parent.mkdir(parents=True, exist_ok=True)
        (project / rel).write_text(text, encoding="utf-8")
    git(project, "init", "-q")
    git(project, "add", "-A")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home"), "PRE_COMMIT_COLOR": "never",
           "PIP_DISABLE_PIP_VERSION_CHECK": "1"}

    def try_repo(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*pre_commit, "try-repo", str(hook_repo), "skaffold-ls", "--verbose", *args],
                              cwd=project, env=env, capture_output=True, text=True, timeout=900)

    good = try_repo("--files", "good/skaffold.yaml", "good/api.skaffold.yml", "k8s/deployment.yaml")
    assert good.returncode == 0, good.stdout + good.stderr
    assert "Passed" in good.stdout

    everything = try_repo("--all-files")
    out = everything.stdout
    assert everything.returncode == 1, out + everything.stderr
    assert "bad/skaffold-dev.yaml:3:1: error unknown-key" in out, out
    assert "deployment.yaml" not in out and "skaffold.txt" not in out, out

"""Helpers for the packaging tests: a copy of this working tree as its own git repository."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ..tooling import REPO, missing


def git(cwd: Path, *args: str) -> str:
    r = subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid",
                        "-c", "commit.gpgsign=false", "-c", "init.defaultBranch=main", *args],
                       cwd=cwd, capture_output=True, text=True, timeout=120, check=True)
    return r.stdout


def clone_working_tree(dest: Path) -> Path:
    """The files git would commit from this working tree (tracked and new, not ignored), committed
    in a fresh repository: what a user's clone has, including changes not committed yet."""
    if shutil.which("git") is None:
        missing("git", "Debian: apt-get install -y git")
    names = git(REPO, "ls-files", "--cached", "--others", "--exclude-standard", "-z").split("\0")
    for name in filter(None, names):
        src = REPO / name
        if not src.is_file():  # deleted but not yet staged
            continue
        (dest / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, dest / name)
    git(dest, "init", "-q")
    git(dest, "add", "-A")
    git(dest, "commit", "-q", "-m", "snapshot")
    return dest

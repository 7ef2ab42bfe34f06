"""External tools the tests drive: skip on a developer machine without them, fail in CI.

CI (`CI=true`, `scripts/test.sh`) runs `scripts/install.sh --all` first, which installs every
tool these tests need; a tool missing there is a broken install step, not a reason to skip.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parents[1]


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def missing(what: str, install: str) -> NoReturn:
    message = f"{what} is not available here ({install})"
    if in_ci():
        pytest.fail(message + "; CI installs it with scripts/install.sh --all", pytrace=False)
    pytest.skip(message)


def npm_ci(folder: Path) -> None:
    """`npm ci` from the folder's committed lock file, unless node_modules was made from it."""
    stamp = folder / "node_modules" / ".skaffold-ls-lock-stamp"
    lock = (folder / "package-lock.json").read_text(encoding="utf-8")
    if stamp.is_file() and stamp.read_text(encoding="utf-8") == lock:
        return
    try:
        r = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=folder, capture_output=True,
                           text=True, timeout=600)
    except FileNotFoundError:
        missing("npm", "Debian: apt-get install -y nodejs npm")
    if r.returncode != 0:
        missing(f"`npm ci` in {folder.relative_to(REPO)}", f"npm said: {(r.stdout + r.stderr)[-800:]}")
    stamp.write_text(lock, encoding="utf-8")


def doc_snippet(doc: Path, name: str) -> str:
    """The fenced block right after `<!-- snippet: NAME -->` in a document: tests run what users paste."""
    m = re.search(r"<!-- snippet: " + re.escape(name) + r" -->\s*```[a-z]*\n(.*?)\n```",
                  doc.read_text(encoding="utf-8"), re.DOTALL)
    assert m is not None, f"{doc.name} has no snippet {name!r}"
    return m.group(1) + "\n"

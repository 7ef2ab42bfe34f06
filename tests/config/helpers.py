"""What the config tests share: a project written from a dict of files."""

from __future__ import annotations

from pathlib import Path

HEAD = "apiVersion: skaffold/v4beta14\nkind: Config\n"


def write(root: Path, files: dict[str, str]) -> Path:
    """Each `relative/path: text` under `root` (folders made as needed); returns `root`."""
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root

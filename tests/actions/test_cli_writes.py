"""`fix --apply` never loses a byte: a full disk, a read-only file or a symlink leave the
user's files whole, with a clear message and exit status 2."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from skaffold_ls import cli

TYPO = b"apiVersion: skaffold/v4beta14\r\nkind: Config\r\nbuild:\r\n  artifacts:\r\n  - image: a\r\n    contxt: .\r\n"
FIXED = TYPO.replace(b"contxt", b"context")


def fix_apply(path: Path) -> int:
    return cli.main(["fix", "--action", "rename-key", "--apply", str(path)])


def test_a_full_disk_leaves_the_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "skaffold.yaml"
    path.write_bytes(TYPO + b"# " + b"x" * 100_000 + b"\r\n")  # a tail that a truncating write loses
    before = path.read_bytes()
    real_write = os.write

    def disk_full(fd: int, data: bytes) -> int:
        if fd > 2:
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    def truncating_write_text(self: Path, *args: object, **kwargs: object) -> int:
        # What Path.write_text does on a full disk: the file is truncated on open, the write fails.
        with open(self, "w"):
            pass
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", disk_full)
    monkeypatch.setattr(Path, "write_text", truncating_write_text)
    assert fix_apply(path) == 2
    monkeypatch.undo()
    err = capsys.readouterr().err
    assert "Traceback" not in err and "No space left on device" in err and "skaffold.yaml" in err
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["skaffold.yaml"]  # no temporary file left


def test_a_read_only_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    path = tmp_path / "skaffold.yaml"
    path.write_bytes(TYPO)
    path.chmod(0o444)
    try:
        assert fix_apply(path) == 2
    finally:
        path.chmod(0o644)
    err = capsys.readouterr().err
    assert "read-only" in err and "Traceback" not in err
    assert path.read_bytes() == TYPO


def test_symlink_mode_crlf_and_bom_are_kept(tmp_path: Path):
    real = tmp_path / "configs" / "skaffold.yaml"
    real.parent.mkdir()
    real.write_bytes(b"\xef\xbb\xbf" + TYPO)
    real.chmod(0o640)
    link = tmp_path / "skaffold.yaml"
    link.symlink_to(Path("configs") / "skaffold.yaml")
    assert fix_apply(link) == 0
    assert link.is_symlink()
    assert real.read_bytes() == b"\xef\xbb\xbf" + FIXED
    assert stat.S_IMODE(real.stat().st_mode) == 0o640

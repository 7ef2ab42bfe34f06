"""core/fsutil.py: globs and walks that end, reads that cannot block, writes that cannot half-happen."""

from __future__ import annotations

import glob
import os
import stat
from pathlib import Path

import pytest

from skaffold_ls.core import fsutil


def tree(root: Path) -> Path:
    for rel in ["k8s/a.yaml", "k8s/b.yml", "k8s/sub/c.yaml", "k8s/sub/deeper/d.yaml", "k8s/.hidden/e.yaml",
                "k8s/.f.yaml", "other/x.json", "top.yaml"]:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text("a: 1\n")
    return root


PATTERNS = ["k8s/*.yaml", "k8s/**/*.yaml", "**/*.yaml", "k8s/**", "k8s/*/*.yaml", "k8s/.*.yaml", "*/sub/**/*.yaml",
            "k8s/a.yaml", "k8s/missing.yaml", "k8s/[ab].y*ml", "**/sub", "nothing/**/*.yaml"]


@pytest.mark.parametrize("pattern", PATTERNS)
def test_glob_finds_what_glob_glob_finds(tmp_path: Path, pattern: str):
    tree(tmp_path)
    expected = sorted({os.path.normpath(p) for p in glob.glob(str(tmp_path / pattern), recursive=True)})
    got = fsutil.glob_paths(pattern, tmp_path)
    assert [os.path.normpath(p) for p in got.paths] == expected
    assert not got.truncated


def test_relative_glob_without_base_is_relative_to_the_cwd(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    tree(tmp_path)
    monkeypatch.chdir(tmp_path)
    assert [str(p) for p in fsutil.glob_paths("k8s/*.yaml").paths] == sorted(glob.glob("k8s/*.yaml"))
    assert [str(p) for p in fsutil.glob_paths("*.yaml").paths] == ["top.yaml"]


def test_glob_through_symlink_loops_ends_and_follows_each_real_folder_once(tmp_path: Path):
    tree(tmp_path)
    (tmp_path / "k8s" / "up").symlink_to("..")  # k8s/up/k8s/up/... forever for glob.glob
    (tmp_path / "k8s" / "sub" / "again").symlink_to("../../k8s")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "z.yaml").write_text("z: 1\n")
    (tmp_path / "k8s" / "linked").symlink_to("../elsewhere")
    got = fsutil.glob_paths("k8s/**/*.yaml", tmp_path)
    names = sorted(p.name for p in got.paths)
    assert names == ["a.yaml", "c.yaml", "d.yaml", "top.yaml", "z.yaml"]  # top.yaml through k8s/up
    assert not got.truncated


def test_glob_and_walk_stop_at_their_entry_limit_and_say_so(tmp_path: Path):
    for i in range(30):
        (tmp_path / f"f{i}.yaml").write_text("")
    g = fsutil.glob_paths("**/*.yaml", tmp_path, max_entries=10)
    assert g.truncated and g.limit == 10 and len(g.paths) <= 10
    w = fsutil.walk_files(tmp_path, max_entries=10)
    assert w.truncated and len(w.paths) <= 10
    assert not fsutil.walk_files(tmp_path, max_entries=100).truncated


def test_walk_does_not_follow_folder_symlinks_unless_asked_and_never_loops(tmp_path: Path):
    tree(tmp_path)
    (tmp_path / "k8s" / "up").symlink_to("..")
    plain = fsutil.walk_files(tmp_path / "k8s")
    assert sorted(p.name for p in plain.paths) == [".f.yaml", "a.yaml", "b.yml", "c.yaml", "d.yaml", "e.yaml"]
    followed = fsutil.walk_files(tmp_path / "k8s", follow_symlinks=True, skip_dir=lambda n: n == ".hidden")
    assert sorted(p.name for p in followed.paths) == [".f.yaml", "a.yaml", "b.yml", "c.yaml", "d.yaml",
                                                       "top.yaml", "x.json"]


def test_walk_reports_unreadable_folders_to_onerror(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    (tmp_path / "locked").mkdir()
    real_scandir = os.scandir

    def scandir(path: object = ".") -> object:
        if Path(str(path)) == tmp_path / "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", scandir)
    errors: list[OSError] = []
    fsutil.walk_files(tmp_path, onerror=errors.append)
    assert [e.errno for e in errors] == [13]


def test_read_refuses_a_fifo_without_blocking_and_a_device_without_reading(tmp_path: Path):
    fifo = tmp_path / "skaffold.yaml"
    os.mkfifo(fifo)
    with pytest.raises(fsutil.NotRegularFileError, match="named pipe"):
        fsutil.read_bytes(fifo, 1000)
    zero = tmp_path / "zero.yaml"
    zero.symlink_to("/dev/zero")
    with pytest.raises(fsutil.NotRegularFileError, match="character device"):
        fsutil.read_text(zero, 1000)
    with pytest.raises(fsutil.NotRegularFileError, match="folder"):
        fsutil.read_bytes(tmp_path, 1000)
    assert not fsutil.is_regular_file(fifo) and not fsutil.is_regular_file(zero)


def test_read_refuses_a_file_over_the_limit(tmp_path: Path):
    f = tmp_path / "big.yaml"
    f.write_bytes(b"x" * 101)
    with pytest.raises(fsutil.FileTooLargeError) as e:
        fsutil.read_bytes(f, 100)
    assert e.value.size == 101
    assert fsutil.read_bytes(f, 101) == b"x" * 101
    f.write_bytes(b"\xef\xbb\xbfa: 1\n")
    assert fsutil.read_text(f, 100) == "a: 1\n"


def test_write_atomic_replaces_keeps_mode_and_writes_through_symlinks(tmp_path: Path):
    target = tmp_path / "real" / "skaffold.yaml"
    target.parent.mkdir()
    target.write_text("old\n")
    target.chmod(0o640)
    link = tmp_path / "skaffold.yaml"
    link.symlink_to(target)
    assert fsutil.write_atomic(link, b"new\r\n") == target
    assert link.is_symlink() and target.read_bytes() == b"new\r\n"
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    assert [p.name for p in target.parent.iterdir()] == ["skaffold.yaml"]  # no temporary file left


def test_write_atomic_gives_a_new_file_the_umask_mode(tmp_path: Path):
    old = os.umask(0o022)
    try:
        fsutil.write_atomic(tmp_path / "new.json", b"{}")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.json").stat().st_mode) == 0o644


def test_write_atomic_failure_leaves_the_old_file_whole(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    f = tmp_path / "skaffold.yaml"
    f.write_text("apiVersion: skaffold/v4beta14\nkind: Config\n")
    real_write = os.write

    def disk_full(fd: int, data: object) -> int:
        if fd > 2:
            raise OSError(28, "No space left on device")
        return real_write(fd, data)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "write", disk_full)
    with pytest.raises(OSError) as e:
        fsutil.write_atomic(f, b"x" * 100_000)
    monkeypatch.undo()
    assert e.value.errno == 28 and e.value.filename == str(f)
    assert f.read_text() == "apiVersion: skaffold/v4beta14\nkind: Config\n"
    assert [p.name for p in tmp_path.iterdir()] == ["skaffold.yaml"]

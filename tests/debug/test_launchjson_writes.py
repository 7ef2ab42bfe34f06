"""Writing launch.json never loses an entry or a byte: concurrent writers, symlinks, modes,
a full disk and a `.vscode` that points out of the workspace."""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from skaffold_ls.debug.launchjson import LaunchJsonError, read_launch_json, upsert_launch_json

PROJECTS = Path(__file__).resolve().parents[1] / "fixtures" / "projects"
OURS = {"name": "skaffold: app", "type": "go", "request": "attach", "mode": "remote", "port": 56268}
THEIRS = {"name": "mine", "type": "node", "request": "launch"}


def four_projects(tmp_path: Path) -> list[Path]:
    """The Go guide's project four times, each building its own image (one entry each)."""
    out = []
    for i in range(4):
        dest = tmp_path / f"app{i}"
        shutil.copytree(PROJECTS / "go-guide", dest, ignore=shutil.ignore_patterns("expected"))
        for f in (dest / "skaffold.yaml", dest / "k8s" / "pod.yaml"):
            f.write_text(f.read_text().replace("skaffold-example", f"app{i}"))
        out.append(dest)
    return out


def test_concurrent_writers_keep_every_entry(tmp_path: Path):
    """Four `launch-config --write` at once used to keep one or two of the four entries."""
    projects = four_projects(tmp_path)
    for round_ in range(3):
        launch_json = tmp_path / f"round{round_}" / "launch.json"
        procs = [subprocess.Popen([sys.executable, "-m", "skaffold_ls", "launch-config", "--write",
                                   "--workspace", str(p), "--launch-json", str(launch_json)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for p in projects]
        for proc in procs:
            _, err = proc.communicate(timeout=120)
            assert proc.returncode == 0, err
        names = sorted(c["name"] for c in read_launch_json(launch_json)["configurations"])
        assert len(names) == 4, (round_, names)


def test_a_symlinked_launch_json_is_written_through(tmp_path: Path):
    shared = tmp_path / "dotfiles" / "launch.json"
    shared.parent.mkdir()
    shared.write_text('{"version": "0.2.0", "configurations": [{"name": "mine", "type": "node", "request": "launch"}]}')
    link = tmp_path / "ws" / ".vscode" / "launch.json"
    link.parent.mkdir(parents=True)
    link.symlink_to(shared)
    assert upsert_launch_json(link, [OURS], workspace=tmp_path / "ws")
    assert link.is_symlink() and os.readlink(link) == str(shared)
    assert [c["name"] for c in read_launch_json(shared)["configurations"]] == ["mine", "skaffold: app"]


def test_a_new_launch_json_gets_the_umask_mode_not_0600(tmp_path: Path):
    old = os.umask(0o022)
    try:
        upsert_launch_json(tmp_path / ".vscode" / "launch.json", [OURS])
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / ".vscode" / "launch.json").stat().st_mode) == 0o644


def test_a_vscode_folder_linked_outside_the_workspace_is_refused(tmp_path: Path):
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / ".vscode").symlink_to(outside)
    with pytest.raises(LaunchJsonError, match="outside the workspace"):
        upsert_launch_json(ws / ".vscode" / "launch.json", [OURS], workspace=ws)
    assert list(outside.iterdir()) == []
    inside = ws / "shared-vscode"
    inside.mkdir()
    (ws / ".vscode").unlink()
    (ws / ".vscode").symlink_to(inside)  # a link that stays in the workspace is fine
    assert upsert_launch_json(ws / ".vscode" / "launch.json", [OURS], workspace=ws)


def test_a_full_disk_names_the_file_and_keeps_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    path = tmp_path / ".vscode" / "launch.json"
    path.parent.mkdir()
    before = '{"version": "0.2.0", "configurations": [{"name": "mine", "type": "node", "request": "launch"}]}\n'
    path.write_text(before)
    real_write = os.write

    def disk_full(fd: int, data: bytes) -> int:
        if fd > 2:
            raise OSError(28, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(os, "write", disk_full)
    with pytest.raises(LaunchJsonError) as e:
        upsert_launch_json(path, [OURS])
    monkeypatch.undo()
    assert str(path) in str(e.value) and "No space left on device" in str(e.value)
    assert path.read_text() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["launch.json"]  # no temporary or lock file

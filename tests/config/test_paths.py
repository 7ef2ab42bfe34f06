"""Where paths resolve and what manifest globs name, as skaffold does."""

from __future__ import annotations

import os
from pathlib import Path

from skaffold_ls.config.paths import find_workspace_root, glob_files, globs_remembered, run_directory


def touch(root: Path, *names: str) -> None:
    for n in names:
        (root / n).parent.mkdir(parents=True, exist_ok=True)
        (root / n).write_text("x", encoding="utf-8")


def rel(root: Path, files: list[Path]) -> list[str]:
    return [f.relative_to(root).as_posix() for f in files]


def test_globs_are_go_filepath_glob_and_folders_stand_for_their_files(tmp_path: Path) -> None:
    touch(tmp_path, "k8s/a.yaml", "k8s/sub/b.yaml", "one/k8s-pod.yaml", "two/k8s-pod.yaml", "skaffold.yaml",
          "k8s/.hidden.yaml")
    # `**` is `*` for Go's filepath.Glob: one folder level, not any depth
    assert rel(tmp_path, glob_files(tmp_path, "**/*.yaml").files) == [
        "k8s/.hidden.yaml", "k8s/a.yaml", "one/k8s-pod.yaml", "two/k8s-pod.yaml"]
    # a folder (named, or matched) stands for every file under it
    assert rel(tmp_path, glob_files(tmp_path, "k8s").files) == ["k8s/.hidden.yaml", "k8s/a.yaml", "k8s/sub/b.yaml"]
    assert rel(tmp_path, glob_files(tmp_path, "k8*").files) == ["k8s/.hidden.yaml", "k8s/a.yaml", "k8s/sub/b.yaml"]
    assert glob_files(tmp_path, "nothing/*.yaml").files == []


def test_globs_end_on_symlink_loops_and_skip_special_files(tmp_path: Path) -> None:
    touch(tmp_path, "k8s/a.yaml")
    os.symlink(tmp_path, tmp_path / "k8s" / "loop")
    os.mkfifo(tmp_path / "k8s" / "fifo.yaml")
    assert rel(tmp_path, glob_files(tmp_path, "k8s").files) == ["k8s/a.yaml"]
    assert rel(tmp_path, glob_files(tmp_path, "k8s/*.yaml").files) == ["k8s/a.yaml"]
    assert glob_files(tmp_path, "k8s/*", limit=1).truncated


def test_run_directory_rules(tmp_path: Path) -> None:
    touch(tmp_path, "dev/skaffold-x.yaml", "web/Dockerfile", "alone/skaffold.yaml", ".git/HEAD")
    (tmp_path / "Makefile").write_text("dev:\n\tskaffold dev -f dev/skaffold-x.yaml\n", encoding="utf-8")
    named = run_directory(tmp_path / "dev" / "skaffold-x.yaml", tmp_path)
    assert named.path == tmp_path and named.reason.startswith("Makefile:2 runs skaffold")
    alone = run_directory(tmp_path / "alone" / "skaffold.yaml", tmp_path)
    assert alone.path == tmp_path / "alone" and alone.reason == "the config's folder"
    explicit = run_directory(tmp_path / "alone" / "skaffold.yaml", tmp_path, explicit=tmp_path / "dev")
    assert explicit.path == tmp_path / "dev" and explicit.reason == "set explicitly"
    assert find_workspace_root(tmp_path / "alone" / "skaffold.yaml") == tmp_path  # the .git folder


def test_a_glob_is_walked_once_per_analysis_and_afresh_after_it(tmp_path: Path) -> None:
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "a.yaml").write_text("kind: Service\n")
    with globs_remembered():
        first = glob_files(tmp_path, "k8s/*.yaml")
        first.files.clear()  # callers get copies: this must not change what is remembered
        (tmp_path / "k8s" / "b.yaml").write_text("kind: Service\n")
        again = glob_files(tmp_path, "k8s/*.yaml")
    assert [f.name for f in again.files] == ["a.yaml"]  # the same answer within one analysis
    assert [f.name for f in glob_files(tmp_path, "k8s/*.yaml").files] == ["a.yaml", "b.yaml"]  # a new one after

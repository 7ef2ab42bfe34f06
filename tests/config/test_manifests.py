"""Kustomizations as skaffold-ls reads them (config/manifests.py): followed references, image names,
and a cache that notices when the file changes (the server re-checks after every save)."""

from __future__ import annotations

import os
from pathlib import Path

from skaffold_ls.config.manifests import kustomization_files, kustomize_image_names, read_kustomization


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def test_references_are_followed_through_bases_and_patches(tmp_path: Path) -> None:
    _write(tmp_path / "base/kustomization.yaml", "resources: [deploy.yaml]\n")
    _write(tmp_path / "base/deploy.yaml", "kind: Deployment\n")
    _write(tmp_path / "overlay/kustomization.yaml",
           "resources: [../base]\npatches:\n- path: patch.yaml\nimages:\n- name: app\n  newName: registry/app\n")
    _write(tmp_path / "overlay/patch.yaml", "kind: Deployment\n")
    files, problem = kustomization_files(tmp_path / "overlay")
    assert problem is None
    assert {f.relative_to(tmp_path).as_posix() for f in files} == {
        "overlay/kustomization.yaml", "overlay/patch.yaml", "base/kustomization.yaml", "base/deploy.yaml"}
    assert kustomize_image_names(tmp_path / "overlay") == ["app", "registry/app"]


def test_an_edited_kustomization_is_read_again(tmp_path: Path) -> None:
    kfile = tmp_path / "kustomization.yaml"
    _write(kfile, "images:\n- name: app\n")
    assert read_kustomization(kfile).image_names == ("app",)
    assert read_kustomization(kfile) is read_kustomization(kfile)  # cached while unchanged
    _write(kfile, "images:\n- name: web\n  newName: registry/web\n")
    st = kfile.stat()
    os.utime(kfile, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))  # a new stamp even on coarse clocks
    assert read_kustomization(kfile).image_names == ("web", "registry/web")
    kfile.unlink()
    assert read_kustomization(kfile).image_names == ()


def test_unreadable_or_odd_kustomizations_give_nothing(tmp_path: Path) -> None:
    _write(tmp_path / "a/kustomization.yaml", "- just\n- a list\n")
    _write(tmp_path / "b/kustomization.yaml", "\x00\x01binary")
    for folder in ("a", "b"):
        assert read_kustomization(tmp_path / folder / "kustomization.yaml").refs == ()
        assert kustomize_image_names(tmp_path / folder) == []

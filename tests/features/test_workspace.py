"""The workspace scan behind starters, references and resource names."""

from __future__ import annotations

from pathlib import Path

from skaffold_ls.features import workspace as ws
from tests.features.conftest import ws as fixture


def test_scan_of_a_go_and_helm_workspace() -> None:
    s = ws.scan(fixture("ledger"))
    root = fixture("ledger").resolve()
    assert s.go_mods == {root: "github.com/acme/ledger"}
    assert s.main_packages == [root / "cmd" / "ledger"]
    assert s.charts == [root / "charts" / "ledger"]
    assert s.manifests == []  # chart templates are not plain manifests
    assert s.configs == [root / "skaffold.yaml"]


def test_scan_finds_manifests_resources_and_images() -> None:
    s = ws.scan(fixture("shop"))
    got = sorted((r.kind, r.name, r.file.name, tuple(r.images)) for r in s.resources)
    assert got == [("Deployment", "shop-api", "api.yaml", ("shop-api",)),
                   ("Service", "shop-api", "api.yaml", ()),
                   ("StatefulSet", "shop-worker", "worker.yaml", ("shop-worker",))]
    assert [p.name for p in s.dockerfiles] == ["Dockerfile"]
    assert {p.name for p in s.main_packages} == {"api", "worker"}  # not internal/store


def test_rescan_after_changes_and_skipped_folders(tmp_path: Path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/x // the module\n")
    (tmp_path / "main.go").write_text("// a comment\npackage main\n")
    (tmp_path / "main_test.go").write_text("package main\n")
    (tmp_path / "node_modules" / "m").mkdir(parents=True)
    (tmp_path / "node_modules" / "m" / "d.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata: {name: no}\n")
    s = ws.scan(tmp_path)
    assert s.go_mods == {tmp_path.resolve(): "example.com/x"} and s.main_packages == [tmp_path.resolve()]
    assert s.resources == []
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "pod.yaml").write_text("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n")
    assert ws.scan(tmp_path).resources == []  # cached
    ws.invalidate(tmp_path)
    assert [r.name for r in ws.scan(tmp_path).resources] == ["p"]


def test_scan_never_reads_special_files(tmp_path: Path) -> None:
    """A FIFO named like a manifest, a Go file or go.mod blocked the scan (and the completion
    waiting for it) forever; a link to /dev/zero read until memory ran out."""
    import os
    import threading

    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "app.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: app}\n")
    os.mkfifo(tmp_path / "k8s" / "deploy.yaml")
    (tmp_path / "k8s" / "zero.yaml").symlink_to("/dev/zero")
    os.mkfifo(tmp_path / "go.mod")
    os.mkfifo(tmp_path / "main.go")
    (tmp_path / "chart").mkdir()
    (tmp_path / "chart" / "Chart.yaml").write_text("name: chart\n")
    os.mkfifo(tmp_path / "chart" / "values.yaml")
    result: list[ws.Scan] = []
    worker = threading.Thread(target=lambda: result.append(ws.scan(tmp_path)), daemon=True)
    worker.start()
    worker.join(60)  # a hang guard, not a timing: without the fix the scan never returns
    assert not worker.is_alive(), "the workspace scan blocked on a special file"
    assert [r.name for r in result[0].resources] == ["app"]
    assert ws.chart_values(tmp_path / "chart") == {}

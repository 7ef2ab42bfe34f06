"""Source mappings derived from how each artifact is built (beyond the matrix cases)."""

from __future__ import annotations

from pathlib import Path

from skaffold_ls.config.project import load_project
from skaffold_ls.debug.mapping import (
    cloud_code_debug_entry,
    derive_mapping,
    expand_vscode_variables,
    make_configuration,
)


def project(tmp_path: Path, yaml: str, files: dict[str, str]) -> Path:
    (tmp_path / "skaffold.yaml").write_text("apiVersion: skaffold/v4beta14\nkind: Config\n" + yaml)
    for name, text in files.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


def test_buildpacks_map_to_workspace(tmp_path: Path) -> None:
    ws = project(tmp_path, "build: {artifacts: [{image: bp, context: app, buildpacks: {builder: x}}]}",
                 {"app/go.mod": "module example.com/bp\n"})
    m = derive_mapping(load_project(ws, env={}).artifacts[0], ws)
    assert m.runtime == "go" and [(p.local, p.remote) for p in m.maps] == [((ws / "app").resolve(), "/workspace")]


def test_ko_trimpath_flag_maps_to_module(tmp_path: Path) -> None:
    ws = project(tmp_path, "build: {artifacts: [{image: k, ko: {dir: cmd, flags: [-trimpath]}}]}",
                 {"go.mod": "module example.com/k\n", "cmd/main.go": "package main\n"})
    m = derive_mapping(load_project(ws, env={}).artifacts[0], ws)
    assert [(p.local, p.remote) for p in m.maps] == [(ws.resolve(), "example.com/k")]
    assert any("-trimpath" in w for w in m.warnings)


def test_jib_needs_no_mapping_and_custom_is_best_effort(tmp_path: Path) -> None:
    ws = project(tmp_path, "build: {artifacts: [{image: j, jib: {}}, {image: c, custom: {buildCommand: ./b.sh}}]}", {})
    j, c = load_project(ws, env={}).artifacts
    mj = derive_mapping(j, ws)
    assert mj.runtime == "jvm" and mj.maps == [] and mj.confidence == "none-needed"
    mc = derive_mapping(c, ws, runtime="python", working_dir="/srv")
    assert mc.confidence == "best-effort" and [p.remote for p in mc.maps] == ["/srv"]
    assert "sourceMap" in mc.warnings[0] and ".skaffold-ls.yaml" in mc.warnings[0]


def test_override_file_wins(tmp_path: Path) -> None:
    ws = project(tmp_path, "build: {artifacts: [{image: c, custom: {buildCommand: ./b.sh}}]}",
                 {".skaffold-ls.yaml": "debug:\n  artifacts:\n    c:\n      runtime: go\n"
                                       "      sourceMap: [{local: src, remote: /build/src}]\n"})
    from skaffold_ls.debug.mapping import load_overrides

    m = derive_mapping(load_project(ws, env={}).artifacts[0], ws, overrides=load_overrides(ws))
    assert m.confidence == "override" and m.runtime == "go"
    assert [(p.local, p.remote) for p in m.maps] == [((ws / "src").resolve(), "/build/src")]


def test_python_multistage_follows_copy_from(tmp_path: Path) -> None:
    ws = project(tmp_path, "build: {artifacts: [{image: py}]}", {
        "Dockerfile": "FROM python:3.12 AS build\nWORKDIR /build\nCOPY src/ ./src/\n"
                      "FROM python:3.12-slim\nWORKDIR /opt\nCOPY --from=build /build/src /opt/app\n"
                      "CMD [\"python\", \"/opt/app/main.py\"]\n"})
    m = derive_mapping(load_project(ws, env={}).artifacts[0], ws)
    assert m.runtime == "python"
    assert [(p.local, p.remote) for p in m.maps] == [((ws / "src").resolve(), "/opt/app")]


def test_configuration_shapes(tmp_path: Path) -> None:
    ws = project(tmp_path, "build: {artifacts: [{image: py}]}",
                 {"Dockerfile": "FROM python:3.12\nWORKDIR /app\nCOPY . .\nCMD python app.py\n"})
    m = derive_mapping(load_project(ws, env={}).artifacts[0], ws)
    cfg = make_configuration("skaffold: py", "python", 5678, m, ws)
    assert cfg["connect"] == {"host": "127.0.0.1", "port": 5678}
    assert cfg["pathMappings"] == [{"localRoot": "${workspaceFolder}", "remoteRoot": "/app"}]
    assert expand_vscode_variables(cfg, ws)["pathMappings"][0]["localRoot"] == str(ws)
    net = make_configuration("n", "netcore", None, m, ws, pod="p-1", namespace="ns", container="c")
    assert net["pipeTransport"]["pipeArgs"] == ["exec", "-i", "-n", "ns", "-c", "c", "p-1", "--"]
    assert net["sourceFileMap"] == {"/app": "${workspaceFolder}"}
    jvm = make_configuration("j", "jvm", 5005, m, ws)
    assert jvm == {"name": "j", "type": "java", "request": "attach", "hostName": "127.0.0.1", "port": 5005}
    assert cloud_code_debug_entry("py", "web", m, ws) == {
        "image": "py", "containerName": "web", "sourceFileMap": {"${workspaceFolder}": "/app"}}

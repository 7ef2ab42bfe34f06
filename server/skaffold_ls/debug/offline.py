"""The configurations `skaffold-ls debug` would write, computed from files only (no cluster)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skaffold_ls.config.artifacts import Artifact
from skaffold_ls.config.project import Project, load_project
from skaffold_ls.debug.mapping import (
    COMPOUND_NAME,
    DEFAULT_PORTS,
    NAME_PREFIX,
    SourceMapping,
    derive_mapping,
    guess_runtime,
    load_overrides,
    make_configuration,
)


@dataclass
class OfflineConfig:
    artifact: Artifact
    mapping: SourceMapping
    configuration: dict[str, Any] | None  # None: runtime unknown or not attachable by port
    note: str


@dataclass
class OfflineResult:
    project: Project
    configs: list[OfflineConfig]


def offline_configurations(
    workspace: Path,
    skaffold_file: Path | None = None,
    profiles: Sequence[str] = (),
    modules: Sequence[str] = (),
) -> OfflineResult:
    """The attach configurations for what `skaffold debug` would load (no cluster needed)."""
    workspace = workspace.resolve()
    path = skaffold_file if skaffold_file is not None else workspace / "skaffold.yaml"
    if not path.is_absolute():
        path = workspace / path
    project = load_project(path, profiles, modules, command="debug")
    overrides = load_overrides(workspace)
    out: list[OfflineConfig] = []
    for art in project.artifacts:
        image = art.image or ""
        runtime = guess_runtime(art)
        mapping = derive_mapping(art, workspace, runtime, None, overrides)
        runtime = mapping.runtime or runtime
        if runtime is None:
            out.append(OfflineConfig(art, mapping, None,
                                     f"{image}: cannot tell the runtime; set runtimeType in skaffold.yaml"))
            continue
        if runtime not in DEFAULT_PORTS:
            out.append(OfflineConfig(art, mapping, None,
                                     f"{image}: {runtime} attaches through `kubectl exec`, not a port; "
                                     "`skaffold-ls debug` writes it once the pod runs"))
            continue
        port = DEFAULT_PORTS[runtime][1]
        cfg = make_configuration(NAME_PREFIX + image, runtime, port, mapping, workspace)
        out.append(OfflineConfig(art, mapping, cfg, f"{image}: {runtime}, port {port}; {mapping.how}"))
    return OfflineResult(project, out)


def compound_for(configs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"name": COMPOUND_NAME, "configurations": [c["name"] for c in configs], "stopAll": True}


def cloud_code_configuration(workspace: Path, skaffold_file: Path | None, results: Sequence[OfflineConfig]) -> dict[str, Any]:
    """The user's guide's Cloud Code launch entry: Cloud Code runs skaffold itself; `debug[]`
    carries one `sourceFileMap` per artifact, written local → remote as in that guide (whose
    ko example maps `${workspaceFolder}` to itself). Not verified against Cloud Code here."""
    from skaffold_ls.debug.mapping import cloud_code_debug_entry, vscode_path

    path = skaffold_file if skaffold_file is not None else Path("skaffold.yaml")
    path = path if path.is_absolute() else workspace.resolve() / path
    debug = []
    for r in results:
        if r.configuration is None:
            continue
        entry = cloud_code_debug_entry(r.artifact.image or "", None, r.mapping, workspace)
        if not r.mapping.maps and r.artifact.builder == "ko":
            entry["sourceFileMap"] = {"${workspaceFolder}": "${workspaceFolder}"}
        debug.append(entry)
    return {
        "name": "skaffold: Cloud Code",
        "type": "cloudcode.kubernetes",
        "request": "launch",
        "skaffoldConfig": vscode_path(path, workspace.resolve()),
        "watch": True,
        "cleanUp": True,
        "portForward": True,
        "debug": debug,
    }

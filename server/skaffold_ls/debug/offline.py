"""The configurations `skaffold-ls debug` would write, computed from files only (no cluster).

One configuration per container `skaffold debug` would configure (`config.debugging`):
images no container runs (bases other artifacts build FROM) get none; images skaffold will
not recognise, or whose debugger cannot start (a stripped Go binary), get none either and a
note saying why and what fixes it. Ports are predicted as skaffold allocates them (in-pod
from the runtime's default, local first free upward in artifact order, after the
`portForward` entries' local ports); `debug` replaces them with the ports it observes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from skaffold_ls.config.artifacts import Artifact, artifacts_of
from skaffold_ls.config.debugging import (
    RUNTIME_LABELS,
    RUNTIME_MARKER_ENV,
    DebugModel,
    DebugTarget,
    debug_targets,
    deployment_of,
    helper_supports,
)
from skaffold_ls.config.loader import apply_profiles
from skaffold_ls.config.project import Project, load_project
from skaffold_ls.debug.mapping import (
    COMPOUND_NAME,
    NAME_PREFIX,
    SourceMapping,
    cloud_code_debug_entry,
    derive_mapping,
    load_overrides,
    make_configuration,
    normalize_runtime,
    vscode_path,
)

PORTS_HEADER = ("ports are skaffold's allocation predicted offline (debug port in the pod from the runtime's default, "
                "local port first free upward in artifact order); `skaffold-ls debug` replaces them with the "
                "forwarded ports it observes")


@dataclass
class OfflineConfig:
    artifact: Artifact
    mapping: SourceMapping | None  # None: no configuration, so no mapping either
    configuration: dict[str, Any] | None  # None: skaffold will not debug it (the note says why)
    note: str
    target: DebugTarget | None = None


@dataclass
class OfflineResult:
    project: Project
    configs: list[OfflineConfig]
    profiles_with_artifacts: dict[str, list[str]] = field(default_factory=dict)  # when none are built without -p


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
    arts = project.artifacts
    model = DebugModel(arts)
    sections = [(c.value, c.base_dir) for c in project.configs]
    deployment = deployment_of(sections, [a.image for a in arts if a.image])
    user_ports = _user_local_ports(project)
    targets = debug_targets(model, arts, deployment, user_ports)
    out: list[OfflineConfig] = []
    names: set[str] = set()
    for art in arts:
        image = art.image or ""
        mine = [t for t in targets if t.prediction.artifact is art]
        if not mine:
            out.append(OfflineConfig(art, None, None, f"{image}: no container runs it (built for other artifacts "
                                                      "or not deployed): `skaffold debug` does not debug it"))
            continue
        for t in mine:
            out.append(_configuration(t, workspace, overrides, model, names))
    result = OfflineResult(project, out)
    if not arts:
        result.profiles_with_artifacts = profiles_adding_artifacts(project)
    return result


def _user_local_ports(project: Project) -> list[int]:
    """`portForward[].localPort`: the user forwarder starts before the debug one."""
    out: list[int] = []
    for cfg in project.configs:
        pf = cfg.value.get("portForward")
        for item in pf.items if pf else []:
            text = item.text_at("localPort")
            if text and text.isdigit():
                out.append(int(text))
    return out


def _configuration(t: DebugTarget, workspace: Path, overrides: dict[str, dict[str, Any]], model: DebugModel,
                   names: set[str]) -> OfflineConfig:
    pred = t.prediction
    art = pred.artifact
    image = art.image or ""
    where = f" ({t.workload.kind.lower()}/{t.workload.name}, container {t.container.name})" \
        if t.workload is not None and t.container is not None else ""
    override = normalize_runtime((overrides.get(image) or {}).get("runtime"))
    runtime = t.runtime or override
    if runtime is None:
        return OfflineConfig(art, None, None, f"{image}{where}: {_not_debugged(t)}", t)
    go = pred.go
    if runtime == "go" and go is not None and go.stripped and not override:
        return OfflineConfig(art, None, None,
                             f"{image}{where}: linked with `-ldflags {' '.join(go.stripped)}`: Delve cannot load it "
                             "(\"could not open debug info\"); fix: `skaffold-ls fix --action go-debug-ldflags`", t)
    mapping = derive_mapping(art, workspace, runtime, None, overrides, model, t.container)
    name = NAME_PREFIX + image
    if name in names and t.workload is not None and t.container is not None:
        name = f"{name} ({t.workload.name}/{t.container.name})"
    names.add(name)
    why = t.detection.reason if t.runtime else f"runtime {override} from the overrides file"
    if runtime == "netcore":
        if t.workload is None or t.container is None:
            return OfflineConfig(art, mapping, None, f"{image}: .NET attaches through `kubectl exec` into its pod, "
                                                     "which the manifests readable here do not name; `skaffold-ls "
                                                     "debug` writes the configuration once the pod runs", t)
        # `kubectl exec deployment/x` picks one of its pods, as `skaffold debug` forwards one per workload
        pod = t.workload.name if t.workload.kind == "Pod" else f"{t.workload.kind.lower()}/{t.workload.name}"
        cfg = make_configuration(name, "netcore", None, mapping, workspace, pod=pod,
                                 namespace=t.workload.namespace, container=t.container.name)
        return OfflineConfig(art, mapping, cfg, f"{image}{where}: .NET ({why}), vsdbg over `kubectl exec`; "
                                                f"{mapping.how}", t)
    port = t.local_port
    if port is None:
        return OfflineConfig(art, mapping, None, f"{image}{where}: {runtime}: no debug port", t)
    cfg = make_configuration(name, runtime, port, mapping, workspace)
    py = pred.python_version
    if runtime == "python" and py is not None and not helper_supports(py):
        mapping.warnings.append(f"{image}: Python {py[0]}.{py[1]}: skaffold's debug helper carries debugpy for "
                                "2.7 and 3.5-3.11 only; install debugpy in the image or debugpy will not start")
    pod_port = f", pod port {t.port}" if t.port != port else ""
    return OfflineConfig(art, mapping, cfg, f"{image}{where}: {RUNTIME_LABELS.get(runtime, runtime)} ({why}), "
                                            f"local port {port}{pod_port}; {mapping.how}", t)


def _not_debugged(t: DebugTarget) -> str:
    pred = t.prediction
    d = t.detection
    if not d.certain and pred.image is None:
        return (f"cannot tell the runtime offline ({pred.artifact.builder} builder); set `runtimeType` in "
                "skaffold.yaml, or `debug.artifacts.<image>.runtime` in .skaffold-ls.yaml")
    if not d.certain and pred.image is not None and pred.image.unknown_base:
        return (f"cannot tell the runtime offline: its base image `{pred.image.unknown_base}` is not one skaffold-ls "
                "knows, and nothing else in the build marks a runtime; set `runtimeType` if it should be debugged")
    text = f"`skaffold debug` will not recognise its runtime ({d.reason})"
    if d.unknown_runtime_type:
        text += f"; `runtimeType: {d.unknown_runtime_type}` is not a runtime skaffold knows"
    lang = pred.language
    if lang:
        marker = RUNTIME_MARKER_ENV.get(lang)
        fix = f"add `ENV {marker[0]}={marker[1]}` to the final stage (`skaffold-ls fix --action add-runtime-env`)" \
            if marker else f"set `runtimeType: {lang}`"
        text += f", although it is a {RUNTIME_LABELS.get(lang, lang)} build ({pred.language_evidence}): {fix}"
    return text + "; no configuration"


def profiles_adding_artifacts(project: Project) -> dict[str, list[str]]:
    """Profiles of the loaded configs that would add build artifacts (when none are built without them)."""
    out: dict[str, list[str]] = {}
    for cfg in project.configs:
        doc = cfg.source
        if doc.value is None:
            continue
        for name in doc.profile_names():
            if name in cfg.profiles:
                continue
            value, _problems = apply_profiles(doc.value, [name], doc.file)
            images = [a.image for a in artifacts_of(value, cfg.base_dir) if a.image]
            if images:
                out.setdefault(name, []).extend(i for i in images if i not in out.get(name, []))
    return out


def compound_for(configs: Sequence[dict[str, Any]]) -> dict[str, Any]:
    return {"name": COMPOUND_NAME, "configurations": [c["name"] for c in configs], "stopAll": True}


def cloud_code_configuration(workspace: Path, skaffold_file: Path | None, results: Sequence[OfflineConfig]) -> dict[str, Any]:
    """The user's guide's Cloud Code launch entry: Cloud Code runs skaffold itself; `debug[]`
    carries one `sourceFileMap` per artifact, written local → remote as in that guide (whose
    ko example maps `${workspaceFolder}` to itself). Not verified against Cloud Code here."""
    path = skaffold_file if skaffold_file is not None else Path("skaffold.yaml")
    path = path if path.is_absolute() else workspace.resolve() / path
    debug = []
    seen: set[str] = set()
    for r in results:
        if r.configuration is None or r.mapping is None or (r.artifact.image or "") in seen:
            continue
        seen.add(r.artifact.image or "")
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

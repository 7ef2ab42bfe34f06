"""Source mapping: where the debuggee's sources lived at build time, derived from the build.

The remote root comes from how the artifact is built (FACTS §e, §f), never from a prompt:

- ko under `skaffold debug` builds locally without `-trimpath`: the binary records local
  absolute paths, so no mapping is needed; with `-trimpath` in `ko.flags` the recorded paths
  are module paths (`go.mod`).
- Dockerfile Go builds: the stage whose `go build` produced the binary; its `COPY`
  destinations and `WORKDIR` (golang images start in `/go`) give the remote root for the
  copied folder of the artifact `context`; `-trimpath` switches to the module path.
- buildpacks: `/workspace`. Python/Node Dockerfiles: the final stage's `COPY` destination or
  `WORKDIR`. The event's `workingDir` is only a fallback hint.
- custom/bazel/unknown: best effort, said plainly; a per-artifact override in
  `<workspace>/.skaffold-ls.yaml` (`debug.artifacts.<image>.sourceMap`) always wins.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from skaffold_ls.buildfiles.dockerfile import CopyInstruction, Dockerfile, Stage
from skaffold_ls.buildfiles.gomod import GoMod, find_go_mod, local_modules
from skaffold_ls.buildfiles.images import ImageConfig, stage_chain
from skaffold_ls.config.artifacts import Artifact
from skaffold_ls.config.debugging import DebugModel, context_pairs, pick_pair, to_runtime, unwrap_shell
from skaffold_ls.config.manifests import Container

OVERRIDES_FILE = ".skaffold-ls.yaml"
NAME_PREFIX = "skaffold: "
COMPOUND_NAME = "skaffold: all"

Confidence = Literal["derived", "override", "hint", "best-effort", "none-needed"]


@dataclass(frozen=True)
class PathMap:
    local: Path  # absolute local directory
    remote: str  # absolute remote directory, or a Go module path for -trimpath builds


@dataclass
class SourceMapping:
    runtime: str | None
    maps: list[PathMap]  # empty: identity (local paths are the recorded ones) or not needed
    how: str  # one line: where the mapping comes from
    confidence: Confidence
    warnings: list[str] = field(default_factory=list)


def normalize_runtime(value: str | None) -> str | None:
    """skaffold's runtime names (`types.ToRuntime`): `golang` → go, `node` → nodejs, `dotnet` → netcore..."""
    return to_runtime(value)


def load_overrides(workspace: Path) -> dict[str, dict[str, Any]]:
    """`debug.artifacts` of `<workspace>/.skaffold-ls.yaml`, {} when absent or unreadable."""
    path = workspace / OVERRIDES_FILE
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}
    arts = (data.get("debug") or {}).get("artifacts") if isinstance(data, dict) else None
    return {str(k): v for k, v in arts.items() if isinstance(v, dict)} if isinstance(arts, dict) else {}


def guess_runtime(artifact: Artifact, model: DebugModel | None = None) -> str | None:
    """The runtime `skaffold debug` will detect (its own rules, `config.debugging`), else the
    language the build evidently produces, else a guess from the context's files."""
    explicit = normalize_runtime(artifact.runtime_type)
    if explicit:
        return explicit
    pred = (model or DebugModel([artifact])).predict(artifact)
    if pred.detection.runtime:
        return pred.detection.runtime
    if pred.language:
        return pred.language
    ctx = artifact.context
    if ctx is None:
        return None
    if (ctx / "go.mod").is_file():
        return "go"
    if (ctx / "package.json").is_file():
        return "nodejs"
    if any((ctx / f).is_file() for f in ("requirements.txt", "pyproject.toml", "setup.py", "Pipfile")):
        return "python"
    if any((ctx / f).is_file() for f in ("pom.xml", "build.gradle", "build.gradle.kts")):
        return "jvm"
    return None


def _parse(artifact: Artifact, model: DebugModel | None = None) -> Dockerfile | None:
    """The Dockerfile as `skaffold debug` builds it (its build args, `requires` aliases, SKAFFOLD_GO_GCFLAGS)."""
    dt = (model or DebugModel([artifact])).dockerfile(artifact)
    return dt.df if dt is not None else None


def derive_mapping(
    artifact: Artifact | None,
    workspace: Path,
    runtime: str | None = None,
    working_dir: str | None = None,
    overrides: dict[str, dict[str, Any]] | None = None,
    model: DebugModel | None = None,
    container: Container | None = None,
) -> SourceMapping:
    """The source mapping for `artifact` (None: only the event's hints are known). `model`
    holds the project's artifacts (for `FROM ${ALIAS}` bases); `container` the manifest's
    container, whose command may name the script that runs."""
    workspace = workspace.resolve()
    if artifact is not None and model is None:
        model = DebugModel([artifact])
    runtime = normalize_runtime(runtime) or (guess_runtime(artifact, model) if artifact else None)
    ov = (overrides or {}).get(artifact.image or "") if artifact else None
    if ov:
        runtime = normalize_runtime(ov.get("runtime")) or runtime
        maps = [
            PathMap(local=(workspace / str(m.get("local", "."))).resolve(), remote=str(m["remote"]))
            for m in ov.get("sourceMap") or []
            if isinstance(m, dict) and m.get("remote")
        ]
        return SourceMapping(runtime, maps, f"override in {OVERRIDES_FILE}", "override")
    if artifact is None:
        local = workspace
        if working_dir and runtime in ("python", "nodejs", "go"):
            return SourceMapping(
                runtime, [PathMap(local, working_dir)],
                f"the container's working directory {working_dir} (artifact not found in skaffold.yaml)",
                "hint", ["artifact not found in skaffold.yaml: the mapping is a guess from workingDir"],
            )
        return SourceMapping(runtime, [], "nothing known about this artifact", "best-effort",
                             ["artifact not found in skaffold.yaml: no source mapping"])
    if runtime == "jvm":
        return SourceMapping(runtime, [], "JVM debuggers map by class name", "none-needed")
    if artifact.context is None:
        return SourceMapping(runtime, [], f"the context `{artifact.context_text}` is templated", "best-effort",
                             [f"{artifact.image}: templated context: no source mapping"])
    if artifact.builder == "ko":
        return _ko_mapping(artifact, workspace)
    if artifact.builder == "buildpacks":
        return SourceMapping(runtime, [PathMap(_context(artifact), "/workspace")],
                             "buildpacks build in /workspace", "derived")
    if artifact.builder in ("docker", "kaniko"):
        assert model is not None
        df = _parse(artifact, model)
        if df is None:
            return _best_effort(artifact, runtime, working_dir, f"cannot read {artifact.dockerfile}")
        if runtime == "go":
            return _docker_go_mapping(artifact, df, model, workspace, working_dir)
        if runtime == "netcore":
            return _docker_netcore_mapping(artifact, df, working_dir)
        if runtime in ("python", "nodejs", None):
            image = model.predict(artifact).image
            return _docker_interpreted_mapping(artifact, df, runtime, working_dir, image, container)
    return _best_effort(artifact, runtime, working_dir, f"the {artifact.builder} builder is opaque to skaffold-ls")


def _context(artifact: Artifact) -> Path:
    """The artifact's context folder (derive_mapping handles templated contexts first)."""
    if artifact.context is None:
        raise ValueError(f"{artifact.image}: the context is not a known folder")
    return artifact.context


def _best_effort(artifact: Artifact, runtime: str | None, working_dir: str | None, why: str) -> SourceMapping:
    warn = (f"{artifact.image}: {why}; the source mapping is a best-effort guess. "
            f"Set debug.artifacts.{artifact.image}.sourceMap in {OVERRIDES_FILE} to fix it.")
    if working_dir:
        return SourceMapping(runtime, [PathMap(_context(artifact), working_dir)],
                             f"best effort: artifact context → container workingDir {working_dir}", "best-effort", [warn])
    return SourceMapping(runtime, [], "best effort: no mapping", "best-effort", [warn])


def _ko_mapping(artifact: Artifact, workspace: Path) -> SourceMapping:
    build_dir = _context(artifact) / (artifact.ko_dir or ".")
    if artifact.ko_trimpath is not None:
        mod = find_go_mod(build_dir)
        if mod is None:
            return SourceMapping("go", [], "ko with -trimpath but no go.mod found", "best-effort",
                                 [f"{artifact.image}: -trimpath in ko.flags and no go.mod: breakpoints will not bind"])
        return SourceMapping("go", _module_maps(mod, _context(artifact)),
                             f"ko with -trimpath: recorded paths are module paths ({mod.module})", "derived",
                             [f"{artifact.image}: ko.flags has -trimpath; remove it for simpler debugging"])
    return SourceMapping("go", [], "ko builds locally without -trimpath under skaffold debug: "
                         "the binary records local paths", "derived")


def _module_maps(mod: GoMod, context: Path) -> list[PathMap]:
    """-trimpath records `<module path>/<file>` for every module compiled: the main one, and the
    local modules it uses (`replace ... => ../lib`, go.work), each mapped to its folder."""
    return [PathMap(mod.root, mod.module), *(PathMap(m.root, m.module) for m in local_modules(mod, context))]


def _docker_go_mapping(artifact: Artifact, df: Dockerfile, model: DebugModel, workspace: Path,
                       working_dir: str | None) -> SourceMapping:
    go = model.predict(artifact).go
    build, src = (go.build, go.sources) if go is not None else (None, None)
    if build is None or src is None:
        final = df.target_stage(artifact.target)
        pair = pick_pair(context_pairs(df, final), final.workdir)
        if pair is None:
            return _best_effort(artifact, "go", working_dir, "no `go build` found in the Dockerfile")
        return SourceMapping("go", [PathMap((_context(artifact) / pair[0]).resolve(), pair[1])],
                             "no `go build` found; using the final stage's COPY", "best-effort",
                             [f"{artifact.image}: no `go build` in {artifact.dockerfile}; mapping guessed"])
    stage = df.stage_of(build)
    stage_label = f"stage '{stage.name}'" if stage.name else f"stage {stage.index}"
    warnings: list[str] = []
    if src.guessed:
        warnings.append(f"{artifact.image}: no COPY of the build context found before `go build`; "
                        f"assuming the context was compiled in {build.dir}")
    if build.trimpath:
        mod = src.module
        if mod is None:
            return SourceMapping("go", [], f"{stage_label}: `go build -trimpath` without go.mod", "best-effort",
                                 [*warnings, f"{artifact.image}: -trimpath build and no go.mod found: breakpoints will not bind"])
        return SourceMapping(
            "go", _module_maps(mod, _context(artifact)),
            f"{stage_label} (line {build.line}): `go build -trimpath` records module paths ({mod.module})",
            "derived", [*warnings, f"{artifact.image}: -trimpath makes standard-library frames unmappable; "
                        "drop it for debug builds"],
        )
    return SourceMapping(
        "go", [PathMap(src.local, src.remote)],
        f"{stage_label} (line {build.line}): sources compiled in {src.remote}", "derived", warnings,
    )


SOURCE_SUFFIXES = {"python": (".py",), "nodejs": (".js", ".mjs", ".cjs", ".ts", ".jsx", ".tsx")}


Pair = tuple[str, str, bool]  # (context-relative folder, image folder, the whole folder is copied)


def _copy_pairs(cp: CopyInstruction, context: Path, runtime: str | None) -> list[Pair]:
    """(context-relative folder, image folder, whole folder?) for the sources a COPY/ADD brings:
    folders and source files (not requirements.txt, package.json...), kept as written (no suffix
    stripping: `COPY service/ /usr/local/lib/svc/` maps `service` → `/usr/local/lib/svc`)."""
    out: list[Pair] = []
    suffixes = SOURCE_SUFFIXES.get(runtime or "", (".py", ".js", ".mjs", ".cjs", ".ts"))
    for src in cp.sources:
        if "://" in src:
            continue
        rel = posixpath.normpath(src.lstrip("/")) if src not in (".", "./") else "."
        if any(ch in src for ch in "*?["):
            out.append((posixpath.dirname(rel) or ".", cp.dest if cp.dest_is_dir else posixpath.dirname(cp.dest),
                        False))
            continue
        local = context / rel
        is_dir = rel == "." or src.endswith("/") or local.is_dir() or (not local.exists() and "." not in posixpath.basename(rel))
        if is_dir:
            out.append((rel, cp.dest, True))
        elif rel.endswith(suffixes):
            if cp.dest_is_dir:
                out.append((posixpath.dirname(rel) or ".", cp.dest, False))
            elif posixpath.basename(cp.dest) == posixpath.basename(rel):
                out.append((posixpath.dirname(rel) or ".", posixpath.dirname(cp.dest) or "/", False))
    return out


def _source_pairs(df: Dockerfile, stage: Stage, context: Path, runtime: str | None,
                  before_line: int | None = None) -> list[Pair]:
    """Every (local folder, image folder) the sources of `stage` come from: its own COPY/ADD
    of the context (through the stages it is built FROM) and `COPY --from` of folders other
    stages got from the context."""
    pairs: list[Pair] = []
    for st in stage_chain(df, stage):
        for cp in st.copies:
            if before_line is not None and st is stage and cp.line > before_line:
                continue
            if cp.from_stage is None:
                pairs += _copy_pairs(cp, context, runtime)
                continue
            src_stage = df.stage(cp.from_stage)
            if src_stage is None or src_stage is stage:
                continue
            for local_rel, remote, whole in _source_pairs(df, src_stage, context, runtime):
                for src in cp.sources:
                    s = posixpath.normpath(src if src.startswith("/") else posixpath.join(src_stage.workdir, src))
                    if remote == s or remote.startswith(s.rstrip("/") + "/"):
                        tail = posixpath.relpath(remote, s)
                        pairs.append((local_rel, posixpath.normpath(posixpath.join(cp.dest, tail)), whole))
                    elif s.startswith(remote.rstrip("/") + "/"):
                        tail = posixpath.relpath(s, remote)
                        pairs.append((posixpath.normpath(posixpath.join(local_rel, tail)), cp.dest, whole))
    return list(dict.fromkeys(pairs))


def _inside(path: str, root: str) -> bool:
    return root in ("", ".") or path == root or path.startswith(root.rstrip("/") + "/")


def _depth(p: str) -> int:
    return 0 if p in (".", "/", "") else p.strip("/").count("/") + 1


def _script(image: ImageConfig | None, container: Container | None, runtime: str | None) -> str | None:
    """The absolute path of the script the container runs (`python app.py`, `node /srv/index.js`)."""
    if image is None:
        return None
    entrypoint = list(container.command) if container is not None and container.command else list(image.entrypoint)
    args = list(container.args) if container is not None and container.args else list(image.cmd)
    entrypoint, args = unwrap_shell(entrypoint, args)
    words = entrypoint + args
    suffixes = SOURCE_SUFFIXES.get(runtime or "", (".py", ".js"))
    for i, w in enumerate(words):
        if w.endswith(suffixes):
            return posixpath.normpath(posixpath.join(image.workdir, w))
        if runtime == "python" and w == "-m" and i + 1 < len(words):
            return posixpath.normpath(posixpath.join(image.workdir, words[i + 1].replace(".", "/")))
    return None


def order_pairs(pairs: list[tuple[str, str]], script: str | None,
                partial: set[tuple[str, str]] | frozenset[tuple[str, str]] = frozenset()) -> list[tuple[str, str]]:
    """Most specific local folder first (debuggers take the first mapping that matches); when
    one local folder is copied to two places, the copy holding the script that runs wins.
    `partial` pairs carry single files (`COPY main.py .`), not their whole folder: they
    conflict with nothing."""
    ordered = sorted(dict.fromkeys(pairs), key=lambda p: (-_depth(p[0]), -_depth(p[1])))
    if script is None:
        return ordered
    holding = [p for p in ordered if _inside(script, p[1])]
    if not holding:
        return ordered
    winner = max(holding, key=lambda p: _depth(p[1]))
    if winner in partial:
        return ordered

    def conflicts(p: tuple[str, str]) -> bool:
        if p == winner or not _inside(p[0], winner[0]):
            return False
        tail = posixpath.relpath(p[0], winner[0]) if winner[0] != "." else p[0]
        return posixpath.normpath(posixpath.join(winner[1], tail)) != p[1]

    losers = [p for p in ordered if conflicts(p)]
    rest = [p for p in ordered if p not in losers]
    at = rest.index(winner) + 1
    return rest[:at] + losers + rest[at:]


def _docker_interpreted_mapping(artifact: Artifact, df: Dockerfile, runtime: str | None, working_dir: str | None,
                                image: ImageConfig | None = None, container: Container | None = None) -> SourceMapping:
    final = df.target_stage(artifact.target)
    context = _context(artifact)
    triples = _source_pairs(df, final, context, runtime)
    whole = {(a, b) for a, b, w in triples if w}
    partial = {(a, b) for a, b, w in triples if not w} - whole
    pairs = list(dict.fromkeys((a, b) for a, b, _w in triples))
    workdir = image.workdir if image is not None else final.workdir
    script = _script(image, container, runtime)
    # the working directory, when no copy maps the context's root and the script is not in a copied folder
    # (`python -m app`, `gunicorn app:app` run from there)
    if pairs and not any(p[0] == "." for p in pairs) and final.workdir_explicit \
            and not any(_inside(workdir, p[1]) for p in pairs) \
            and (script is None or not any(_inside(script, p[1]) for p in pairs)):
        pairs.append((".", workdir))
    if not pairs:
        if final.workdir_explicit:
            return SourceMapping(runtime, [PathMap(context, final.workdir)],
                                 f"final stage WORKDIR {final.workdir} (no COPY of the context found)", "best-effort",
                                 [f"{artifact.image}: no COPY of the build context in the final stage; using WORKDIR"])
        return _best_effort(artifact, runtime, working_dir, "no COPY of the build context in the final stage")
    ordered = order_pairs(pairs, script, partial)
    if runtime == "nodejs":  # js-debug takes one localRoot/remoteRoot: the copy holding the script
        holding = [p for p in ordered if script is not None and _inside(script, p[1])]
        pick = max(holding, key=lambda p: _depth(p[1])) if holding else \
            pick_pair(ordered, working_dir or workdir) or ordered[0]
        ordered = [pick]
    maps = [PathMap((context / local).resolve(), remote) for local, remote in ordered]
    how = "final stage COPY " + ", ".join(f"{local} → {remote}" for local, remote in ordered)
    if script is not None:
        how += f" (runs {script})"
    return SourceMapping(runtime, maps, how, "derived")


def _docker_netcore_mapping(artifact: Artifact, df: Dockerfile, working_dir: str | None) -> SourceMapping:
    """vsdbg's `sourceFileMap` keys are the paths the sources had when `dotnet build/publish` ran."""
    final = df.target_stage(artifact.target)
    context = _context(artifact)
    stages = [final, *(s for cp in final.copies if cp.from_stage is not None and (s := df.stage(cp.from_stage)))]
    for st in stages:
        builds = [b for s in stage_chain(df, st) for b in s.dotnet_builds]
        if not builds:
            continue
        build = builds[-1]
        where = df.stages[build.stage_index]
        pairs = [(a, b) for a, b, _w in _source_pairs(df, where, context, "netcore", before_line=build.line)]
        pair = pick_pair(pairs, build.dir)
        if pair is None:
            continue
        warnings = []
        if build.configuration and build.configuration.lower() == "release":
            warnings.append(f"{artifact.image}: `dotnet` builds with `-c {build.configuration}` (line {build.line}): "
                            "optimised code, breakpoints may not bind; build with `-c Debug` for debugging")
        return SourceMapping("netcore", [PathMap((context / pair[0]).resolve(), pair[1])],
                             f"`dotnet {'publish' if build.output else 'build'}` (line {build.line}) compiled the "
                             f"sources in {pair[1]}", "derived", warnings)
    return _docker_interpreted_mapping(artifact, df, "netcore", working_dir)


# ---------------------------------------------------------------- configurations


def vscode_path(p: Path, workspace: Path) -> str:
    """`${workspaceFolder}`-relative when inside the workspace, else absolute."""
    p = p.resolve()
    ws = workspace.resolve()
    if p == ws:
        return "${workspaceFolder}"
    if ws in p.parents:
        return "${workspaceFolder}/" + p.relative_to(ws).as_posix()
    return p.as_posix()


def expand_vscode_variables(value: Any, workspace_folder: Path) -> Any:
    """Resolve `${workspaceFolder}` and `${workspaceFolderBasename}` as VS Code does."""
    if isinstance(value, str):
        ws = str(workspace_folder)
        return value.replace("${workspaceFolder}", ws).replace("${workspaceFolderBasename}", workspace_folder.name)
    if isinstance(value, list):
        return [expand_vscode_variables(v, workspace_folder) for v in value]
    if isinstance(value, dict):
        return {k: expand_vscode_variables(v, workspace_folder) for k, v in value.items()}
    return value


def make_configuration(
    name: str,
    runtime: str,
    port: int | None,
    mapping: SourceMapping,
    workspace: Path,
    host: str = "127.0.0.1",
    pod: str | None = None,
    namespace: str | None = None,
    container: str | None = None,
) -> dict[str, Any]:
    """A standard attach configuration other tools understand (vscode-go, debugpy, js-debug, java)."""
    maps = mapping.maps
    cfg: dict[str, Any] = {"name": name}
    if runtime == "go":
        cfg.update({"type": "go", "request": "attach", "mode": "remote", "debugAdapter": "dlv-dap",
                    "host": host, "port": port})
        if maps:
            cfg["substitutePath"] = [{"from": vscode_path(m.local, workspace), "to": m.remote} for m in maps]
    elif runtime == "python":
        cfg.update({"type": "debugpy", "request": "attach", "connect": {"host": host, "port": port}})
        if maps:
            cfg["pathMappings"] = [{"localRoot": vscode_path(m.local, workspace), "remoteRoot": m.remote} for m in maps]
        cfg["justMyCode"] = False
    elif runtime == "nodejs":
        cfg.update({"type": "node", "request": "attach", "address": host, "port": port})
        if maps:
            cfg["localRoot"] = vscode_path(maps[0].local, workspace)
            cfg["remoteRoot"] = maps[0].remote
        cfg["skipFiles"] = ["<node_internals>/**"]
    elif runtime == "jvm":
        cfg.update({"type": "java", "request": "attach", "hostName": host, "port": port})
    elif runtime == "netcore":
        args = ["exec", "-i"]
        if namespace:
            args += ["-n", namespace]
        if container:
            args += ["-c", container]
        args += [pod or "<pod>", "--"]
        cfg.update({"type": "coreclr", "request": "attach", "processId": 1,
                    "pipeTransport": {"pipeProgram": "kubectl", "pipeArgs": args, "pipeCwd": "${workspaceFolder}",
                                      "debuggerPath": "/dbg/netcore/vsdbg", "quoteArgs": False}})
        if maps:
            cfg["sourceFileMap"] = {m.remote: vscode_path(m.local, workspace) for m in maps}
    else:
        raise ValueError(f"unsupported runtime {runtime!r}")
    return cfg


def cloud_code_debug_entry(image: str, container: str | None, mapping: SourceMapping, workspace: Path) -> dict[str, Any]:
    """The user's guide's Cloud Code `debug[]` item (`sourceFileMap`: local → remote, as that guide writes it)."""
    entry: dict[str, Any] = {"image": image}
    if container:
        entry["containerName"] = container
    if mapping.maps:
        entry["sourceFileMap"] = {vscode_path(m.local, workspace): m.remote for m in mapping.maps}
    return entry

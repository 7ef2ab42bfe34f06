"""A small plain-data reader of skaffold.yaml for the debug bridge.

Reads every `---` document with `yaml.safe_load_all`, follows local `requires[].path`
dependencies, selects configs by `-m` module names, applies profiles with skaffold's
overlay semantics (lists replace, oneOf structs replace wholesale, structs merge, zero
values never override, then the profile's JSON patches), and lists the build artifacts
with their builder. Independent of the LSP document model on purpose: it works on the
files on disk, as skaffold itself does.
"""

from __future__ import annotations

import copy
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BUILDER_KEYS = ("docker", "ko", "buildpacks", "jib", "bazel", "custom", "kaniko")
# oneOf groups inside plain structs, by dotted path (skaffold `yamltags:"oneOf=..."`).
_ONEOF_GROUPS: dict[str, tuple[str, ...]] = {
    "build": ("local", "googleCloudBuild", "cluster"),
    "build.tagPolicy": ("gitCommit", "sha256", "envTemplate", "dateTime", "customTemplate", "inputDigest"),
}
_PROFILE_FIELDS = (
    "build", "test", "manifests", "deploy", "portForward", "resourceSelector", "verify", "customActions",
)


class SkaffoldConfigError(Exception):
    """skaffold.yaml cannot be read, parsed, or a profile/patch does not apply."""


@dataclass(frozen=True)
class KoInfo:
    dir: str | None
    main: str | None
    flags: list[str]
    ldflags: list[str]
    from_image: str | None
    env: list[str]

    @property
    def trimpath(self) -> bool:
        return any(f in ("-trimpath", "--trimpath", "-trimpath=true") for f in self.flags)


@dataclass(frozen=True)
class Artifact:
    image: str
    builder: str  # docker | ko | buildpacks | jib | bazel | custom | kaniko
    context: Path  # absolute
    config_name: str | None
    source_file: Path
    dockerfile: Path | None = None  # absolute, docker/kaniko only
    docker_target: str | None = None
    build_args: dict[str, str] = field(default_factory=dict)
    ko: KoInfo | None = None
    runtime_type: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)


@dataclass
class ConfigDoc:
    name: str | None
    source_file: Path
    data: dict[str, Any]
    active_profiles: list[str] = field(default_factory=list)


@dataclass
class SkaffoldProject:
    configs: list[ConfigDoc]

    @property
    def artifacts(self) -> list[Artifact]:
        out: list[Artifact] = []
        seen: set[str] = set()
        for cfg in self.configs:
            for a in _artifacts_of(cfg):
                if a.image not in seen:
                    seen.add(a.image)
                    out.append(a)
        return out

    def artifact(self, image: str) -> Artifact | None:
        for a in self.artifacts:
            if a.image == image:
                return a
        return None


def load_project(
    path: Path,
    profiles: Sequence[str] = (),
    modules: Sequence[str] = (),
    command: str = "debug",
    env: Mapping[str, str] | None = None,
    kube_context: str | None = None,
    auto_activation: bool = True,
) -> SkaffoldProject:
    """Read `path` (a skaffold.yaml, or a folder holding one) the way `skaffold <command>` would."""
    path = Path(path)
    if path.is_dir():
        path = path / "skaffold.yaml"
    env = os.environ if env is None else env
    requested = _split_profiles(profiles)
    configs: list[ConfigDoc] = []
    visited: dict[tuple[Path, str | None], tuple[str, ...]] = {}
    _load_file(path.resolve(), None, requested, command, env, kube_context, auto_activation, configs, visited, 0)
    if modules:
        wanted = set(modules)
        names = {c.name for c in configs}
        missing = wanted - names
        if missing:
            raise SkaffoldConfigError(f"did not find configs with names: {', '.join(sorted(missing))}")
        configs = [c for c in configs if c.name in wanted]
    return SkaffoldProject(configs=configs)


def _split_profiles(profiles: Iterable[str]) -> list[str]:
    out: list[str] = []
    for p in profiles:
        out.extend(x.strip() for x in p.split(",") if x.strip())
    return out


def read_documents(path: Path) -> list[dict[str, Any]]:
    import yaml

    try:
        text = path.read_text(encoding="utf-8")
    except OSError as e:
        raise SkaffoldConfigError(f"cannot read {path}: {e.strerror or e}") from e
    try:
        docs = [d for d in yaml.safe_load_all(text) if d is not None]
    except yaml.YAMLError as e:
        raise SkaffoldConfigError(f"{path}: invalid YAML: {e}") from e
    out: list[dict[str, Any]] = []
    for d in docs:
        if not isinstance(d, dict):
            raise SkaffoldConfigError(f"{path}: each document must be a mapping")
        out.append({k: v for k, v in d.items() if not (isinstance(k, str) and k.startswith("."))})
    return out


def _load_file(
    path: Path,
    only: Sequence[str] | None,
    requested: list[str],
    command: str,
    env: Mapping[str, str],
    kube_context: str | None,
    auto_activation: bool,
    out: list[ConfigDoc],
    visited: dict[tuple[Path, str | None], tuple[str, ...]],
    depth: int,
    extra_profiles: Sequence[str] = (),
) -> None:
    if depth > 20:
        raise SkaffoldConfigError(f"{path}: requires nesting too deep (cycle?)")
    for doc in read_documents(path):
        meta = doc.get("metadata") or {}
        name = meta.get("name") if isinstance(meta, dict) else None
        if only and name not in only:
            continue
        active = _active_profiles(doc, [*requested, *extra_profiles], command, env, kube_context, auto_activation)
        key = (path, name)
        if key in visited:
            if visited[key] != tuple(active):
                raise SkaffoldConfigError(
                    f"config {name or '<unnamed>'} in {path} is required with different active profiles"
                )
            continue
        visited[key] = tuple(active)
        for req in doc.get("requires") or []:
            if not isinstance(req, dict) or ("path" not in req and req.get("git") is None and req.get("configs") is None):
                continue
            if req.get("git") or req.get("googleCloudStorage") or req.get("googleCloudBuildRepoV2"):
                continue  # remote configs are out of reach offline
            rpath = req.get("path")
            dep = path if not rpath else (path.parent / str(rpath)).resolve()
            if dep.is_dir():
                dep = dep / "skaffold.yaml"
            dep_profiles: list[str] = []
            for ap in req.get("activeProfiles") or []:
                if not isinstance(ap, dict) or not ap.get("name"):
                    continue
                by = ap.get("activatedBy") or []
                if not by or any(b in active for b in by):
                    dep_profiles.append(str(ap["name"]))
            _load_file(
                dep, req.get("configs") or None, requested, command, env, kube_context, auto_activation,
                out, visited, depth + 1, dep_profiles,
            )
        data = apply_profiles(doc, active, source=path)
        out.append(ConfigDoc(name=name, source_file=path, data=data, active_profiles=active))


def _active_profiles(
    doc: Mapping[str, Any],
    requested: Sequence[str],
    command: str,
    env: Mapping[str, str],
    kube_context: str | None,
    auto_activation: bool,
) -> list[str]:
    profiles = [p for p in doc.get("profiles") or [] if isinstance(p, dict)]
    names = [str(p.get("name")) for p in profiles]
    active: list[str] = []
    if auto_activation:
        for p in profiles:
            if _is_auto_activated(p, command, env, kube_context):
                active.append(str(p["name"]))
    for r in requested:
        if r.startswith("-"):
            active = [a for a in active if a != r[1:]]
        elif r in names and r not in active:
            active.append(r)
    return active


def _matches(pattern: str, value: str) -> bool:
    neg = pattern.startswith("!")
    if neg:
        pattern = pattern[1:]
    try:
        ok = re.search(pattern, value) is not None
    except re.error:
        ok = False
    return ok != neg


def _is_auto_activated(profile: Mapping[str, Any], command: str, env: Mapping[str, str], kube_context: str | None) -> bool:
    acts = profile.get("activation") or []
    if not acts:
        return False
    results = []
    for act in acts:
        ok = True
        if act.get("env"):
            key, _, pat = str(act["env"]).partition("=")
            neg = key.startswith("!")
            key = key.lstrip("!")
            val = env.get(key, "")
            hit = (val == "") if pat == "" else _matches(pat, val)
            ok = ok and (hit != neg)
        if act.get("command"):
            ok = ok and _matches(str(act["command"]), command)
        if act.get("kubeContext"):
            ok = ok and kube_context is not None and _matches(str(act["kubeContext"]), kube_context)
        results.append(ok)
    return all(results) if profile.get("requiresAllActivations") else any(results)


def apply_profiles(doc: Mapping[str, Any], active: Sequence[str], source: Path | None = None) -> dict[str, Any]:
    data = copy.deepcopy(dict(doc))
    profiles = {str(p.get("name")): p for p in doc.get("profiles") or [] if isinstance(p, dict)}
    for name in active:
        prof = profiles.get(name)
        if prof is None:
            raise SkaffoldConfigError(f"couldn't find profile {name}" + (f" in {source}" if source else ""))
        for key in _PROFILE_FIELDS:
            if key in prof and not _is_zero(prof[key]):
                data[key] = overlay(data.get(key), prof[key], key)
        for patch in prof.get("patches") or []:
            try:
                apply_patch(data, patch)
            except SkaffoldConfigError as e:
                raise SkaffoldConfigError(f"profile {name}: {e}") from None
    return data


def _is_zero(v: Any) -> bool:
    return v is None or v == "" or v == [] or v == {}


def overlay(base: Any, over: Any, path: str = "") -> Any:
    """skaffold's profile overlay for one field."""
    if _is_zero(over):
        return copy.deepcopy(base)
    if isinstance(over, dict) and isinstance(base, dict):
        if path in ("build.tagPolicy",):
            return copy.deepcopy(over)
        result = copy.deepcopy(base)
        group = _ONEOF_GROUPS.get(path)
        if group and any(k in over and not _is_zero(over[k]) for k in group):
            for k in group:
                result.pop(k, None)
        for k, v in over.items():
            result[k] = overlay(result.get(k), v, f"{path}.{k}" if path else k)
        return result
    return copy.deepcopy(over)


def _pointer(path: str) -> list[str]:
    if path == "":
        return []
    if not path.startswith("/"):
        raise SkaffoldConfigError(f"invalid path: {path}")
    return [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]


def _walk(data: Any, parts: list[str], path: str) -> Any:
    cur = data
    for p in parts:
        if isinstance(cur, dict) and p in cur:
            cur = cur[p]
        elif isinstance(cur, list) and p.isdigit() and int(p) < len(cur):
            cur = cur[int(p)]
        else:
            raise SkaffoldConfigError(f"invalid path: {path}")
    return cur


def apply_patch(data: dict[str, Any], patch: Mapping[str, Any]) -> None:
    op = str(patch.get("op") or "replace")
    path = str(patch.get("path") or "")
    parts = _pointer(path)
    if not parts:
        raise SkaffoldConfigError(f"invalid path: {path}")
    parent = _walk(data, parts[:-1], path)
    last = parts[-1]

    def get_from() -> Any:
        fpath = str(patch.get("from") or "")
        return _walk(data, _pointer(fpath), fpath)

    if op in ("add", "replace", "copy", "move"):
        if op == "copy":
            value = copy.deepcopy(get_from())
        elif op == "move":
            value = get_from()
            fparts = _pointer(str(patch.get("from")))
            fparent = _walk(data, fparts[:-1], str(patch.get("from")))
            if isinstance(fparent, list):
                fparent.pop(int(fparts[-1]))
            else:
                fparent.pop(fparts[-1])
        else:
            value = copy.deepcopy(patch.get("value"))
        if isinstance(parent, list):
            if last == "-":
                parent.append(value)
            elif last.isdigit() and int(last) <= len(parent):
                if op == "replace":
                    if int(last) >= len(parent):
                        raise SkaffoldConfigError(f"invalid path: {path}")
                    parent[int(last)] = value
                else:
                    parent.insert(int(last), value)
            else:
                raise SkaffoldConfigError(f"invalid path: {path}")
        elif isinstance(parent, dict):
            if op == "replace" and last not in parent:
                raise SkaffoldConfigError(f"invalid path: {path}")
            parent[last] = value
        else:
            raise SkaffoldConfigError(f"invalid path: {path}")
    elif op == "remove":
        if isinstance(parent, list) and last.isdigit() and int(last) < len(parent):
            parent.pop(int(last))
        elif isinstance(parent, dict) and last in parent:
            parent.pop(last)
        else:
            raise SkaffoldConfigError(f"invalid path: {path}")
    elif op == "test":
        if _walk(data, parts, path) != patch.get("value"):
            raise SkaffoldConfigError(f"test failed at {path}")
    else:
        raise SkaffoldConfigError(f"unknown patch op {op}")


def _artifacts_of(cfg: ConfigDoc) -> list[Artifact]:
    build = cfg.data.get("build") or {}
    if not isinstance(build, dict):
        return []
    out: list[Artifact] = []
    base = cfg.source_file.parent
    for raw in build.get("artifacts") or []:
        if not isinstance(raw, dict) or not raw.get("image"):
            continue
        context = (base / str(raw.get("context") or ".")).resolve()
        builder = next((k for k in BUILDER_KEYS if k in raw), "docker")
        spec = raw.get(builder) or {}
        if not isinstance(spec, dict):
            spec = {}
        dockerfile = None
        target = None
        build_args: dict[str, str] = {}
        ko = None
        if builder in ("docker", "kaniko"):
            dockerfile = (context / str(spec.get("dockerfile") or "Dockerfile")).resolve()
            target = spec.get("target")
            build_args = {str(k): "" if v is None else str(v) for k, v in (spec.get("buildArgs") or {}).items()}
        elif builder == "ko":
            ko = KoInfo(
                dir=spec.get("dir"),
                main=spec.get("main"),
                flags=[str(f) for f in spec.get("flags") or []],
                ldflags=[str(f) for f in spec.get("ldflags") or []],
                from_image=spec.get("fromImage"),
                env=[str(e) for e in spec.get("env") or []],
            )
        out.append(
            Artifact(
                image=str(raw["image"]),
                builder=builder,
                context=context,
                config_name=cfg.name,
                source_file=cfg.source_file,
                dockerfile=dockerfile,
                docker_target=target,
                build_args=build_args,
                ko=ko,
                runtime_type=raw.get("runtimeType"),
                raw=raw,
            )
        )
    return out


def parse_skaffold_args(args: Sequence[str]) -> dict[str, Any]:
    """Pick `-f/--filename`, `-p/--profile`, `-m/--module` out of skaffold's own argument list."""
    out: dict[str, Any] = {"filename": None, "profiles": [], "modules": [], "kube_context": None}
    i = 0
    while i < len(args):
        a = args[i]
        name, eq, val = a.partition("=")
        takes = {"-f": "filename", "--filename": "filename", "-p": "profiles", "--profile": "profiles",
                 "-m": "modules", "--module": "modules", "--kube-context": "kube_context"}
        key = takes.get(name)
        if key is None:
            i += 1
            continue
        if not eq:
            if i + 1 >= len(args):
                break
            val = args[i + 1]
            i += 1
        if key in ("profiles", "modules"):
            out[key].extend(v for v in val.split(",") if v)
        else:
            out[key] = val
        i += 1
    return out

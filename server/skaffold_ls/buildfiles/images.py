"""The image configuration a Dockerfile produces: ENV, ENTRYPOINT, CMD and WORKDIR,
inherited the way Docker inherits them.

`skaffold debug` decides what runtime a container runs from the *built image's* config
(`docker inspect`), which includes everything the `FROM` chain set: `FROM python:3.12`
brings `PYTHON_VERSION`, `FROM node` the `docker-entrypoint.sh` launcher. Offline we
cannot inspect images, so the official base images skaffold's heuristics care about are
described here (from their Dockerfiles and Bazel rules, see /work/notes/skaffold-debug-rules.md
§7); any other base is "unknown" and makes the prediction uncertain.

Docker's rules reproduced here: the final stage is the last `FROM` (or the target);
`FROM <stage>` inherits that stage's config; `ENTRYPOINT` resets an inherited `CMD` (one
set earlier in the same stage stays); shell forms become `["/bin/sh", "-c", text]`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from skaffold_ls.buildfiles.dockerfile import Dockerfile, Stage

_PREFIXES = ("docker.io/", "index.docker.io/", "registry-1.docker.io/", "mirror.gcr.io/",
             "public.ecr.aws/docker/")
_VERSION = re.compile(r"^(\d+(?:\.\d+)*)")


@dataclass(frozen=True)
class ImageRef:
    name: str  # normalised: no default registry, no `library/`, lower case
    tag: str  # "" when none (latest)

    @staticmethod
    def parse(ref: str) -> ImageRef:
        ref = ref.split("@", 1)[0].strip()
        name, tag = ref, ""
        slash = ref.rfind("/")
        colon = ref.rfind(":")
        if colon > slash:
            name, tag = ref[:colon], ref[colon + 1:]
        name = name.lower()
        for p in _PREFIXES:
            if name.startswith(p):
                name = name[len(p):]
                break
        if name.startswith("library/"):
            name = name[len("library/"):]
        return ImageRef(name, tag)


@dataclass
class ImageConfig:
    """What `docker inspect` would say about an image (the parts skaffold debug reads)."""

    env: dict[str, str] = field(default_factory=dict)
    env_origin: dict[str, str] = field(default_factory=dict)  # name -> "Dockerfile line 12" / "base image `python:3.12`"
    entrypoint: list[str] = field(default_factory=list)
    cmd: list[str] = field(default_factory=list)
    workdir: str = "/"
    known: bool = True  # every layer's config is known (official bases, scratch, our own Dockerfiles)
    unknown_base: str | None = None  # the base whose config is unknown
    bases: list[str] = field(default_factory=list)  # the external images of the FROM chain, outermost first
    python_version: tuple[int, int] | None = None  # when a base says it (distroless python has no PYTHON_VERSION)

    def copy(self) -> ImageConfig:
        return ImageConfig(dict(self.env), dict(self.env_origin), list(self.entrypoint), list(self.cmd), self.workdir,
                           self.known, self.unknown_base, list(self.bases), self.python_version)


def _version(tag: str) -> str:
    m = _VERSION.match(tag)
    return m.group(1) if m else ""


def _major(tag: str) -> int | None:
    v = _version(tag)
    return int(v.split(".")[0]) if v else None


def official_image(ref: str) -> ImageConfig | None:
    """The config of an official base image skaffold's heuristics care about; None when unknown."""
    r = ImageRef.parse(ref)
    name, tag = r.name, r.tag
    origin = f"base image `{ref.split('@', 1)[0]}`"

    def cfg(env: dict[str, str] | None = None, entrypoint: list[str] | None = None, cmd: list[str] | None = None,
            workdir: str = "/", python: tuple[int, int] | None = None) -> ImageConfig:
        env = env or {}
        return ImageConfig(dict(env), {k: origin for k in env}, entrypoint or [], cmd or [], workdir, True, None,
                           [ref], python)

    if name == "scratch":
        return cfg()
    if name in ("alpine",):
        return cfg(cmd=["/bin/sh"])
    if name == "busybox":
        return cfg(cmd=["sh"])
    if name == "debian":
        return cfg(cmd=["bash"])
    if name == "ubuntu":
        return cfg(cmd=["/bin/bash"])
    if name == "golang":
        return cfg({"GOLANG_VERSION": _version(tag), "GOPATH": "/go", "GOTOOLCHAIN": "local"}, workdir="/go")
    if name == "python":
        v = _version(tag)
        parts = v.split(".")
        py = (int(parts[0]), int(parts[1])) if len(parts) >= 2 else None
        return cfg({"PYTHON_VERSION": v, "LANG": "C.UTF-8"}, cmd=["python3" if not v.startswith("2") else "python2"],
                   python=py)
    if name == "node":
        return cfg({"NODE_VERSION": _version(tag)}, entrypoint=["docker-entrypoint.sh"], cmd=["node"])
    if name == "eclipse-temurin":
        return cfg({"JAVA_VERSION": _version(tag), "JAVA_HOME": "/opt/java/openjdk"},
                   entrypoint=["/__cacert_entrypoint.sh"], cmd=["jshell"] if "jdk" in tag else None)
    if name == "openjdk":
        return cfg({"JAVA_VERSION": _version(tag), "JAVA_HOME": "/usr/local/openjdk"}, cmd=["jshell"])
    if name == "amazoncorretto":
        return cfg({"JAVA_HOME": "/usr/lib/jvm/java", "LANG": "C.UTF-8"})  # no JAVA_VERSION
    if name.startswith("mcr.microsoft.com/dotnet/"):
        kind = name.rsplit("/", 1)[-1]
        if kind not in ("runtime-deps", "runtime", "aspnet", "sdk"):
            return None
        major = _major(tag)
        env = {"DOTNET_RUNNING_IN_CONTAINER": "true"}
        if major is None or major >= 8:
            env["ASPNETCORE_HTTP_PORTS"] = "8080"
        else:
            env["ASPNETCORE_URLS"] = "http://+:80"
        slim = any(w in tag for w in ("alpine", "chiseled", "distroless"))
        if slim:
            env["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "true"
        entry, cmd = None, None
        if kind in ("runtime", "aspnet") and any(w in tag for w in ("chiseled", "distroless")):
            entry, cmd = ["/usr/bin/dotnet"], ["--info"]
        return cfg(env, entrypoint=entry, cmd=cmd)
    if name.startswith("gcr.io/distroless/"):
        image = name[len("gcr.io/distroless/"):]
        debug = tag.startswith("debug") or "debug" in tag.split("-")
        shell = ["/busybox/sh"] if debug else None
        if image.startswith("python3"):
            versions = {"debian11": (3, 9), "debian12": (3, 11), "debian13": (3, 13)}
            py = next((v for k, v in versions.items() if k in image), None)
            if py is None:
                return None
            return cfg({"LANG": "C.UTF-8"}, entrypoint=[f"/usr/bin/python{py[0]}.{py[1]}"], python=py)
        if image.startswith("nodejs"):
            return cfg(entrypoint=["/nodejs/bin/node"])
        if image.startswith("java"):
            return cfg({"LANG": "C.UTF-8", "JAVA_VERSION": ""}, entrypoint=["/usr/bin/java", "-jar"])
        if re.match(r"^(static|base|cc)(-|$)", image):
            return cfg(entrypoint=shell)
        return None
    if name in ("cgr.dev/chainguard/static", "cgr.dev/chainguard/glibc-dynamic"):
        return cfg()
    return None


def unknown_image(ref: str) -> ImageConfig:
    return ImageConfig(known=False, unknown_base=ref, bases=[ref])


def stage_chain(df: Dockerfile, stage: Stage) -> list[Stage]:
    """The stage and the stages it is built `FROM`, outermost first."""
    chain = [stage]
    while chain[-1].parent_stage is not None and len(chain) <= len(df.stages):
        chain.append(df.stages[chain[-1].parent_stage])
    return list(reversed(chain))


def image_config(df: Dockerfile, target: str | None = None,
                 base_config: Callable[[str], ImageConfig | None] | None = None,
                 dockerfile_name: str = "Dockerfile") -> ImageConfig:
    """The config of the image built from `df` (its `target` stage, else the last).

    `base_config` answers for bases that are not official images (e.g. another artifact
    reached through `FROM $BASE` and a `requires` alias); None from it falls back to the
    official table, then to "unknown".
    """
    stage = df.target_stage(target)
    root = stage_chain(df, stage)[0]
    ref = root.base_image
    base = base_config(ref) if base_config is not None else None
    if base is None:
        base = official_image(ref) or unknown_image(ref)
    out = base.copy()
    for k, v in stage.env.items():
        out.env[k] = v
        line = stage.env_lines.get(k)
        out.env_origin[k] = f"{dockerfile_name} line {line}" if line else dockerfile_name
    if stage.entrypoint is not None:
        out.entrypoint = list(stage.entrypoint.argv)
    if stage.cmd is not None:
        out.cmd = list(stage.cmd.argv)
    elif stage.cmd_cleared:
        out.cmd = []
    if stage.workdir_explicit:
        out.workdir = stage.workdir
    return out

"""What `skaffold debug` will do with each artifact, predicted from files (no cluster, no images).

skaffold's debug transformers (`pkg/skaffold/debug/transform_*.go`, rules in
/work/notes/skaffold-debug-rules.md) look at the *built image's* config merged with the
Kubernetes container: env names, entrypoint, cmd. This module reconstructs that config
from the build (Dockerfile stages with ENV/ENTRYPOINT/CMD inheritance, the official base
images' env, `FROM ${ALIAS}` through artifact `requires`, ko's `KO_DATA_PATH`), applies
skaffold's rules in skaffold's order, and says:

- the runtime skaffold will detect, and why (or why none: then `skaffold debug` logs
  `Image "<c>" not configured for debugging: unable to determine runtime`);
- whether that answer is certain (every layer's config is known) or a best guess;
- the Go build as the debugger will meet it: DWARF stripped by `-ldflags -s/-w`,
  optimisations kept (skaffold's `SKAFFOLD_GO_GCFLAGS` does not reach `go build`), `-trimpath`;
- the Python version the debug helper must serve;
- which containers run the image (only `containers[]`, never `initContainers`; images built
  only as bases of other artifacts run nowhere and are not debugged) and the debug port of
  each, allocated as skaffold allocates them.

The checks (`checks/debug_readiness.py`) and the debugger configurations
(`debug/mapping.py`, `debug/offline.py`) both read this one model of the build.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from skaffold_ls.buildfiles.dockerfile import (
    SKAFFOLD_DEBUG_BUILD_ARGS,
    Dockerfile,
    GoBuild,
    Stage,
    dwarf_stripping_flags,
)
from skaffold_ls.buildfiles.dockertext import DockerfileText
from skaffold_ls.buildfiles.gomod import GoMod, find_go_mod
from skaffold_ls.buildfiles.images import (
    ImageConfig,
    image_config,
    official_image,
    stage_chain,
    unknown_image,
)
from skaffold_ls.config.artifacts import Artifact
from skaffold_ls.config.consumers import Section, image_uses
from skaffold_ls.config.manifests import Container, K8sObject, deployed_manifests, image_matches, objects_in
from skaffold_ls.config.paths import resolve
from skaffold_ls.config.sources import ReadFailure, read_regular_text
from skaffold_ls.config.values import Value

RUNTIMES = ("go", "python", "nodejs", "jvm", "netcore")
RUNTIME_LABELS = {"go": "Go", "python": "Python", "nodejs": "Node.js", "jvm": "JVM", "netcore": ".NET"}
# runtime → (port name, skaffold's default container port); .NET attaches through `kubectl exec`
DEBUG_PORTS: dict[str, tuple[str, int]] = {
    "go": ("dlv", 56268),
    "python": ("dap", 5678),
    "nodejs": ("devtools", 9229),
    "jvm": ("jdwp", 5005),
}
# `types.ToRuntime`: what `runtimeType` accepts (case-insensitive); anything else falls back to heuristics
RUNTIME_TYPES = {"go": "go", "golang": "go", "nodejs": "nodejs", "node": "nodejs", "npm": "nodejs", "jvm": "jvm",
                 "java": "jvm", "python": "python", "netcore": "netcore", ".net": "netcore", "dotnet": "netcore"}
RUNTIME_ENV: dict[str, tuple[str, ...]] = {
    "go": ("GODEBUG", "GOGC", "GOMAXPROCS", "GOTRACEBACK", "KO_DATA_PATH"),
    "python": ("PYTHON_VERSION", "PYTHONVERBOSE", "PYTHONINSPECT", "PYTHONOPTIMIZE", "PYTHONUSERSITE",
               "PYTHONUNBUFFERED", "PYTHONPATH", "PYTHONUSERBASE", "PYTHONWARNINGS", "PYTHONHOME", "PYTHONCASEOK",
               "PYTHONIOENCODING", "PYTHONHASHSEED", "PYTHONDONTWRITEBYTECODE"),
    "nodejs": ("NODE_VERSION", "NODEJS_VERSION", "NODE_ENV"),
    "jvm": ("JAVA_TOOL_OPTIONS", "JAVA_VERSION"),
    "netcore": ("ASPNETCORE_URLS", "DOTNET_RUNNING_IN_CONTAINER", "DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"),
}
# An env var to add to the final stage so skaffold recognises the runtime, harmless to the app.
RUNTIME_MARKER_ENV: dict[str, tuple[str, str]] = {
    "go": ("GOTRACEBACK", "single"),  # Go's own default
    "python": ("PYTHONUNBUFFERED", "1"),
    "netcore": ("DOTNET_RUNNING_IN_CONTAINER", "true"),
}
LAUNCHERS = frozenset({"docker-entrypoint.sh", "/cnb/lifecycle/launcher"})  # `isEntrypointLauncher`: exact
# container-debug-support v1.4.0 (python/helper-image/Dockerfile): debugpy for 2.7 and 3.5-3.11
HELPER_PYTHONS = frozenset({(2, 7), *((3, m) for m in range(5, 12))})
# Kinds skaffold's debug transform rewrites (`transformManifest`); CronJob only gets a warning.
TRANSFORMED_KINDS = frozenset({"Pod", "Deployment", "DaemonSet", "ReplicaSet", "StatefulSet",
                               "ReplicationController", "Job"})
KO_DEFAULT_BASE = "cgr.dev/chainguard/static:latest"
MAX_SCRIPT_BYTES = 256 * 1024


def to_runtime(value: str | None) -> str | None:
    """skaffold's `ToRuntime` (None for "unknown")."""
    return RUNTIME_TYPES.get((value or "").strip().lower())


# ---------------------------------------------------------------------------
# skaffold's heuristics


def is_launcher(entrypoint: Sequence[str]) -> bool:
    return len(entrypoint) == 1 and entrypoint[0] in LAUNCHERS


def unwrap_shell(entrypoint: Sequence[str], args: Sequence[str]) -> tuple[list[str], list[str]]:
    """`updateForShDashC`: the command line skaffold's transformers see (only absolute
    `/bin/sh` or `/bin/bash` with `-c` are unwrapped)."""
    def sh(a: Sequence[str]) -> bool:
        return len(a) >= 2 and a[0] in ("/bin/sh", "/bin/bash") and a[1] == "-c"

    def split(text: str) -> list[str] | None:
        try:
            return shlex.split(text)
        except ValueError:
            return None

    if len(entrypoint) == 2 and args and sh(entrypoint):
        words = split(args[0])
        if words is not None:
            return words, []
    if len(entrypoint) > 2 and sh(entrypoint):
        words = split(entrypoint[2])
        if words is not None:
            return words, []
    if (not entrypoint or is_launcher(entrypoint)) and len(args) > 2 and sh(args):
        words = split(args[2])
        if words is not None:
            return words, []
    return list(entrypoint), list(args)


def _cmd_words(entrypoint: Sequence[str], args: Sequence[str]) -> list[str]:
    """What the command tests look at: the entrypoint unless empty or a launcher, else the args."""
    return list(entrypoint) if entrypoint and not is_launcher(entrypoint) else list(args)


def _named(word: str, *names: str) -> bool:
    return any(word == n or word.endswith("/" + n) for n in names)


@dataclass(frozen=True)
class Match:
    runtime: str
    reason: str


def heuristics(env: Mapping[str, str], entrypoint: Sequence[str], args: Sequence[str],
               env_origin: Mapping[str, str] | None = None) -> list[Match]:
    """Every transformer whose `IsApplicable` fires, in a fixed order (skaffold's order is a Go
    map's: random, so more than one match means a random pick per container)."""
    entrypoint, args = unwrap_shell(entrypoint, args)
    words = _cmd_words(entrypoint, args)
    first = words[0] if words else ""
    out: list[Match] = []
    for runtime in RUNTIMES:
        found = next((k for k in RUNTIME_ENV[runtime] if k in env), None)
        if found is not None:
            where = (env_origin or {}).get(found)
            out.append(Match(runtime, f"env `{found}`" + (f" from {where}" if where else "")))
            continue
        ok = False
        if runtime == "go":
            ok = _named(first, "dlv")
        elif runtime == "python":
            ok = _named(first, "python", "python2", "python3")
        elif runtime == "nodejs":
            ok = _named(first, "node", "nodemon", "npm")
        elif runtime == "jvm":
            ok = _named(first, "java")
        elif runtime == "netcore":
            ok = len(words) >= 2 and (_named(first, "dotnet") or (first == "exec" and _named(words[1], "dotnet")))
        if ok:
            out.append(Match(runtime, f"command `{' '.join(words[:3])}`"))
    return out


@dataclass
class Detection:
    runtime: str | None  # what skaffold will configure (None: "unable to determine runtime")
    reason: str
    matches: list[Match] = field(default_factory=list)  # every heuristic that fires
    certain: bool = True  # the image config is fully known, so this is what skaffold will decide
    unknown_runtime_type: str | None = None  # a `runtimeType` skaffold does not know (it falls back)

    @property
    def ambiguous(self) -> bool:
        return len({m.runtime for m in self.matches}) > 1 and not self.reason.startswith("runtimeType")


def detect(runtime_type: str | None, image: ImageConfig | None, container: Container | None = None,
           hint: tuple[str, str] | None = None) -> Detection:
    """skaffold's decision for one container: a valid `runtimeType` wins, then the heuristics
    on the image config overlaid with the container's env (by presence), command and args.
    `hint` is (runtime, why) for builders whose image config is opaque here (buildpacks, jib)."""
    explicit = to_runtime(runtime_type)
    if explicit:
        return Detection(explicit, f"runtimeType: {runtime_type}")
    unknown_type = runtime_type if runtime_type else None
    if image is None:
        if hint is not None:
            return Detection(hint[0], hint[1], [Match(hint[0], hint[1])], False, unknown_type)
        return Detection(None, "the image config cannot be read offline", [], False, unknown_type)
    env = dict(image.env)
    origin = dict(image.env_origin)
    entrypoint, args = list(image.entrypoint), list(image.cmd)
    if container is not None:
        for k, v in container.env.items():
            env[k] = v
            origin[k] = f"container `{container.name}` env"
        if container.command:
            entrypoint = list(container.command)
        if container.args:
            args = list(container.args)
    matches = heuristics(env, entrypoint, args, origin)
    certain = image.known
    if not matches:
        why = "no Go, Python, Node.js, JVM or .NET env var and no matching command"
        return Detection(None, why, [], certain, unknown_type)
    return Detection(matches[0].runtime, matches[0].reason, matches, certain, unknown_type)


# ---------------------------------------------------------------------------
# Go builds


@dataclass
class GoFacts:
    """A Go binary as Delve will meet it under `skaffold debug`."""

    how: str  # "Dockerfile" | "ko" | "custom"
    build: GoBuild | None = None  # the Dockerfile's `go build`
    line: int | None = None  # its RUN line
    stripped: list[str] = field(default_factory=list)  # `-s`/`-w` in -ldflags: no DWARF, Delve cannot load it
    stripped_at: Value | None = None  # ko: the ldflags item
    optimised: str | None = None  # why skaffold's `-N -l` does not reach the compiler (None: it does)
    trimpath: bool = False
    sources: GoSources | None = None  # where the Dockerfile build compiled the context


@dataclass(frozen=True)
class GoSources:
    """Where a Dockerfile's `go build` found the artifact's sources: the local folder the
    stage copied to `remote` before the build, and the go.mod of the package it built (what
    `-trimpath` records instead of paths)."""

    local: Path
    remote: str
    compile_dir: str  # the image folder of the package built
    module: GoMod | None
    guessed: bool = False  # no COPY of the context before the build: the context assumed at its dir


def context_pairs(df: Dockerfile, stage: Stage, before_line: int | None = None) -> list[tuple[str, str]]:
    """(context-relative folder, image folder) for the context COPYs of `stage` and the stages
    it is built FROM (common suffixes stripped: `COPY cmd/ ./cmd/` in /src maps `.` to /src)."""
    pairs: list[tuple[str, str]] = []
    for s in stage_chain(df, stage):
        for cp in s.context_copies:
            if before_line is not None and s is stage and cp.line > before_line:
                continue
            pairs.extend(cp.context_roots())
    return pairs


def pick_pair(pairs: list[tuple[str, str]], remote_dir: str) -> tuple[str, str] | None:
    """The copy that holds `remote_dir`: whole-context copies first, then the deepest destination."""
    def covers(remote: str) -> bool:
        return remote_dir == remote or remote_dir.startswith(remote.rstrip("/") + "/") or remote == "/"

    covering = [p for p in pairs if covers(p[1])]
    if covering:
        return sorted(covering, key=lambda p: (p[0] != ".", -len(p[1])))[0]
    return pairs[-1] if pairs else None


def go_sources(df: Dockerfile, build: GoBuild, context: Path) -> GoSources:
    stage = df.stage_of(build)
    pkg = build.main_package
    package_dir = (posixpath.dirname(pkg) or ".") if pkg.endswith(".go") else pkg
    compile_dir = posixpath.normpath(posixpath.join(build.dir, package_dir))
    pair = pick_pair(context_pairs(df, stage, before_line=build.line), compile_dir)
    guessed = pair is None
    if pair is None:
        pair = (".", build.dir)
    local = (context / pair[0]).resolve()
    rel = posixpath.relpath(compile_dir, pair[1]) if _under(compile_dir, pair[1]) else "."
    module = find_go_mod(local / rel, stop_at=context)
    return GoSources(local, pair[1], compile_dir, module, guessed)


def _under(path: str, root: str) -> bool:
    return path == root or root == "/" or path.startswith(root.rstrip("/") + "/")


def _gcflags_missing(dt: DockerfileText, build: GoBuild) -> str | None:
    declared = dt.df.declares_arg("SKAFFOLD_GO_GCFLAGS")
    used = any("SKAFFOLD_GO_GCFLAGS" in g for g in build.gcflags) or \
        "SKAFFOLD_GO_GCFLAGS" in dt.instruction_text(build.line)
    if declared and used:
        return None
    if not declared and not used:
        return "declare `ARG SKAFFOLD_GO_GCFLAGS` nor pass it to `-gcflags`"
    return "declare `ARG SKAFFOLD_GO_GCFLAGS`" if not declared else "pass `-gcflags`"


def image_go_build(df: Dockerfile, target: str | None) -> GoBuild | None:
    """The `go build` whose output the image holds: in the target stage's chain, or in a
    stage the target copies from (`COPY --from`); None when the image holds no Go build."""
    final = df.target_stage(target)
    chain = stage_chain(df, final)
    for cp in reversed([c for s in chain for c in s.copies]):
        if cp.from_stage is None:
            continue
        src = df.stage(cp.from_stage)
        if src is None:
            continue
        builds = [b for s in stage_chain(df, src) for b in s.go_builds]
        for b in reversed(builds):
            for source in cp.sources:
                s_abs = posixpath.normpath(source if source.startswith("/") else posixpath.join(src.workdir, source))
                if b.output and (b.output.rstrip("/") == s_abs or b.output.startswith(s_abs.rstrip("/") + "/")
                                 or s_abs.startswith(b.output.rstrip("/") + "/")):
                    return b
        if builds:
            return builds[-1]
    own = [b for s in chain for b in s.go_builds]
    return own[-1] if own else None


# ---------------------------------------------------------------------------
# one artifact


@dataclass
class ArtifactPrediction:
    artifact: Artifact
    image: ImageConfig | None  # None: not knowable offline (custom, bazel, jib, buildpacks)
    detection: Detection  # for the image alone (containers may add env or a command)
    dockerfile: DockerfileText | None = None
    go: GoFacts | None = None
    language: str | None = None  # what the build evidently produces, whatever skaffold detects
    language_evidence: str = ""
    hint: tuple[str, str] | None = None  # (runtime, why) for builders whose image config is opaque here

    @property
    def image_name(self) -> str:
        return self.artifact.image or ""

    @property
    def python_version(self) -> tuple[int, int] | None:
        if self.image is None:
            return None
        v = self.image.env.get("PYTHON_VERSION", "")
        m = re.match(r"(\d+)\.(\d+)", v)
        if m:
            return int(m.group(1)), int(m.group(2))
        return self.image.python_version


class DebugModel:
    """Predictions for the artifacts of a project (artifacts reach each other through `requires`)."""

    def __init__(self, artifacts: Iterable[Artifact]):
        self.artifacts = list(artifacts)
        self._by_image: dict[str, Artifact] = {}
        for a in self.artifacts:
            if a.image and a.image not in self._by_image:
                self._by_image[a.image] = a
        self._cache: dict[int, ArtifactPrediction] = {}
        self._busy: set[int] = set()

    def artifact(self, image: str) -> Artifact | None:
        return self._by_image.get(image)

    def predict(self, art: Artifact) -> ArtifactPrediction:
        key = id(art.value)
        hit = self._cache.get(key)
        if hit is not None:
            return hit
        self._busy.add(key)
        try:
            pred = self._predict(art)
        finally:
            self._busy.discard(key)
        self._cache[key] = pred
        return pred

    # -- per builder ------------------------------------------------------------------
    def _predict(self, art: Artifact) -> ArtifactPrediction:
        if art.builder in ("docker", "kaniko"):
            return self._docker(art)
        if art.builder == "ko":
            return self._ko(art)
        hint = self._opaque_hint(art)
        pred = ArtifactPrediction(art, None, detect(art.runtime_type, None, hint=hint), hint=hint)
        if art.builder == "custom":
            go, dt = self._custom_go(art)
            if go is not None:
                pred.go = go
                pred.language, pred.language_evidence = "go", "its build command builds Go"
            if dt is not None:  # the build command runs docker on the context's Dockerfile
                image = image_config(dt.df, None, dockerfile_name=dt.path.name)
                image.known = False  # the script may build something else
                pred.image, pred.dockerfile = image, dt
                pred.detection = detect(art.runtime_type, image)
            elif go is not None and go.build is None:  # `ko publish`: ko images carry KO_DATA_PATH
                pred.hint = ("go", "ko images set `KO_DATA_PATH`")
                pred.detection = detect(art.runtime_type, None, hint=pred.hint)
        return pred

    def _opaque_hint(self, art: Artifact) -> tuple[str, str] | None:
        if art.builder == "jib":
            return "jvm", "jib images start `java …` on a base that sets JAVA_VERSION"
        if art.builder != "buildpacks":
            return None
        ctx = art.context
        if ctx is None:
            return None
        for files, runtime in ((("go.mod",), "go"), (("package.json",), "nodejs"),
                               (("requirements.txt", "pyproject.toml", "setup.py", "Pipfile"), "python"),
                               (("pom.xml", "build.gradle", "build.gradle.kts"), "jvm")):
            if any((ctx / f).is_file() for f in files):
                return runtime, f"buildpacks build a {RUNTIME_LABELS[runtime]} app here ({files[0]})"
        return None

    def _ko(self, art: Artifact) -> ArtifactPrediction:
        base_ref = art.spec_text("fromImage") or _ko_yaml_base(art.context) or KO_DEFAULT_BASE
        base = official_image(base_ref) or unknown_image(base_ref)
        image = base.copy()
        image.env["KO_DATA_PATH"] = "/var/run/ko"
        image.env_origin["KO_DATA_PATH"] = "ko"
        name = (art.ko_main or art.image or "app").rstrip("/").rsplit("/", 1)[-1].lstrip(".") or "app"
        image.entrypoint = [f"/ko-app/{name}"]
        image.cmd = []
        image.known = True  # KO_DATA_PATH decides whatever the base says
        go = GoFacts("ko", trimpath=art.ko_trimpath is not None)
        for v in art.ko_list("ldflags"):
            flags = dwarf_stripping_flags([v.text or ""])
            if flags:
                go.stripped = flags
                go.stripped_at = v
        return ArtifactPrediction(art, image, detect(art.runtime_type, image), go=go, language="go",
                                  language_evidence="ko builds Go")

    def _docker(self, art: Artifact) -> ArtifactPrediction:
        dt = self.dockerfile(art)
        if dt is None:
            return ArtifactPrediction(art, None, detect(art.runtime_type, None))
        image = image_config(dt.df, art.target, lambda ref: self._artifact_base(art, ref), art.dockerfile_text)
        pred = ArtifactPrediction(art, image, detect(art.runtime_type, image), dockerfile=dt)
        build = image_go_build(dt.df, art.target)
        if build is not None:
            go = GoFacts("Dockerfile", build, build.line, trimpath=build.trimpath)
            if art.context is not None:
                go.sources = go_sources(dt.df, build, art.context)
            go.stripped = dwarf_stripping_flags(build.ldflags)
            missing = _gcflags_missing(dt, build)
            if missing:
                go.optimised = f"{art.dockerfile_text} (line {build.line}) does not {missing}"
            pred.go = go
            pred.language, pred.language_evidence = "go", f"{art.dockerfile_text} line {build.line} runs `go build`"
        else:
            pred.language, pred.language_evidence = _language_of(dt.df, art.target, image)
        return pred

    def dockerfile(self, art: Artifact) -> DockerfileText | None:
        """The Dockerfile read with the build args `skaffold debug` passes: the user's,
        the `requires` aliases, and SKAFFOLD_GO_GCFLAGS/SKAFFOLD_RUN_MODE when declared."""
        path = art.dockerfile
        if path is None or not path.is_file():
            return None
        args = dict(art.build_args)
        for alias, image in art.required_aliases.items():
            args.setdefault(alias, image)
        dt = DockerfileText.read(path, args)
        if dt is None:
            return None
        extra = {k: v for k, v in SKAFFOLD_DEBUG_BUILD_ARGS.items() if dt.df.declares_arg(k) and k not in args}
        if extra:
            dt = DockerfileText.read(path, {**args, **extra}) or dt
        return dt

    def _artifact_base(self, art: Artifact, ref: str) -> ImageConfig | None:
        """`FROM ${ALIAS}` naming another artifact (an artifact `requires` build arg)."""
        if ref not in art.required_aliases.values():
            return None
        base = self.artifact(ref)
        if base is None or id(base.value) in self._busy:
            return unknown_image(ref)
        pred = self.predict(base)
        return pred.image.copy() if pred.image is not None else unknown_image(ref)

    def _custom_go(self, art: Artifact) -> tuple[GoFacts | None, DockerfileText | None]:
        """A custom build command that builds Go (skaffold passes it no SKAFFOLD_GO_GCFLAGS, only
        IMAGE, PUSH_IMAGE, BUILD_CONTEXT, PLATFORMS, SKIP_TEST, IMAGE_REPO and IMAGE_TAG), and
        the context's Dockerfile when the command builds with docker."""
        ctx = art.context
        command = art.spec_text("buildCommand") or ""
        if ctx is None or not command:
            return None, None
        text = command
        for word in command.split():
            candidate = resolve(ctx, word)
            if candidate.suffix in (".sh", ".bash", "") and candidate.is_file():
                read = read_regular_text(candidate, MAX_SCRIPT_BYTES)
                if not isinstance(read, ReadFailure):
                    text += "\n" + read
                    break
        passes_flags = "SKAFFOLD_GO_GCFLAGS" in text or "-N -l" in text
        if re.search(r"\bko\s+(publish|build|resolve|apply)\b", text):
            if passes_flags or "--disable-optimizations" in text:
                return GoFacts("custom"), None
            return GoFacts("custom", optimised="its build command runs `ko` without `--disable-optimizations`"), None
        if not re.search(r"\b(docker|podman|buildah)\b.*\bbuild\b|\bbuildx\s+build\b", text):
            return None, None
        dockerfile = ctx / "Dockerfile"
        dt = DockerfileText.read(dockerfile) if dockerfile.is_file() else None
        build = image_go_build(dt.df, None) if dt is not None else None
        if build is None:
            return None, dt
        go = GoFacts("custom", build, build.line, trimpath=build.trimpath, stripped=dwarf_stripping_flags(build.ldflags))
        if not passes_flags:
            go.optimised = ("custom builders get no SKAFFOLD_GO_GCFLAGS build arg, so the Dockerfile's `-gcflags` "
                            "stays empty")
        return go, dt


def _ko_yaml_base(context: Path | None) -> str | None:
    if context is None:
        return None
    for name in (".ko.yaml", ".ko.yml"):
        text = read_regular_text(context / name, MAX_SCRIPT_BYTES)
        if isinstance(text, str):
            m = re.search(r"^defaultBaseImage:\s*[\"']?([^\s\"'#]+)", text, re.M)
            if m:
                return m.group(1)
    return None


_PY_RUN = re.compile(r"\b(pip3?|pipenv|poetry|uv)\s+(install|sync)\b")
_NODE_RUN = re.compile(r"\b(npm|yarn|pnpm)\s+(ci|install|i)\b")
_JVM_RUN = re.compile(r"\b(gradlew?|mvnw?)\b")


def _language_of(df: Dockerfile, target: str | None, image: ImageConfig) -> tuple[str | None, str]:
    """What the image evidently runs (for saying skaffold will not see it): its command, the
    RUN lines of its own stages, a .NET publish it copies."""
    final = df.target_stage(target)
    chain = stage_chain(df, final)
    entrypoint, args = unwrap_shell(image.entrypoint, image.cmd)
    words = entrypoint + args
    for w in words:
        if w.endswith(".py"):
            return "python", f"its command runs `{w}`"
        if w.endswith((".js", ".mjs", ".cjs")):
            return "nodejs", f"its command runs `{w}`"
        if w.endswith(".jar") or w == "-jar":
            return "jvm", "its command runs a jar"
        if w.endswith(".dll"):
            return "netcore", f"its command runs `{w}`"
    copied = [df.stage(c.from_stage) for s in chain for c in s.copies if c.from_stage is not None]
    for s in [*chain, *(c for c in copied if c is not None)]:
        for b in s.dotnet_builds:
            return "netcore", f"line {b.line} runs `dotnet {'publish' if b.output else 'build'}`"
    if image.python_version is not None:
        return "python", "its base image is a Python image"
    for s in chain:
        for line, text in s.runs:
            if _PY_RUN.search(text):
                return "python", f"line {line} installs Python packages"
            if _NODE_RUN.search(text):
                return "nodejs", f"line {line} installs Node.js packages"
    return None, ""


# ---------------------------------------------------------------------------
# containers and ports


@dataclass
class DebugTarget:
    """One container `skaffold debug` would configure (or try to)."""

    prediction: ArtifactPrediction
    workload: K8sObject | None  # None: the container spec is not readable here (a chart, remote manifests)
    container: Container | None
    detection: Detection  # with the container's env/command/args
    port: int | None = None  # the debug port inside the pod
    local_port: int | None = None  # the predicted local forward

    @property
    def runtime(self) -> str | None:
        return self.detection.runtime

    @property
    def port_name(self) -> str | None:
        r = self.runtime
        return DEBUG_PORTS[r][0] if r in DEBUG_PORTS else None


@dataclass
class Deployment:
    """What a project's configs deploy, as far as it can be read: containers by image."""

    objects: list[K8sObject] = field(default_factory=list)
    opaque: set[str] = field(default_factory=set)  # images used by charts/values (containers not readable)
    unknowable: bool = False  # some manifests cannot be read (remote, kpt...): any image may be deployed

    def containers(self, image: str) -> list[tuple[K8sObject, Container]]:
        return [(o, c) for o in self.objects for c in o.containers
                if not c.init and c.image and image_matches(c.image, image)]

    def runs(self, image: str) -> bool | None:
        """Whether some container runs `image` (None: cannot tell, e.g. no manifest readable at all)."""
        if self.containers(image) or image in self.opaque:
            return True
        nothing_read = not self.opaque and not any(o.containers for o in self.objects)
        return None if self.unknowable or nothing_read else False


def deployment_of(sections: Iterable[tuple[Value, Path]], images: Sequence[str]) -> Deployment:
    """The readable workloads of config sections (value, base dir) and the images charts use."""
    out = Deployment()
    seen: set[Path] = set()
    sections = list(sections)
    for value, base in sections:
        deployed = deployed_manifests(value, base)
        if deployed.unknowable:
            out.unknowable = True
        for source in deployed.sources:
            if source.kind == "helm":
                continue
            for f in source.files:
                if f in seen:
                    continue
                seen.add(f)
                out.objects.extend(objects_in(f))
    uses = image_uses((Section(v, b) for v, b in sections), [i for i in images if i])
    for image in uses.deployed_images:
        if not any(True for _ in out.containers(image)):
            out.opaque.add(image)
    return out


def debug_targets(model: DebugModel, artifacts: Sequence[Artifact], deployment: Deployment,
                  taken_local_ports: Iterable[int] = ()) -> list[DebugTarget]:
    """Every container skaffold would configure for debugging, in artifact order, with its
    in-pod debug port (per pod, sequential from the runtime's default, skipping ports the
    pod declares) and a predicted local port (first free from the pod port upward across
    all forwards of the run: skaffold's `GetAvailablePort` without the machine's state)."""
    targets: list[DebugTarget] = []
    pod_ports: dict[int, set[int]] = {}  # id(workload) -> ports used in that pod
    local: set[int] = set(taken_local_ports)
    for art in artifacts:
        image = art.image or ""
        pred = model.predict(art)
        found = deployment.containers(image) if image else []
        if not found:
            if deployment.runs(image) is False:
                continue
            targets.append(DebugTarget(pred, None, None, pred.detection))
            continue
        for obj, c in found:
            if obj.kind not in TRANSFORMED_KINDS:
                continue
            targets.append(DebugTarget(pred, obj, c, detect(art.runtime_type, pred.image, c, hint=pred.hint)))
    for t in targets:
        if t.runtime not in DEBUG_PORTS:
            continue
        default = DEBUG_PORTS[t.runtime][1]
        existing = _existing_port(t)
        if existing is not None:
            t.port = existing
        elif t.workload is not None:
            used = pod_ports.setdefault(id(t.workload), {p for c in t.workload.containers for _n, p in c.ports})
            t.port = allocate_port(default, used)
            used.add(t.port)
        else:
            t.port = default
        t.local_port = allocate_port(t.port, local)
        local.add(t.local_port)
    return targets


def _port_of(address: str) -> int | None:
    tail = address.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else None


def existing_debug_port(runtime: str, env: Mapping[str, str], entrypoint: Sequence[str],
                        args: Sequence[str]) -> int | None:
    """The port of a debugger the command already starts, which skaffold keeps and reports
    instead of allocating one: `dlv … --listen=:N`, `-m debugpy --listen N`, `--inspect=N`
    (also at the start of NODE_OPTIONS), `-agentlib:jdwp=…address=N` (also in JAVA_TOOL_OPTIONS)."""
    entrypoint, args = unwrap_shell(entrypoint, args)
    words = _cmd_words(entrypoint, args)
    everything = [*entrypoint, *args]
    if runtime == "go" and words and _named(words[0], "dlv"):
        for i, w in enumerate(words):
            if w == "--":
                break
            if w.startswith("--listen="):
                return _port_of(w.split("=", 1)[1])
            if w == "--listen" and i + 1 < len(words):
                return _port_of(words[i + 1])
    if runtime == "python":
        for i, w in enumerate(everything):
            module = w[2:] if w.startswith("-m") and len(w) > 2 else (everything[i + 1] if w == "-m" and
                                                                      i + 1 < len(everything) else None)
            if module == "debugpy":
                rest = everything[i + 1:]
                for j, r in enumerate(rest):
                    if r == "--listen" and j + 1 < len(rest):
                        return _port_of(rest[j + 1])
            if module == "ptvsd":
                rest = everything[i + 1:]
                for j, r in enumerate(rest):
                    if r == "--port" and j + 1 < len(rest) and rest[j + 1].isdigit():
                        return int(rest[j + 1])
                return 5678
    if runtime == "nodejs":
        options = env.get("NODE_OPTIONS", "")
        for w in [*everything, *([options] if options.startswith("--inspect") else [])]:
            m = re.match(r"^--inspect(?:-brk)?(?:=(\S+))?", w)
            if m:
                return _port_of(m.group(1)) if m.group(1) else 9229
    if runtime == "jvm":
        for w in [*everything, *env.get("JAVA_TOOL_OPTIONS", "").split()]:
            if w.startswith(("-agentlib:jdwp=", "-Xrunjdwp:")):
                m = re.search(r"address=([^,]+)", w)
                if m:
                    return _port_of(m.group(1))
    return None


def _existing_port(t: DebugTarget) -> int | None:
    image = t.prediction.image
    if image is None or t.runtime is None:
        return None
    env = dict(image.env)
    entrypoint, args = list(image.entrypoint), list(image.cmd)
    if t.container is not None:
        env.update(t.container.env)
        entrypoint = list(t.container.command) or entrypoint
        args = list(t.container.args) or args
    return existing_debug_port(t.runtime, env, entrypoint, args)


def allocate_port(desired: int, used: set[int]) -> int:
    """`util.AllocatePort`: upward from `desired` (below 65535), then downward (above 1024)."""
    if desired < 1024 or desired > 65535:
        desired = 1024
    port = desired
    while port < 65535:
        if port not in used:
            return port
        port += 1
    port = desired - 1
    while port > 1024:
        if port not in used:
            return port
        port -= 1
    return desired


def helper_supports(version: tuple[int, int]) -> bool:
    return version in HELPER_PYTHONS


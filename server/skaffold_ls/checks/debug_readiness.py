"""Set-ups that make `skaffold debug` fail or disappoint, found before anything is deployed.

Every finding rests on `config.debugging`, the one prediction of what skaffold's debug
transformers will do with each artifact: the image config they will read (ENV, ENTRYPOINT
and CMD inherited through the Dockerfile's stages, official base images and artifact
`requires`), the runtime they will detect, the Go build Delve will load. Only images some
container runs are judged (a base image built for other artifacts is never debugged), and
only when the prediction is certain (every layer's config known).

Codes:
- go-runtime-not-detected (warning): a Go build whose image sets none of GODEBUG, GOGC,
  GOMAXPROCS, GOTRACEBACK, KO_DATA_PATH and does not start `dlv`: `skaffold debug` logs
  "unable to determine runtime" and runs it undebugged (fix: add-runtime-env, `ENV
  GOTRACEBACK=single` in the final stage). A missing SKAFFOLD_GO_GCFLAGS is folded in;
- debug-runtime-not-detected (warning): the same for a Python, Node.js, JVM or .NET image
  (fix: add-runtime-env for Python and .NET; `runtimeType` otherwise);
- debug-runtime-ambiguous (warning): heuristics of two runtimes fire; skaffold picks one at
  random per container (its transformers live in a Go map): set `runtimeType`;
- go-stripped-binary (warning): `-ldflags` with `-s` or `-w`: no DWARF, `dlv exec` stops with
  "could not open debug info" and the pod crash-loops (fix: go-debug-ldflags);
- go-missing-gcflags (information): a Go Dockerfile build that does not declare and use
  SKAFFOLD_GO_GCFLAGS: skaffold passes `all=-N -l` only to Dockerfiles declaring it, so the
  binary stays optimised and breakpoints may jump (fix: add-go-gcflags);
- go-optimised-build (information): a custom builder building Go: custom builders never get
  SKAFFOLD_GO_GCFLAGS, and `ko publish` optimises unless told `--disable-optimizations`;
- go-trimpath: `-trimpath` makes recorded paths module-relative. `launch-config` maps them to
  the module path from go.mod, so this is a hint (fix: remove-trimpath); without a go.mod to
  map to, breakpoints cannot bind (warning);
- shell-form-entrypoint (warning): a shell-form ENTRYPOINT/CMD of a Go or Python image that
  skaffold cannot rewrite. skaffold unwraps `/bin/sh -c`, splits the words and re-joins them,
  so variable expansion and redirections survive; command lists (`&&`, `||`, `;`, pipes,
  `$(...)`, backquotes, `exec`) do not (fix: exec-form-entrypoint when it is a plain command);
- dotnet-diagnostics-disabled (warning): a .NET image with `DOTNET_EnableDiagnostics=0`: the
  runtime refuses debuggers, so vsdbg cannot attach;
- python-debug-support (information): a Python the debug helper has no debugpy for (it
  carries 2.7 and 3.5-3.11; for others the launcher only warns and `python -m debugpy`
  fails unless the image installs debugpy itself);
- liveness-probe-debug (information): a chart that drops its probes behind a value nothing
  sets for `skaffold debug` (fix: helm-debug-switch); grpc or exec liveness probes on
  containers skaffold will debug, once per config (skaffold raises only httpGet timeouts, and
  a process paused at a breakpoint fails the others).
"""

from __future__ import annotations

import re
from pathlib import Path

from skaffold_ls.buildfiles.charts import probe_switch
from skaffold_ls.buildfiles.dockertext import DockerfileText, exec_form
from skaffold_ls.checks.context import CheckContext
from skaffold_ls.config.artifacts import Artifact, artifacts_of
from skaffold_ls.config.debugging import (
    HELPER_PYTHONS,
    RUNTIME_ENV,
    RUNTIME_LABELS,
    RUNTIME_MARKER_ENV,
    ArtifactPrediction,
    DebugModel,
    DebugTarget,
    Deployment,
    debug_targets,
    deployment_of,
)
from skaffold_ls.config.manifests import deployed_manifests
from skaffold_ls.config.paths import is_templated, resolve
from skaffold_ls.config.sources import ConfigDocument
from skaffold_ls.config.values import Value
from skaffold_ls.core.findings import Finding, Severity

_COMMAND_LIST = re.compile(r"&&|\|\||(?<![>&|])\|(?![|&])|;|`|\$\(|^\s*exec\s")


def _helper_range() -> str:
    threes = sorted(m for major, m in HELPER_PYTHONS if major == 3)
    return f"2.7 and 3.{threes[0]}–3.{threes[-1]}"


class _Debug:
    """The debug prediction for one config document (its artifacts, the configs it loads)."""

    def __init__(self, ctx: CheckContext, doc: ConfigDocument):
        assert doc.value is not None
        base = ctx.view.base_dir
        loaded = ctx.view.load("debug").configs
        self.artifacts = ctx.view.artifacts(doc)
        # artifacts a profile adds through a patch (`add /build/artifacts/1`), judged where the patch writes them
        written = {a.value.range for a in self.artifacts}
        for view in ctx.view.profile_views(doc):
            for a in artifacts_of(view.value, base):
                if a.value.range not in written and a.image not in {w.image for w in self.artifacts}:
                    a.profile = view.name
                    written.add(a.value.range)
                    self.artifacts.append(a)
        others = [a for c in loaded for a in artifacts_of(c.value, c.base_dir)]
        self.model = DebugModel([*self.artifacts, *others])
        sections: list[tuple[Value, Path]] = []
        if base is not None:
            sections.append((doc.value, base))
            sections += [(v.value, base) for v in ctx.view.profile_views(doc)]
        sections += [(c.value, c.base_dir) for c in loaded]
        images = [a.image for a in self.model.artifacts if a.image]
        self.deployment: Deployment = deployment_of(sections, images)
        self.targets = debug_targets(self.model, self.artifacts, self.deployment)

    def targets_of(self, art: Artifact) -> list[DebugTarget]:
        return [t for t in self.targets if t.prediction.artifact is art]


def _debug(ctx: CheckContext, doc: ConfigDocument) -> _Debug:
    """One prediction per config, shared by the checks of one analysis."""
    return ctx.shared(("debug-prediction", doc.index), lambda: _Debug(ctx, doc))


def check_dockerfiles(ctx: CheckContext) -> list[Finding]:
    if not ctx.on_disk():
        return []
    out: list[Finding] = []
    for doc in ctx.configs():
        debug = _debug(ctx, doc)
        found: list[Finding] = []
        for art in debug.artifacts:
            pred = debug.model.predict(art)
            targets = debug.targets_of(art)
            found.extend(_artifact_findings(art, pred, targets))
        out.extend(_once_per_config(found, "python-debug-support"))
    return out


def _once_per_config(findings: list[Finding], code: str) -> list[Finding]:
    """One note per config for advice that several artifacts share (at the first of them)."""
    same = [f for f in findings if f.code == code]
    if len(same) < 2:
        return findings
    versions = sorted({str((f.data or {}).get("version")) for f in same})
    images = [str((f.data or {}).get("image")) for f in same]
    merged = Finding(
        code, same[0].severity,
        f"{_listed(images)} run Python {' and '.join(versions)}: skaffold's debug helper carries debugpy for Python "
        f"{_helper_range()} only; for other versions `skaffold debug` only warns and those containers fail to start "
        "debugpy. Install debugpy in the images (e.g. in requirements.txt) or debug on a supported Python",
        same[0].range, {"versions": versions, "images": images})
    return [f for f in findings if f.code != code] + [merged]


def _listed(names: list[str]) -> str:
    quoted = [f"`{n}`" for n in names]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _artifact_findings(art: Artifact, pred: ArtifactPrediction, targets: list[DebugTarget]) -> list[Finding]:
    out: list[Finding] = []
    rng = art.anchor_range
    runs = bool(targets)
    readable = [t for t in targets if t.container is not None]
    detected = {t.runtime for t in targets if t.runtime}
    go = pred.go
    # -- runtime detection ----------------------------------------------------------------
    if runs and readable and len(readable) == len(targets) and not detected and pred.detection.certain \
            and pred.language is not None:
        out.append(_not_detected(art, pred))
    for t in targets:
        if t.detection.ambiguous:
            names = " and ".join(f"{RUNTIME_LABELS[m.runtime]} ({m.reason})" for m in t.detection.matches)
            out.append(Finding(
                "debug-runtime-ambiguous", Severity.WARNING,
                f"`skaffold debug` sees {names} in {art.label()}: it tries its runtimes in random order, so each "
                "pod may be configured for either. Set `runtimeType` on the artifact", rng,
                {"runtimes": [m.runtime for m in t.detection.matches]}))
            break
    # -- Go -----------------------------------------------------------------------------
    if go is not None and runs and (detected <= {"go"}):
        if go.stripped:
            out.append(_stripped(art, pred))
        if go.optimised and "go" in detected:
            if go.how == "custom":
                out.append(Finding(
                    "go-optimised-build", Severity.INFORMATION,
                    f"{art.label()} is built by a custom command and {go.optimised}: under `skaffold debug` the Go "
                    "binary stays optimised, so breakpoints may jump or not bind and variables read "
                    "\"optimized away\". Build with `-gcflags='all=-N -l'` in a debug profile (or use the docker or "
                    "ko builder, which skaffold de-optimises)", rng, {"how": "custom"}))
            elif go.how == "Dockerfile":
                assert go.build is not None and pred.dockerfile is not None
                out.append(Finding(
                    "go-missing-gcflags", Severity.INFORMATION,
                    f"{go.optimised}: `skaffold debug` passes `all=-N -l` only to Dockerfiles that declare it, so the "
                    "binary stays optimised and breakpoints may jump or not bind",
                    rng, {"dockerfile": str(pred.dockerfile.path), "line": go.build.line}))
    if go is not None and go.how == "Dockerfile" and go.trimpath and go.build is not None and runs \
            and pred.dockerfile is not None:
        mappable = go.sources is not None and go.sources.module is not None
        out.append(Finding(
            "go-trimpath", Severity.HINT if mappable else Severity.WARNING,
            f"`go build -trimpath` in {art.dockerfile_text} (line {go.build.line}) records module-relative paths"
            + ("; `launch-config` maps them to the module path from go.mod" if mappable else
               " and there is no go.mod to map them to: breakpoints set on local files cannot bind"),
            rng, {"dockerfile": str(pred.dockerfile.path), "line": go.build.line}))
    if go is not None and go.how == "ko" and go.trimpath and art.ko_trimpath is not None:
        out.append(Finding("go-trimpath", Severity.HINT,
                           "`-trimpath` in ko flags: skaffold turns ko's own trimpath off under `skaffold debug` so "
                           "breakpoints bind, but keeps user flags; `launch-config` maps the module paths it records",
                           art.ko_trimpath.range, {"ko": True}))
    # -- the command skaffold must rewrite ----------------------------------------------------
    dt = pred.dockerfile
    if dt is not None and art.builder in ("docker", "kaniko") and detected & {"go", "python"}:
        out.extend(_shell_form(art, dt))
    # -- .NET -----------------------------------------------------------------------------
    diagnostics = pred.image.env.get("DOTNET_EnableDiagnostics") if pred.image is not None else None
    if "netcore" in detected and diagnostics is not None and diagnostics.strip().lower() in ("0", "false"):
        where = pred.image.env_origin.get("DOTNET_EnableDiagnostics", "the image") if pred.image else "the image"
        out.append(Finding(
            "dotnet-diagnostics-disabled", Severity.WARNING,
            f"{art.label()} sets `DOTNET_EnableDiagnostics={diagnostics}` ({where}): the .NET runtime then refuses "
            "debuggers, so the vsdbg `skaffold debug` installs cannot attach. Leave it unset for debugging (e.g. a "
            "Dockerfile used by a debug profile)", rng, {"env": "DOTNET_EnableDiagnostics"}))
    # -- Python ---------------------------------------------------------------------------
    py = pred.python_version
    if "python" in detected and py is not None and py not in HELPER_PYTHONS and dt is not None \
            and not _installs_debugpy(dt):
        out.append(Finding(
            "python-debug-support", Severity.INFORMATION,
            f"{art.label()} runs Python {py[0]}.{py[1]}: skaffold's debug helper carries debugpy for Python "
            f"{_helper_range()} only; for other versions `skaffold debug` only warns and the container fails to "
            "start debugpy. Install debugpy in the image (e.g. in requirements.txt) or debug on a supported Python",
            rng, {"version": f"{py[0]}.{py[1]}", "image": art.image}))
    return out


def _not_detected(art: Artifact, pred: ArtifactPrediction) -> Finding:
    runtime = pred.language or ""
    label = RUNTIME_LABELS.get(runtime, runtime)
    names = ", ".join(RUNTIME_ENV[runtime]) if runtime in RUNTIME_ENV else ""
    marker = RUNTIME_MARKER_ENV.get(runtime)
    data: dict[str, object] = {"runtime": runtime}
    dt = pred.dockerfile
    if marker is not None and dt is not None and art.builder in ("docker", "kaniko"):
        final = dt.df.target_stage(art.target)
        data.update(dockerfile=str(dt.path), stage_line=final.line, env=marker[0], value=marker[1])
        fix = f"add `ENV {marker[0]}={marker[1]}` to the final stage"
        if art.target:
            fix = f"add `ENV {marker[0]}={marker[1]}` to stage `{art.target}`"
    else:
        fix = f"set `runtimeType: {runtime}` on the artifact (skaffold/v4beta2 and later)"
    why = f"its image sets none of {names} and its command does not start " + {
        "go": "`dlv`", "python": "`python`", "nodejs": "`node` or `npm`", "jvm": "`java`",
        "netcore": "`dotnet <app>`"}.get(runtime, "the runtime")
    message = (f"`skaffold debug` will not recognise this image as {label} ({pred.language_evidence}, but {why}): "
               f"it logs \"unable to determine runtime\" and runs the container without a debugger; {fix}")
    if pred.detection.unknown_runtime_type:
        message += (f". `runtimeType: {pred.detection.unknown_runtime_type}` does not help: skaffold knows go, "
                    "nodejs, jvm, python and netcore (and golang, node, npm, java, .net, dotnet) and ignores the rest")
    go = pred.go
    if runtime == "go" and go is not None and go.optimised and go.how == "Dockerfile":
        message += f". Also, {go.optimised}, so even then the binary would stay optimised (fix: add-go-gcflags)"
    code = "go-runtime-not-detected" if runtime == "go" else "debug-runtime-not-detected"
    return Finding(code, Severity.WARNING, message, art.anchor_range, data)


def _stripped(art: Artifact, pred: ArtifactPrediction) -> Finding:
    go = pred.go
    assert go is not None
    flags = " ".join(go.stripped)
    common = ("without DWARF debug information, so under `skaffold debug` Delve stops with \"could not open debug "
              "info\" and the pod crash-loops")
    if go.how == "ko" and go.stripped_at is not None:
        return Finding("go-stripped-binary", Severity.WARNING,
                       f"ko `ldflags` `{go.stripped_at.text}` links {art.label()} {common}; drop `{flags}`",
                       go.stripped_at.range, {"ko": True, "flags": go.stripped})
    where = f"{art.dockerfile_text} (line {go.line})" if go.how == "Dockerfile" else f"the build ({go.how})"
    data: dict[str, object] = {"flags": go.stripped}
    if go.how == "Dockerfile" and pred.dockerfile is not None:
        data.update(dockerfile=str(pred.dockerfile.path), line=go.line)
    return Finding("go-stripped-binary", Severity.WARNING,
                   f"`-ldflags` with `{flags}` in {where} links {art.label()} {common}; drop them when "
                   "SKAFFOLD_GO_GCFLAGS is set (fix: go-debug-ldflags) or altogether", art.anchor_range, data)


def _shell_form(art: Artifact, dt: DockerfileText) -> list[Finding]:
    out: list[Finding] = []
    final = dt.df.target_stage(art.target)
    name = art.dockerfile_text
    for keyword, cmd in (("ENTRYPOINT", final.entrypoint), ("CMD", final.cmd)):
        if cmd is None or cmd.form != "shell" or cmd.shell_text is None:
            continue
        if keyword == "CMD" and final.entrypoint is not None:
            continue
        if _COMMAND_LIST.search(cmd.shell_text):
            fixable = exec_form(cmd) is not None
            out.append(Finding(
                "shell-form-entrypoint", Severity.WARNING,
                f"{keyword} in {name} (line {cmd.line}) is a shell command list (`{cmd.shell_text[:50]}`): "
                "`skaffold debug` cannot put the debugger in front of the program"
                + ("" if fixable else "; use exec form (`[\"/app\", \"arg\"]`) or a script that ends in `exec`"),
                art.anchor_range, {"dockerfile": str(dt.path), "line": cmd.line}))
    return out


def _installs_debugpy(dt: DockerfileText) -> bool:
    if "debugpy" in dt.text:
        return True
    folder = dt.path.parent
    for name in ("requirements.txt", "requirements.in", "pyproject.toml", "Pipfile", "poetry.lock", "setup.py"):
        f = folder / name
        try:
            if f.is_file() and f.stat().st_size < 1_000_000 and "debugpy" in f.read_text(encoding="utf-8",
                                                                                        errors="replace"):
                return True
        except OSError:
            continue
    return False


# ---------------------------------------------------------------------------
# probes


def check_probes(ctx: CheckContext) -> list[Finding]:
    base = ctx.view.base_dir
    if not ctx.on_disk() or base is None:
        return []
    out: list[Finding] = []
    for doc in ctx.configs():
        assert doc.value is not None
        if not any(a.image for a in ctx.view.artifacts(doc)):
            continue
        out.extend(_chart_probe_findings(doc.value, base))
        finding = _manifest_probe_finding(_debug(ctx, doc), doc.value, base)
        if finding is not None:
            out.append(finding)
    return out


def _manifest_probe_finding(debug: _Debug, config: Value, base: Path) -> Finding | None:
    """grpc/exec liveness probes on containers skaffold will debug (and whose debugger can start)."""
    own = {id(a.value) for a in debug.artifacts}
    sources = [s for s in deployed_manifests(config, base).sources if s.kind != "helm"]
    anchor: Value | None = None
    stopping: list[str] = []
    for t in debug.targets:
        if t.container is None or t.workload is None or t.runtime is None or id(t.prediction.artifact.value) not in own:
            continue
        go = t.prediction.go
        if t.runtime == "go" and go is not None and go.stripped:
            continue  # Delve cannot start there anyway (go-stripped-binary)
        handler = t.container.probes.get("livenessProbe")
        if handler not in ("grpc", "exec"):
            continue
        source = next((s for s in sources if t.workload.file in s.files), None)
        if source is None:
            continue  # deployed by another config
        label = f"`{t.workload.name or t.workload.file.stem}/{t.container.name}` ({handler})"
        if label not in stopping:
            stopping.append(label)
        anchor = anchor or source.value
    if not stopping or anchor is None:
        return None
    shown = ", ".join(stopping[:4]) + (f" and {len(stopping) - 4} more" if len(stopping) > 4 else "")
    return Finding(
        "liveness-probe-debug", Severity.INFORMATION,
        f"liveness probes skaffold leaves as they are under `skaffold debug` (it raises only httpGet timeouts): "
        f"{shown}. A container paused at a breakpoint fails them and is restarted; drop them for debugging "
        "(a profile with `activation: [{command: debug}]`)", anchor.range, {"containers": stopping})


def _chart_probe_findings(config: Value, base: Path) -> list[Finding]:
    out: list[Finding] = []
    for where in ("deploy", "manifests"):
        releases = config.at(where, "helm", "releases")
        for index, rel in enumerate(releases.items if releases else []):
            chart = rel.get("chartPath")
            if chart is None or not chart.text or is_templated(chart.text):
                continue
            switch = probe_switch(resolve(base, chart.text))
            if switch is None:
                continue
            value_name, off = switch
            values = rel.get("setValues")
            if values is not None and values.get(value_name) is not None:
                continue
            if _patched_by_profile(config, f"/{where}/helm/releases/{index}/setValues", value_name):
                continue
            out.append(Finding(
                "liveness-probe-debug", Severity.INFORMATION,
                f"the chart drops its probes when `{value_name}` is {str(off).lower()}, and nothing sets it for "
                "`skaffold debug`: a container paused at a breakpoint fails its liveness probe and is restarted",
                chart.range, {"value": value_name, "off": off}))
    return out


def _patched_by_profile(config: Value, base: str, key: str) -> bool:
    """Whether a profile patch sets `<base>/<key>` (or `<base>` to a mapping with `key`)."""
    profiles = config.get("profiles")
    for p in profiles.items if profiles else []:
        patches = p.get("patches")
        for item in patches.items if patches else []:
            path = item.text_at("path")
            if path == f"{base}/{key}":
                return True
            value = item.get("value")
            if path == base and value is not None and value.get(key) is not None:
                return True
    return False

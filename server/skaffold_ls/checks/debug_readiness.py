"""Set-ups that make `skaffold debug` disappoint, found before anything is deployed.

Codes:
- go-missing-gcflags (information): a Go Dockerfile build that does not declare and use
  SKAFFOLD_GO_GCFLAGS: skaffold passes `all=-N -l` only to Dockerfiles declaring the ARG,
  so the binary stays optimised and breakpoints may jump (fix: add-go-gcflags);
- go-trimpath: `-trimpath` makes recorded paths module-relative. `launch-config` maps
  them to the module path from go.mod, so this is a hint (fix: remove-trimpath); without a
  go.mod to map to, breakpoints cannot bind (warning);
- shell-form-entrypoint (warning): a shell-form ENTRYPOINT/CMD skaffold cannot rewrite. skaffold
  unwraps `sh -c`, splits the words and re-joins them, so variable expansion and
  redirections survive; command lists (`&&`, `||`, `;`, pipes, `$(...)`, backquotes) do not
  (fix: exec-form-entrypoint when it is a plain command);
- python-debug-support (information): a Python newer than skaffold's debug helper serves
  (its launcher carries debugpy for 2.7 and 3.5-3.11; for newer versions it only warns and
  `python -m debugpy` then fails unless the image installs debugpy itself);
- liveness-probe-debug (information): a chart that drops its probes behind a value nothing
  sets for `skaffold debug` (fix: helm-debug-switch); grpc or exec liveness probes on
  containers skaffold builds, once per config (skaffold raises only httpGet timeouts, and a
  process paused at a breakpoint fails the others).
"""

from __future__ import annotations

import re
from pathlib import Path

from skaffold_ls.buildfiles import find_go_mod
from skaffold_ls.buildfiles.charts import probe_switch
from skaffold_ls.buildfiles.dockertext import DockerfileText, exec_form
from skaffold_ls.checks.context import CheckContext
from skaffold_ls.config.artifacts import Artifact
from skaffold_ls.config.manifests import deployed_manifests, image_matches, objects_in
from skaffold_ls.config.paths import is_templated, resolve
from skaffold_ls.config.values import Value
from skaffold_ls.core.findings import Finding, Severity

NEWEST_HELPER_PYTHON = (3, 11)
_PY_TAG = re.compile(r"(?:^|/)python:(\d+)\.(\d+)")
_COMMAND_LIST = re.compile(r"&&|\|\||(?<![>&|])\|(?![|&])|;|`|\$\(|^\s*exec\s")


def check_dockerfiles(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for doc in ctx.configs():
        for art in ctx.view.artifacts(doc):
            if art.builder == "ko":
                out.extend(_ko_trimpath(art))
            elif art.builder in ("docker", "kaniko") and art.dockerfile is not None and art.dockerfile.is_file():
                out.extend(_dockerfile_findings(art))
    return out


def _dockerfile_findings(art: Artifact) -> list[Finding]:
    assert art.dockerfile is not None
    dt = DockerfileText.read(art.dockerfile, art.build_args)
    if dt is None:
        return []
    out: list[Finding] = []
    rng = art.anchor_range
    name = art.dockerfile_text
    build = dt.df.go_build_for(art.target)
    if build is not None and art.builder == "docker":
        stage = dt.df.stage_of(build)
        declared = "SKAFFOLD_GO_GCFLAGS" in stage.args or dt.df.declares_arg("SKAFFOLD_GO_GCFLAGS")
        used = any("SKAFFOLD_GO_GCFLAGS" in g for g in build.gcflags) or \
            "SKAFFOLD_GO_GCFLAGS" in dt.instruction_text(build.line)
        if not (declared and used):
            missing = "declare `ARG SKAFFOLD_GO_GCFLAGS` nor pass it to `-gcflags`" if not declared and not used \
                else "declare `ARG SKAFFOLD_GO_GCFLAGS`" if not declared else "pass `-gcflags`"
            out.append(Finding(
                "go-missing-gcflags", Severity.INFORMATION,
                f"{name} (line {build.line}) does not {missing}: `skaffold debug` passes `all=-N -l` only to "
                "Dockerfiles that declare it, so the binary stays optimised and breakpoints may jump or not bind",
                rng, {"dockerfile": str(dt.path), "line": build.line}))
    if build is not None and build.trimpath:
        mappable = art.context is not None and find_go_mod(art.context) is not None
        out.append(Finding(
            "go-trimpath", Severity.HINT if mappable else Severity.WARNING,
            f"`go build -trimpath` in {name} (line {build.line}) records module-relative paths"
            + ("; `launch-config` maps them to the module path from go.mod" if mappable else
               " and there is no go.mod to map them to: breakpoints set on local files cannot bind"),
            rng, {"dockerfile": str(dt.path), "line": build.line}))
    final = dt.df.target_stage(art.target)
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
                rng, {"dockerfile": str(dt.path), "line": cmd.line}))
    py = _python_version(dt, art.target)
    if py is not None and py > NEWEST_HELPER_PYTHON and not _installs_debugpy(dt):
        out.append(Finding(
            "python-debug-support", Severity.INFORMATION,
            f"Python {py[0]}.{py[1]}: skaffold's debug helper carries debugpy up to Python "
            f"{NEWEST_HELPER_PYTHON[0]}.{NEWEST_HELPER_PYTHON[1]}; for newer versions `skaffold debug` only warns and "
            "the container fails to start debugpy. Install debugpy in the image (e.g. in requirements.txt) or debug "
            "on an older Python", rng, {"version": f"{py[0]}.{py[1]}"}))
    return out


def _python_version(dt: DockerfileText, target: str | None) -> tuple[int, int] | None:
    """The final stage's Python version: its base image tag (through stage aliases) or PYTHON_VERSION."""
    stage = dt.df.target_stage(target)
    while True:
        m = _PY_TAG.search(stage.base_image)
        if m:
            return int(m.group(1)), int(m.group(2))
        env = stage.env.get("PYTHON_VERSION")
        if env and (m2 := re.match(r"(\d+)\.(\d+)", env)):
            return int(m2.group(1)), int(m2.group(2))
        if stage.parent_stage is None:
            return None
        stage = dt.df.stages[stage.parent_stage]


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


def _ko_trimpath(art: Artifact) -> list[Finding]:
    flag = art.ko_trimpath
    if flag is None:
        return []
    return [Finding("go-trimpath", Severity.HINT,
                    "`-trimpath` in ko flags: skaffold turns ko's own trimpath off under `skaffold debug` so "
                    "breakpoints bind, but keeps user flags; `launch-config` maps the module paths it records",
                    flag.range, {"ko": True})]


# ---------------------------------------------------------------------------
# probes


def check_probes(ctx: CheckContext) -> list[Finding]:
    base = ctx.view.base_dir
    if not ctx.on_disk() or base is None:
        return []
    out: list[Finding] = []
    for doc in ctx.configs():
        assert doc.value is not None
        images = [a.image for a in ctx.view.artifacts(doc) if a.image]
        if not images:
            continue
        out.extend(_chart_probe_findings(doc.value, base))
        finding = _manifest_probe_finding(doc.value, base, images)
        if finding is not None:
            out.append(finding)
    return out


def _manifest_probe_finding(config: Value, base: Path, images: list[str]) -> Finding | None:
    stopping: list[str] = []
    anchor: Value | None = None
    for source in deployed_manifests(config, base).sources:
        if source.kind == "helm":
            continue
        for f in source.files:
            for obj in objects_in(f):
                for c in obj.containers:
                    handler = c.probes.get("livenessProbe")
                    if handler not in ("grpc", "exec") or not any(image_matches(c.image or "", i) for i in images):
                        continue
                    stopping.append(f"`{obj.name or f.stem}/{c.name}` ({handler})")
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

"""Set-ups that make `skaffold debug` disappoint, found before anything is deployed.

Codes:
- go-missing-gcflags (warning): a Go Dockerfile build that does not declare and use
  SKAFFOLD_GO_GCFLAGS: skaffold passes `all=-N -l` only to Dockerfiles declaring the ARG,
  so the binary stays optimised and breakpoints jump (fix: add-go-gcflags);
- go-trimpath (warning): `-trimpath` in a Dockerfile `go build` or in ko `flags`: file
  paths in the binary become module-relative and breakpoints don't bind without a
  mapping (fix: remove-trimpath);
- shell-form-entrypoint (warning): a shell-form ENTRYPOINT/CMD skaffold cannot rewrite
  (compound shell, `exec`); fix: exec-form-entrypoint when it is a plain command;
- python-debug-support (information): a Python newer than the versions skaffold's
  debug documentation lists (3.5-3.10);
- liveness-probe-debug (warning/information): liveness probes that restart a container
  paused at a breakpoint (fix: helm-debug-switch for charts with a probe switch).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from skaffold_ls.actions.debughelp import probe_switch
from skaffold_ls.actions.dockeredit import DockerfileText, exec_form
from skaffold_ls.checks.common import (
    all_artifacts,
    disk_folder,
    files_under,
    glob_files,
    is_templated,
    read_small,
    skaffold_docs,
)
from skaffold_ls.core.analysis import CHECKS, CheckContext
from skaffold_ls.core.findings import Finding, Range, Severity
from skaffold_ls.core.textedit import get_path, mapping_of, sequence_of
from skaffold_ls.core.yamldoc import Mapping, Scalar, deref
from skaffold_ls.model_helpers import config_sections, scalar

W, INFO = Severity.WARNING, Severity.INFORMATION
DOCUMENTED_PYTHON = (3, 10)
_COMPOUND = re.compile(r"&&|\|\||[;|`]|\$\(|[<>]|^\s*exec\s")
_PY_TAG = re.compile(r"(?:^|/)python:(\d+)\.(\d+)")


def check_dockerfiles(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for art in all_artifacts(ctx):
        if art.builder == "ko":
            out.extend(_ko_trimpath(art))
            continue
        if art.builder not in ("docker", "kaniko") or art.dockerfile is None or not art.dockerfile.is_file():
            continue
        dt = DockerfileText.read(art.dockerfile, art.build_args)
        if dt is None:
            continue
        rng = art.anchor_range
        name = art.dockerfile_value
        build = dt.df.go_build_for(art.target)
        if build is not None and art.builder == "docker":
            stage = dt.df.stage_of(build)
            text = " ".join(build.argv)
            declared = "SKAFFOLD_GO_GCFLAGS" in stage.args
            used = "SKAFFOLD_GO_GCFLAGS" in text or any("SKAFFOLD_GO_GCFLAGS" in g for g in build.gcflags) or \
                "SKAFFOLD_GO_GCFLAGS" in dt.instruction_text(build.line)
            if not (declared and used):
                missing = "declare `ARG SKAFFOLD_GO_GCFLAGS`" if not declared else "pass `-gcflags`"
                if not declared and not used:
                    missing = "declare `ARG SKAFFOLD_GO_GCFLAGS` nor pass it to `-gcflags`"
                out.append(Finding(
                    "go-missing-gcflags", W,
                    f"{name} (line {build.line}) does not {missing}: `skaffold debug` passes "
                    "`all=-N -l` only to Dockerfiles that declare it, so the binary stays optimised and "
                    "breakpoints jump or don't bind", rng,
                    {"dockerfile": str(dt.path), "line": build.line}))
        if build is not None and build.trimpath:
            out.append(Finding(
                "go-trimpath", W,
                f"`go build -trimpath` in {name} (line {build.line}): paths in the binary become "
                "module-relative, so breakpoints set on local files don't bind without a substitutePath "
                "mapping", rng, {"dockerfile": str(dt.path), "line": build.line}))
        final = dt.df.target_stage(art.target)
        for keyword, cmd in (("ENTRYPOINT", final.entrypoint), ("CMD", final.cmd)):
            if cmd is None or cmd.form != "shell" or cmd.shell_text is None:
                continue
            if keyword == "CMD" and final.entrypoint is not None:
                continue
            if _COMPOUND.search(cmd.shell_text):
                fixable = exec_form(cmd) is not None
                out.append(Finding(
                    "shell-form-entrypoint", W,
                    f"{keyword} in {name} (line {cmd.line}) is a shell command line (`{cmd.shell_text[:50]}`): "
                    "`skaffold debug` cannot put the debugger in front of the program"
                    + ("" if fixable else "; use exec form (`[\"/app\", \"arg\"]`) or a script that ends in `exec`"),
                    rng, {"dockerfile": str(dt.path), "line": cmd.line}))
        py = _python_version(final.base_image, final.env.get("PYTHON_VERSION"))
        if py is not None and py > DOCUMENTED_PYTHON:
            out.append(Finding(
                "python-debug-support", INFO,
                f"Python {py[0]}.{py[1]} (`{final.base_image}`): skaffold's debug documentation lists Python "
                "3.5-3.10; newer versions depend on the debugpy in skaffold's debug-support image. If "
                "breakpoints don't bind, check `skaffold debug` logs or pin an older Python for debugging",
                rng, {"version": f"{py[0]}.{py[1]}"}))
    return out


def _python_version(image: str, env_version: str | None) -> tuple[int, int] | None:
    m = _PY_TAG.search(image)
    if m:
        return int(m.group(1)), int(m.group(2))
    if env_version:
        m2 = re.match(r"(\d+)\.(\d+)", env_version)
        if m2:
            return int(m2.group(1)), int(m2.group(2))
    return None


def _ko_trimpath(art: Any) -> list[Finding]:
    ko = art.builder_mapping
    flags = sequence_of(ko.get("flags")) if ko else None
    for item in flags.items if flags else []:
        if scalar(item) in ("-trimpath", "--trimpath", "-trimpath=true"):
            return [Finding("go-trimpath", W,
                            "`-trimpath` in ko flags: skaffold turns ko's own trimpath off under `skaffold debug` "
                            "so breakpoints bind, but user flags are kept: remove it", item.range,
                            {"ko": True})]
    return []


# ---------------------------------------------------------------------------
# probes

def check_probes(ctx: CheckContext) -> list[Finding]:
    folder = disk_folder(ctx)
    if folder is None:
        return []
    out: list[Finding] = []
    images = {a.image for a in all_artifacts(ctx) if a.image}
    if not images:
        return out
    for doc in skaffold_docs(ctx):
        root = doc.root_mapping()
        if root is None:
            continue
        for _section, cfg in config_sections(root):
            out.extend(_manifest_probe_findings(folder, cfg, images))
            out.extend(_chart_probe_findings(folder, root, cfg))
    return out


def _manifest_sources(folder: Path, cfg: Mapping) -> list[tuple[Scalar, list[Path]]]:
    """Each rawYaml glob and kustomize path of a config section with the files it names."""
    sources: list[tuple[Scalar, list[Path]]] = []
    for key_path in (["manifests", "rawYaml"], ["deploy", "kubectl", "manifests"]):
        raw = sequence_of(get_path(cfg, key_path))
        for item in raw.items if raw else []:
            s = deref(item)
            if isinstance(s, Scalar) and not s.is_null:
                sources.append((s, glob_files(folder, s.value)[:50]))
    for key_path in (["manifests", "kustomize", "paths"], ["deploy", "kustomize", "paths"]):
        kp = sequence_of(get_path(cfg, key_path))
        for item in kp.items if kp else []:
            s = deref(item)
            if isinstance(s, Scalar) and not s.is_null and not is_templated(s.value) \
                    and (folder / s.value).is_dir():
                files = [p for p in files_under(folder / s.value) if p.suffix in (".yaml", ".yml")]
                sources.append((s, files[:50]))
    return sources


def _manifest_probe_findings(folder: Path, cfg: Mapping, images: set[str]) -> list[Finding]:
    import yaml

    out: list[Finding] = []
    for s, found in _manifest_sources(folder, cfg):
        for f in found:
            text = read_small(f)
            if text is None or "livenessProbe" not in text:
                continue
            try:
                manifests = list(yaml.safe_load_all(text))
            except yaml.YAMLError:
                continue
            for m in manifests:
                for container, probe in _liveness(m):
                    if not _uses(container.get("image"), images):
                        continue
                    finding = _probe_finding(container, probe, f.name, s.range)
                    if finding is not None:
                        out.append(finding)
    return out


def _chart_probe_findings(folder: Path, root: Mapping, cfg: Mapping) -> list[Finding]:
    out: list[Finding] = []
    for where in ("deploy", "manifests"):
        rels = sequence_of(get_path(cfg, [where, "helm", "releases"]))
        for index, rel_node in enumerate(rels.items if rels else []):
            rel = mapping_of(rel_node)
            chart = deref(rel.get("chartPath")) if rel else None
            if rel is None or not isinstance(chart, Scalar) or chart.is_null or is_templated(chart.value):
                continue
            sw = probe_switch(folder / chart.value)
            if sw is None:
                continue
            values = mapping_of(rel.get("setValues"))
            if values is not None and values.pair(sw[0]) is not None:
                continue
            if _patched_by_profile(root, f"/{where}/helm/releases/{index}/setValues", sw[0]):
                continue
            out.append(Finding(
                "liveness-probe-debug", INFO,
                f"the chart drops its probes when `{sw[0]}` is {str(sw[1]).lower()}, and nothing sets it for "
                "`skaffold debug`: a container paused at a breakpoint fails its liveness probe and is "
                "restarted", chart.range, {"value": sw[0], "off": sw[1]}))
    return out


def _patched_by_profile(root: Any, base: str, key: str) -> bool:
    """Whether a profile patch sets `<base>/<key>` (or `<base>` to a mapping with `key`)."""
    for section, cfg in config_sections(root):
        if not section:
            continue
        patches = sequence_of(cfg.get("patches"))
        for item in patches.items if patches else []:
            m = mapping_of(item)
            path = scalar(m.get("path")) if m else None
            if m is None or path is None:
                continue
            if path == f"{base}/{key}":
                return True
            value = mapping_of(m.get("value"))
            if path == base and value is not None and value.pair(key) is not None:
                return True
    return False


def _uses(image: Any, images: set[str]) -> bool:
    if not isinstance(image, str):
        return False
    base = image.split("@", 1)[0]
    if base in images:
        return True
    name, _, tag = base.rpartition(":")
    return bool(name) and "/" not in tag and name in images


def _liveness(manifest: Any) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    if not isinstance(manifest, dict):
        return []
    spec = manifest.get("spec") or {}
    if not isinstance(spec, dict):
        return []
    pod = spec if manifest.get("kind") == "Pod" else (spec.get("template") or {}).get("spec") or {}
    if manifest.get("kind") == "CronJob":
        return []
    out = []
    for c in pod.get("containers") or [] if isinstance(pod, dict) else []:
        if isinstance(c, dict) and isinstance(c.get("livenessProbe"), dict):
            out.append((c, c["livenessProbe"]))
    return out


def _probe_finding(container: dict[str, Any], probe: dict[str, Any], file: str, rng: Range) -> Finding | None:
    name = container.get("name", "?")
    if "tcpSocket" in probe:
        return None  # the kernel still accepts connections for a paused process
    if "httpGet" in probe:
        return Finding(
            "liveness-probe-debug", INFO,
            f"container `{name}` in {file} has an HTTP liveness probe: `skaffold debug` raises its timeout to "
            "600 s, so a breakpoint held longer gets the container restarted", rng,
            {"container": name, "probe": "httpGet"})
    kind = "exec" if "exec" in probe else "grpc" if "grpc" in probe else "unknown"
    return Finding(
        "liveness-probe-debug", W,
        f"container `{name}` in {file} has {'an' if kind == 'exec' else 'a'} {kind} liveness probe, which `skaffold debug` leaves as is: "
        "the container is restarted while paused at a breakpoint. Turn the probe off for debugging "
        "(a profile with `command: debug`)", rng, {"container": name, "probe": kind})


CHECKS.extend([check_dockerfiles, check_probes])

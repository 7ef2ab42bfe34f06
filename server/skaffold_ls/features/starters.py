"""Starter configs offered on an empty skaffold file, filled from the workspace.

The two set-ups the project's user guide recommends for Go services:
- built with ko (no Dockerfile), deployed from raw Kubernetes manifests;
- built with ko, deployed with a Helm chart (with a `debug` profile when the chart
  has a `debug` value, so `skaffold debug` can switch probes off).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from skaffold_ls.features import workspace as ws
from skaffold_ls.features.types import CompletionItem, CompletionKind, FeatureContext

if TYPE_CHECKING:
    from skaffold_ls.features.context import Cursor


@dataclass(slots=True)
class GoArtifact:
    image: str
    context: str  # relative to the config folder ("." for the same folder)
    main: str | None  # package relative to the context (None: the context itself)


@dataclass(slots=True)
class Facts:
    """What the workspace offers a starter."""

    module: str | None = None
    artifacts: list[GoArtifact] = field(default_factory=list)
    manifest_globs: list[str] = field(default_factory=list)
    chart: str | None = None  # chart folder relative to the config folder
    chart_name: str | None = None
    chart_image_style: str = "repository"  # "repository": image.repository/tag; "string": image
    chart_image_key: str = "image"
    chart_has_debug: bool = False
    port_forward: tuple[str, str, int] | None = None  # (resourceType, resourceName, port)


def _rel(path: Path, base: Path) -> str:
    r = os.path.relpath(path, base).replace(os.sep, "/")
    return r


def _image_name(text: str) -> str:
    name = re.sub(r"[^a-z0-9._-]+", "-", text.lower()).strip("-._")
    return name or "app"


def gather(config_dir: Path, workspace: Path | None = None) -> Facts:
    """Facts for a starter in `config_dir`. Charts may also live elsewhere in the
    workspace (the guide keeps them in a shared `deployment/` folder)."""
    config_dir = config_dir.resolve()
    scan = ws.scan(config_dir)
    facts = Facts()
    mod = scan.module_for(config_dir)
    if mod is None and scan.go_mods:
        d = min(scan.go_mods, key=lambda p: len(p.parts))
        mod = (d, scan.go_mods[d])
    if mod is not None:
        mod_dir, module = mod
        facts.module = module
        context = _rel(mod_dir, config_dir)
        mains = [m for m in scan.main_packages if m == mod_dir or mod_dir in m.parents]
        base_name = _image_name(module.rstrip("/").split("/")[-1])
        for m in mains[:8]:
            rel = _rel(m, mod_dir)
            image = base_name if rel == "." or len(mains) == 1 else _image_name(m.name)
            facts.artifacts.append(GoArtifact(image, context, None if rel == "." else "./" + rel))
        if not facts.artifacts:
            facts.artifacts.append(GoArtifact(base_name, context, None))
        names = [a.image for a in facts.artifacts]
        for a in facts.artifacts:  # keep image names unique
            if names.count(a.image) > 1 and a.main:
                a.image = _image_name(a.main.strip("./").replace("/", "-"))
    dirs: list[str] = []
    for f in scan.manifests:
        if f.parent == config_dir or config_dir in f.parents:
            rel = _rel(f.parent, config_dir)
            glob = "*.yaml" if rel == "." else f"{rel}/*.yaml"
            if f.suffix == ".yml":
                glob = glob[:-5] + ".yml"
            if glob not in dirs:
                dirs.append(glob)
    facts.manifest_globs = dirs[:6]
    _match_manifest_images(facts, [img for r in scan.resources
                                   if r.file.parent == config_dir or config_dir in r.file.parents
                                   for img in r.images])
    for r in scan.resources:  # the first workload with a container port: forward it in `skaffold dev`
        if r.kind in ("Deployment", "StatefulSet", "Pod") and r.exposed_ports and r.name and (
                r.file.parent == config_dir or config_dir in r.file.parents):
            facts.port_forward = (r.kind.lower(), r.name, r.exposed_ports[0])
            break
    charts = [c for c in scan.charts if c == config_dir or config_dir in c.parents]
    if not charts and workspace is not None:
        root = workspace.resolve()
        if root == config_dir or root in config_dir.parents:
            charts = sorted(ws.scan(root).charts, key=lambda c: (_distance(c, config_dir), str(c)))[:1]
    if charts:
        chart = min(charts, key=lambda c: len(c.parts))
        facts.chart = _rel(chart, config_dir)
        facts.chart_name = _image_name(chart.name)
        values = ws.chart_values(chart)
        if isinstance(values.get("image"), str):
            facts.chart_image_style = "string"
        facts.chart_has_debug = "debug" in values
    return facts


def _distance(a: Path, b: Path) -> int:
    common = len(Path(os.path.commonpath([a, b])).parts)
    return len(a.parts) + len(b.parts) - 2 * common


def _match_manifest_images(facts: Facts, images: list[str]) -> None:
    """Name artifacts like the images the manifests already use (skaffold only replaces
    image names it builds): `cmd/api` builds `shop-api` when a manifest runs `shop-api`."""
    images = [i for i in dict.fromkeys(images) if "{{" not in i and ":" not in i.rsplit("/", 1)[-1]]
    if not images or not facts.artifacts:
        return
    if len(images) == 1 and len(facts.artifacts) == 1:
        facts.artifacts[0].image = images[0]
        return
    taken: set[str] = set()
    for a in facts.artifacts:
        stem = (a.main or "").rstrip("/").rsplit("/", 1)[-1] or a.image
        for img in images:
            last = img.rsplit("/", 1)[-1]
            if img not in taken and (last == stem or last.endswith(("-" + stem, "_" + stem))):
                a.image = img
                taken.add(img)
                break


def _esc(text: str) -> str:
    return text.replace("\\", "\\\\").replace("$", "\\$")


def _artifacts_yaml(facts: Facts, n: list[int]) -> list[str]:
    out = ["build:", "  artifacts:"]
    arts = facts.artifacts or [GoArtifact("", ".", None)]
    for a in arts:
        if a.image:
            out.append(f"    - image: {_esc(a.image)}")
        else:
            out.append(f"    - image: ${{{n[0]}:app}}")
            n[0] += 1
        if a.context not in (".", ""):
            out.append(f"      context: {_esc(a.context)}")
        if a.main:
            out += ["      ko:", f"        main: {_esc(a.main)}"]
        else:
            out.append("      ko: {}")
    return out


def raw_manifests_starter(facts: Facts, version: str) -> str:
    n = [1]
    lines = [f"apiVersion: {version}", "kind: Config", "metadata:",
             f"  name: ${{{n[0]}:{_esc(facts.artifacts[0].image if facts.artifacts else 'app')}}}"]
    n[0] += 1
    lines += _artifacts_yaml(facts, n)
    lines += ["manifests:", "  rawYaml:"]
    if facts.manifest_globs:
        lines += [f"    - {_esc(g)}" for g in facts.manifest_globs]
    else:
        lines.append(f"    - ${{{n[0]}:k8s/*.yaml}}")
        n[0] += 1
    lines += ["deploy:", "  kubectl: {}"]
    if facts.port_forward is not None:
        kind, name, port = facts.port_forward
        lines += ["portForward:", f"  - resourceType: {kind}", f"    resourceName: {_esc(name)}",
                  f"    port: {port}"]
    lines.append("$0")
    return "\n".join(lines)


def helm_starter(facts: Facts, version: str) -> str:
    n = [1]
    first = facts.artifacts[0].image if facts.artifacts and facts.artifacts[0].image else "app"
    release = facts.chart_name or first
    lines = [f"apiVersion: {version}", "kind: Config", "metadata:", f"  name: ${{{n[0]}:{_esc(release)}}}"]
    n[0] += 1
    lines += _artifacts_yaml(facts, n)
    s = re.sub(r"[.\-/:]", "_", first)
    chart = facts.chart or "charts/" + release
    lines += ["deploy:", "  helm:", "    releases:", f"      - name: {_esc(release)}",
              f"        chartPath: ${{{n[0]}:{_esc(chart)}}}"]
    n[0] += 1
    lines.append("        setValueTemplates:")
    key = facts.chart_image_key
    if facts.chart_image_style == "string":
        lines.append(f'          {key}: "{{{{.IMAGE_FULLY_QUALIFIED_{s}\\}}}}"')
    else:
        lines.append(f'          {key}.repository: "{{{{.IMAGE_REPO_{s}\\}}}}"')
        lines.append(f'          {key}.tag: "{{{{.IMAGE_TAG_{s}\\}}}}@{{{{.IMAGE_DIGEST_{s}\\}}}}"')
    if facts.chart_has_debug:
        lines += ["profiles:", "  # `skaffold debug` pauses the process at breakpoints: the chart's `debug`",
                  "  # value turns its liveness and readiness probes off meanwhile.",
                  "  - name: debug", "    activation:", "      - command: debug", "    patches:",
                  "      - op: add", "        path: /deploy/helm/releases/0/setValues",
                  "        value:", "          debug: true"]
    lines.append("$0")
    return "\n".join(lines)


def _plain(snippet: str) -> str:
    """The text a snippet inserts, for documentation."""
    text = re.sub(r"\$\{\d+:([^}]*)\}", r"\1", snippet)
    text = re.sub(r"\$\d+", "", text)
    return text.replace("\\}", "}").replace("\\$", "$").replace("\\\\", "\\").rstrip() + "\n"


def starter_items(ctx: FeatureContext, cursor: Cursor) -> list[CompletionItem]:
    folder = ctx.path.parent if ctx.path is not None else ctx.workspace
    facts = gather(folder, ctx.workspace) if folder is not None and folder.is_dir() else Facts()
    version = ctx.store.latest
    found = []
    if facts.module:
        found.append(f"module `{facts.module}`")
    mains = [a.main or a.context for a in facts.artifacts if a.main or a.context != "."]
    if mains:
        found.append("main packages " + ", ".join(f"`{m}`" for m in mains))
    out = []
    raw = raw_manifests_starter(facts, version)
    detail_raw = "Go service built with ko, deployed from Kubernetes manifests"
    found_raw = found + ([f"manifests `{', '.join(facts.manifest_globs)}`"] if facts.manifest_globs else [])
    out.append(CompletionItem(
        label="skaffold: Go + ko + raw manifests", kind=CompletionKind.SNIPPET, detail=detail_raw,
        documentation=_doc(found_raw, raw), insert_text=raw, snippet=True, sort_text="!0",
        edit_range=cursor.replace, filter_text=(cursor.prefix or "") + " skaffold ko manifests",
        preselect=not facts.chart))
    helm = helm_starter(facts, version)
    found_helm = found + ([f"chart `{facts.chart}`"] if facts.chart else [])
    out.append(CompletionItem(
        label="skaffold: Go + ko + Helm chart", kind=CompletionKind.SNIPPET,
        detail="Go service built with ko, deployed with Helm", documentation=_doc(found_helm, helm),
        insert_text=helm, snippet=True, sort_text="!1" if not facts.chart else "!0",
        edit_range=cursor.replace, filter_text=(cursor.prefix or "") + " skaffold ko helm",
        preselect=bool(facts.chart)))
    return out


def _doc(found: list[str], snippet: str) -> str:
    head = ("Filled from the workspace: " + "; ".join(found) + ".\n\n") if found else ""
    return head + "```yaml\n" + _plain(snippet) + "```"

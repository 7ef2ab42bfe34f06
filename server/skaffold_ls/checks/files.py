"""Files the config names that do not exist: skaffold fails only when it builds or deploys.

Codes: missing-context, missing-dockerfile, missing-chart, missing-values-file,
no-manifests-match, glob-too-broad, missing-kustomize-path. (`requires[].path` is checked by
checks/requires.py as `requires-missing`.) Templated values (`{{...}}`) are skipped.
"""

from __future__ import annotations

from pathlib import Path

from skaffold_ls.checks.common import all_artifacts, disk_folder, glob_listing, is_templated, skaffold_docs
from skaffold_ls.core.analysis import CHECKS, CheckContext
from skaffold_ls.core.findings import Finding, Severity
from skaffold_ls.core.textedit import get_path, mapping_of, sequence_of
from skaffold_ls.core.yamldoc import Mapping, Node, Scalar, deref
from skaffold_ls.model_helpers import config_sections

W = Severity.WARNING


def _scalars(node: Node | None) -> list[Scalar]:
    node = deref(node)
    if isinstance(node, Scalar):
        return [] if node.is_null else [node]
    seq = sequence_of(node)
    return [s for s in (deref(i) for i in (seq.items if seq else [])) if isinstance(s, Scalar) and not s.is_null]


def _rel(folder: Path, p: Path) -> str:
    try:
        return p.relative_to(folder).as_posix()
    except ValueError:
        return p.as_posix()


def check_files(ctx: CheckContext) -> list[Finding]:
    folder = disk_folder(ctx)
    if folder is None:
        return []
    out: list[Finding] = []
    for art in all_artifacts(ctx):
        ctx_node = deref(art.node.get("context"))
        context = art.context
        if context is None:
            continue
        if isinstance(ctx_node, Scalar) and not is_templated(ctx_node.value) and not context.is_dir():
            out.append(Finding("missing-context", W,
                               f"artifact context `{ctx_node.value}` is not a folder (resolved to "
                               f"{_rel(folder, context)}): skaffold cannot build {art.label()}",
                               ctx_node.range, {"path": str(context)}))
            continue
        if art.builder in ("docker", "kaniko") and context.is_dir():
            df_node = deref(art.builder_mapping.get("dockerfile")) if art.builder_mapping else None
            df = art.dockerfile
            if df is not None and not is_templated(art.dockerfile_value) and not df.is_file():
                rng = df_node.range if isinstance(df_node, Scalar) else art.anchor_range
                where = "" if art.context_value == "." else f" (relative to the context `{art.context_value}`)"
                out.append(Finding("missing-dockerfile", W,
                                   f"no Dockerfile at `{art.dockerfile_value}`{where}: skaffold cannot build "
                                   f"{art.label()}", rng, {"path": str(df)}))
    for doc in skaffold_docs(ctx):
        root = doc.root_mapping()
        if root is None:
            continue
        for _section, cfg in config_sections(root):
            out.extend(_manifest_files(folder, cfg))
    return out


def _manifest_files(folder: Path, cfg: Mapping) -> list[Finding]:
    out: list[Finding] = []
    globs = _scalars(get_path(cfg, ["manifests", "rawYaml"])) + _scalars(get_path(cfg, ["deploy", "kubectl", "manifests"]))
    for s in globs:
        if is_templated(s.value) or "://" in s.value:
            continue
        listing = glob_listing(folder, s.value)
        if listing.truncated:
            out.append(Finding("glob-too-broad", Severity.INFORMATION,
                               f"`{s.value}` reaches more than {listing.limit:,} files and folders: skaffold-ls "
                               f"looked at the first {listing.limit:,} only, and skaffold would read them all",
                               s.range, {"pattern": s.value, "limit": listing.limit}))
        elif not listing.paths:
            what = "matches no file" if any(c in s.value for c in "*?[") else "does not exist"
            out.append(Finding("no-manifests-match", W,
                               f"`{s.value}` {what}: skaffold deploys nothing from it", s.range,
                               {"pattern": s.value}))
    paths = _scalars(get_path(cfg, ["manifests", "kustomize", "paths"])) + _scalars(
        get_path(cfg, ["deploy", "kustomize", "paths"]))
    for s in paths:
        if is_templated(s.value) or "://" in s.value:
            continue
        d = folder / s.value
        if not d.is_dir():
            out.append(Finding("missing-kustomize-path", W, f"kustomize path `{s.value}` is not a folder", s.range,
                               {"path": str(d)}))
        elif not any((d / n).is_file() for n in ("kustomization.yaml", "kustomization.yml", "Kustomization")):
            out.append(Finding("missing-kustomize-path", W,
                               f"`{s.value}` has no kustomization.yaml: `kustomize build` fails there", s.range,
                               {"path": str(d)}))
    for where in ("manifests", "deploy"):
        rels = sequence_of(get_path(cfg, [where, "helm", "releases"]))
        for item in rels.items if rels else []:
            rel = mapping_of(item)
            if rel is None:
                continue
            chart = deref(rel.get("chartPath"))
            if (isinstance(chart, Scalar) and not chart.is_null and not is_templated(chart.value)
                    and "://" not in chart.value and rel.pair("remoteChart") is None):
                path = folder / chart.value
                if not path.exists():
                    out.append(Finding("missing-chart", W, f"chart `{chart.value}` does not exist", chart.range,
                                       {"path": str(path)}))
                elif path.is_dir() and not (path / "Chart.yaml").is_file():
                    out.append(Finding("missing-chart", W, f"`{chart.value}` has no Chart.yaml: not a helm chart",
                                       chart.range, {"path": str(path)}))
            for s in _scalars(rel.get("valuesFiles")):
                if is_templated(s.value):
                    continue
                if not (folder / s.value).is_file():
                    out.append(Finding("missing-values-file", W, f"values file `{s.value}` does not exist",
                                       s.range, {"path": str(folder / s.value)}))
    return out


CHECKS.append(check_files)

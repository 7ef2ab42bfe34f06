"""Files the config names that do not exist where skaffold will look for them.

skaffold fails only when it builds or deploys (warnings): missing-context,
missing-dockerfile, no-manifests-match, missing-kustomize-path, missing-chart,
missing-values-file. glob-too-broad (information): a manifest glob that reaches more
entries than one glob may look at (`config/paths.py`), so what it matches is not known. Paths resolve as skaffold resolves them: a root config's against
the directory skaffold runs in (the config's folder unless the workspace says
otherwise, see `config/paths.py`), a required config's against its own folder; each
message says which folder that was. Templated and remote values are skipped.

outside-workspace (information): a path leaving the workspace. skaffold follows it as
written, so this is not an error; it is said because a config shared with others that
reads from outside the repository rarely works for them.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from skaffold_ls.checks.context import CheckContext
from skaffold_ls.config.manifests import kustomization_files
from skaffold_ls.config.paths import MAX_GLOB_ENTRIES, glob_files, is_remote, is_templated, resolve
from skaffold_ls.config.values import Value
from skaffold_ls.core.findings import Finding, Severity
from skaffold_ls.core.typed import typed_scalars
from skaffold_ls.schema.knowledge import field_kind

W = Severity.WARNING


def _sections(config: Value) -> Iterator[Value]:
    """The config and each of its profiles as written (both hold build/manifests/deploy)."""
    yield config
    profiles = config.get("profiles")
    yield from (p for p in (profiles.items if profiles else []) if p.mapping is not None)


def check_files(ctx: CheckContext) -> list[Finding]:
    base = ctx.view.base_dir
    if not ctx.on_disk() or base is None:
        return []
    where = _where(ctx)
    out: list[Finding] = []
    for doc in ctx.configs():
        assert doc.value is not None
        for art in ctx.view.artifacts(doc):
            context_value = art.value.get("context")
            context = art.context
            if context is None:
                continue
            if context_value is not None and not context.is_dir():
                out.append(Finding(
                    "missing-context", W,
                    f"artifact context `{art.context_text}` is not a folder (relative to {where}): "
                    f"skaffold cannot build {art.label()}", context_value.range, {"path": str(context)}))
                continue
            dockerfile = art.dockerfile
            if dockerfile is not None and context.is_dir() and not dockerfile.is_file():
                df_value = art.spec("dockerfile")
                rel = "" if art.context_text == "." else f" (relative to the context `{art.context_text}`)"
                out.append(Finding(
                    "missing-dockerfile", W,
                    f"no Dockerfile at `{art.dockerfile_text}`{rel}: skaffold cannot build {art.label()}",
                    df_value.range if df_value is not None else art.anchor_range, {"path": str(dockerfile)}))
        for section in _sections(doc.value):
            out.extend(_manifest_findings(base, section, where))
    return out


def _where(ctx: CheckContext) -> str:
    rd = ctx.view.run_directory
    return rd.describe(ctx.view.workspace) if rd is not None else "the config's folder"


def _manifest_findings(base: Path, cfg: Value, where: str) -> list[Finding]:
    out: list[Finding] = []
    for v in cfg.texts_at("manifests", "rawYaml") + cfg.texts_at("deploy", "kubectl", "manifests"):
        pattern = v.text or ""
        if is_templated(pattern) or is_remote(pattern):
            continue
        found = glob_files(base, pattern)
        if found.truncated:
            out.append(Finding("glob-too-broad", Severity.INFORMATION,
                               f"`{pattern}` reaches more than {MAX_GLOB_ENTRIES:,} files and folders: skaffold-ls "
                               f"looked at the first {MAX_GLOB_ENTRIES:,} only, and skaffold would read them all",
                               v.range, {"pattern": pattern, "limit": MAX_GLOB_ENTRIES}))
        elif not found.files:
            what = "matches no file" if any(c in pattern for c in "*?[") else "does not exist"
            out.append(Finding("no-manifests-match", W,
                               f"`{pattern}` {what} (relative to {where}): skaffold deploys nothing from it",
                               v.range, {"pattern": pattern}))
    for v in cfg.texts_at("manifests", "kustomize", "paths") + cfg.texts_at("deploy", "kustomize", "paths"):
        text = v.text or ""
        if is_templated(text) or is_remote(text):
            continue
        _files, problem = kustomization_files(resolve(base, text))
        if problem is not None:
            message = (f"kustomize path `{text}` {problem} (relative to {where})" if problem == "is not a folder"
                       else f"`{text}` has no kustomization.yaml: `kustomize build` fails there")
            out.append(Finding("missing-kustomize-path", W, message, v.range, {"path": str(resolve(base, text))}))
    for section in ("manifests", "deploy"):
        releases = cfg.at(section, "helm", "releases")
        for rel in releases.items if releases else []:
            chart = rel.get("chartPath")
            text = (chart.text if chart is not None else None) or ""
            if chart is not None and text and not is_templated(text) and not is_remote(text) \
                    and rel.get("remoteChart") is None:
                path = resolve(base, text)
                if not path.exists():
                    out.append(Finding("missing-chart", W, f"chart `{text}` does not exist (relative to {where})",
                                       chart.range, {"path": str(path)}))
                elif path.is_dir() and not (path / "Chart.yaml").is_file():
                    out.append(Finding("missing-chart", W, f"`{text}` has no Chart.yaml: not a helm chart",
                                       chart.range, {"path": str(path)}))
            for vf in rel.texts_at("valuesFiles"):
                values = vf.text or ""
                if is_templated(values) or resolve(base, values).is_file():
                    continue
                out.append(Finding("missing-values-file", W, f"values file `{values}` does not exist (relative to {where})",
                                   vf.range, {"path": str(resolve(base, values))}))
    return out


def check_outside_workspace(ctx: CheckContext) -> list[Finding]:
    """Path fields (by the schema's field kinds) that lead out of the workspace."""
    base = ctx.view.base_dir
    root = ctx.view.workspace
    if not ctx.on_disk() or base is None or root is None:
        return []
    out: list[Finding] = []
    for info in ctx.documents:
        schema = info.schema.schema
        if schema is None or info.aliases_refused:
            continue
        for ts in typed_scalars(schema, info.document.root):
            kind = field_kind(ts.owner, ts.prop)
            text = ts.node.value
            if kind is None or kind.kind not in ("file", "dir", "glob", "path") or is_templated(text) \
                    or is_remote(text) or not text:
                continue
            if kind.relative_to != "config_dir" and not os.path.isabs(text):
                continue  # relative to an artifact's context: its context is checked itself
            target = resolve(base, text.split("*", 1)[0] or ".")
            if target == root or root in target.parents:
                continue
            out.append(Finding(
                "outside-workspace", Severity.INFORMATION,
                f"`{text}` leads outside the workspace ({target}): skaffold reads it as written, but the "
                "config then depends on files that others who clone the repository may not have",
                ts.node.range, {"path": str(target)}))
    return out

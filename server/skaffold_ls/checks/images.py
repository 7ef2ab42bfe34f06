"""Artifact images: built twice, or built for nothing.

Codes: duplicate-artifact-image (warning), unreferenced-artifact-image (warning).
An image counts as used when a rawYaml manifest, a kustomize folder, a local chart
(values or templates), a `setValues`/`setValueTemplates` value (including skaffold's
`IMAGE_*_<image>` template variables), another artifact's `requires`, or a verify /
custom action container names it. Configs whose manifests cannot be read locally
(remote manifests or charts, kpt, docker or Cloud Run deployers) are not judged.
"""

from __future__ import annotations

import re
from pathlib import Path

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
from skaffold_ls.core.findings import Finding, Severity
from skaffold_ls.core.textedit import get_path, mapping_of, sequence_of
from skaffold_ls.core.yamldoc import Mapping, Scalar, deref, iter_nodes
from skaffold_ls.model_helpers import config_sections, sanitize_image, scalar

MAX_FILES = 400


def check_duplicates(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    seen: dict[tuple[int, tuple[str | int, ...], str], int] = {}
    for art in all_artifacts(ctx):
        image = art.image
        if not image:
            continue
        key = (art.doc_index, tuple(art.section), image)
        if key in seen:
            node = art.node.get("image")
            assert node is not None
            out.append(Finding("duplicate-artifact-image", Severity.WARNING,
                               f"`{image}` is already built by artifact #{seen[key]} of this list; skaffold "
                               "builds one image per name (remove one, or give them different names)",
                               node.range, {"image": image, "first": seen[key]}))
        else:
            seen[key] = art.index
    return out


_WORD = re.compile(r"[A-Za-z0-9_./-]+")


# skaffold's helm template variables by position: `IMAGE_REPO` (first artifact), `IMAGE_REPO2`...
_NUMBERED = re.compile(r"IMAGE_(?:FULLY_QUALIFIED|REPO_NO_DOMAIN|REPO|TAG|DIGEST|DOMAIN|NAME)(\d*)\b")


def _image_re(image: str) -> re.Pattern[str]:
    return re.compile(rf"(?<![A-Za-z0-9_./-]){re.escape(image)}(?![A-Za-z0-9_/.-])")


def _corpus(folder: Path, root: Mapping) -> tuple[list[str], str | None]:
    """Texts that may name images, or (.., reason) when the deployed manifests are unknowable."""
    texts: list[str] = []
    files: list[Path] = []
    any_renderer = False
    for _section, cfg in config_sections(root):
        manifests = mapping_of(cfg.get("manifests"))
        deploy = mapping_of(cfg.get("deploy"))
        for m, keys in ((manifests, ("remoteManifests", "kpt")), (deploy, ("kpt", "docker", "cloudrun"))):
            for k in keys:
                if m is not None and m.pair(k) is not None:
                    return [], f"`{k}`"
        kubectl = mapping_of(deploy.get("kubectl")) if deploy else None
        if kubectl is not None and kubectl.pair("remoteManifests") is not None:
            return [], "`remoteManifests`"
        raw = [scalar(i) for i in _items(get_path(cfg, ["manifests", "rawYaml"]))]
        raw += [scalar(i) for i in _items(get_path(cfg, ["deploy", "kubectl", "manifests"]))]
        for pattern in raw:
            if pattern is None:
                continue
            any_renderer = True
            if is_templated(pattern) or "://" in pattern:
                return [], f"the manifest `{pattern}`"
            files.extend(glob_files(folder, pattern))
        kpaths = [scalar(i) for i in _items(get_path(cfg, ["manifests", "kustomize", "paths"]))]
        kpaths += [scalar(i) for i in _items(get_path(cfg, ["deploy", "kustomize", "paths"]))]
        if (get_path(cfg, ["manifests", "kustomize"]) is not None or get_path(cfg, ["deploy", "kustomize"]) is not None) \
                and not kpaths:
            kpaths = ["."]
        for kp in kpaths:
            if kp is None:
                continue
            any_renderer = True
            if is_templated(kp):
                return [], f"the kustomize path `{kp}`"
            files.extend(p for p in files_under(folder / kp) if p.suffix in (".yaml", ".yml", ".json"))
            files.extend(_kustomize_bases(folder / kp))
        for where in ("manifests", "deploy"):
            for item in _items(get_path(cfg, [where, "helm", "releases"])):
                rel = mapping_of(item)
                if rel is None:
                    continue
                any_renderer = True
                chart = scalar(rel.get("chartPath"))
                if rel.pair("remoteChart") is not None or not chart or is_templated(chart) or "://" in chart:
                    return [], "a remote or templated chart"
                for n in iter_nodes(rel):
                    if isinstance(n, Scalar) and not n.is_null:
                        texts.append(n.value)
                files.extend(files_under(folder / chart))
                for vf in _items(rel.get("valuesFiles")):
                    v = scalar(vf)
                    if v:
                        files.append(folder / v)
        for key in ("verify", "customActions"):
            for n in iter_nodes(cfg.get(key)):
                if isinstance(n, Scalar):
                    texts.append(n.value)
    if not any_renderer:
        files.extend(glob_files(folder, "k8s/*.yaml"))  # skaffold's default renderer
    for f in files[:MAX_FILES]:
        t = read_small(f)
        if t is not None:
            texts.append(t)
    return texts, None


def _kustomize_bases(path: Path) -> list[Path]:
    """Files of folders a kustomization names as resources outside itself (one level)."""
    out: list[Path] = []
    for name in ("kustomization.yaml", "kustomization.yml", "Kustomization"):
        t = read_small(path / name)
        if t is None:
            continue
        for m in re.finditer(r"^\s*-\s*(\.\./\S+)\s*$", t, re.M):
            base = (path / m.group(1)).resolve()
            if base.is_dir():
                out.extend(p for p in files_under(base) if p.suffix in (".yaml", ".yml"))
            elif base.is_file():
                out.append(base)
    return out


def _items(node: object) -> list:
    seq = sequence_of(deref(node))  # type: ignore[arg-type]
    return list(seq.items) if seq else []


def check_unreferenced(ctx: CheckContext) -> list[Finding]:
    folder = disk_folder(ctx)
    if folder is None:
        return []
    out: list[Finding] = []
    arts = all_artifacts(ctx)
    for doc in skaffold_docs(ctx):
        root = doc.root_mapping()
        if root is None:
            continue
        texts, unknowable = _corpus(folder, root)
        if unknowable is not None:
            continue
        blob = "\n".join(texts)
        # Every maximal run of image-name characters, once: what _image_re would match as a
        # whole (searching the blob once per image was quadratic on big configs).
        words = set(_WORD.findall(blob))
        has_vars = "IMAGE_" in blob
        required = {scalar(m.get("image")) for a in arts for m in
                    (mapping_of(r) for r in _items(a.node.get("requires"))) if m is not None}
        numbered = {int(n or 1) for n in _NUMBERED.findall(blob)} if has_vars else set()
        for art in arts:
            if ctx.analysis.parsed.documents[art.doc_index] is not doc or art.section:
                continue
            image = art.image
            if not image or is_templated(image) or image in required or art.index + 1 in numbered:
                continue
            found = image in words if _WORD.fullmatch(image) else bool(_image_re(image).search(blob))
            if found or f"_{sanitize_image(image)}}}" in blob or \
                    (has_vars and re.search(rf"IMAGE_[A-Z_]+_{re.escape(sanitize_image(image))}\b", blob)):
                continue
            node = art.node.get("image")
            assert node is not None
            out.append(Finding(
                "unreferenced-artifact-image", Severity.WARNING,
                f"no manifest, chart value or setValueTemplates refers to `{image}`: skaffold builds it, "
                "but nothing deployed uses the built tag (check the image name in your manifests)",
                node.range, {"image": image}))
    return out


CHECKS.extend([check_duplicates, check_unreferenced])

"""Go to definition and find references.

- an image reference (artifact `requires`, tests, helm templates...) → its artifact;
- a profile name (`activeProfiles[].name`, `activatedBy`) → the profile;
- `requires[].path` → that config file; `requires[].configs` → that config;
- path fields → the file they name.
References of an image: the artifact, every reference in this config, and the
Kubernetes manifests in the workspace that use it.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

from skaffold_ls.core.findings import Pos, Range
from skaffold_ls.core.typed import typed_scalars
from skaffold_ls.core.yamldoc import Node, Scalar
from skaffold_ls.features import workspace as ws
from skaffold_ls.features.completion import _base_dir, artifact_images
from skaffold_ls.features.context import DocAt, doc_at, node_at_path
from skaffold_ls.features.hover import _TEMPLATE_IMAGE, chart_key, release_chart, target_at
from skaffold_ls.features.multiconfig import current_file, follow, required_docs
from skaffold_ls.features.types import FeatureContext, Location
from skaffold_ls.model_helpers import sanitize_image
from skaffold_ls.schema import knowledge as kn
from skaffold_ls.schema.model import VersionSchema

log = logging.getLogger(__name__)
_ORIGIN = Range.of(0, 0, 0, 0)


def definition(ctx: FeatureContext, pos: Pos) -> list[Location]:
    try:
        return definition_strict(ctx, pos)
    except Exception:
        log.exception("definition failed at %s", pos)
        return []


def definition_strict(ctx: FeatureContext, pos: Pos) -> list[Location]:
    t = target_at(ctx.lines, pos)
    if t is None:
        return []
    doc = doc_at(ctx, pos.line, (t.doc_start, t.doc_end))
    if doc is None:
        return []
    r = kn.resolve_path(doc.schema, t.path)
    if t.on_key:
        if r.owner == "HelmRelease" and r.prop in ("setValues", "setValueTemplates") and r.item:
            found = release_chart(ctx, doc, t.path)
            hit = ws.chart_value(found[1], chart_key(t.path)) if found is not None else None
            if hit is not None:
                return [Location(hit[0].resolve(), hit[1])]
        return []
    fk = kn.field_kind(r.owner, r.prop)
    if fk is not None and fk.kind == "image" and (r.owner, r.prop) != ("Artifact", "image"):
        return image_definition(ctx, doc, t.text)
    if r.owner == "HelmRelease" and r.prop in ("setValueTemplates", "setValues"):
        m = _TEMPLATE_IMAGE.search(t.text)
        if m:
            for img, _, _ in artifact_images(doc.root):
                if sanitize_image(img) == m.group(1):
                    return image_definition(ctx, doc, img)
        return []
    if fk is not None and fk.kind == "profile":
        return profile_targets(ctx, doc, t.path, t.text)
    if (r.owner == "JSONPatch" and r.prop in ("path", "from") and t.text.startswith("/") and ctx.path is not None
            and doc.root is not None and isinstance(t.path[1], int)):
        from skaffold_ls.features.completion import pointer_layers

        layers = pointer_layers(doc.root, node_at_path(doc.root, ["profiles", t.path[1]]), t.text.rstrip("/"))
        return [Location(ctx.path, layers[0][0].range)] if layers is not None and layers[0] else []
    if (r.owner, r.prop) == ("ConfigDependency", "path"):
        req = _requirement(ctx, doc, t.path)
        target = follow(ctx.analysis, req) if req is not None else None
        if target is not None and target.file is not None and target.file.is_file():
            return [Location(target.file, _ORIGIN)]
        return []
    if (r.owner, r.prop) == ("ConfigDependency", "configs"):
        req = _requirement(ctx, doc, t.path)
        target = follow(ctx.analysis, req, ignore_configs=True) if req is not None else None
        if target is not None and target.config is not None and target.file is not None:
            d = target.config.doc_named(t.text)
            if d is not None and d.name_range is not None:
                return [Location(target.file, d.name_range)]
        return []
    if fk is not None and fk.kind in ("file", "path", "dir", "glob"):
        base = _base_dir(ctx, doc, t.path, fk.relative_to, t.range.start.line)
        if base is None or "{{" in t.text:
            return []
        target_path = link_target(base / t.text, r.owner, r.prop)
        if target_path is not None:
            return [Location(target_path, _ORIGIN)]
    return []


def link_target(target: Path, owner: str | None, prop: str | None) -> Path | None:
    """The file a path field opens: the file itself, or the telling file in a folder."""
    if any(c in str(target) for c in "*?["):
        import glob as globlib
        import itertools

        matches = sorted(itertools.islice(globlib.iglob(str(target), recursive=True), 2))
        files = [Path(m) for m in matches if Path(m).is_file()]
        return files[0] if len(files) == 1 else None
    if target.is_file():
        return target
    if target.is_dir():
        for name in _FOLDER_FILES.get(prop or "", _FOLDER_FILES.get(f"{owner}.{prop}", ())):
            if (target / name).is_file():
                return target / name
    return None


# The file that stands for a folder, per field (a build context has none: no link).
_KUSTOMIZE = ("kustomization.yaml", "kustomization.yml", "Kustomization")
_FOLDER_FILES: dict[str, tuple[str, ...]] = {
    "chartPath": ("Chart.yaml",),
    "ConfigDependency.path": ("skaffold.yaml", "skaffold.yml"),
    "Kustomize.paths": _KUSTOMIZE,
    "KustomizeDeploy.paths": _KUSTOMIZE,
    "KustomizeDeploy.path": _KUSTOMIZE,
    "RenderConfig.kpt": ("Kptfile",),
    "KptDeploy.dir": ("Kptfile",),
}


def _requirement(ctx: FeatureContext, doc: DocAt, path: list[str | int]) -> ws.Requirement | None:
    if doc.info is None or len(path) < 2 or path[0] != "requires" or not isinstance(path[1], int):
        return None
    cf = current_file(ctx.analysis)
    cd = next((d for d in cf.docs if d.index == doc.info.document.index), None)
    if cd is None or path[1] >= len(cd.requires):
        return None
    return cd.requires[path[1]]


def image_definition(ctx: FeatureContext, doc: DocAt, image: str) -> list[Location]:
    out = []
    if ctx.path is not None:
        out = [Location(ctx.path, node.range) for img, node, _ in artifact_images(doc.root) if img == image]
    if out:
        return out[:1] if len(out) == 1 else out
    for cf, cd in required_docs(ctx, doc):
        if image in cd.images and cf.path is not None:
            return [Location(cf.path, cd.images[image])]
    return []


def profile_targets(ctx: FeatureContext, doc: DocAt, path: list[str | int], name: str) -> list[Location]:
    """Where the profile a value names is defined: in the required config for
    `requires[].activeProfiles[].name`, else in this config."""
    if len(path) >= 5 and path[0] == "requires" and path[2] == "activeProfiles" and path[-1] == "name":
        req = _requirement(ctx, doc, path)
        t = follow(ctx.analysis, req) if req is not None else None
        if t is None or t.config is None:
            return []
        file = t.file or ctx.path
        if file is None:
            return []
        return [Location(file, d.profiles[name]) for d in t.docs if name in d.profiles][:1]
    if ctx.path is None or doc.info is None:
        return []
    cf = current_file(ctx.analysis)
    cd = next((d for d in cf.docs if d.index == doc.info.document.index), None)
    if cd is not None and name in cd.profiles:
        return [Location(ctx.path, cd.profiles[name])]
    return []


# ---------------------------------------------------------------------------
# References


def references(ctx: FeatureContext, pos: Pos, include_declaration: bool = True) -> list[Location]:
    try:
        return references_strict(ctx, pos, include_declaration)
    except Exception:
        log.exception("references failed at %s", pos)
        return []


def references_strict(ctx: FeatureContext, pos: Pos, include_declaration: bool = True) -> list[Location]:
    t = target_at(ctx.lines, pos)
    if t is None or t.on_key or ctx.path is None:
        return []
    doc = doc_at(ctx, pos.line, (t.doc_start, t.doc_end))
    if doc is None:
        return []
    r = kn.resolve_path(doc.schema, t.path)
    fk = kn.field_kind(r.owner, r.prop)
    image = None
    if fk is not None and fk.kind == "image":
        image = t.text
    elif r.owner == "HelmRelease" and r.prop in ("setValueTemplates", "setValues"):
        m = _TEMPLATE_IMAGE.search(t.text)
        if m:
            image = next((img for img, _, _ in artifact_images(doc.root) if sanitize_image(img) == m.group(1)), None)
    if image is None:
        return []
    return image_references(ctx, doc, image, include_declaration)


def image_references(ctx: FeatureContext, doc: DocAt, image: str, include_declaration: bool = True) -> list[Location]:
    assert ctx.path is not None
    out: list[Location] = []
    for info in ctx.analysis.documents:
        schema = info.schema.schema
        if schema is not None:
            out += [Location(ctx.path, r) for r in _refs_in(schema, info.document.root, image, include_declaration)]
    out += _config_references(ctx, image)
    out += _manifest_references(ctx, image)
    return out


def _refs_in(schema: VersionSchema, root: Node | None, image: str, declarations: bool) -> list[Range]:
    """Ranges in one document where `image` is built (when `declarations`) or referred to."""
    s = sanitize_image(image)
    out: list[Range] = []
    for ts in typed_scalars(schema, root):
        node = ts.node
        if not isinstance(node, Scalar):
            continue
        if (ts.owner, ts.prop) == ("Artifact", "image"):
            if node.value == image and declarations:
                out.append(node.range)
            continue
        fk = kn.field_kind(ts.owner, ts.prop)
        direct = fk is not None and fk.kind == "image" and node.value == image
        templated = (ts.owner == "HelmRelease" and ts.prop in ("setValueTemplates", "setValues")
                     and any(m.group(1) == s for m in _TEMPLATE_IMAGE.finditer(node.value)))
        if direct or templated:
            out.append(node.range)
    return out


def _config_references(ctx: FeatureContext, image: str, limit: int = 200) -> list[Location]:
    """References in the workspace's other skaffold configs (an artifact of a required
    config used by the configs that require it)."""
    root = ctx.workspace or (ctx.path.parent if ctx.path is not None else None)
    if root is None or ctx.path is None:
        return []
    here = ctx.path.resolve()
    out: list[Location] = []
    for f in ws.scan(root).configs[:limit]:
        if f.resolve() == here:
            continue
        cf = ws.load_config(f)
        if cf is None or image not in cf.parsed.text:
            continue
        for cd in cf.docs:
            version = cd.document.scalar_at("apiVersion")
            schema = ctx.store.get(version.value) if version is not None else None
            if schema is not None:
                out += [Location(f, r) for r in _refs_in(schema, cd.document.root, image, False)]
    return out


def _manifest_references(ctx: FeatureContext, image: str) -> list[Location]:
    root = ctx.workspace or (ctx.path.parent if ctx.path is not None else None)
    if root is None:
        return []
    files = {r.path for r in ws.scan(root).resources if image in r.images}
    pattern = re.compile(r"^(\s*-?\s*image:\s*[\"']?)" + re.escape(image) + r"(?=[\"'\s]*(#|$))")
    out = []
    for f in sorted(files):
        try:
            lines = f.read_text(encoding="utf-8", errors="replace").split("\n")
        except OSError:
            continue
        for i, line in enumerate(lines):
            m = pattern.match(line)
            if m:
                out.append(Location(f, Range.of(i, m.end(1), i, m.end(1) + len(image))))
    return out

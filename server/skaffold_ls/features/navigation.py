"""Go to definition and find references.

- an image reference (artifact `requires`, tests, helm templates...) → its artifact;
- a profile name (`activeProfiles[].name`, `activatedBy`) → the profile;
- `requires[].path` → that config file; `requires[].configs` → that config;
- path fields → the file they name.
References of an image: the artifact, every reference in this config, and the
Kubernetes manifests in the workspace that use it.
"""

from __future__ import annotations

import re

from skaffold_ls.config.artifacts import sanitize_image
from skaffold_ls.config.sources import ConfigFile
from skaffold_ls.core.findings import Pos, Range
from skaffold_ls.core.typed import typed_scalars
from skaffold_ls.core.yamldoc import Node, Scalar
from skaffold_ls.features import refs
from skaffold_ls.features import workspace as ws
from skaffold_ls.features.context import DocAt, doc_at, node_at_path
from skaffold_ls.features.types import FeatureContext, Location
from skaffold_ls.schema import knowledge as kn
from skaffold_ls.schema.model import VersionSchema

_ORIGIN = Range.of(0, 0, 0, 0)


def definition(ctx: FeatureContext, pos: Pos) -> list[Location]:
    t = refs.target_at(ctx.lines, pos)
    if t is None:
        return []
    doc = doc_at(ctx, pos.line, (t.doc_start, t.doc_end))
    if doc is None:
        return []
    r = kn.resolve_path(doc.schema, t.path)
    if t.on_key:
        if r.owner == "HelmRelease" and r.prop in ("setValues", "setValueTemplates") and r.item:
            found = refs.release_chart(ctx, doc, t.path)
            hit = ws.chart_value(found[1], refs.chart_key(t.path)) if found is not None else None
            if hit is not None:
                return [Location(hit[0].resolve(), hit[1])]
        return []
    fk = kn.field_kind(r.owner, r.prop)
    if fk is not None and fk.kind == "image" and (r.owner, r.prop) != ("Artifact", "image"):
        return refs.image_definition(ctx, doc, t.text)
    if r.owner == "HelmRelease" and r.prop in ("setValueTemplates", "setValues"):
        m = refs.TEMPLATE_IMAGE.search(t.text)
        if m:
            for img, _, _ in refs.artifact_images(doc.root):
                if sanitize_image(img) == m.group(1):
                    return refs.image_definition(ctx, doc, img)
        return []
    if fk is not None and fk.kind == "profile":
        return refs.profile_targets(ctx, doc, t.path, t.text)
    if (r.owner == "JSONPatch" and r.prop in ("path", "from") and t.text.startswith("/") and ctx.path is not None
            and doc.root is not None and isinstance(t.path[1], int)):
        layers = refs.pointer_layers(doc.root, node_at_path(doc.root, ["profiles", t.path[1]]), t.text.rstrip("/"))
        return [Location(ctx.path, layers[0][0].range)] if layers is not None and layers[0] else []
    if (r.owner, r.prop) == ("ConfigDependency", "path"):
        target = refs.requirement(ctx, doc, t.path)
        if target is not None and target.file is not None and target.file.is_file():
            return [Location(target.file, _ORIGIN)]
        return []
    if (r.owner, r.prop) == ("ConfigDependency", "configs"):
        named = refs.config_definition(ctx, doc, t.path, t.text)
        return [named] if named is not None else []
    if fk is not None and fk.kind in ("file", "path", "dir", "glob"):
        base = refs.base_dir(ctx, doc, t.path, fk.relative_to, t.range.start.line)
        if base is None or "{{" in t.text:
            return []
        target_path = refs.link_target(base / t.text, r.owner, r.prop)
        if target_path is not None:
            return [Location(target_path, _ORIGIN)]
    return []


# ---------------------------------------------------------------------------
# References


def references(ctx: FeatureContext, pos: Pos, include_declaration: bool = True) -> list[Location]:
    t = refs.target_at(ctx.lines, pos)
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
        m = refs.TEMPLATE_IMAGE.search(t.text)
        if m:
            image = next((img for img, _, _ in refs.artifact_images(doc.root) if sanitize_image(img) == m.group(1)), None)
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
                     and any(m.group(1) == s for m in refs.TEMPLATE_IMAGE.finditer(node.value)))
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
        cf = ctx.sources.read(f)
        if not isinstance(cf, ConfigFile) or image not in cf.parsed.text:
            continue
        for cd in cf.documents:
            version = cd.document.scalar_at("apiVersion")
            schema = ctx.store.get(version.value) if version is not None else None
            if schema is not None:
                out += [Location(f, r) for r in _refs_in(schema, cd.document.root, image, False)]
    return out


def _manifest_references(ctx: FeatureContext, image: str) -> list[Location]:
    root = ctx.workspace or (ctx.path.parent if ctx.path is not None else None)
    if root is None:
        return []
    files = {r.file for r in ws.scan(root).resources if image in r.images}
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

"""Hover: what a key means in the document's own apiVersion, and what a value points to."""

from __future__ import annotations

import os
from pathlib import Path

from skaffold_ls.config import requires
from skaffold_ls.config.artifacts import sanitize_image
from skaffold_ls.config.loader import apply_profiles
from skaffold_ls.config.paths import glob_files
from skaffold_ls.config.values import Value
from skaffold_ls.core.findings import Pos
from skaffold_ls.core.yamldoc import Mapping, deref, scalar_text
from skaffold_ls.features import refs
from skaffold_ls.features import workspace as ws
from skaffold_ls.features.context import (
    DocAt,
    doc_at,
    node_at_path,
)
from skaffold_ls.features.types import FeatureContext, Hover
from skaffold_ls.schema import knowledge as kn
from skaffold_ls.schema.changes import DEPRECATED_IN_PLACE
from skaffold_ls.schema.model import Definition, TypeSpec

# A hover on a glob field shows its matches; looking for them stops here.
HOVER_GLOB_ENTRIES = 5_000



def hover(ctx: FeatureContext, pos: Pos) -> Hover | None:
    """Markdown for the key or value at `pos`, or None."""
    t = refs.target_at(ctx.lines, pos)
    if t is None:
        return None
    doc = doc_at(ctx, pos.line, (t.doc_start, t.doc_end))
    if doc is None:
        return None
    if t.on_key:
        md = _chart_value_markdown(ctx, doc, t.path) or _key_markdown(ctx, doc, t.path)
    else:
        md = _value_markdown(ctx, doc, t)
    effects = _profile_effects(ctx, doc, t.path)
    if effects:
        md = f"{md}\n\n{effects}" if md else effects
    return Hover(md, t.range) if md else None


def _profile_effects(ctx: FeatureContext, doc: DocAt, path: list[str | int]) -> str | None:
    """What each profile does to the value at `path` of the config (replayed alone, as
    `-p name` would): replaces it, removes it or adds it, with the patch that does so."""
    if not path or path[0] == "profiles":
        return None
    cdoc = refs.config_doc(ctx, doc)
    if cdoc is None or cdoc.value is None:
        return None
    base = cdoc.value.at(*path)
    lines = []
    for name in cdoc.profile_names():
        value, _problems = apply_profiles(cdoc.value, [name], cdoc.file)
        changed = value.at(*path)
        if changed is base or (changed is not None and base is not None and changed.plain() == base.plain()):
            continue
        where = ""
        if changed is not None and changed.origin.line is not None:
            patch = f"patch {changed.origin.patch + 1}, " if changed.origin.patch is not None else ""
            where = f" ({patch}line {changed.origin.line})"
        if changed is None:
            lines.append(f"profile `{name}` removes it")
        elif base is None:
            lines.append(f"profile `{name}` adds `{_short(changed)}`{where}")
        else:
            lines.append(f"profile `{name}` replaces it with `{_short(changed)}`{where}")
    return "Profiles: " + "; ".join(lines) + "." if lines else None


def _short(value: Value) -> str:
    text = value.text
    if text is not None:
        return text if len(text) <= 60 else text[:57] + "…"
    plain = value.plain()
    if isinstance(plain, dict):
        return "{" + ", ".join(list(plain)[:4]) + ("…}" if len(plain) > 4 else "}")
    if isinstance(plain, list):
        return f"list of {len(plain)}"
    return str(plain)


# ---------------------------------------------------------------------------


def _key_markdown(ctx: FeatureContext, doc: DocAt, path: list[str | int]) -> str | None:
    schema = doc.schema
    r = kn.resolve_path(schema, path)
    if r.owner is None or r.prop is None:
        return None
    d = schema.definitions.get(r.owner)
    spec = d.properties.get(r.prop) if d is not None else None
    if spec is None:
        hist = ctx.store.property_history(r.owner, r.prop)
        if hist.versions:
            return (f"**`{r.prop}`** is not part of `{doc.version}`: it exists "
                    f"{_span(hist.first, hist.last, latest=ctx.store.latest)}.\n\n"
                    + (kn.describe(r.owner, r.prop) or ""))
        return None
    out = [f"**`{r.prop}`** · {spec.describe()}" + (" (required)" if d and r.prop in d.required else "")]
    desc = kn.describe(r.owner, r.prop)
    target = schema.resolve(spec)
    if desc:
        out.append(desc)
    elif isinstance(target, Definition):
        desc = kn.describe(target.name)
        if desc:
            out.append(desc)
    facts = []
    default = spec.default if spec.default is not None else (
        target.default if isinstance(target, (TypeSpec, Definition)) else None)
    shown = kn.default_text(r.owner, r.prop, default)
    if shown:
        facts.append(shown)
    enum = kn.scalar_enum(schema, spec)
    if enum:
        facts.append("Allowed: " + ", ".join(f"`{e}`" for e in enum))
    if d is not None:
        alt = d.alternative_of(r.prop)
        if alt is not None:
            others = [k for g in d.alternatives for k in g if k not in alt]
            if others:
                facts.append("Only one of: " + ", ".join(f"`{k}`" for k in [*alt, *others]))
    fk = kn.field_kind(r.owner, r.prop)
    if fk is not None:
        if fk.relative_to == "context":
            facts.append("Relative to the artifact's `context`")
        elif fk.relative_to == "config_dir":
            base = refs.config_dir(ctx)
            shown_base = f" (here `{base.name or base}`)" if base is not None else ""
            facts.append(f"Relative to the directory skaffold runs in{shown_base}")
        if fk.template:
            facts.append("Expanded as a Go template")
    moved = DEPRECATED_IN_PLACE.get((r.owner, r.prop))
    if moved is not None:
        facts.append(f"Deprecated since `{moved.since}`: {moved.where}")
    hist = ctx.store.property_history(r.owner, r.prop)
    known = ctx.store.known_versions()
    if hist.versions and (hist.first != known[0] or hist.last != known[-1]):
        facts.append(f"Available {_span(hist.first, hist.last, latest=known[-1])}")
    if facts:
        out.append(" · ".join(facts))
    out.append(f"[skaffold reference ({doc.version.removeprefix('skaffold/')})]({kn.docs_url(doc.version)})")
    return "\n\n".join(out)


def _span(first: str | None, last: str | None, latest: str | None = None) -> str:
    if first is None:
        return "in no version"
    if last == latest:
        return f"since `{first}`"
    if first == last:
        return f"only in `{first}`"
    return f"from `{first}` to `{last}`"


def _value_markdown(ctx: FeatureContext, doc: DocAt, t: refs.TextTarget) -> str | None:
    schema = doc.schema
    if t.path == ["apiVersion"]:
        latest = ctx.store.latest
        known = ctx.store.get(t.text) is not None
        state = "the latest apiVersion" if t.text == latest else (
            f"a known apiVersion (latest: `{latest}`)" if known else "not a known skaffold apiVersion")
        md = f"`{t.text}`: {state}."
        if known:
            md += f"\n\n[skaffold reference]({kn.docs_url(t.text)})"
        return md
    r = kn.resolve_path(schema, t.path)
    fk = kn.field_kind(r.owner, r.prop)
    if fk is not None and fk.kind == "image":
        if (r.owner, r.prop) in (("Artifact", "image"),):
            return _artifact_self(doc, t.text)
        return _image_markdown(ctx, doc, t.text)
    if r.owner == "HelmRelease" and r.prop in ("setValueTemplates", "setValues") and r.item:
        m = refs.TEMPLATE_IMAGE.search(t.text)
        if m:
            return _template_markdown(ctx, doc, m.group(1))
    if fk is not None and fk.kind in ("file", "dir", "path", "glob"):
        base = refs.base_dir(ctx, doc, t.path, fk.relative_to, t.range.start.line)
        if base is not None:
            return _path_markdown(base, t.text, fk.kind, r.owner, r.prop)
    if fk is not None and fk.kind == "profile":
        return _profile_markdown(ctx, doc, t, r.owner, r.prop)
    if (r.owner, r.prop) == ("ConfigDependency", "configs"):
        return _config_markdown(ctx, doc, t)
    if r.owner == "JSONPatch" and r.prop in ("path", "from") and t.text.startswith("/"):
        return _pointer_markdown(doc, t)
    if r.owner is not None and r.prop is not None:
        return _key_markdown(ctx, doc, [*t.path[:-1], r.prop] if r.item else t.path)
    return None


def _artifact_self(doc: DocAt, image: str) -> str | None:
    for img, _node, path in refs.artifact_images(doc.root):
        if img == image:
            art = deref(node_at_path(doc.root, path))
            where = " in profile" if path and path[0] == "profiles" else ""
            return (f"Artifact **`{image}`**{where}, built with {refs.builder_of(art if isinstance(art, Mapping) else None)}"
                    f", context `{scalar_text(node_at_path(doc.root, [*path, 'context'])) or '.'}`.")
    return None


def _image_markdown(ctx: FeatureContext, doc: DocAt, image: str) -> str:
    for img, node, path in refs.artifact_images(doc.root):
        if img == image:
            art = deref(node_at_path(doc.root, path))
            ctxdir = scalar_text(node_at_path(doc.root, [*path, "context"])) or "."
            return (f"Image **`{image}`** is built by the artifact on line {node.start.line + 1} "
                    f"({refs.builder_of(art if isinstance(art, Mapping) else None)}, context `{ctxdir}`).")
    for cf, cd in refs.required_configs(ctx, doc):
        built = requires.images(cd)
        if image in built:
            where = f"`{_relative(ctx, cf.path)}`" if cf.path else "this file"
            return (f"Image **`{image}`** is built by config `{cd.name or '?'}` "
                    f"({where}, line {built[image].range.start.line + 1}).")
    return f"Image `{image}` is not built by this config or the configs it requires."


def _template_markdown(ctx: FeatureContext, doc: DocAt, sanitized: str) -> str | None:
    for img, _node, _ in refs.artifact_images(doc.root):
        if sanitize_image(img) == sanitized:
            return _image_markdown(ctx, doc, img)
    return f"No artifact of this config is named `{sanitized}` (image names with `.-/:` written as `_`)."


def _path_markdown(base: Path, value: str, kind: str, owner: str | None, prop: str | None) -> str:
    if "{{" in value:
        return f"`{value}` is a template: resolved when skaffold runs."
    target = base / value
    shown = f"`{value}`"
    if kind == "glob" and any(c in value for c in "*?["):
        # glob.iglob followed a symlink to a parent folder forever when nothing matched.
        found = glob_files(base, value, limit=HOVER_GLOB_ENTRIES)
        matches = found.files
        if not matches:
            return f"{shown} matches no file (from `{base}`)." if not found.truncated else \
                f"{shown}: no match in the first {HOVER_GLOB_ENTRIES:,} entries looked at (from `{base}`)."
        names = ", ".join(f"`{Path(m).relative_to(base) if Path(m).is_relative_to(base) else m}`"
                          for m in matches[:8])
        more = f" and {len(matches) - 8} more" if len(matches) > 8 else ""
        return f"{shown} matches {len(matches)} file{'s' if len(matches) != 1 else ''}: {names}{more}."
    if target.is_dir():
        extra = ""
        if (target / "Chart.yaml").is_file():
            extra = " (a Helm chart)"
        elif (owner, prop) == ("ConfigDependency", "path"):
            extra = " (its skaffold.yaml " + ("exists)" if (target / "skaffold.yaml").is_file() else "is missing)")
        return f"{shown}: folder exists{extra}."
    if target.is_file():
        return f"{shown}: file exists."
    return f"{shown} does not exist (looked in `{base}`)."


def _profile_markdown(ctx: FeatureContext, doc: DocAt, t: refs.TextTarget, owner: str | None, prop: str | None) -> str | None:
    locs = refs.profile_targets(ctx, doc, t.path, t.text)
    if not locs:
        return f"No profile named `{t.text}` found."
    loc = locs[0]
    where = "this file" if ctx.path is not None and loc.path == ctx.path else f"`{_relative(ctx, loc.path)}`"
    return f"Profile **`{t.text}`**, defined in {where} on line {loc.range.start.line + 1}."


def _relative(ctx: FeatureContext, path: Path) -> str:
    base = ctx.path.parent if ctx.path is not None else ctx.workspace
    if base is None:
        return path.name
    try:
        return os.path.relpath(path, base).replace(os.sep, "/")
    except ValueError:
        return str(path)


def _chart_value_markdown(ctx: FeatureContext, doc: DocAt, path: list[str | int]) -> str | None:
    r = kn.resolve_path(doc.schema, path)
    if r.owner != "HelmRelease" or r.prop not in ("setValues", "setValueTemplates") or not r.item:
        return None
    found = refs.release_chart(ctx, doc, path)
    key = refs.chart_key(path)
    if found is None:
        return None
    chart, folder = found
    hit = ws.chart_value(folder, key)
    if hit is None:
        return f"`{key}` is not set in `{chart}/values.yaml`: the chart has no default for it."
    _, rng, shown = hit
    return (f"Chart value **`{key}`** of `{chart}`: default `{shown}` "
            f"(values.yaml, line {rng.start.line + 1}).")


def _config_markdown(ctx: FeatureContext, doc: DocAt, t: refs.TextTarget) -> str:
    loc = refs.config_definition(ctx, doc, t.path, t.text)
    if loc is None:
        return f"No config named `{t.text}` in the required file."
    where = "this file" if ctx.path is not None and loc.path == ctx.path else f"`{_relative(ctx, loc.path)}`"
    return f"Config **`{t.text}`**, defined in {where} on line {loc.range.start.line + 1}."


def _pointer_markdown(doc: DocAt, t: refs.TextTarget) -> str | None:
    root = doc.root
    if root is None or len(t.path) < 2 or t.path[0] != "profiles" or not isinstance(t.path[1], int):
        return None
    profile = node_at_path(root, ["profiles", t.path[1]])
    name = scalar_text(node_at_path(profile, ["name"])) or "this profile"
    found = refs.pointer_layers(root, profile, t.text.rstrip("/"))
    if found is not None and found[0]:
        node = found[0][0]
        what = refs.value_summary(node)
        line = node.start.line + 1
        return f"`{t.text}` is `{what}` (line {line}), as profile `{name}` sees the config."
    parent = t.text.rstrip("/").rsplit("/", 1)[0]
    if parent == "" or refs.pointer_layers(root, profile, parent) is not None:
        return f"`{t.text}` is not set; `op: add` creates it (its parent exists)."
    return f"`{t.text}` leads nowhere in this config: skaffold fails with `invalid path` when applying `{name}`."



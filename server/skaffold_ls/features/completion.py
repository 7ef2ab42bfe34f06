"""Completion: keys, values, paths, references and starters for skaffold.yaml.

`complete(ctx, pos)` never raises. Everything is read from the document's own
apiVersion schema; the path at the cursor comes from the text (see context.py),
so half-typed lines work.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from skaffold_ls.config import requires
from skaffold_ls.config.artifacts import sanitize_image
from skaffold_ls.config.manifests import K8sObject, objects_in
from skaffold_ls.core.findings import Pos
from skaffold_ls.core.yamldoc import Mapping, Node, Scalar, Sequence, deref, merged_pairs, scalar_text
from skaffold_ls.features import refs
from skaffold_ls.features import workspace as ws
from skaffold_ls.features.context import (
    Cursor,
    DocAt,
    cursor_at,
    doc_at,
    node_at_path,
    present_keys,
    split_line,
)
from skaffold_ls.features.starters import starter_items
from skaffold_ls.features.types import CompletionItem, CompletionKind, FeatureContext
from skaffold_ls.schema import knowledge as kn
from skaffold_ls.schema.changes import DEPRECATED_IN_PLACE
from skaffold_ls.schema.model import Definition, TypeSpec, VersionSchema

# "At most one of" groups that skaffold checks in Go code only (the schemas do not say).
EXCLUSIVE: dict[str, tuple[tuple[str, ...], ...]] = {
    "HelmRelease": (("chartPath", "remoteChart"),),
    "ConfigDependency": (("path", "git", "googleCloudStorage", "googleCloudBuildRepoV2"),),
    "Sync": (("manual", "infer", "auto"),),
    "DockerSecret": (("src", "env"),),
    "ContainerHook": (("host", "container"),),
    "CustomDependencies": (("dockerfile", "command", "paths"),),
}
# Kinds `portForward.resourceType` accepts, besides those found in manifests.
PORT_FORWARD_TYPES = ("deployment", "service", "pod", "statefulset", "replicaset", "daemonset", "job")
INDENT = "  "


@dataclass(frozen=True, slots=True)
class SnippetIndent:
    """How the document indents: the mapping step, and the list step (`""` when lists
    sit at their key's column, `artifacts:\n- image: a`)."""

    unit: str = INDENT
    seq: str = INDENT


def document_style(lines: list[str], limit: int = 400) -> SnippetIndent:
    unit: str | None = None
    seq: str | None = None
    prev = None
    prev_text = ""
    for text in lines[:limit]:
        info = split_line(text)
        if info.blank:
            continue
        if prev is not None and prev.key is not None and prev.value_start >= len(lines_rstrip(prev_text)):
            step = info.first - prev.content
            if info.dashes and seq is None and step >= 0:
                seq = " " * step
            elif not info.dashes and unit is None and step > 0:
                unit = " " * step
            if unit is not None and seq is not None:
                break
        prev, prev_text = info, text
    unit = unit if unit is not None and 1 <= len(unit) <= 8 else INDENT
    return SnippetIndent(unit, seq if seq is not None and len(seq) <= 8 else unit)


def lines_rstrip(text: str) -> str:
    cut = text.find(" #")
    return (text if cut < 0 else text[:cut]).rstrip()


def complete(ctx: FeatureContext, pos: Pos) -> list[CompletionItem]:
    """Completion items at `pos` (code-point column)."""
    lines = ctx.lines
    if not lines or pos.line >= len(lines):
        return []
    cursor = cursor_at(lines, pos)
    if cursor is None:
        return []
    if cursor.mode == "key" and cursor.after_dash and lines[pos.line][: pos.col].endswith("-"):
        return []  # `-` just typed: wait for the space that makes it a list item
    starters: list[CompletionItem] = []
    if cursor.mode == "key" and not cursor.path and _empty_document(lines, cursor):
        starters = starter_items(ctx, cursor)
    doc = doc_at(ctx, pos.line, (cursor.doc_start, cursor.doc_end))
    if doc is None:
        return starters
    if cursor.mode == "key":
        return starters + _in_mapping(ctx, doc, cursor)
    return _values(ctx, doc, cursor, cursor.path)


def _empty_document(lines: list[str], cursor: Cursor) -> bool:
    for i in range(cursor.doc_start, min(cursor.doc_end + 1, len(lines))):
        if i == cursor.replace.start.line:
            continue
        if not split_line(lines[i]).blank:
            return False
    return not cursor.after_dash


# ---------------------------------------------------------------------------
# Keys


def _in_mapping(ctx: FeatureContext, doc: DocAt, cursor: Cursor) -> list[CompletionItem]:
    schema = doc.schema
    r = kn.resolve_path(schema, cursor.path)
    d = kn.object_of(schema, r.target) if r.target is not None else None
    if d is not None:
        present = present_keys(ctx.lines, cursor.replace.start.line, cursor.key_col, cursor.doc_start,
                               cursor.doc_end)
        if cursor.has_colon:
            typed = split_line(ctx.lines[cursor.replace.start.line]).key
            present.discard(typed or "")
        return _key_items(ctx, schema, d, cursor, present)
    if cursor.path and isinstance(cursor.path[-1], int) and cursor.after_dash and r.spec is not None:
        return _values(ctx, doc, cursor, cursor.path)  # a list of scalars: `- k8s/*.yaml`
    if r.spec is not None and not cursor.after_dash and not cursor.has_colon:
        items = kn.list_of(schema, r.spec)
        if items is not None:  # an empty line under `artifacts:`: start an item
            return _new_list_item(ctx, doc, cursor, items)
    if r.owner == "HelmRelease" and r.prop in ("setValues", "setValueTemplates") and not cursor.after_dash:
        return _chart_value_keys(ctx, doc, cursor)
    return []


def _new_list_item(ctx: FeatureContext, doc: DocAt, cursor: Cursor, items: TypeSpec) -> list[CompletionItem]:
    """Items for an empty line inside a list-valued key: `- ` plus a key, or `- ` plus a value."""
    schema = doc.schema
    d = kn.object_of(schema, items)
    inner = Cursor("key", [*cursor.path, _count_items(ctx, cursor)], cursor.prefix, cursor.replace,
                   cursor.key_col + 2, after_dash=True, doc_start=cursor.doc_start, doc_end=cursor.doc_end)
    out = _key_items(ctx, schema, d, inner, set()) if d is not None else _values(ctx, doc, inner, inner.path)
    for it in out:
        text = it.insert_text if it.insert_text is not None else it.label
        it.insert_text = "- " + (text if it.snippet else _escape(text))
        it.snippet = True
        it.label = "- " + it.label
        it.filter_text = "- " + (it.filter_text or it.label)
    return out


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("$", "\\$").replace("}", "\\}")


def _count_items(ctx: FeatureContext, cursor: Cursor) -> int:
    n = 0
    for i in range(cursor.replace.start.line - 1, cursor.doc_start - 1, -1):
        info = split_line(ctx.lines[i])
        if info.blank:
            continue
        if info.first < cursor.key_col:
            break
        if info.dashes and info.first == cursor.key_col:
            n += 1
    return n


def _chart_value_keys(ctx: FeatureContext, doc: DocAt, cursor: Cursor) -> list[CompletionItem]:
    """Keys of the release's chart values, dotted (`image.repository`), for setValues."""
    path = cursor.path
    cut = next((i for i, p in enumerate(path) if p in ("setValues", "setValueTemplates")), None)
    if cut is None:
        return []
    chart = scalar_text(node_at_path(doc.root, [*path[:cut], "chartPath"]))
    if chart is None and path[cut - 1:cut] and isinstance(path[cut - 1], int):
        chart = refs.item_value_from_text(ctx.lines, cursor.replace.start.line, path[:cut], "chartPath")
    base = refs.config_dir(ctx)
    if chart is None or base is None or "{{" in chart:
        return []
    values: object = ws.chart_values(base / chart)
    for step in path[cut + 1:]:  # nested `image:` then `repository:` inside setValues
        values = values.get(str(step)) if isinstance(values, dict) else None
    present = present_keys(ctx.lines, cursor.replace.start.line, cursor.key_col, cursor.doc_start,
                           cursor.doc_end)
    out = []
    for i, (key, value) in enumerate(_flatten(values)):
        if key in present:
            continue
        shown = "{}" if isinstance(value, dict) else repr(value) if not isinstance(value, str) else value
        out.append(CompletionItem(
            label=key, kind=CompletionKind.PROPERTY, detail=f"chart default: {shown}"[:80],
            insert_text=key if cursor.has_colon else key + ": $0", snippet=not cursor.has_colon,
            sort_text=f"{i:04d}", edit_range=cursor.replace, filter_text=key,
            documentation=f"Value of the chart `{chart}` (its values.yaml)."))
    return out


def _flatten(values: object, prefix: str = "", depth: int = 0) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    if not isinstance(values, dict) or depth > 6:
        return out
    for k, v in values.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict) and v:
            out += _flatten(v, key + ".", depth + 1)
        else:
            out.append((key, v))
    return out[:300]


def _excluded(d: Definition, present: set[str]) -> set[str]:
    out: set[str] = set()
    alt_keys = {k for g in d.alternatives for k in g}
    if alt_keys & present:
        out |= alt_keys  # a builder (or build environment, tagger) is set: offer no other
    for g in EXCLUSIVE.get(d.name, ()):
        if set(g) & present:
            out |= set(g)
    return out - present


def _key_items(ctx: FeatureContext, schema: VersionSchema, d: Definition, cursor: Cursor,
               present: set[str]) -> list[CompletionItem]:
    excluded = _excluded(d, present)
    line_text = ctx.lines[cursor.replace.start.line]
    pad = " " * max(0, cursor.key_col - (len(line_text) - len(line_text.lstrip(" "))))
    builders = _builder_order(ctx, d)
    style = document_style(ctx.lines)
    items = []
    for i, (name, spec) in enumerate(d.properties.items()):
        if name in present or name in excluded:
            continue
        if (d.name, name) in _deprecated():
            continue
        desc = kn.describe(d.name, name)
        shown = kn.default_text(d.name, name, spec.default)
        if shown:
            desc = (desc + "\n\n" if desc else "") + shown
        detail = spec.describe()
        if name in d.required:
            detail += " (required)"
        if cursor.has_colon:
            text, snippet = name, False
        elif d.name == schema.root and name in ("apiVersion", "kind"):
            value = ctx.store.latest if name == "apiVersion" else "Config"
            text, snippet = f"{name}: ${{1:{value}}}$0", True
        elif (name in d.required and d.alternatives and builders and cursor.after_dash
              and not ({k for g in d.alternatives for k in g} & present)):
            # a new artifact: `- image: ` and the choice of its builder
            text, snippet = f"{name}: $1\n{_choice(builders, 2)}:\n{style.unit}$0", True
            text = text.replace("\n", "\n" + pad)
        else:
            text, snippet = _key_snippet(schema, name, spec, builders, style), True
            text = text.replace("\n", "\n" + pad)
        items.append(CompletionItem(
            label=name, kind=CompletionKind.PROPERTY, detail=detail, documentation=desc,
            insert_text=text, snippet=snippet, sort_text=f"{i:03d}", edit_range=cursor.replace,
            filter_text=name))
    return items


def _deprecated() -> set[tuple[str, str]]:
    return set(DEPRECATED_IN_PLACE)


def _builder_order(ctx: FeatureContext, d: Definition) -> list[str]:
    keys = [g[0] for g in d.alternatives if len(g) == 1]
    if "ko" in keys and _has_go(ctx):
        keys.remove("ko")
        keys.insert(0, "ko")
    return keys


def _has_go(ctx: FeatureContext) -> bool:
    folder = ctx.path.parent if ctx.path is not None else ctx.workspace
    if folder is None:
        return False
    for f in [folder, *folder.parents][:4]:
        if (f / "go.mod").is_file():
            return True
        if ctx.workspace is not None and f == ctx.workspace:
            break
    return False


def _choice(options: list[str] | tuple[str, ...], n: int) -> str:
    esc = [re.sub(r"([,|\\$}])", r"\\\1", o) for o in options]
    return "${" + str(n) + "|" + ",".join(esc) + "|}"


def _key_snippet(schema: VersionSchema, name: str, spec: TypeSpec, builders: list[str],
                 style: SnippetIndent = SnippetIndent()) -> str:
    u = style.unit
    t = schema.resolve(spec)
    if isinstance(t, Definition):
        return f"{name}:\n{u}" + _object_body(schema, t, builders, u, style)
    items = kn.list_of(schema, spec)
    obj = kn.object_of(schema, spec)
    if items is not None:
        it = kn.object_of(schema, items)
        if it is not None:
            return f"{name}:\n{style.seq}- " + _object_body(schema, it, builders, style.seq + "  ", style)
        return f"{name}:\n{style.seq}- $0"
    if obj is not None:
        return f"{name}:\n{u}$0"
    if t.kind in ("map", "object", "any"):
        return f"{name}:\n{u}$0"
    enum = kn.scalar_enum(schema, spec)
    if enum:
        return f"{name}: {_choice(list(enum), 1)}$0"
    if kn.is_kind(schema, spec, "boolean"):
        default = "true" if t.default in (True, "true") else "false"
        other = "false" if default == "true" else "true"
        return f"{name}: {_choice([other, default], 1)}$0"
    return f"{name}: $0"


def _object_body(schema: VersionSchema, d: Definition, builders: list[str], indent: str,
                 style: SnippetIndent = SnippetIndent()) -> str:
    """Required keys of an object as snippet lines; `indent` is the column of its keys."""
    parts: list[str] = []
    n = 1
    for req in d.required:
        spec = d.properties.get(req)
        if spec is None:
            continue
        if kn.object_of(schema, spec) is not None or kn.list_of(schema, spec) is not None:
            parts.append(f"{req}:\n{indent}{style.unit}${n}")
        else:
            parts.append(f"{req}: ${n}")
        n += 1
    if d.alternatives and builders and d.required:
        # a new artifact: its image, then a choice of builder
        parts.append(f"{_choice(builders, n)}:\n{indent}{style.unit}$0")
    elif parts:
        parts.append("$0")
    else:
        return "$0"
    return ("\n" + indent).join(parts)


# ---------------------------------------------------------------------------
# Values


def _values(ctx: FeatureContext, doc: DocAt, cursor: Cursor, path: list[str | int]) -> list[CompletionItem]:
    schema = doc.schema
    if path == ["apiVersion"]:
        versions = list(reversed(ctx.store.known_versions()))
        return [_value(cursor, v, CompletionKind.ENUM_MEMBER, sort=i, detail="latest" if i == 0 else None,
                       preselect=i == 0)
                for i, v in enumerate(versions)]
    if path == ["kind"]:
        return [_value(cursor, "Config", CompletionKind.ENUM_MEMBER, preselect=True)]
    r = kn.resolve_path(schema, path)
    if r.spec is None:
        return []
    items: list[CompletionItem] = []
    enum = kn.scalar_enum(schema, r.spec)
    if enum:
        items += [_value(cursor, e, CompletionKind.ENUM_MEMBER, sort=i) for i, e in enumerate(enum)]
    elif kn.is_kind(schema, r.spec, "boolean"):
        items += [_value(cursor, b, CompletionKind.VALUE, sort=i) for i, b in enumerate(("true", "false"))]
    hints = VALUE_HINTS.get((r.owner or "", r.prop or ""))
    if hints and not enum:
        items += [_value(cursor, h, CompletionKind.ENUM_MEMBER, sort=i) for i, h in enumerate(hints)]
    if r.owner == "JSONPatch" and r.prop in ("path", "from"):
        items += _patch_pointer_items(ctx, doc, cursor, path)
    fk = kn.field_kind(r.owner, r.prop)
    if r.owner == "HelmRelease" and r.prop == "setValueTemplates" and r.item:
        items += _template_items(ctx, doc, cursor)
    if fk is None or fk.kind is None:
        return items
    if fk.kind in ("file", "dir", "path", "glob"):
        base = refs.base_dir(ctx, doc, path, fk.relative_to, cursor.replace.start.line)
        if base is not None:
            items += _path_items(cursor, base, fk.kind, r.owner, r.prop)
    elif fk.kind == "image" and (r.owner, r.prop) in _IMAGE_REFS:
        items += _image_items(ctx, doc, cursor, path)
    elif (r.owner, r.prop) == ("Artifact", "image"):
        items += _unbuilt_images(ctx, doc, cursor)
    elif fk.kind == "profile":
        items += _profile_items(ctx, doc, cursor, path, r.owner, r.prop)
    elif fk.kind == "config_name" and r.owner == "ConfigDependency":
        items += _config_name_items(ctx, doc, cursor, path)
    elif fk.kind == "k8s_resource_type" and r.owner == "PortForwardResource":
        items += _resource_type_items(ctx, cursor, doc)
    elif fk.kind == "k8s_resource_name" and r.owner == "PortForwardResource":
        items += _resource_name_items(ctx, doc, cursor, path)
    elif fk.kind == "go_package":
        items += _go_package_items(ctx, doc, cursor, path)
    elif fk.kind == "port" and r.owner == "PortForwardResource":
        items += _port_items(ctx, doc, cursor, path)
    return items


def _patch_pointer_items(ctx: FeatureContext, doc: DocAt, cursor: Cursor, path: list[str | int]) -> list[CompletionItem]:
    """`profiles[].patches[].path`: JSON pointers into the config as the profile sees it
    (its own sections over the base), plus the schema's keys not set yet (for `op: add`).

    Walks the model along the pointer only (no conversion of the whole document), so it
    stays fast on big files. Lists in a profile replace the base's; mappings merge."""
    root = doc.root
    if root is None or len(path) < 2 or path[0] != "profiles" or not isinstance(path[1], int):
        return []
    profile = deref(node_at_path(root, ["profiles", path[1]]))
    typed = cursor.prefix if cursor.prefix.startswith("/") else "/"
    head = typed[: typed.rfind("/")]
    found = refs.pointer_layers(root, profile, head)
    if found is None:
        return []
    layers, schema_path = found
    top = not schema_path
    out: list[CompletionItem] = []

    def add(key: str, detail: str, sort: int) -> None:
        text = head + "/" + key.replace("~", "~0").replace("/", "~1")
        out.append(_value(cursor, text, CompletionKind.PROPERTY, sort=sort, detail=detail))

    first = layers[0] if layers else None

    if isinstance(first, Mapping):
        seen: set[str] = set()
        for layer in layers:
            if not isinstance(layer, Mapping):
                continue
            for pair in merged_pairs(layer):
                k = pair.key.value if isinstance(pair.key, Scalar) else None
                if k is None or k in seen or (top and (k in ("apiVersion", "kind", "profiles")
                                                       or (layer is profile and k not in refs.PROFILE_SECTIONS))):
                    continue
                seen.add(k)
                add(k, refs.value_summary(deref(pair.value)), len(out))
        d = kn.object_of(doc.schema, kn.resolve_path(doc.schema, schema_path).target)
        if d is not None:
            for j, (k, spec) in enumerate(d.properties.items()):
                if k not in seen and not (top and k in ("apiVersion", "kind", "profiles")):
                    add(k, f"not set: {spec.describe()} (op: add)", 500 + j)
    elif isinstance(first, Sequence):
        for i, v in enumerate(first.items):
            add(str(i), refs.value_summary(deref(v)), i)
        add("-", "the end of the list (op: add)", len(first.items))
    return out


# Values skaffold accepts that the schemas do not list as an enum.
VALUE_HINTS: dict[tuple[str, str], tuple[str, ...]] = {
    ("Artifact", "runtimeType"): ("go", "nodejs", "jvm", "python", "netcore"),
    ("Activation", "command"): ("dev", "debug", "run", "build", "deploy", "render", "test", "verify", "delete"),
    ("JSONPatch", "op"): ("replace", "add", "remove", "move", "copy", "test"),
}


def _go_package_items(ctx: FeatureContext, doc: DocAt, cursor: Cursor, path: list[str | int]) -> list[CompletionItem]:
    """`ko.main`: the `package main` folders under the artifact's context (or `dir`)."""
    context = refs.artifact_context(ctx, doc, path, cursor.replace.start.line)
    if context is None:
        return []
    kodir = scalar_text(node_at_path(doc.root, [*path[:-1], "dir"]))
    where = ((context / kodir) if kodir else context).resolve()
    wsroot = ctx.workspace.resolve() if ctx.workspace is not None else None
    root = wsroot if wsroot is not None and (wsroot == where or wsroot in where.parents) else where
    out: list[CompletionItem] = []
    for m in ws.scan(root).main_packages:
        if m == where or where in m.parents:
            rel = os.path.relpath(m, where).replace(os.sep, "/")
            text = "." if rel == "." else "./" + rel
            out.append(_value(cursor, text, CompletionKind.MODULE, sort=len(out), detail="package main"))
    return out


_IMAGE_REFS = {("ArtifactDependency", "image"), ("TestCase", "image"), ("DockerDeploy", "images"),
               ("VerifyContainer", "image"), ("ContainerConfig", "image")}


def _value(cursor: Cursor, text: str, kind: CompletionKind, sort: int = 0, detail: str | None = None,
           doc: str | None = None, preselect: bool = False, insert: str | None = None,
           label: str | None = None) -> CompletionItem:
    value = insert if insert is not None else text
    if cursor.needs_space:
        value = " " + value
    return CompletionItem(label=label or text, kind=kind, detail=detail, documentation=doc,
                          insert_text=value, sort_text=f"{sort:04d}",
                          edit_range=cursor.replace, preselect=preselect, filter_text=text)


def _quote_if_needed(cursor: Cursor, text: str) -> str:
    if cursor.quoted:
        return text
    if text[:1] in "{[*&!|>'\"%@`#" or ": " in text or " #" in text:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return text


# -- images -------------------------------------------------------------


def _known_images(ctx: FeatureContext, doc: DocAt) -> list[tuple[str, str]]:
    """(image, where) from this config, then from the configs it requires."""
    seen: dict[str, str] = {}
    for img, _, _ in refs.artifact_images(doc.root):
        seen.setdefault(img, "artifact of this config")
    for cf, cd in refs.required_configs(ctx, doc):
        for img in requires.images(cd):
            seen.setdefault(img, f"artifact of {refs.file_label(ctx, cf, cd)}")
    return list(seen.items())


def _image_items(ctx: FeatureContext, doc: DocAt, cursor: Cursor, path: list[str | int]) -> list[CompletionItem]:
    own = None
    if "requires" in path:  # an artifact cannot require itself
        art = path[: path.index("requires")]
        own = scalar_text(node_at_path(doc.root, [*art, "image"]))
    return [_value(cursor, img, CompletionKind.REFERENCE, sort=i, detail=where)
            for i, (img, where) in enumerate(_known_images(ctx, doc)) if img != own]


def _unbuilt_images(ctx: FeatureContext, doc: DocAt, cursor: Cursor) -> list[CompletionItem]:
    """For a new artifact: the images the config's manifests use that no artifact builds yet
    (skaffold replaces exactly those names with the tags it builds)."""
    built = {img for img, _, _ in refs.artifact_images(doc.root)}
    out: list[CompletionItem] = []
    seen: set[str] = set()
    for r in _manifest_resources(ctx, doc):
        for img in r.images:
            if img in built or img in seen or "{{" in img:
                continue
            seen.add(img)
            out.append(_value(cursor, img, CompletionKind.REFERENCE, sort=len(out),
                              detail=f"used by {r.kind} {r.name} in {r.file.name}"))
    return out


def _template_items(ctx: FeatureContext, doc: DocAt, cursor: Cursor) -> list[CompletionItem]:
    items = []
    key = split_line(ctx.lines[cursor.replace.start.line]).key or ""
    for i, (img, where) in enumerate(_known_images(ctx, doc)):
        s = sanitize_image(img)
        choices = [
            ("{{.IMAGE_FULLY_QUALIFIED_" + s + "}}", "full reference with tag and digest"),
            ("{{.IMAGE_REPO_" + s + "}}", "repository part"),
            ("{{.IMAGE_TAG_" + s + "}}@{{.IMAGE_DIGEST_" + s + "}}", "tag and digest"),
        ]
        if key.endswith(".repository"):
            order = [1, 2, 0]
        elif key.endswith(".tag"):
            order = [2, 0, 1]
        else:
            order = [0, 1, 2]
        for j, o in enumerate(order):
            text, what = choices[o]
            items.append(_value(cursor, text, CompletionKind.REFERENCE, sort=i * 3 + j,
                                detail=f"{img}: {what}", doc=f"Image built by the {where} `{img}`.",
                                insert=_quote_if_needed(cursor, text)))
    return items


# -- profiles and configs ---------------------------------------------------


def _profile_items(ctx: FeatureContext, doc: DocAt, cursor: Cursor, path: list[str | int],
                   owner: str | None, prop: str | None) -> list[CompletionItem]:
    names: list[tuple[str, str]] = []
    if owner == "ProfileDependency" and prop == "name" and "requires" in path:
        entry = path[: path.index("requires") + 2]
        for cf, cd in refs.required_by_entry(ctx, doc, entry):
            names += [(p, f"profile of {refs.file_label(ctx, cf, cd)}") for p in requires.profile_names(cd)]
    elif owner == "ProfileDependency" and prop == "activatedBy":
        names += [(p, "profile of this config") for p in _own_profiles(doc)]
    seen: set[str] = set()
    out = []
    for i, (n, where) in enumerate(names):
        if n not in seen:
            seen.add(n)
            out.append(_value(cursor, n, CompletionKind.REFERENCE, sort=i, detail=where))
    return out


def _own_profiles(doc: DocAt) -> list[str]:
    out = []
    profiles = deref(doc.root.get("profiles")) if doc.root else None
    if isinstance(profiles, Sequence):
        for p in profiles.items:
            n = scalar_text(node_at_path(p, ["name"]))
            if n:
                out.append(n)
    return out


def _config_name_items(ctx: FeatureContext, doc: DocAt, cursor: Cursor, path: list[str | int]) -> list[CompletionItem]:
    entry = path[: path.index("requires") + 2] if "requires" in path else path[:2]
    out = []
    for i, (cf, cd) in enumerate(refs.required_by_entry(ctx, doc, entry, ignore_configs=True)):
        if cd.name:
            out.append(_value(cursor, cd.name, CompletionKind.REFERENCE, sort=i,
                              detail=f"config in {cf.path.name if cf.path else 'this file'}"))
    return out


# -- Kubernetes resources -----------------------------------------------------


def _manifest_resources(ctx: FeatureContext, doc: DocAt | None = None) -> list[K8sObject]:
    """Kubernetes objects in the config's own manifests (its `rawYaml` globs); without
    any, those under the config's folder, else in the workspace (the guide keeps
    manifests in a shared folder beside the services)."""
    folder = refs.config_dir(ctx)
    if folder is None:
        return []
    if doc is not None:
        own = ws.manifest_files(folder, _raw_yaml_globs(doc.root))
        if own:
            return [r for f in own for r in objects_in(f)]
    near = ws.scan(folder).resources
    if near or ctx.workspace is None or ctx.workspace.resolve() == folder.resolve():
        return near
    return ws.scan(ctx.workspace).resources


def _raw_yaml_globs(root: Node | None) -> list[str]:
    out: list[str] = []
    bases: list[Node | None] = [root]
    profiles = deref(root.get("profiles")) if isinstance(root, Mapping) else None
    if isinstance(profiles, Sequence):
        bases += profiles.items
    for base in bases:
        wheres: list[list[str | int]] = [["manifests", "rawYaml"], ["deploy", "kubectl", "manifests"]]
        for where in wheres:
            seq = node_at_path(base, where)
            if isinstance(seq, Sequence):
                out += [t for t in (scalar_text(i) for i in seq.items) if t and "{{" not in t]
    return out


def _resource_type_items(ctx: FeatureContext, cursor: Cursor, doc: DocAt | None = None) -> list[CompletionItem]:
    kinds: list[tuple[str, str]] = []
    seen: set[str] = set()
    for r in _manifest_resources(ctx, doc):
        k = r.kind.lower()
        if k not in seen:
            seen.add(k)
            kinds.append((k, f"{r.kind} in {r.file.name}"))
    for k in PORT_FORWARD_TYPES:
        if k not in seen:
            seen.add(k)
            kinds.append((k, "Kubernetes kind"))
    return [_value(cursor, k, CompletionKind.ENUM_MEMBER, sort=i, detail=d) for i, (k, d) in enumerate(kinds)]


def _entry_value(ctx: FeatureContext, doc: DocAt, item: list[str | int], key: str, line: int) -> str | None:
    """A sibling value of the list item at `item`: from the model, else from the text."""
    value = scalar_text(node_at_path(doc.root, [*item, key]))
    if value is None and item and isinstance(item[-1], int):
        value = refs.item_value_from_text(ctx.lines, line, item, key)
    return value


def _port_items(ctx: FeatureContext, doc: DocAt, cursor: Cursor, path: list[str | int]) -> list[CompletionItem]:
    """`portForward[].port`: the ports of the named resource in the config's manifests."""
    line = cursor.replace.start.line
    rtype = (_entry_value(ctx, doc, path[:-1], "resourceType", line) or "").lower().split(".")[0]
    rname = _entry_value(ctx, doc, path[:-1], "resourceName", line)
    out: list[CompletionItem] = []
    seen: set[int] = set()
    for r in _manifest_resources(ctx, doc):
        if (rname and r.name != rname) or (rtype and r.kind.lower() != rtype):
            continue
        for p in r.exposed_ports:
            if p not in seen:
                seen.add(p)
                out.append(_value(cursor, str(p), CompletionKind.VALUE, sort=len(out),
                                  detail=f"port of {r.kind} {r.name}"))
    return out


def _resource_name_items(ctx: FeatureContext, doc: DocAt, cursor: Cursor, path: list[str | int]) -> list[CompletionItem]:
    want = _entry_value(ctx, doc, path[:-1], "resourceType", cursor.replace.start.line)
    out: list[CompletionItem] = []
    seen: set[str] = set()
    for r in _manifest_resources(ctx, doc):
        if not r.name or (want and r.kind.lower() != want.lower().split(".")[0]):
            continue
        if r.name not in seen:
            seen.add(r.name)
            out.append(_value(cursor, r.name, CompletionKind.REFERENCE, sort=len(out),
                              detail=f"{r.kind} in {r.file.name}"))
    # workloads are often named after their image: offer the artifacts' names too
    for img, _node, _path in refs.artifact_images(doc.root):
        name = img.rsplit("/", 1)[-1].split(":")[0]
        if name and name not in seen and re.fullmatch(r"[a-z0-9]([-a-z0-9.]*[a-z0-9])?", name):
            seen.add(name)
            out.append(_value(cursor, name, CompletionKind.REFERENCE, sort=len(out) + 100,
                              detail=f"named like the artifact `{img}`"))
    return out


# -- paths ----------------------------------------------------------------------


def _path_items(cursor: Cursor, base: Path, kind: str, owner: str | None, prop: str | None) -> list[CompletionItem]:
    typed = cursor.prefix
    head, _, _ = typed.rpartition("/")
    folder = base / head if head else base
    prefix = head + "/" if head else ""
    want_config = (owner, prop) == ("ConfigDependency", "path")
    want_chart = prop == "chartPath"
    want_kustomize = owner == "Kustomize" or owner == "KustomizeDeploy"
    items: list[CompletionItem] = []
    for name, is_dir in ws.list_dir(folder):
        full = prefix + name
        sort = 50
        detail = None
        if is_dir:
            sub = folder / name
            if want_chart and (sub / "Chart.yaml").is_file():
                sort, detail = 0, "Helm chart"
            elif want_config and (sub / "skaffold.yaml").is_file():
                sort, detail = 0, "folder with a skaffold.yaml"
            elif want_kustomize and any((sub / k).is_file() for k in ("kustomization.yaml", "kustomization.yml",
                                                                       "Kustomization")):
                sort, detail = 0, "kustomization"
            else:
                sort = 10
            items.append(_value(cursor, full + "/", CompletionKind.FOLDER, sort=sort, detail=detail,
                                insert=full if kind in ("dir", "path") else full + "/"))
            if kind == "glob" and _has_yaml(sub):
                items.append(_value(cursor, full + "/*.yaml", CompletionKind.FILE, sort=5,
                                    detail="every YAML file in the folder"))
        elif kind != "dir":
            if want_config and not name.endswith((".yaml", ".yml")):
                continue
            if prop in ("rawYaml", "paths", "valuesFiles", "manifests") and not name.endswith((".yaml", ".yml")):
                continue
            if want_chart and not name.endswith(".tgz"):
                continue
            if prop in ("dockerfile",) and "ockerfile" not in name and "Containerfile" not in name:
                sort = 60
            items.append(_value(cursor, full, CompletionKind.FILE, sort=sort))
    return items


def _has_yaml(folder: Path) -> bool:
    return any(not d and n.endswith((".yaml", ".yml")) for n, d in ws.list_dir(folder, limit=200))


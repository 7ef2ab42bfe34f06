"""Quick fixes for schema diagnostics: rename, remove, add a required key, move a moved field."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from skaffold_ls.actions.offer import ActionContext, Offer
from skaffold_ls.actions.text import Refused, Text, disabled, file_edit, find_pair
from skaffold_ls.actions.upgrade import v3alpha1_moves
from skaffold_ls.core.findings import Finding, Pos, Range
from skaffold_ls.core.textedit import (
    EditError,
    get_path,
    insert_pair,
    mapping_of,
    raw_of,
    remove_pair,
    rename_key,
)
from skaffold_ls.core.yamldoc import Mapping, Scalar
from skaffold_ls.features.types import CodeAction, TextEdit, WorkspaceEdit
from skaffold_ls.schema.model import Definition, TypeSpec, VersionSchema

QUICKFIX = "quickfix"
V3ALPHA1_MOVES = {("KubectlDeploy", "manifests"), ("DeployConfig", "kustomize"),
                  ("HelmRelease", "artifactOverrides"), ("HelmRelease", "imageStrategy")}


def _doc_index(t: Text, line: int) -> int | None:
    doc = t.parsed.document_at(line)
    return doc.index if doc is not None else None


def _single(ctx: ActionContext, title: str, name: str, f: Finding, edits: list[TextEdit],
            preferred: bool = False) -> Offer:
    path = ctx.path or _untitled()
    return Offer(CodeAction(title=title, kind=QUICKFIX, name=name, diagnostics=[f], preferred=preferred,
                            edit=WorkspaceEdit(changes={path: list(edits)})), anchor=f.range)


def _untitled() -> Any:
    return Path("untitled:skaffold.yaml")


def quick_fixes(ctx: ActionContext) -> list[Offer]:
    out: list[Offer] = []
    t = ctx.text
    for f in ctx.diagnostics:
        di = _doc_index(t, f.range.start.line)
        if di is None:
            continue
        root = t.parsed.documents[di].root
        data = f.data or {}
        try:
            if f.code in ("unknown-key", "removed-field"):
                found = find_pair(root, f.range)
                if found is None:
                    continue
                mapping, pair, parent = found
                key = pair.key.value if isinstance(pair.key, Scalar) else "?"
                suggestion = data.get("suggestion")
                if f.code == "removed-field" and (data.get("definition"), key) == ("ResourceFilter", "type"):
                    suggestion = "groupKind"
                if suggestion and mapping.pair(suggestion) is None:
                    out.append(_single(ctx, f"Rename `{key}` to `{suggestion}`", "rename-key", f,
                                       [rename_key(pair, suggestion)], preferred=True))
                if f.code == "removed-field" and data.get("moved"):
                    out.extend(_move(ctx, f, di, mapping, key, data))
                title = f"Remove unknown key `{key}`" if f.code == "unknown-key" else f"Remove `{key}`"
                out.append(_single(ctx, title, "remove-key", f, [remove_pair(t.lines, mapping, pair, parent)]))
            elif f.code == "missing-required":
                out.extend(_add_required(ctx, f, di, data))
            elif f.code in ("missing-api-version", "missing-kind"):
                out.extend(_add_header(ctx, f, di))
        except (EditError, Refused) as e:
            out.append(Offer(disabled(f"Fix `{f.code}`", QUICKFIX, "quickfix", str(e), [f])))
    return out


def _move(ctx: ActionContext, f: Finding, di: int, mapping: Mapping, key: str, data: dict[str, Any]) -> list[Offer]:
    definition = data.get("definition")
    t = ctx.text
    if (definition, key) in V3ALPHA1_MOVES:
        moved = v3alpha1_moves(t, di, upgrading=False)
        if moved.text == t.text:
            return []
        path = ctx.path or _untitled()
        title = {
            "manifests": "Move `deploy.kubectl.manifests` to `manifests.rawYaml`",
            "kustomize": "Move `deploy.kustomize` to `manifests.kustomize` (flags into `deploy.kubectl`)",
        }.get(key, "Turn `artifactOverrides`/`imageStrategy` into `setValueTemplates`")
        return [Offer(CodeAction(title=title + " as skaffold fix does", kind=QUICKFIX, name="move-field",
                                 diagnostics=[f], edit=file_edit(path, t.text, moved.text)), anchor=f.range)]
    if (definition, key) == ("KoArtifact", "platforms"):
        ko_pair = None
        artifact: Mapping | None = None
        for node in _mappings(t.parsed.documents[di].root):
            for p in node.pairs:
                if mapping_of(p.value) is mapping:
                    ko_pair, artifact = p, node
        pair = mapping.pair("platforms")
        if artifact is None or ko_pair is None or pair is None:
            return []
        if artifact.pair("platforms") is not None:
            return [Offer(disabled("Move `ko.platforms` to the artifact", QUICKFIX, "move-field",
                                   "the artifact already has `platforms`: remove one by hand", [f]))]
        value = raw_of(pair.value, t.lines)
        step1 = t.apply(remove_pair(t.lines, mapping, pair, ko_pair))
        art2 = _find_same(step1, di, artifact)
        if art2 is None:
            return []
        step2 = step1.apply(insert_pair(step1.lines, step1.style, art2, None, "platforms", value))
        path = ctx.path or _untitled()
        return [Offer(CodeAction(title="Move `ko.platforms` to the artifact's `platforms`", kind=QUICKFIX,
                                 name="move-field", diagnostics=[f], edit=file_edit(path, t.text, step2.text)),
                      anchor=f.range)]
    return []


def _mappings(root: Any) -> list[Mapping]:
    out: list[Mapping] = []
    stack = [root]
    while stack:
        n = stack.pop()
        if isinstance(n, Mapping):
            out.append(n)
            stack.extend(p.value for p in n.pairs)
        elif n is not None and hasattr(n, "items") and isinstance(n.items, list):
            stack.extend(n.items)
    return out


def _find_same(t: Text, di: int, old: Mapping) -> Mapping | None:
    for m in _mappings(t.parsed.documents[di].root):
        if m.start == old.start:
            return m
    return None


def placeholder(schema: VersionSchema | None, path: list[str | int], key: str) -> Any:
    spec = _spec_at(schema, path, key) if schema is not None else None
    if spec is None:
        return "CHANGE_ME"
    if isinstance(spec, Definition):
        return {}
    if spec.enum:
        return spec.enum[0]
    return {"integer": 0, "number": 0, "boolean": False, "array": [], "map": {}, "object": {}}.get(
        spec.kind, "CHANGE_ME")


def _spec_at(schema: VersionSchema, path: list[str | int], key: str) -> TypeSpec | Definition | None:
    cur: TypeSpec | Definition = schema.definitions[schema.root]
    for step in [*path, key]:
        if isinstance(cur, TypeSpec):
            cur = schema.resolve(cur)
        if isinstance(step, int):
            if isinstance(cur, TypeSpec) and cur.items is not None:
                cur = schema.resolve(cur.items)
                continue
            return None
        if isinstance(cur, Definition):
            spec = cur.properties.get(step)
            if spec is None:
                return None
            cur = schema.resolve(spec)
        else:
            return None
    return cur


def _add_required(ctx: ActionContext, f: Finding, di: int, data: dict[str, Any]) -> list[Offer]:
    key = data.get("key")
    path = list(data.get("path") or [])
    if not key:
        return []
    t = ctx.text
    root = t.parsed.documents[di].root
    node = mapping_of(get_path(root, path))
    if node is None:
        return []
    info = ctx.feature.analysis.documents[di] if di < len(ctx.feature.analysis.documents) else None
    schema = info.schema.schema if info is not None else None
    value = placeholder(schema, path, key)
    shown = "placeholder" if value == "CHANGE_ME" else "default"
    edit = insert_pair(t.lines, t.style, node, None, key, value)
    return [_single(ctx, f"Add required `{key}` (with a {shown} value to fill in)", "add-required", f, [edit],
                    preferred=True)]


def _add_header(ctx: ActionContext, f: Finding, di: int) -> list[Offer]:
    t = ctx.text
    root = t.parsed.documents[di].root_mapping()
    if root is None or not root.pairs:
        return []
    latest = ctx.feature.store.latest
    first = root.pairs[0].key.start
    nl = t.style.newline
    if f.code == "missing-api-version":
        if root.pair("apiVersion") is not None:
            return []
        edit = TextEdit(Range(first, first), f"apiVersion: {latest}{nl}" + " " * first.col)
        return [_single(ctx, f"Add `apiVersion: {latest}`", "add-required", f, [edit], preferred=True)]
    api = root.pair("apiVersion")
    if api is not None:
        line = api.value.end.line if not isinstance(api.value, Scalar) or api.value.value else api.key.end.line
        at = Pos(line + 1, 0)
        edit = TextEdit(Range(at, at), " " * first.col + "kind: Config" + nl)
    else:
        edit = TextEdit(Range(first, first), "kind: Config" + nl + " " * first.col)
    return [_single(ctx, "Add `kind: Config`", "add-required", f, [edit], preferred=True)]


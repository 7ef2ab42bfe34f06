"""The outline: configs by `metadata.name`, artifacts by image with their builder,
requires, test, manifests and deploy sections, portForwards and profiles."""

from __future__ import annotations

from collections.abc import Iterator

from skaffold_ls.core.findings import Range
from skaffold_ls.core.yamldoc import Mapping, Node, Pair, Scalar, Sequence, deref, node_at, scalar_text
from skaffold_ls.features.refs import builder_of
from skaffold_ls.features.types import FeatureContext, Symbol, SymbolKind

SECTIONS = ("requires", "build", "test", "manifests", "deploy", "portForward", "resourceSelector", "verify",
            "customActions", "profiles")


def document_symbols(ctx: FeatureContext) -> list[Symbol]:
    out: list[Symbol] = []
    docs = ctx.analysis.parsed.documents
    for doc in docs:
        root = doc.root_mapping()
        if root is None:
            continue
        name = scalar_text(node_at(root, "metadata", "name"))
        label = name or ("config" if len(docs) == 1 else f"config {doc.index + 1}")
        api = scalar_text(root.get("apiVersion"))
        rng = _span(root.range, root.range)
        sel = _name_range(root) or Range(root.range.start, root.range.start)
        sym = Symbol(label, SymbolKind.MODULE, rng, _clip(sel, rng), detail=api, children=_sections(root))
        out.append(sym)
    return out


def _name_range(root: Mapping) -> Range | None:
    n = node_at(root, "metadata", "name")
    return n.range if isinstance(n, Scalar) else None



def _mapping_items(value: Node | None) -> Iterator[tuple[int, Mapping]]:
    """(index, item) for each item of a sequence node that is a mapping (after aliases)."""
    if not isinstance(value, Sequence):
        return
    for i, raw in enumerate(value.items):
        item = deref(raw)
        if isinstance(item, Mapping):
            yield i, item


def _keyed_pairs(value: Node | None) -> Iterator[tuple[str, Pair, Node | None]]:
    """(key, pair, value after aliases) for each scalar-keyed pair of a mapping node."""
    if not isinstance(value, Mapping):
        return
    for pair in value.pairs:
        if isinstance(pair.key, Scalar):
            yield pair.key.value, pair, deref(pair.value)


def _span(a: Range, b: Range) -> Range:
    start = min(a.start, b.start)
    end = max(a.end, b.end)
    return Range(start, end)


def _clip(sel: Range, rng: Range) -> Range:
    if rng.start <= sel.start and sel.end <= rng.end:
        return sel
    return Range(rng.start, rng.start)


def _pair_symbol(pair: Pair, name: str, kind: SymbolKind, detail: str | None = None,
                 children: list[Symbol] | None = None) -> Symbol:
    rng = _span(pair.key.range, pair.value.range)
    return Symbol(name, kind, rng, pair.key.range, detail, children or [])


def _item_symbol(item: Node, name: str, kind: SymbolKind, sel: Node | None, detail: str | None = None,
                 children: list[Symbol] | None = None) -> Symbol:
    rng = item.range
    selection = sel.range if sel is not None else Range(rng.start, rng.start)
    return Symbol(name, kind, _span(rng, selection), selection, detail, children or [])


def _sections(m: Mapping) -> list[Symbol]:
    out: list[Symbol] = []
    for pair in m.pairs:
        if not isinstance(pair.key, Scalar) or pair.key.value not in SECTIONS:
            continue
        key = pair.key.value
        value = deref(pair.value)
        builder = _SECTION_BUILDERS.get(key)
        children = builder(value) if builder is not None else []
        kind = SymbolKind.ARRAY if isinstance(value, Sequence) else SymbolKind.OBJECT
        out.append(_pair_symbol(pair, key, kind, children=children))
    return out


def _build(value: Node | None) -> list[Symbol]:
    out: list[Symbol] = []
    for key, pair, v in _keyed_pairs(value):
        if key == "artifacts" and isinstance(v, Sequence):
            out.append(_pair_symbol(pair, "artifacts", SymbolKind.ARRAY, children=_artifacts(v)))
        elif key in ("local", "googleCloudBuild", "cluster", "tagPolicy"):
            out.append(_pair_symbol(pair, key, SymbolKind.OBJECT))
    return out


def _artifacts(seq: Sequence) -> list[Symbol]:
    out: list[Symbol] = []
    for i, item in _mapping_items(seq):
        image = item.get("image")
        name = scalar_text(image) or f"artifact {i + 1}"
        out.append(_item_symbol(item, name, SymbolKind.CLASS, image, detail=builder_of(item)))
    return out


def _named_items(value: Node | None, key: str, kind: SymbolKind, detail_key: str | None = None) -> list[Symbol]:
    out: list[Symbol] = []
    for i, item in _mapping_items(value):
        n = item.get(key)
        detail = scalar_text(item.get(detail_key)) if detail_key else None
        out.append(_item_symbol(item, scalar_text(n) or f"{key} {i + 1}", kind, n, detail=detail))
    return out


def _requires(value: Node | None) -> list[Symbol]:
    out: list[Symbol] = []
    for i, item in _mapping_items(value):
        path = item.get("path")
        git = scalar_text(node_at(item, "git", "repo"))
        name = scalar_text(path) or git or f"requires {i + 1}"
        configs = deref(item.get("configs"))
        detail = None
        if isinstance(configs, Sequence):
            detail = ", ".join(v for v in (scalar_text(c) for c in configs.items) if v)
        out.append(_item_symbol(item, name, SymbolKind.PACKAGE, path, detail=detail or None))
    return out


def _helm_symbol(pair: Pair, helm: Node | None) -> Symbol:
    """`helm` (under manifests or deploy) with its releases by name."""
    releases = _named_items(node_at(helm, "releases"), "name", SymbolKind.OBJECT, "chartPath")
    return _pair_symbol(pair, "helm", SymbolKind.OBJECT, children=releases)


def _manifests(value: Node | None) -> list[Symbol]:
    out: list[Symbol] = []
    for key, pair, v in _keyed_pairs(value):
        if key == "helm":
            out.append(_helm_symbol(pair, v))
        elif key in ("rawYaml", "kpt") and isinstance(v, Sequence):
            globs = [t for t in (scalar_text(x) for x in v.items) if t]
            out.append(_pair_symbol(pair, key, SymbolKind.ARRAY, detail=", ".join(globs[:4]) or None))
        else:
            out.append(_pair_symbol(pair, key, SymbolKind.OBJECT))
    return out


def _deploy(value: Node | None) -> list[Symbol]:
    out: list[Symbol] = []
    for key, pair, v in _keyed_pairs(value):
        if key == "helm":
            out.append(_helm_symbol(pair, v))
        elif key in ("kubectl", "kpt", "docker", "cloudrun"):
            out.append(_pair_symbol(pair, key, SymbolKind.OBJECT))
    return out


def _port_forwards(value: Node | None) -> list[Symbol]:
    out: list[Symbol] = []
    for _, item in _mapping_items(value):
        rtype = scalar_text(item.get("resourceType")) or "resource"
        rname = scalar_text(item.get("resourceName")) or "?"
        port = scalar_text(item.get("port"))
        local = scalar_text(item.get("localPort"))
        detail = f"{port} → localhost:{local}" if port and local else (f"port {port}" if port else None)
        out.append(_item_symbol(item, f"{rtype}/{rname}", SymbolKind.EVENT, item.get("resourceName"),
                                detail=detail))
    return out


def _profiles(value: Node | None) -> list[Symbol]:
    out: list[Symbol] = []
    for i, item in _mapping_items(value):
        n = item.get("name")
        acts = deref(item.get("activation"))
        detail = None
        if isinstance(acts, Sequence) and acts.items:
            conds = []
            for a_node in acts.items:
                a = deref(a_node)
                if isinstance(a, Mapping):
                    conds += [f"{k}={scalar_text(a.get(k))}" for k in ("command", "env", "kubeContext") if scalar_text(a.get(k))]
            detail = "auto: " + ", ".join(conds) if conds else None
        out.append(_item_symbol(item, scalar_text(n) or f"profile {i + 1}", SymbolKind.NAMESPACE, n, detail=detail,
                                children=[s for s in _sections(item) if s.name != "profiles"]))
    return out


_SECTION_BUILDERS = {
    "requires": _requires,
    "build": _build,
    "test": lambda v: _named_items(v, "image", SymbolKind.CLASS),
    "manifests": _manifests,
    "deploy": _deploy,
    "portForward": _port_forwards,
    "verify": lambda v: _named_items(v, "name", SymbolKind.OBJECT),
    "customActions": lambda v: _named_items(v, "name", SymbolKind.OBJECT),
    "profiles": _profiles,
}

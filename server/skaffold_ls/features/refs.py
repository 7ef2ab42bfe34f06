"""What several editor features share: the key or value under the cursor (read from the
text, so broken files work), where a config's paths resolve, its artifacts' images, JSON
pointers as a profile sees them, helm release charts, and what a path field opens.

Features import this module, never each other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from skaffold_ls.config import requires
from skaffold_ls.config.paths import glob_files, run_directory
from skaffold_ls.config.sources import ConfigDocument, ConfigFile
from skaffold_ls.config.values import Value
from skaffold_ls.core.findings import Pos, Range
from skaffold_ls.core.yamldoc import Mapping, Node, Scalar, Sequence, deref, merged_pairs, scalar_text
from skaffold_ls.features.context import DocAt, document_bounds, node_at_path, path_to_mapping, split_line
from skaffold_ls.features.types import FeatureContext, Location

BUILDERS = ("docker", "ko", "jib", "bazel", "kaniko", "buildpacks", "custom")
TEMPLATE_IMAGE = re.compile(r"\{\{\s*\.IMAGE_[A-Z_]+?_([A-Za-z0-9_]+)\s*\}\}")


# ---------------------------------------------------------------------------
# The key or value under the cursor


@dataclass(slots=True)
class TextTarget:
    """The key or value under a position (from the text, so broken files work)."""

    path: list[str | int]  # path of the key's value, or of the list item
    on_key: bool
    text: str  # the key, or the value without quotes
    range: Range
    doc_start: int
    doc_end: int


def target_at(lines: list[str], pos: Pos) -> TextTarget | None:
    if pos.line >= len(lines):
        return None
    text = lines[pos.line]
    info = split_line(text)
    if info.blank:
        return None
    start, end = document_bounds(lines, pos.line)
    col = pos.col
    if info.key is not None:
        mapping = path_to_mapping(lines, pos.line, info.content, info.dashes, start)
        if mapping is None:
            return None
        if info.key_start <= col <= info.key_end:
            return TextTarget([*mapping, info.key], True, info.key,
                          Range(Pos(pos.line, info.key_start), Pos(pos.line, info.key_end)), start, end)
        value, vs, ve = value_span(text, info.value_start)
        if value and vs <= col <= ve:
            return TextTarget([*mapping, info.key], False, value, Range(Pos(pos.line, vs), Pos(pos.line, ve)),
                          start, end)
        return None
    if info.dashes and col >= info.content:
        path = path_to_mapping(lines, pos.line, info.content, info.dashes, start)
        value, vs, ve = value_span(text, info.content)
        if path is None or not value:
            return None
        return TextTarget(path, False, value, Range(Pos(pos.line, vs), Pos(pos.line, ve)), start, end)
    return None


def value_span(text: str, start: int) -> tuple[str, int, int]:
    rest = text[start:]
    if rest[:1] in ("'", '"'):
        q = rest[0]
        close = rest.find(q, 1)
        close = close if close > 0 else len(rest)
        return rest[1:close], start + 1, start + close
    cut = rest.find(" #")
    value = (rest if cut < 0 else rest[:cut]).rstrip()
    if value.startswith(("{", "[", "|", ">", "&", "*")):
        return "", start, start
    return value, start, start + len(value)



# ---------------------------------------------------------------------------
# Paths


def config_dir(ctx: FeatureContext) -> Path | None:
    """Where the config's relative paths resolve: the directory skaffold runs in (the
    config's folder unless the workspace says otherwise, `config/paths.py`)."""
    if ctx.path is not None:
        return run_directory(ctx.path, ctx.workspace, ctx.run_dir, _written(ctx)).path
    return ctx.workspace


def _written(ctx: FeatureContext) -> Value | None:
    first = next(iter(ctx.config_file.documents), None)
    return first.value if first is not None else None


def artifact_context(ctx: FeatureContext, doc: DocAt, path: list[str | int], line: int | None = None) -> Path | None:
    """The folder a `relative_to: context` field is relative to: the enclosing artifact's
    (or test case's) `context`, itself relative to the config's folder."""
    base = config_dir(ctx)
    if base is None:
        return None
    for cut in range(len(path) - 1, 0, -1):
        if isinstance(path[cut - 1], int) or not isinstance(path[cut], int):
            continue
        owner = path[: cut + 1]
        if owner[-2] in ("artifacts", "test"):
            value = scalar_text(node_at_path(doc.root, [*owner, "context"]))
            if value is None and line is not None:
                value = item_value_from_text(ctx.lines, line, owner, "context")
            return base / (value or ".")
    return base


def item_value_from_text(lines: list[str], line: int, item_path: list[str | int], key: str) -> str | None:
    """The scalar `key` of the list item at `item_path` that holds `line`, read from the
    text: for files whose model stops early (a syntax error above the cursor)."""
    start, _end = document_bounds(lines, line)
    for i in range(line, start - 1, -1):
        info = split_line(lines[i])
        if not info.dashes:
            continue
        if path_to_mapping(lines, i, info.content, info.dashes, start) != item_path:
            continue
        col = info.content
        for j in range(i, len(lines)):
            other = split_line(lines[j])
            if other.blank:
                continue
            if j > i and (other.first < col or (other.dashes and other.first == col)):
                break
            if other.key == key and other.content == col and (j == i or not other.dashes):
                value = lines[j][other.value_start:].split(" #")[0].strip()
                return value.strip("'\"") or None
        return None
    return None


def base_dir(ctx: FeatureContext, doc: DocAt, path: list[str | int], relative_to: str | None,
              line: int | None = None) -> Path | None:
    if relative_to == "context":
        return artifact_context(ctx, doc, path, line)
    return config_dir(ctx)


def link_target(target: Path, owner: str | None, prop: str | None) -> Path | None:
    """The file a path field opens: the file itself, or the telling file in a folder."""
    if any(c in str(target) for c in "*?["):
        files = glob_files(Path("/"), str(target), limit=5000).files
        return files[0] if len(files) == 1 else None
    if target.is_file():
        return target
    if target.is_dir():
        for name in FOLDER_FILES.get(prop or "", FOLDER_FILES.get(f"{owner}.{prop}", ())):
            if (target / name).is_file():
                return target / name
    return None


# The file that stands for a folder, per field (a build context has none: no link).
KUSTOMIZE = ("kustomization.yaml", "kustomization.yml", "Kustomization")
FOLDER_FILES: dict[str, tuple[str, ...]] = {
    "chartPath": ("Chart.yaml",),
    "ConfigDependency.path": ("skaffold.yaml", "skaffold.yml"),
    "Kustomize.paths": KUSTOMIZE,
    "KustomizeDeploy.paths": KUSTOMIZE,
    "KustomizeDeploy.path": KUSTOMIZE,
    "RenderConfig.kpt": ("Kptfile",),
    "KptDeploy.dir": ("Kptfile",),
}



# ---------------------------------------------------------------------------
# Artifacts, charts, patches


def artifact_images(root: Node | None) -> list[tuple[str, Scalar, list[str | int]]]:
    """(image, its node, path of the artifact) for every artifact, profiles included."""
    out: list[tuple[str, Scalar, list[str | int]]] = []
    root = deref(root)
    if not isinstance(root, Mapping):
        return out
    bases: list[tuple[Node | None, list[str | int]]] = [(root, [])]
    profiles = deref(root.get("profiles"))
    if isinstance(profiles, Sequence):
        bases += [(p, ["profiles", i]) for i, p in enumerate(profiles.items)]
    for base, prefix in bases:
        arts = node_at_path(base, ["build", "artifacts"])
        if not isinstance(arts, Sequence):
            continue
        for i, a_node in enumerate(arts.items):
            a = deref(a_node)
            if isinstance(a, Mapping):
                n = deref(a.get("image"))
                if isinstance(n, Scalar) and not n.is_null:
                    out.append((n.value, n, [*prefix, "build", "artifacts", i]))
    return out


def builder_of(artifact: Mapping | None) -> str:
    if not isinstance(artifact, Mapping):
        return "docker"
    keys = artifact.keys()
    return next((b for b in BUILDERS if b in keys), "docker (default)")


def release_chart(ctx: FeatureContext, doc: DocAt, path: list[str | int]) -> tuple[str, Path] | None:
    """(chartPath, folder) of the helm release holding `path`, when it is a local chart."""
    if "setValues" in path:
        cut = path.index("setValues")
    elif "setValueTemplates" in path:
        cut = path.index("setValueTemplates")
    else:
        return None
    chart = scalar_text(node_at_path(doc.root, [*path[:cut], "chartPath"]))
    base = ctx.path.parent if ctx.path is not None else ctx.workspace
    if chart is None or base is None or "{{" in chart:
        return None
    return chart, base / chart


def chart_key(path: list[str | int]) -> str:
    """The dotted chart value a key inside `setValues`/`setValueTemplates` sets."""
    cut = next((i for i, p in enumerate(path) if p in ("setValues", "setValueTemplates")), len(path) - 1)
    return ".".join(str(p) for p in path[cut + 1:])


def pointer_layers(root: Node, profile: Node | None, pointer: str
                   ) -> tuple[list[Node], list[str | int]] | None:
    """The nodes a JSON pointer names in the config as a profile sees it: the profile's
    section first (it wins), then the base's (mappings merge, a list replaces the ones
    under it); with the schema path walked. None when the pointer leads nowhere."""
    steps = [s.replace("~1", "/").replace("~0", "~") for s in pointer.split("/")[1:]] if pointer else []
    layers: list[Node] = [n for n in (deref(profile), deref(root)) if isinstance(n, Mapping)]
    profile = deref(profile)
    top = True
    schema_path: list[str | int] = []
    for s in steps:
        nxt: list[Node] = []
        step: str | int = s
        for layer in layers:
            if isinstance(layer, Mapping):
                if top and layer is profile and s not in PROFILE_SECTIONS:
                    continue
                if top and layer is not profile and s in ("profiles", "apiVersion", "kind"):
                    continue
                child = deref(merged_get(layer, s))
                if child is not None and not (isinstance(child, Scalar) and child.is_null):
                    nxt.append(child)
            elif isinstance(layer, Sequence) and s.isdigit() and int(s) < len(layer.items):
                child = deref(layer.items[int(s)])
                if child is not None:
                    nxt.append(child)
                step = int(s)
            if nxt and isinstance(nxt[0], Sequence):
                break  # a list replaces the lists under it
        if not nxt:
            return None
        layers = [n for n in nxt if type(n) is type(nxt[0])]
        schema_path.append(step)
        top = False
    return layers, schema_path


PROFILE_SECTIONS = ("build", "test", "manifests", "deploy", "portForward", "resourceSelector", "verify",
                     "customActions")


def merged_get(m: Mapping, key: str) -> Node | None:
    for pair in merged_pairs(m):
        if isinstance(pair.key, Scalar) and pair.key.value == key:
            return pair.value
    return None


def value_summary(value: Node | None) -> str:
    if isinstance(value, Mapping):
        keys = value.keys()
        for k in ("image", "name"):
            v = value.get(k)
            if isinstance(v, Scalar):
                return f"{k} {v.value}"
        return "{" + ", ".join(keys[:4]) + ("…}" if len(keys) > 4 else "}")
    if isinstance(value, Sequence):
        return f"list of {len(value.items)}"
    if isinstance(value, Scalar):
        return value.value
    return ""




# ---------------------------------------------------------------------------
# Other configs through `requires`


def config_doc(ctx: FeatureContext, doc: DocAt) -> ConfigDocument | None:
    """The config package's view of the document under the cursor."""
    return ctx.config_document(doc.info.document.index) if doc.info is not None else None


def required_configs(ctx: FeatureContext, doc: DocAt) -> list[tuple[ConfigFile, ConfigDocument]]:
    """Every config this document requires, transitively (each once)."""
    cdoc = config_doc(ctx, doc)
    return requires.transitive(ctx.sources, ctx.config_file, cdoc)[0] if cdoc is not None else []


def required_by_entry(ctx: FeatureContext, doc: DocAt, path: list[str | int],
                      ignore_configs: bool = False) -> list[tuple[ConfigFile, ConfigDocument]]:
    """The configs the `requires` entry holding `path` selects."""
    cdoc = config_doc(ctx, doc)
    if cdoc is None or len(path) < 2 or path[0] != "requires" or not isinstance(path[1], int):
        return []
    return requires.required_by_entry(ctx.sources, ctx.config_file, cdoc, path[1], ignore_configs)


def requirement(ctx: FeatureContext, doc: DocAt, path: list[str | int]) -> requires.RequiredTarget | None:
    """Where the `requires` entry holding `path` leads (None for remote entries)."""
    cdoc = config_doc(ctx, doc)
    if cdoc is None or len(path) < 2 or path[0] != "requires" or not isinstance(path[1], int):
        return None
    items = requires.entries(cdoc)
    return requires.follow(ctx.sources, ctx.config_file, items[path[1]], ignore_configs=True) \
        if path[1] < len(items) else None


def file_label(ctx: FeatureContext, file: ConfigFile, doc: ConfigDocument) -> str:
    return doc.name or (file.path.name if file.path is not None else "a required config")


def image_definition(ctx: FeatureContext, doc: DocAt, image: str) -> list[Location]:
    """Where `image` is built: an artifact of this config, else of a config it requires."""
    out = []
    if ctx.path is not None:
        out = [Location(ctx.path, node.range) for img, node, _ in artifact_images(doc.root) if img == image]
    if out:
        return out
    for cf, cd in required_configs(ctx, doc):
        built = requires.images(cd)
        if image in built and cf.path is not None:
            return [Location(cf.path, built[image].range)]
    return []


def profile_targets(ctx: FeatureContext, doc: DocAt, path: list[str | int], name: str) -> list[Location]:
    """Where the profile a value names is defined: in the required config for
    `requires[].activeProfiles[].name`, else in this config."""
    if len(path) >= 5 and path[0] == "requires" and path[2] == "activeProfiles" and path[-1] == "name":
        for cf, cd in required_by_entry(ctx, doc, path):
            found = requires.profile_names(cd).get(name)
            file = cf.path or ctx.path
            if found is not None and file is not None:
                return [Location(file, found.range)]
        return []
    cdoc = config_doc(ctx, doc)
    found = requires.profile_names(cdoc).get(name) if cdoc is not None else None
    return [Location(ctx.path, found.range)] if found is not None and ctx.path is not None else []


def config_definition(ctx: FeatureContext, doc: DocAt, path: list[str | int], name: str) -> Location | None:
    """Where the config a `requires[].configs` value names is defined."""
    target = requirement(ctx, doc, path)
    if target is None or target.config is None:
        return None
    found = target.config.named(name)
    file = target.file or ctx.path
    name_value = found.value.at("metadata", "name") if found is not None and found.value is not None else None
    return Location(file, name_value.range) if name_value is not None and file is not None else None

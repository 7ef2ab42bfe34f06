"""Document links for every path field: Dockerfiles, charts, values files, manifests,
kustomizations and required configs open with a click."""

from __future__ import annotations

from pathlib import Path

from skaffold_ls.core.findings import Pos, Range
from skaffold_ls.core.typed import typed_scalars
from skaffold_ls.core.yamldoc import Mapping, Node, Scalar, scalar_text
from skaffold_ls.features.context import DocAt, node_at_path
from skaffold_ls.features.refs import config_dir, link_target
from skaffold_ls.features.types import FeatureContext, Link
from skaffold_ls.schema import knowledge as kn

PATH_KINDS = frozenset({"file", "dir", "path", "glob"})


def document_links(ctx: FeatureContext) -> list[Link]:
    base = config_dir(ctx)
    if base is None:
        return []
    out: list[Link] = []
    for info in ctx.analysis.documents:
        schema = info.schema.schema
        if schema is None:
            continue
        doc = DocAt(info, schema, schema.version)
        contexts: dict[tuple[str | int, ...], str] = {}
        scalars = typed_scalars(schema, info.document.root)
        for ts in scalars:  # artifact and test contexts first
            if ts.prop == "context" and ts.owner in ("Artifact", "TestCase") and isinstance(ts.node, Scalar):
                contexts[tuple(ts.path[:-1])] = ts.node.value
        for ts in scalars:
            node = ts.node
            if not isinstance(node, Scalar) or node.is_null or not node.value or "{{" in node.value:
                continue
            fk = kn.field_kind(ts.owner, ts.prop)
            if fk is None or fk.kind not in PATH_KINDS:
                continue
            if any(c in node.value for c in "*?[") and (
                    "**" in node.value or (ts.owner, ts.prop) not in _MANIFEST_GLOBS):
                continue  # sync and dependency patterns: never one file to open
            folder = base
            if fk.relative_to == "context":
                folder = base / _context_for(contexts, ts.path)
            if (ts.owner, ts.prop) == ("Artifact", "context"):
                target = _context_target(folder / node.value, node_at_path(info.document.root, ts.path[:-1]))
            else:
                target = link_target(folder / node.value, ts.owner, ts.prop)
            if target is None:
                continue
            rng = node.range
            if node.style in ("'", '"'):
                rng = Range(Pos(rng.start.line, rng.start.col + 1), Pos(rng.end.line, max(rng.end.col - 1,
                                                                                          rng.start.col + 1)))
            out.append(Link(rng, target.resolve(), tooltip=f"Open {target.name}"))
        del doc
    return out


_MANIFEST_GLOBS = {("RenderConfig", "rawYaml"), ("KubectlDeploy", "manifests")}


def _context_target(folder: Path, artifact: Node | None) -> Path | None:
    """A build context opens what the builder reads first: the Dockerfile, or go.mod for ko."""
    if not isinstance(artifact, Mapping):
        return None
    keys = artifact.keys()
    if "ko" in keys:
        candidate = folder / "go.mod"
    elif "docker" in keys or not any(b in keys for b in _OTHER_BUILDERS):
        candidate = folder / (scalar_text(node_at_path(artifact, ["docker", "dockerfile"])) or "Dockerfile")
    else:
        return None
    return candidate if candidate.is_file() else None


_OTHER_BUILDERS = ("bazel", "jib", "kaniko", "buildpacks", "custom")


def _context_for(contexts: dict[tuple[str | int, ...], str], path: list[str | int]) -> str:
    for cut in range(len(path) - 1, 0, -1):
        value = contexts.get(tuple(path[:cut]))
        if value is not None:
            return value
    return "."

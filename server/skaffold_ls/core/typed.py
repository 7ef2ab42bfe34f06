"""Every scalar of a document with the schema field it belongs to (schema and document
walked together), so checks can ask what kind of field a value is (a path, an image...)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from skaffold_ls.core.yamldoc import Mapping, Scalar, Sequence
from skaffold_ls.schema.knowledge import list_of, object_of
from skaffold_ls.schema.model import TypeSpec, VersionSchema


@dataclass(slots=True)
class TypedScalar:
    """A scalar value in a document with the schema field it belongs to.

    owner/prop: the definition and property; for items of a list or of a free map
    (helm `setValueTemplates`) they name the property holding the list or map.
    """

    path: list[str | int]
    node: Any  # yamldoc.Scalar
    owner: str | None
    prop: str | None
    item: bool


def typed_scalars(schema: VersionSchema, root: Any, limit: int = 500_000) -> list[TypedScalar]:
    """Every scalar value under `root` with its field, walking schema and document together.
    Aliases are not followed."""
    out: list[TypedScalar] = []
    if root is None:
        return out
    start = TypeSpec("ref", ref=schema.root)
    stack: list[tuple[Any, TypeSpec | None, str | None, str | None, list[str | int], bool]] = [
        (root, start, None, None, [], False)]
    count = 0
    while stack and count < limit:
        count += 1
        node, spec, owner, prop, path, item = stack.pop()
        if isinstance(node, Scalar):
            if path:
                out.append(TypedScalar(path, node, owner, prop, item))
            continue
        if isinstance(node, Mapping):
            d = object_of(schema, spec) if spec is not None else None
            for pair in reversed(node.pairs):
                if not isinstance(pair.key, Scalar):
                    continue
                key = pair.key.value
                if not path and key.startswith("."):
                    continue
                if d is not None:
                    pspec = d.properties.get(key)
                    if pspec is None and isinstance(d.additional, TypeSpec):
                        pspec = d.additional
                    stack.append((pair.value, pspec, d.name, key, [*path, key], False))
                else:
                    t = schema.resolve(spec) if spec is not None else None
                    ispec = t.items if isinstance(t, TypeSpec) and t.kind == "map" else None
                    stack.append((pair.value, ispec or TypeSpec("any"), owner, prop, [*path, key], True))
        elif isinstance(node, Sequence):
            ispec = list_of(schema, spec) if spec is not None else None
            for i in range(len(node.items) - 1, -1, -1):
                stack.append((node.items[i], ispec, owner, prop, [*path, i], True))
    return out

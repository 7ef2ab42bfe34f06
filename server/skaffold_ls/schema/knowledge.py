"""What we know about fields beyond their type (for validation, checks and editor features): our descriptions,
the field kinds (paths, images, profile names...) and how to walk a schema by path.

Both files are loaded lazily, once per process.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

from skaffold_ls.schema.model import Definition, TypeSpec, VersionSchema
from skaffold_ls.schema.store import model_dir

try:
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

DOCS_URL = "https://skaffold.dev/docs/references/yaml/?version={version}"


@dataclass(frozen=True, slots=True)
class FieldKind:
    kind: str | None = None  # file | dir | glob | path | image | port | k8s_resource_type | ...
    relative_to: str | None = None  # config_dir | context
    template: bool = False


@lru_cache(maxsize=1)
def descriptions() -> dict[str, str]:
    return _load_yaml("descriptions.yaml")


@lru_cache(maxsize=1)
def field_kinds() -> dict[str, FieldKind]:
    raw = _load_yaml("field-kinds.yaml")
    out: dict[str, FieldKind] = {}
    for key, value in raw.items():
        if isinstance(value, dict):
            out[str(key)] = FieldKind(value.get("kind"), value.get("relative_to"), bool(value.get("template")))
    return out


def _load_yaml(name: str) -> dict[str, Any]:
    try:
        with (model_dir() / name).open("rb") as f:
            data = yaml.load(f, Loader=_Loader)
    except (OSError, yaml.YAMLError):
        return {}
    return {str(k): v for k, v in data.items()} if isinstance(data, dict) else {}


def describe(definition: str, prop: str | None = None) -> str | None:
    key = f"{definition}.{prop}" if prop else definition
    text = descriptions().get(key)
    return str(text) if text is not None else None


def field_kind(definition: str | None, prop: str | None) -> FieldKind | None:
    if definition is None or prop is None:
        return None
    return field_kinds().get(f"{definition}.{prop}")


# Where skaffold's code applies another default than the schema states
# (pkg/skaffold/schema/defaults: an empty log prefix becomes `container`).
EFFECTIVE_DEFAULTS: dict[tuple[str, str], str] = {
    ("LogsConfig", "prefix"): "container",
}


def default_text(definition: str, prop: str, schema_default: Any) -> str | None:
    """How to show a field's default, or None when there is nothing worth saying."""
    effective = EFFECTIVE_DEFAULTS.get((definition, prop))
    if effective is not None and effective != schema_default:
        note = f" (the schema says `{schema_default}`)" if schema_default not in (None, "") else ""
        return f"Default: `{effective}`{note}"
    if schema_default in (None, "", "{}", "[]"):
        return None
    return f"Default: `{schema_default}`"


def docs_url(version: str) -> str:
    return DOCS_URL.format(version=version.removeprefix("skaffold/"))


# ---------------------------------------------------------------------------
# Walking a schema along a path


@dataclass(slots=True)
class Resolved:
    """What a path leads to in a schema.

    spec: the TypeSpec of the value at the path (None: unknown place).
    target: `spec` resolved (a Definition for objects, else a TypeSpec).
    owner/prop: the definition and property the last key names (for a list item,
    the property holding the list), so descriptions and field kinds can be found.
    item: the path ends on a list item (an index), not on the property itself.
    """

    spec: TypeSpec | None
    target: Definition | TypeSpec | None
    owner: str | None = None
    prop: str | None = None
    item: bool = False


def object_of(schema: VersionSchema, spec: TypeSpec | Definition | None) -> Definition | None:
    """The object definition a value of this type is, picking the object option of a union."""
    if spec is None:
        return None
    if isinstance(spec, Definition):
        return spec if spec.is_object else None
    t = schema.resolve(spec)
    if isinstance(t, Definition):
        return t
    if t.kind == "union":
        for o in t.options:
            d = object_of(schema, o)
            if d is not None:
                return d
    return None


def list_of(schema: VersionSchema, spec: TypeSpec | None) -> TypeSpec | None:
    """The item type when a value of this type may be a list."""
    if spec is None:
        return None
    t = schema.resolve(spec)
    if isinstance(t, Definition):
        return None
    if t.kind == "array":
        return t.items or TypeSpec("any")
    if t.kind == "union":
        for o in t.options:
            items = list_of(schema, o)
            if items is not None:
                return items
    return None


def resolve_path(schema: VersionSchema, path: list[str | int]) -> Resolved:
    root = schema.definitions.get(schema.root)
    if root is None:
        return Resolved(None, None)
    spec: TypeSpec | None = TypeSpec("ref", ref=schema.root)
    target: Definition | TypeSpec | None = root
    owner: str | None = None
    prop: str | None = None
    item = False
    for step in path:
        if spec is None:
            return Resolved(None, None)
        if isinstance(step, int):
            items = list_of(schema, spec)
            if items is None:
                return Resolved(None, None)
            spec, item = items, True
        else:
            d = object_of(schema, spec)
            if d is not None:
                nxt = d.properties.get(step)
                if nxt is None:
                    if isinstance(d.additional, TypeSpec):
                        nxt = d.additional
                    else:
                        return Resolved(None, None, d.name, step)
                owner, prop, item = d.name, step, False
                spec = nxt
            else:
                t = schema.resolve(spec)
                if isinstance(t, TypeSpec) and t.kind == "map":
                    spec, item = t.items or TypeSpec("any"), True
                elif isinstance(t, TypeSpec) and t.kind in ("any", "object"):
                    spec, item = TypeSpec("any"), True
                else:
                    return Resolved(None, None)
        target = schema.resolve(spec)
    return Resolved(spec, target, owner, prop, item)


def scalar_enum(schema: VersionSchema, spec: TypeSpec | None) -> tuple[str, ...] | None:
    if spec is None:
        return None
    t = schema.resolve(spec)
    if isinstance(t, Definition):
        return None
    if t.enum:
        return t.enum
    if t.kind == "union":
        for o in t.options:
            e = scalar_enum(schema, o)
            if e:
                return e
    return None


def is_kind(schema: VersionSchema, spec: TypeSpec | None, kind: str) -> bool:
    if spec is None:
        return False
    t = schema.resolve(spec)
    if isinstance(t, Definition):
        return False
    if t.kind == kind:
        return True
    return t.kind == "union" and any(is_kind(schema, o, kind) for o in t.options)

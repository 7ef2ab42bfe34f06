"""Read a skaffold JSON Schema (draft-07, as `skaffold schema get` prints it) into a
`VersionSchema`.

Skaffold's generator uses a small subset of JSON Schema: `$ref`, `type`, `items`,
`properties`, `additionalProperties`, `required`, `enum`, `default`, `anyOf` and
its own `preferredOrder`. Definitions written as `anyOf` of closed alternatives are
skaffold's "exactly one of" groups; they become one Definition with
`alternatives`, which is what lets us report one message about the builder the
user meant instead of a cascade of "not valid under any of the given schemas".
Descriptions are deliberately not read: the project ships its own words.
"""

from __future__ import annotations

from typing import Any

from skaffold_ls.schema.model import Definition, TypeSpec, VersionSchema

_REF_PREFIX = "#/definitions/"


class SchemaImportError(ValueError):
    pass


def import_schema(version: str, doc: dict[str, Any]) -> VersionSchema:
    defs_json = doc.get("definitions")
    if not isinstance(defs_json, dict):
        raise SchemaImportError("schema has no `definitions` object")
    root = _root_definition(doc)
    definitions = {name: _definition(name, d) for name, d in defs_json.items()}
    if root not in definitions:
        raise SchemaImportError(f"root definition {root!r} is missing")
    return VersionSchema(version=version, root=root, definitions=definitions)


def _root_definition(doc: dict[str, Any]) -> str:
    if "$ref" in doc:
        return _ref_name(doc["$ref"])
    for alt in doc.get("anyOf", ()):
        if "$ref" in alt:
            return _ref_name(alt["$ref"])
    return "SkaffoldConfig"


def _ref_name(ref: str) -> str:
    if not ref.startswith(_REF_PREFIX):
        raise SchemaImportError(f"unsupported $ref {ref!r}")
    return ref[len(_REF_PREFIX):]


def type_spec(schema: dict[str, Any]) -> TypeSpec:
    """Convert one property schema."""
    default = schema.get("default")
    if "$ref" in schema:
        return TypeSpec("ref", ref=_ref_name(schema["$ref"]), default=default)
    if "anyOf" in schema:
        return TypeSpec("union", options=tuple(type_spec(s) for s in schema["anyOf"]), default=default)
    kind = schema.get("type")
    enum = tuple(schema["enum"]) if "enum" in schema else None
    if kind is None:
        return TypeSpec("any", default=default)
    if kind in ("string", "integer", "number", "boolean"):
        return TypeSpec(kind, enum=enum, default=default)
    if kind == "array":
        return TypeSpec("array", items=type_spec(schema.get("items") or {}), default=default)
    if kind == "object":
        extra = schema.get("additionalProperties")
        if isinstance(extra, dict) and not schema.get("properties"):
            return TypeSpec("map", items=type_spec(extra), default=default)
        return TypeSpec("object", default=default)
    raise SchemaImportError(f"unsupported type {kind!r}")


def _additional(value: Any) -> bool | TypeSpec | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    return type_spec(value)


def _definition(name: str, d: dict[str, Any]) -> Definition:
    default = d.get("default")
    if "anyOf" in d:
        return _one_of_definition(name, d)
    if d.get("type") != "object" or ("properties" not in d and "additionalProperties" not in d):
        if d.get("type") == "object":
            # An object with nothing declared: its content is left open.
            return Definition(name=name, additional=None, default=default)
        return Definition(name=name, alias=type_spec({k: v for k, v in d.items() if k != "default"}),
                          default=default)
    props = d.get("properties", {})
    order = _ordered(props, d.get("preferredOrder"))
    return Definition(
        name=name,
        properties={k: type_spec(props[k]) for k in order},
        required=tuple(d.get("required", ())),
        additional=_additional(d.get("additionalProperties")),
        default=default,
    )


def _one_of_definition(name: str, d: dict[str, Any]) -> Definition:
    alts: list[dict[str, Any]] = d["anyOf"]
    key_sets = [set(a.get("properties", {})) for a in alts]
    common = set.intersection(*key_sets) if key_sets else set()
    properties: dict[str, TypeSpec] = {}
    for alt in alts:
        props = alt.get("properties", {})
        for k in _ordered(props, alt.get("preferredOrder")):
            spec = type_spec(props[k])
            if k in properties and properties[k] != spec:
                raise SchemaImportError(f"{name}.{k} differs between alternatives")
            properties.setdefault(k, spec)
    alternatives = tuple(
        tuple(k for k in properties if k in ks and k not in common) for ks in key_sets
    )
    closed = all(a.get("additionalProperties") is False for a in alts)
    return Definition(
        name=name,
        properties=properties,
        required=tuple(d.get("required", ())),
        additional=False if closed else None,
        alternatives=tuple(alternatives),
        default=d.get("default"),
    )


def _ordered(props: dict[str, Any], preferred: list[str] | None) -> list[str]:
    order = [k for k in (preferred or ()) if k in props]
    order += [k for k in props if k not in order]
    return order

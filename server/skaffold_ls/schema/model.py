"""The schema model: what one skaffold apiVersion allows, independent of JSON Schema.

One `VersionSchema` describes one apiVersion. It is what validation, completion,
hover and code actions all read. It is built from the project's versioned model
(`schemas/model/skaffold-model.json`, see `versioned.py`) or, for users who point
`--schema-dir` at their own files, imported from JSON Schema (`jsonschema_import.py`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SCALAR_KINDS = frozenset({"string", "integer", "number", "boolean"})


@dataclass(frozen=True, slots=True)
class TypeSpec:
    """The type of a value.

    kind: one of
      string, integer, number, boolean   scalars (`enum`, `default` may be set)
      ref        an object described by the definition `ref`
      array      a list of `items`
      map        a mapping from free string keys to `items`
      object     a mapping with any content (no properties declared)
      any        anything at all (free-form, e.g. helm `setValues`)
      union      any one of `options`
    """

    kind: str
    ref: str | None = None
    items: TypeSpec | None = None
    options: tuple[TypeSpec, ...] = ()
    enum: tuple[str, ...] | None = None
    default: Any = None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"t": self.kind}
        if self.ref is not None:
            out["ref"] = self.ref
        if self.items is not None:
            out["items"] = self.items.to_json()
        if self.options:
            out["of"] = [o.to_json() for o in self.options]
        if self.enum is not None:
            out["enum"] = list(self.enum)
        if self.default is not None:
            out["default"] = self.default
        return out

    @staticmethod
    def from_json(data: dict[str, Any]) -> TypeSpec:
        return TypeSpec(
            kind=data["t"],
            ref=data.get("ref"),
            items=TypeSpec.from_json(data["items"]) if "items" in data else None,
            options=tuple(TypeSpec.from_json(o) for o in data.get("of", ())),
            enum=tuple(data["enum"]) if "enum" in data else None,
            default=data.get("default"),
        )

    def describe(self) -> str:
        """A short human name for the type, used in messages and hover."""
        if self.kind == "ref":
            return "object"
        if self.kind == "array":
            return f"list of {self.items.describe() if self.items else 'anything'}"
        if self.kind == "map":
            return f"mapping of {self.items.describe() if self.items else 'anything'}"
        if self.kind == "object":
            return "mapping"
        if self.kind == "union":
            return " or ".join(o.describe() for o in self.options)
        if self.kind == "any":
            return "anything"
        return self.kind


@dataclass(frozen=True, slots=True)
class Definition:
    """A named type. Objects have `properties`; a few definitions are plain aliases
    of another type (`alias`, e.g. a string or a list).

    `alternatives` models skaffold's "exactly one of" groups (builders of an
    artifact, build environments, taggers...): each entry is the set of keys one
    alternative adds on top of the keys common to all. At most one alternative's
    keys may appear in a document.
    `additional` is False when unknown keys are errors, None when the definition
    leaves its content open, or a TypeSpec for free keys of that type.
    """

    name: str
    properties: dict[str, TypeSpec] = field(default_factory=dict)
    required: tuple[str, ...] = ()
    additional: bool | TypeSpec | None = False
    alternatives: tuple[tuple[str, ...], ...] = ()
    alias: TypeSpec | None = None
    default: Any = None

    @property
    def is_object(self) -> bool:
        return self.alias is None

    def alternative_of(self, key: str) -> tuple[str, ...] | None:
        for alt in self.alternatives:
            if key in alt:
                return alt
        return None

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.alias is not None:
            out["alias"] = self.alias.to_json()
        else:
            out["order"] = list(self.properties)
            if self.required:
                out["required"] = list(self.required)
            if isinstance(self.additional, TypeSpec):
                out["additional"] = self.additional.to_json()
            else:
                out["additional"] = self.additional
            if self.alternatives:
                out["alternatives"] = [list(a) for a in self.alternatives]
        if self.default is not None:
            out["default"] = self.default
        return out


@dataclass(slots=True)
class VersionSchema:
    """Everything one apiVersion allows."""

    version: str  # e.g. "skaffold/v4beta14"
    root: str  # the definition of a whole document, "SkaffoldConfig"
    definitions: dict[str, Definition]

    def definition(self, name: str) -> Definition | None:
        return self.definitions.get(name)

    def resolve(self, spec: TypeSpec) -> TypeSpec | Definition:
        """Follow a ref to its Definition; alias definitions resolve to their type."""
        seen = 0
        while spec.kind == "ref" and spec.ref is not None and seen < 16:
            d = self.definitions.get(spec.ref)
            if d is None:
                return TypeSpec("any")
            if d.alias is None:
                return d
            spec = d.alias
            seen += 1
        return spec

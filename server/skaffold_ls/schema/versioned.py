"""The project's versioned schema model: every skaffold apiVersion in one description.

A property that was added in v2beta5 and removed in v3alpha1 is written once, with
the versions where it exists. The file `schemas/model/skaffold-model.json` is
written by `schemas/build_model.py` from the facts in skaffold's published
schemas; `VersionedModel.for_version` rebuilds each version's `VersionSchema`,
and the parity test checks that the rebuild equals the published schema.

Version sets are stored as ranges of indexes into `versions`: "0-12,20-71".
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from skaffold_ls.schema.model import Definition, TypeSpec, VersionSchema


def encode_ranges(indexes: list[int]) -> str:
    parts: list[str] = []
    start = prev = None
    for i in sorted(indexes):
        if start is None:
            start = prev = i
        elif prev is not None and i == prev + 1:
            prev = i
        else:
            parts.append(f"{start}-{prev}" if start != prev else f"{start}")
            start = prev = i
    if start is not None:
        parts.append(f"{start}-{prev}" if start != prev else f"{start}")
    return ",".join(parts)


def decode_ranges(text: str) -> list[tuple[int, int]]:
    out = []
    for part in text.split(","):
        if not part:
            continue
        a, _, b = part.partition("-")
        out.append((int(a), int(b or a)))
    return out


def _in(ranges: list[tuple[int, int]], i: int) -> bool:
    return any(a <= i <= b for a, b in ranges)


@dataclass(frozen=True, slots=True)
class History:
    """Where something exists, as version names."""

    versions: tuple[str, ...]  # in skaffold's order

    @property
    def first(self) -> str | None:
        return self.versions[0] if self.versions else None

    @property
    def last(self) -> str | None:
        return self.versions[-1] if self.versions else None


class VersionedModel:
    def __init__(self, data: dict[str, Any]):
        self.versions: list[str] = data["versions"]
        self.latest: str = data["versions"][-1]
        self._index = {v: i for i, v in enumerate(self.versions)}
        self._roots: list[tuple[str, list[tuple[int, int]]]] = [
            (name, decode_ranges(r)) for name, r in data["roots"]
        ]
        self._defs: dict[str, dict[str, Any]] = data["definitions"]
        self._cache: dict[str, VersionSchema] = {}

    @classmethod
    def load(cls, path: Path) -> VersionedModel:
        with path.open("rb") as f:
            return cls(json.load(f))

    def has(self, version: str) -> bool:
        return version in self._index

    def for_version(self, version: str) -> VersionSchema:
        cached = self._cache.get(version)
        if cached is not None:
            return cached
        i = self._index[version]
        definitions: dict[str, Definition] = {}
        for name, d in self._defs.items():
            variant = _pick(d["shape"], i)
            if variant is None:
                continue
            props = {}
            order = variant.get("order", [])
            for p in order:
                spec = _pick(d["properties"][p], i)
                if spec is not None:
                    props[p] = TypeSpec.from_json(spec["type"])
            additional = variant.get("additional", False) if "alias" not in variant else False
            definitions[name] = Definition(
                name=name,
                properties=props,
                required=tuple(variant.get("required", ())),
                additional=TypeSpec.from_json(additional) if isinstance(additional, dict) else additional,
                alternatives=tuple(tuple(a) for a in variant.get("alternatives", ())),
                alias=TypeSpec.from_json(variant["alias"]) if "alias" in variant else None,
                default=variant.get("default"),
            )
        root = next(name for name, ranges in self._roots if _in(ranges, i))
        schema = VersionSchema(version=version, root=root, definitions=definitions)
        self._cache[version] = schema
        return schema

    # -- knowledge of change -------------------------------------------------

    def definition_names(self) -> list[str]:
        return list(self._defs)

    def property_history(self, definition: str, prop: str) -> History:
        d = self._defs.get(definition)
        if d is None or prop not in d["properties"]:
            return History(())
        idx: list[int] = []
        for variant in d["properties"][prop]:
            for a, b in decode_ranges(variant["in"]):
                idx.extend(range(a, b + 1))
        return History(tuple(self.versions[i] for i in sorted(set(idx))))

    def definition_history(self, definition: str) -> History:
        d = self._defs.get(definition)
        if d is None:
            return History(())
        idx: list[int] = []
        for variant in d["shape"]:
            for a, b in decode_ranges(variant["in"]):
                idx.extend(range(a, b + 1))
        return History(tuple(self.versions[i] for i in sorted(set(idx))))

    def index(self, version: str) -> int:
        return self._index[version]


def _pick(variants: list[dict[str, Any]], i: int) -> dict[str, Any] | None:
    for v in variants:
        if _in(decode_ranges(v["in"]), i):
            return v
    return None


def build_versioned(schemas: list[VersionSchema]) -> dict[str, Any]:
    """Merge per-version schemas (in skaffold's order) into the versioned form."""
    versions = [s.version for s in schemas]
    roots: dict[str, list[int]] = {}
    shapes: dict[str, dict[str, list[int]]] = {}
    props: dict[str, dict[str, dict[str, list[int]]]] = {}
    for i, schema in enumerate(schemas):
        roots.setdefault(schema.root, []).append(i)
        for name, d in schema.definitions.items():
            shape = d.to_json()
            shapes.setdefault(name, {}).setdefault(json.dumps(shape, sort_keys=True), []).append(i)
            for p, spec in d.properties.items():
                key = json.dumps({"type": spec.to_json()}, sort_keys=True)
                props.setdefault(name, {}).setdefault(p, {}).setdefault(key, []).append(i)
    definitions: dict[str, Any] = {}
    for name in sorted(shapes):
        definitions[name] = {
            "shape": [dict(json.loads(k), **{"in": encode_ranges(ix)}) for k, ix in shapes[name].items()],
            "properties": {
                p: [dict(json.loads(k), **{"in": encode_ranges(ix)}) for k, ix in variants.items()]
                for p, variants in sorted(props.get(name, {}).items())
            },
        }
    return {
        "format": 1,
        "comment": "Generated by schemas/build_model.py from the facts (names, types, enums, "
        "required keys, one-of groups, version ranges) in skaffold's published schemas. "
        "Descriptions live in descriptions.yaml, in the project's own words.",
        "versions": versions,
        "roots": [[name, encode_ranges(ix)] for name, ix in roots.items()],
        "definitions": definitions,
    }

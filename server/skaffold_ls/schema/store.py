"""Where schemas come from: the project's versioned model, or the user's own folder.

Users can point `skaffold.schemas.directory` (or `--schema-dir`) at a folder of
`<version>.json` files (`v4beta14.json`, as `skaffold schema get` prints them);
those take precedence for the versions they cover.
"""

from __future__ import annotations

import json
from pathlib import Path

from skaffold_ls.schema.jsonschema_import import SchemaImportError, import_schema
from skaffold_ls.schema.location import MODEL_FILE, model_dir
from skaffold_ls.schema.model import VersionSchema
from skaffold_ls.schema.versioned import History, VersionedModel
from skaffold_ls.schema.versions import PREFIX, sort_key

__all__ = ["MODEL_FILE", "SchemaStore", "model_dir"]


class SchemaStore:
    def __init__(self, override_dir: Path | None = None):
        self.override_dir = override_dir
        self._model: VersionedModel | None = None
        self._overrides: dict[str, Path] | None = None
        self._override_cache: dict[str, VersionSchema | None] = {}
        self.override_errors: dict[str, str] = {}

    @property
    def model(self) -> VersionedModel:
        if self._model is None:
            self._model = VersionedModel.load(model_dir() / MODEL_FILE)
        return self._model

    def _override_files(self) -> dict[str, Path]:
        if self._overrides is None:
            self._overrides = {}
            if self.override_dir is not None and self.override_dir.is_dir():
                for f in self.override_dir.glob("*.json"):
                    name = f.stem.removeprefix("skaffold-").removeprefix("skaffold_")
                    self._overrides[PREFIX + name] = f
        return self._overrides

    @property
    def latest(self) -> str:
        return self.known_versions()[-1]

    def known_versions(self) -> list[str]:
        names = set(self.model.versions) | set(self._override_files())
        return sorted(names, key=sort_key)

    def get(self, version: str) -> VersionSchema | None:
        files = self._override_files()
        if version in files:
            if version not in self._override_cache:
                try:
                    doc = json.loads(files[version].read_text(encoding="utf-8"))
                    self._override_cache[version] = import_schema(version, doc)
                except (OSError, ValueError, SchemaImportError) as e:
                    self.override_errors[version] = f"{files[version]}: {e}"
                    self._override_cache[version] = None
            cached = self._override_cache[version]
            if cached is not None:
                return cached
        if self.model.has(version):
            return self.model.for_version(version)
        return None

    def property_history(self, definition: str, prop: str) -> History:
        return self.model.property_history(definition, prop)

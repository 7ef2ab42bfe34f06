"""What a check beyond the schema gets: the file, its documents' schemas, and its configs
as skaffold sees them (a `ConfigView`)."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, cast

from skaffold_ls.config.sources import ConfigDocument
from skaffold_ls.config.view import ConfigView
from skaffold_ls.core.findings import Finding
from skaffold_ls.core.validate import DocumentInfo
from skaffold_ls.core.yamldoc import ParsedFile
from skaffold_ls.schema.store import SchemaStore


@dataclass(slots=True)
class CheckContext:
    parsed: ParsedFile
    documents: list[DocumentInfo]
    view: ConfigView
    store: SchemaStore
    _shared: dict[Hashable, Any] = field(default_factory=dict)

    def shared(self, key: Hashable, make: Callable[[], T]) -> T:
        """A value several checks of this analysis need, computed once (e.g. a debug prediction)."""
        if key not in self._shared:
            self._shared[key] = make()
        return cast(T, self._shared[key])

    @property
    def path(self) -> Path | None:
        return self.view.path

    def configs(self) -> Iterator[ConfigDocument]:
        """The file's configs that have a known schema and can be read as data (others get
        their schema findings and nothing more)."""
        usable = {info.document.index for info in self.documents
                  if info.schema.schema is not None and not info.aliases_refused}
        for doc in self.view.documents:
            if doc.index in usable:
                yield doc

    def on_disk(self) -> bool:
        """Whether relative paths mean anything yet: a buffer never saved (or a virtual
        document) has no folder of its own, so file-system checks wait until it is saved."""
        return self.path is not None and self.view.base_dir is not None and self.path.is_file()


Check = Callable[[CheckContext], list[Finding]]
T = TypeVar("T")

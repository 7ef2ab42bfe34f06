"""Editor-neutral results of the editing features and code actions.

The LSP layer turns these into lsprotocol types (converting code-point columns to
the client's encoding); tests and the `fix` command use them directly.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from pathlib import Path

from skaffold_ls.analysis import Analysis
from skaffold_ls.config.sources import ConfigDocument, ConfigFile, Sources
from skaffold_ls.core.findings import Finding, Range, TextEdit
from skaffold_ls.schema.store import SchemaStore


@dataclass
class FeatureContext:
    """Everything a feature may look at. `analysis` is the latest analysis of the
    document (its model survives syntax errors); `workspace` is the folder the
    editor opened (None for a lone file); `sources` reads other config files (the
    editor's open buffers first)."""

    analysis: Analysis
    store: SchemaStore
    workspace: Path | None = None
    sources: Sources = field(default_factory=Sources)
    run_dir: Path | None = None  # an explicit run directory (setting), else decided per config

    @property
    def path(self) -> Path | None:
        return self.analysis.path

    @property
    def config_file(self) -> ConfigFile:
        """This document's configs, read from the buffer (the config package's view)."""
        return self.analysis.config_file

    def config_document(self, index: int) -> ConfigDocument | None:
        """The config written as YAML document `index` of this file."""
        return next((d for d in self.config_file.documents if d.index == index), None)

    @property
    def lines(self) -> list[str]:
        return self.analysis.parsed.lines


class CompletionKind(enum.IntEnum):  # same numbers as LSP's CompletionItemKind
    TEXT = 1
    PROPERTY = 10
    VALUE = 12
    ENUM_MEMBER = 20
    FILE = 17
    FOLDER = 19
    REFERENCE = 18
    SNIPPET = 15
    MODULE = 9


@dataclass(slots=True)
class CompletionItem:
    label: str
    kind: CompletionKind = CompletionKind.PROPERTY
    detail: str | None = None
    documentation: str | None = None  # Markdown
    insert_text: str | None = None  # None: the label
    snippet: bool = False  # insert_text uses LSP snippet syntax ($1, ${1:x}, $0)
    sort_text: str | None = None
    filter_text: str | None = None
    edit_range: Range | None = None  # the text this item replaces (None: the word at the cursor)
    preselect: bool = False


@dataclass(slots=True)
class Hover:
    markdown: str
    range: Range | None = None


@dataclass(slots=True)
class Lens:
    """A line of information above a range (an LSP code lens without a command)."""

    range: Range
    title: str
    data: dict[str, object] = field(default_factory=dict)


class SymbolKind(enum.IntEnum):  # same numbers as LSP's SymbolKind
    FILE = 1
    MODULE = 2
    NAMESPACE = 3
    PACKAGE = 4
    CLASS = 5
    PROPERTY = 7
    FIELD = 8
    ARRAY = 18
    OBJECT = 19
    KEY = 20
    EVENT = 24


@dataclass(slots=True)
class Symbol:
    name: str
    kind: SymbolKind
    range: Range
    selection_range: Range
    detail: str | None = None
    children: list[Symbol] = field(default_factory=list)


@dataclass(slots=True)
class Link:
    range: Range
    target: Path
    tooltip: str | None = None


@dataclass(slots=True)
class Location:
    path: Path
    range: Range


@dataclass(slots=True)
class Folding:
    start_line: int
    end_line: int


@dataclass(slots=True)
class WorkspaceEdit:
    """Minimal text edits per file; `creates` are new files with their content."""

    changes: dict[Path, list[TextEdit]] = field(default_factory=dict)
    creates: dict[Path, str] = field(default_factory=dict)


@dataclass(slots=True)
class CodeAction:
    title: str
    kind: str  # LSP code action kind: "quickfix", "refactor.rewrite", "source.fixAll"...
    edit: WorkspaceEdit | None = None
    diagnostics: list[Finding] = field(default_factory=list)
    preferred: bool = False
    disabled_reason: str | None = None  # shown when the action cannot be done, with why
    name: str | None = None  # stable id for `skaffold-ls fix --action NAME`

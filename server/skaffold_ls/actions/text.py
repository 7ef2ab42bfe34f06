"""The text a code action edits: a re-parsable view of it (`Text`), the edit that turns it into
another text (`file_edit`), and how an action that cannot run says why (`Refused`, `disabled`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from skaffold_ls.core.findings import Finding, Range
from skaffold_ls.core.textedit import Style, apply_text_edits, detect_style, diff_edits
from skaffold_ls.core.yamldoc import Mapping, Node, Pair, ParsedFile, Sequence, parse
from skaffold_ls.features.types import CodeAction, TextEdit, WorkspaceEdit


class Refused(Exception):
    """The action cannot be done; the message says why (shown to the user as is)."""


class Text:
    """A file's text and its parse, rebuilt after each edit (the style is computed on demand)."""

    def __init__(self, text: str, parsed: ParsedFile | None = None):
        self.text = text
        self.parsed = parsed if parsed is not None and parsed.text == text else parse(text)
        self._style: Style | None = None

    @property
    def style(self) -> Style:
        if self._style is None:
            self._style = detect_style(self.text, self.parsed.documents)
        return self._style

    @property
    def lines(self) -> list[str]:
        return self.parsed.lines

    def root(self, index: int) -> Mapping:
        docs = self.parsed.documents
        if index >= len(docs):
            raise Refused("the document changed while editing")
        root = docs[index].root_mapping()
        if root is None:
            raise Refused("the document is not a mapping")
        return root

    def mapping_roots(self) -> Iterator[Mapping]:
        """The root mapping of each document whose root is one."""
        for doc in self.parsed.documents:
            root = doc.root_mapping()
            if root is not None:
                yield root

    def apply(self, *edits: TextEdit) -> Text:
        return Text(apply_text_edits(self.text, edits))


def file_edit(path: Path, old: str, new: str) -> WorkspaceEdit:
    return WorkspaceEdit(changes={path: diff_edits(old, new)})


def disabled(title: str, kind: str, name: str, reason: str, diagnostics: list[Finding] | None = None) -> CodeAction:
    return CodeAction(title=title, kind=kind, name=name, disabled_reason=reason, diagnostics=diagnostics or [])


def find_pair(root: Node | None, key_range: Range) -> tuple[Mapping, Pair, Pair | None] | None:
    """The mapping, pair and parent pair whose key sits at `key_range`."""
    stack: list[tuple[Node, Pair | None]] = [(root, None)] if root is not None else []
    while stack:
        node, parent = stack.pop()
        if isinstance(node, Mapping):
            for p in node.pairs:
                if p.key.range == key_range:
                    return node, p, parent
                stack.append((p.value, p))
        elif isinstance(node, Sequence):
            for item in node.items:
                stack.append((item, parent))
    return None

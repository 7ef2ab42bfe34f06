"""Core results (code-point columns) → lsprotocol objects in the client's encoding.

Everything the server sends goes through here, so there is one place that knows
about position encodings, clamping ranges into the document and JSON-safe data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.uris import from_fs_path

from skaffold_ls.core.findings import Finding, Pos, Range, Severity
from skaffold_ls.core.positions import UTF16, from_units, to_units
from skaffold_ls.lsp.jsonsafe import clean_text
from skaffold_ls.lsp.publish import clamp, clamp_range, line_text

if TYPE_CHECKING:  # imported lazily: the features are not needed to publish diagnostics
    from skaffold_ls.features import types as ft

_ENCODINGS = {
    types.PositionEncodingKind.Utf8: "utf-8",
    types.PositionEncodingKind.Utf16: "utf-16",
    types.PositionEncodingKind.Utf32: "utf-32",
}


def encoding_name(kind: Any) -> str:
    """pygls' negotiated PositionEncodingKind (or its string) as a core encoding name."""
    if kind is None:
        return UTF16
    for k, name in _ENCODINGS.items():
        if kind == k or kind == k.value:
            return name
    return UTF16


class LineIndex:
    """The document's lines, for converting core positions to client positions and back.

    Lines are split as the core splits them (core/positions.split_lines: "\\n", "\\r\\n"
    or a lone "\\r", as LSP says); a trailing "\\r" is not part of the line for clamping.
    """

    __slots__ = ("encoding", "lines")

    def __init__(self, lines: Sequence[str], encoding: str = UTF16):
        self.lines = lines if lines else [""]
        self.encoding = encoding

    def _line(self, n: int) -> str:
        return line_text(self.lines, n)

    def position(self, pos: Pos) -> types.Position:
        p = clamp(self.lines, pos)
        return types.Position(line=p.line, character=to_units(self._line(p.line), p.col, self.encoding))

    def range(self, r: Range) -> types.Range:
        start, end = clamp_range(self.lines, r)
        return types.Range(start=self.position(start), end=self.position(end))

    def to_core(self, pos: types.Position) -> Pos:
        """A client position as a core position (clamped to the document)."""
        last = len(self.lines) - 1
        line = min(max(pos.line, 0), last)
        text = self._line(line)
        col = from_units(text, pos.character, self.encoding) if pos.line <= last else len(text)
        return Pos(line, min(col, len(text)))

    def to_core_range(self, r: types.Range) -> Range:
        return Range(self.to_core(r.start), self.to_core(r.end))


def finding_from_diagnostic(d: types.Diagnostic, index: LineIndex) -> Finding:
    """A client's diagnostic (from codeAction's context) back as a core Finding."""
    sev = Severity(int(d.severity)) if d.severity is not None else Severity.ERROR
    data = d.data if isinstance(d.data, dict) else None
    return Finding(str(d.code) if d.code is not None else "", sev, d.message, index.to_core_range(d.range), data)


# ---------------------------------------------------------------------------
# Editing features


def uri_of(path: Path) -> str:
    return from_fs_path(str(path)) or path.as_uri()


def markup(markdown: str) -> types.MarkupContent:
    return types.MarkupContent(kind=types.MarkupKind.Markdown, value=clean_text(markdown))


def completion_item(item: ft.CompletionItem, index: LineIndex, snippets: bool) -> types.CompletionItem:
    text = item.insert_text if item.insert_text is not None else item.label
    fmt = types.InsertTextFormat.PlainText
    if item.snippet:
        if snippets:
            fmt = types.InsertTextFormat.Snippet
        else:
            text = _strip_snippet(text)
    edit = None
    if item.edit_range is not None:
        edit = types.TextEdit(range=index.range(item.edit_range), new_text=text)
    return types.CompletionItem(
        label=item.label,
        kind=types.CompletionItemKind(int(item.kind)),
        detail=item.detail,
        documentation=markup(item.documentation) if item.documentation else None,
        insert_text=None if edit is not None else text,
        insert_text_format=fmt,
        text_edit=edit,
        sort_text=item.sort_text,
        filter_text=item.filter_text,
        preselect=item.preselect or None,
    )


def _strip_snippet(text: str) -> str:
    """A snippet as plain text for clients without snippet support: `${1:x}` → `x`, `$1` → ``,
    a choice `${1|ko,docker|}` → its first option."""
    text = re.sub(r"\$\{\d+\|([^,|}]*)[^}]*\|\}", r"\1", text)
    text = re.sub(r"\$\{\d+:([^}]*)\}", r"\1", text)
    text = re.sub(r"\$\{\d+\}|\$\d+", "", text)
    return text.replace("\\$", "$").replace("\\}", "}")


def hover(h: ft.Hover, index: LineIndex) -> types.Hover:
    return types.Hover(contents=markup(h.markdown), range=index.range(h.range) if h.range else None)


def symbol(s: ft.Symbol, index: LineIndex) -> types.DocumentSymbol:
    rng = index.range(s.range)
    sel = index.range(s.selection_range)
    # LSP requires the selection range to lie inside the full range.
    if (sel.start.line, sel.start.character) < (rng.start.line, rng.start.character) or \
            (sel.end.line, sel.end.character) > (rng.end.line, rng.end.character):
        sel = types.Range(start=rng.start, end=rng.start)
    return types.DocumentSymbol(
        name=s.name or "(unnamed)",
        kind=types.SymbolKind(int(s.kind)),
        range=rng,
        selection_range=sel,
        detail=s.detail,
        children=[symbol(c, index) for c in s.children] or None,
    )


def link(lk: ft.Link, index: LineIndex) -> types.DocumentLink:
    return types.DocumentLink(range=index.range(lk.range), target=uri_of(lk.target), tooltip=lk.tooltip)


def folding(f: ft.Folding) -> types.FoldingRange:
    return types.FoldingRange(start_line=f.start_line, end_line=f.end_line)


def text_edit(e: ft.TextEdit, index: LineIndex) -> types.TextEdit:
    return types.TextEdit(range=index.range(e.range), new_text=e.new_text)


def workspace_edit(edit: ft.WorkspaceEdit, indexes: dict[Path, LineIndex],
                   default: LineIndex) -> types.WorkspaceEdit:
    """Edits per file; files to create become CreateFile + an insert (documentChanges)."""
    changes = {uri_of(p): [text_edit(e, indexes.get(p, default)) for e in edits]
               for p, edits in edit.changes.items()}
    if not edit.creates:
        return types.WorkspaceEdit(changes=changes)
    doc_changes: list[Any] = []
    for p, content in edit.creates.items():
        uri = uri_of(p)
        doc_changes.append(types.CreateFile(uri=uri, options=types.CreateFileOptions(ignore_if_exists=True)))
        doc_changes.append(types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
            edits=[types.TextEdit(range=types.Range(start=types.Position(line=0, character=0),
                                                    end=types.Position(line=0, character=0)),
                                  new_text=content)]))
    for uri, edits in changes.items():
        doc_changes.append(types.TextDocumentEdit(
            text_document=types.OptionalVersionedTextDocumentIdentifier(uri=uri, version=None),
            edits=list(edits)))
    return types.WorkspaceEdit(document_changes=doc_changes)


def location(loc: ft.Location, index: LineIndex | None) -> types.Location:
    rng = index.range(loc.range) if index is not None else types.Range(
        start=types.Position(line=loc.range.start.line, character=loc.range.start.col),
        end=types.Position(line=loc.range.end.line, character=loc.range.end.col))
    return types.Location(uri=uri_of(loc.path), range=rng)

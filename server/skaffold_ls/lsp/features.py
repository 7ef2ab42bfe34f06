"""Editing features and code actions, wired to LSP.

The features are pure functions in `skaffold_ls.features.<module>` and
`skaffold_ls.actions` taking a `FeatureContext` (and a code-point position or
range) and returning `features/types.py` objects. Each is imported on first
use, run on a worker thread and guarded: a failing feature logs and answers
"nothing", it never takes the server down.
"""

from __future__ import annotations

import asyncio
import importlib
import importlib.util
from collections.abc import Callable
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.capabilities import get_capability

from skaffold_ls.analysis import Analysis
from skaffold_ls.core import fsutil
from skaffold_ls.core.findings import Range
from skaffold_ls.core.positions import split_lines
from skaffold_ls.lsp import convert
from skaffold_ls.lsp.convert import LineIndex
from skaffold_ls.lsp.server import SkaffoldLanguageServer, plain

COMPLETION_TRIGGERS = [":", " ", "-", "/"]

# The pure function behind each feature, imported on first use.
_FUNCS: dict[str, tuple[str, str]] = {
    "completion": ("skaffold_ls.features.completion", "complete"),
    "hover": ("skaffold_ls.features.hover", "hover"),
    "symbols": ("skaffold_ls.features.symbols", "document_symbols"),
    "links": ("skaffold_ls.features.links", "document_links"),
    "folding": ("skaffold_ls.features.folding", "folding_ranges"),
    "definition": ("skaffold_ls.features.navigation", "definition"),
    "references": ("skaffold_ls.features.navigation", "references"),
    "code_actions": ("skaffold_ls.actions", "code_actions"),
}


def _func(feature: str) -> Callable[..., Any]:
    module_name, name = _FUNCS[feature]
    fn: Callable[..., Any] = getattr(importlib.import_module(module_name), name)
    return fn


class Features:
    def __init__(self, server: SkaffoldLanguageServer):
        self.server = server

    # -- helpers ---------------------------------------------------------

    def context(self, analysis: Analysis) -> Any:
        from skaffold_ls.features.types import FeatureContext

        srv = self.server
        ws = srv.analysis_workspace(analysis.path)
        return FeatureContext(analysis=analysis, store=srv.store, workspace=ws.root,
                              sources=srv.config_sources, run_dir=ws.run_dir)

    async def _run(self, feature: str, uri: str, make_args: Callable[[Any, LineIndex], tuple[Any, ...]],
                   to_lsp: Callable[[Any, LineIndex], Any], default: Any) -> Any:
        """The feature's answer; `default` when it fails or its document's work is not done in time."""
        srv = self.server
        try:
            return await asyncio.wait_for(self._compute(feature, uri, make_args, to_lsp, default),
                                          srv.request_timeout)
        except asyncio.TimeoutError:
            srv.log(f"skaffold-ls: {feature} on {uri} took longer than {srv.request_timeout:g} s; "
                    "answered with nothing", types.MessageType.Warning)
            return default

    async def _compute(self, feature: str, uri: str, make_args: Callable[[Any, LineIndex], tuple[Any, ...]],
                       to_lsp: Callable[[Any, LineIndex], Any], default: Any) -> Any:
        srv = self.server
        try:
            analysis = await srv.current_analysis(uri)
            if analysis is None:
                return default
            fn = _func(feature)
            index = srv.index_for(analysis)
            ctx = self.context(analysis)
            args = make_args(ctx, index)
            result = await srv.run_for_document(uri, fn, *args)
            if result is None:
                return default
            return to_lsp(result, index)
        except Exception as e:
            import traceback

            srv.log(f"skaffold-ls: {feature} failed on {uri}: {e!r}\n{traceback.format_exc()}",
                    types.MessageType.Error)
            return default

    def index_for_path(self, path: Path) -> LineIndex | None:
        """Line index of another file (open in the editor, else on disk) for converting its ranges."""
        try:
            uri = convert.uri_of(path)
            doc = self.server.workspace.text_documents.get(uri)
            if doc is not None:
                text = doc.source
            else:
                text = fsutil.read_text(path, 4 * 1024 * 1024, errors="replace")
            return LineIndex(split_lines(text), self.server.encoding)
        except OSError:
            return None

    # -- handlers ----------------------------------------------------------

    async def completion(self, params: types.CompletionParams) -> types.CompletionList | None:
        snippets = bool(get_capability(self.server.client_capabilities,
                                       "text_document.completion.completion_item.snippet_support", False))

        def to_lsp(items: Any, index: LineIndex) -> types.CompletionList:
            if isinstance(items, types.CompletionList):
                return items
            return types.CompletionList(is_incomplete=False,
                                        items=[convert.completion_item(i, index, snippets) for i in items])

        return await self._run("completion", params.text_document.uri,
                               lambda ctx, idx: (ctx, idx.to_core(params.position)), to_lsp, None)

    async def hover(self, params: types.HoverParams) -> types.Hover | None:
        return await self._run("hover", params.text_document.uri,
                               lambda ctx, idx: (ctx, idx.to_core(params.position)),
                               lambda h, idx: convert.hover(h, idx), None)

    async def symbols(self, params: types.DocumentSymbolParams) -> list[types.DocumentSymbol] | None:
        return await self._run("symbols", params.text_document.uri, lambda ctx, idx: (ctx,),
                               lambda ss, idx: [convert.symbol(s, idx) for s in ss], None)

    async def links(self, params: types.DocumentLinkParams) -> list[types.DocumentLink] | None:
        return await self._run("links", params.text_document.uri, lambda ctx, idx: (ctx,),
                               lambda ls, idx: [convert.link(lk, idx) for lk in ls], None)

    async def folding(self, params: types.FoldingRangeParams) -> list[types.FoldingRange] | None:
        return await self._run("folding", params.text_document.uri, lambda ctx, idx: (ctx,),
                               lambda fs, idx: [convert.folding(f) for f in fs], None)

    def _locations(self, locs: Any, index: LineIndex, uri: str) -> list[types.Location]:
        if not isinstance(locs, (list, tuple)):
            locs = [locs]
        own = self.server.path_of(uri)
        out = []
        for loc in locs:
            idx = index if own is not None and loc.path == own else self.index_for_path(loc.path)
            out.append(convert.location(loc, idx))
        return out

    async def definition(self, params: types.DefinitionParams) -> list[types.Location] | None:
        uri = params.text_document.uri
        return await self._run("definition", uri, lambda ctx, idx: (ctx, idx.to_core(params.position)),
                               lambda locs, idx: self._locations(locs, idx, uri), None)

    async def references(self, params: types.ReferenceParams) -> list[types.Location] | None:
        uri = params.text_document.uri

        def args(ctx: Any, idx: LineIndex) -> tuple[Any, ...]:
            return (ctx, idx.to_core(params.position), params.context.include_declaration)

        return await self._run("references", uri, args,
                               lambda locs, idx: self._locations(locs, idx, uri), None)

    async def code_action(self, params: types.CodeActionParams) -> list[types.CodeAction] | None:
        uri = params.text_document.uri

        def args(ctx: Any, idx: LineIndex) -> tuple[Any, ...]:
            rng: Range = idx.to_core_range(params.range)
            findings = [convert.finding_from_diagnostic(d, idx) for d in params.context.diagnostics
                        if d.source in (None, convert.SOURCE)]
            return (ctx, rng, findings)

        def to_lsp(actions: Any, idx: LineIndex) -> list[types.CodeAction]:
            out = []
            only = params.context.only
            for a in actions:
                if only and not any(a.kind == k or a.kind.startswith(f"{k}.") for k in only):
                    continue
                out.append(self._code_action(a, idx, params))
            return out

        return await self._run("code_actions", uri, args, to_lsp, None)

    def _code_action(self, a: Any, idx: LineIndex, params: types.CodeActionParams) -> types.CodeAction:
        own = self.server.path_of(params.text_document.uri)
        edit = None
        if a.edit is not None:
            indexes = {p: (idx if p == own else (self.index_for_path(p) or idx)) for p in a.edit.changes}
            edit = convert.workspace_edit(a.edit, indexes, idx)
        diags = []
        wanted = {(f.code, f.range.start) for f in a.diagnostics}
        for d in params.context.diagnostics:
            if (d.code, idx.to_core(d.range.start)) in wanted:
                diags.append(d)
        return types.CodeAction(
            title=a.title, kind=a.kind, edit=edit, diagnostics=diags or None,
            is_preferred=a.preferred or None,
            disabled=types.CodeActionDisabled(reason=a.disabled_reason) if a.disabled_reason else None,
        )


def register(server: SkaffoldLanguageServer) -> None:
    f = Features(server)
    server.skaffold_features = f  # type: ignore[attr-defined]
    server.feature(types.TEXT_DOCUMENT_COMPLETION,
                   types.CompletionOptions(trigger_characters=COMPLETION_TRIGGERS))(plain(f.completion))
    server.feature(types.TEXT_DOCUMENT_HOVER)(plain(f.hover))
    server.feature(types.TEXT_DOCUMENT_DOCUMENT_SYMBOL)(plain(f.symbols))
    server.feature(types.TEXT_DOCUMENT_DOCUMENT_LINK)(plain(f.links))
    server.feature(types.TEXT_DOCUMENT_FOLDING_RANGE)(plain(f.folding))
    server.feature(types.TEXT_DOCUMENT_DEFINITION)(plain(f.definition))
    server.feature(types.TEXT_DOCUMENT_REFERENCES)(plain(f.references))
    server.feature(types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(
        code_action_kinds=[types.CodeActionKind.QuickFix, types.CodeActionKind.RefactorRewrite,
                           types.CodeActionKind.SourceFixAll]))(plain(f.code_action))


"""The LSP methods the server answers: one plain function each, taking the server and
the params (pygls passes the server to a first parameter annotated with its type).

Document lifecycle and settings go to the server's machinery (`server.py`); every
request about a document goes through its one guard, `server.answer(...)`, with a
`work(ctx, index)` that calls the pure feature and converts its result (`convert`).
`create_server()` makes a server with all of them registered (`HANDLERS`).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from lsprotocol import types
from pygls.capabilities import get_capability

from skaffold_ls.actions import code_actions
from skaffold_ls.features import effective, folding, hover, lenses, links, navigation, symbols
from skaffold_ls.features.completion import complete
from skaffold_ls.features.types import CodeAction, FeatureContext, Location
from skaffold_ls.lsp import convert, publish
from skaffold_ls.lsp.convert import LineIndex
from skaffold_ls.lsp.server import SkaffoldLanguageServer, split_documents_as_lsp_does
from skaffold_ls.lsp.settings import Settings
from skaffold_ls.schema.store import SchemaStore

COMPLETION_TRIGGERS = [":", " ", "-", "/"]
CODE_ACTION_KINDS = [types.CodeActionKind.QuickFix, types.CodeActionKind.RefactorRewrite,
                     types.CodeActionKind.SourceFixAll]
# workspace/executeCommand: the effective configuration of a document (YAML text), and the
# profiles it declares (for a client's picker).
SHOW_EFFECTIVE_CONFIG = "skaffold.showEffectiveConfig"
LIST_PROFILES = "skaffold.listProfiles"


# ---------------------------------------------------------------------------
# Lifecycle, documents, settings


def initialize(ls: SkaffoldLanguageServer, params: types.InitializeParams) -> None:
    if params.initialization_options is not None:
        ls.apply_settings(params.initialization_options, "initializationOptions")


def initialized(ls: SkaffoldLanguageServer, params: types.InitializedParams) -> None:
    ls.spawn(ls.initial_configuration())


def shutdown(ls: SkaffoldLanguageServer, params: Any) -> None:
    ls.shut_down()


def did_open(ls: SkaffoldLanguageServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.open_document(params.text_document.uri)


def did_change(ls: SkaffoldLanguageServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri)


def did_save(ls: SkaffoldLanguageServer, params: types.DidSaveTextDocumentParams) -> None:
    # Checks look at other files (Dockerfiles, manifests): they may have changed.
    ls.schedule(params.text_document.uri)


def did_close(ls: SkaffoldLanguageServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.close_document(params.text_document.uri)


async def did_change_configuration(ls: SkaffoldLanguageServer, params: types.DidChangeConfigurationParams) -> None:
    if isinstance(params.settings, dict) and params.settings:
        ls.apply_settings(params.settings, "didChangeConfiguration")
    # At once with what the notification says (the pull may take a while, or never be
    # answered), and again if the pulled settings differ.
    ls.reanalyse_all()
    if await ls.pull_configuration():
        ls.reanalyse_all()


def did_change_watched_files(ls: SkaffoldLanguageServer, params: types.DidChangeWatchedFilesParams) -> None:
    ls.files_changed(params.changes)


# ---------------------------------------------------------------------------
# Editing features


async def completion(ls: SkaffoldLanguageServer, params: types.CompletionParams) -> types.CompletionList | None:
    snippets = bool(get_capability(ls.client_capabilities,
                                   "text_document.completion.completion_item.snippet_support", False))

    def work(ctx: FeatureContext, index: LineIndex) -> types.CompletionList:
        items = complete(ctx, index.to_core(params.position))
        return types.CompletionList(is_incomplete=False,
                                    items=[convert.completion_item(i, index, snippets) for i in items])

    return await ls.answer("completion", params.text_document.uri, work, None)


async def hover_at(ls: SkaffoldLanguageServer, params: types.HoverParams) -> types.Hover | None:
    def work(ctx: FeatureContext, index: LineIndex) -> types.Hover | None:
        h = hover.hover(ctx, index.to_core(params.position))
        return convert.hover(h, index) if h is not None else None

    return await ls.answer("hover", params.text_document.uri, work, None)


async def document_symbols(ls: SkaffoldLanguageServer,
                           params: types.DocumentSymbolParams) -> list[types.DocumentSymbol] | None:
    def work(ctx: FeatureContext, index: LineIndex) -> list[types.DocumentSymbol]:
        return [convert.symbol(s, index) for s in symbols.document_symbols(ctx)]

    return await ls.answer("documentSymbol", params.text_document.uri, work, None)


async def document_links(ls: SkaffoldLanguageServer,
                         params: types.DocumentLinkParams) -> list[types.DocumentLink] | None:
    def work(ctx: FeatureContext, index: LineIndex) -> list[types.DocumentLink]:
        return [convert.link(lk, index) for lk in links.document_links(ctx)]

    return await ls.answer("documentLink", params.text_document.uri, work, None)


async def folding_ranges(ls: SkaffoldLanguageServer,
                         params: types.FoldingRangeParams) -> list[types.FoldingRange] | None:
    def work(ctx: FeatureContext, index: LineIndex) -> list[types.FoldingRange]:
        return [convert.folding(f) for f in folding.folding_ranges(ctx)]

    return await ls.answer("foldingRange", params.text_document.uri, work, None)


def _locations(ls: SkaffoldLanguageServer, ctx: FeatureContext, index: LineIndex,
               locations: list[Location]) -> list[types.Location]:
    """Locations in this document convert with its index; those in other files with theirs."""
    return [convert.location(loc, index if loc.path == ctx.path else ls.index_for_path(loc.path))
            for loc in locations]


async def definition(ls: SkaffoldLanguageServer, params: types.DefinitionParams) -> list[types.Location] | None:
    def work(ctx: FeatureContext, index: LineIndex) -> list[types.Location]:
        return _locations(ls, ctx, index, navigation.definition(ctx, index.to_core(params.position)))

    return await ls.answer("definition", params.text_document.uri, work, None)


async def references(ls: SkaffoldLanguageServer, params: types.ReferenceParams) -> list[types.Location] | None:
    def work(ctx: FeatureContext, index: LineIndex) -> list[types.Location]:
        found = navigation.references(ctx, index.to_core(params.position), params.context.include_declaration)
        return _locations(ls, ctx, index, found)

    return await ls.answer("references", params.text_document.uri, work, None)


async def code_action(ls: SkaffoldLanguageServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    only = params.context.only

    def work(ctx: FeatureContext, index: LineIndex) -> list[types.CodeAction]:
        findings = [convert.finding_from_diagnostic(d, index) for d in params.context.diagnostics
                    if d.source in (None, publish.SOURCE)]
        actions = code_actions(ctx, index.to_core_range(params.range), findings)
        return [_code_action(ls, ctx, index, a, params) for a in actions
                if not only or any(a.kind == k or a.kind.startswith(f"{k}.") for k in only)]

    return await ls.answer("codeAction", params.text_document.uri, work, None)


def _code_action(ls: SkaffoldLanguageServer, ctx: FeatureContext, index: LineIndex, a: CodeAction,
                 params: types.CodeActionParams) -> types.CodeAction:
    edit = None
    if a.edit is not None:
        indexes = {p: (index if p == ctx.path else (ls.index_for_path(p) or index)) for p in a.edit.changes}
        edit = convert.workspace_edit(a.edit, indexes, index)
    wanted = {(f.code, f.range.start) for f in a.diagnostics}
    diagnostics = [d for d in params.context.diagnostics if (d.code, index.to_core(d.range.start)) in wanted]
    return types.CodeAction(
        title=a.title, kind=a.kind, edit=edit, diagnostics=diagnostics or None,
        is_preferred=a.preferred or None,
        disabled=types.CodeActionDisabled(reason=a.disabled_reason) if a.disabled_reason else None,
    )


async def code_lens(ls: SkaffoldLanguageServer, params: types.CodeLensParams) -> list[types.CodeLens] | None:
    """Above each profile, when skaffold activates it; clicking shows the effective
    configuration with that profile (the client runs SHOW_EFFECTIVE_CONFIG)."""
    uri = params.text_document.uri

    def work(ctx: FeatureContext, index: LineIndex) -> list[types.CodeLens]:
        return [types.CodeLens(range=index.range(lens.range), command=types.Command(
            title=lens.title, command=SHOW_EFFECTIVE_CONFIG, arguments=[uri, [lens.data["profile"]]]))
            for lens in lenses.profile_lenses(ctx)]

    return await ls.answer("codeLens", uri, work, None)


async def show_effective_config(ls: SkaffoldLanguageServer, *args: Any) -> str | None:
    """SHOW_EFFECTIVE_CONFIG uri [profiles [command]]: the YAML `skaffold-ls config -p PROFILES
    --command COMMAND` prints for that document (profiles: a list of names; command: dev,
    debug...). Arguments come as the client sends them, so each is checked here."""
    uri = _uri_argument(ls, SHOW_EFFECTIVE_CONFIG, args)
    if uri is None:
        return None
    profiles = [p for p in args[1] if isinstance(p, str)] if len(args) > 1 and isinstance(args[1], list) else []
    command = args[2] if len(args) > 2 and isinstance(args[2], str) else "dev"
    env = dict(os.environ)

    def work(ctx: FeatureContext, index: LineIndex) -> str:
        return effective.editor_effective_config(ctx, profiles, command, env)

    return await ls.answer(SHOW_EFFECTIVE_CONFIG, uri, work, None)


async def list_profiles(ls: SkaffoldLanguageServer, *args: Any) -> list[str] | None:
    """LIST_PROFILES uri: the profile names the document declares, for a picker."""
    uri = _uri_argument(ls, LIST_PROFILES, args)
    if uri is None:
        return None

    def work(ctx: FeatureContext, index: LineIndex) -> list[str]:
        return effective.profile_names(ctx)

    return await ls.answer(LIST_PROFILES, uri, work, None)


def _uri_argument(ls: SkaffoldLanguageServer, command: str, args: tuple[Any, ...]) -> str | None:
    if args and isinstance(args[0], str):
        return args[0]
    ls.log(f"skaffold-ls: {command} needs a document URI as its first argument", types.MessageType.Warning)
    return None


# ---------------------------------------------------------------------------
# The server

# (method, options, handler)
HANDLERS: list[tuple[str, Any, Callable[..., Any]]] = [
    (types.INITIALIZE, None, initialize),
    (types.INITIALIZED, None, initialized),
    (types.SHUTDOWN, None, shutdown),
    (types.TEXT_DOCUMENT_DID_OPEN, None, did_open),
    (types.TEXT_DOCUMENT_DID_CHANGE, None, did_change),
    (types.TEXT_DOCUMENT_DID_SAVE, None, did_save),
    (types.TEXT_DOCUMENT_DID_CLOSE, None, did_close),
    (types.WORKSPACE_DID_CHANGE_CONFIGURATION, None, did_change_configuration),
    (types.WORKSPACE_DID_CHANGE_WATCHED_FILES, None, did_change_watched_files),
    (types.TEXT_DOCUMENT_COMPLETION, types.CompletionOptions(trigger_characters=COMPLETION_TRIGGERS), completion),
    (types.TEXT_DOCUMENT_HOVER, None, hover_at),
    (types.TEXT_DOCUMENT_DOCUMENT_SYMBOL, None, document_symbols),
    (types.TEXT_DOCUMENT_DOCUMENT_LINK, None, document_links),
    (types.TEXT_DOCUMENT_FOLDING_RANGE, None, folding_ranges),
    (types.TEXT_DOCUMENT_DEFINITION, None, definition),
    (types.TEXT_DOCUMENT_REFERENCES, None, references),
    (types.TEXT_DOCUMENT_CODE_ACTION, types.CodeActionOptions(code_action_kinds=CODE_ACTION_KINDS), code_action),
    (types.TEXT_DOCUMENT_CODE_LENS, types.CodeLensOptions(), code_lens),
]
# workspace/executeCommand: (command, handler)
COMMANDS: list[tuple[str, Callable[..., Any]]] = [
    (SHOW_EFFECTIVE_CONFIG, show_effective_config),
    (LIST_PROFILES, list_profiles),
]


def create_server(store: SchemaStore | None = None, store_settings: Settings | None = None,
                  workers: int = 4) -> SkaffoldLanguageServer:
    """A server with every handler registered. `store`: schemas already loaded (the fast
    start's), for `store_settings`' schemas.directory; the server loads its own otherwise.
    `workers`: threads for documents' work (one document uses one at most)."""
    split_documents_as_lsp_does()
    server = SkaffoldLanguageServer(workers=workers, store=store, store_settings=store_settings)
    for method, options, handler in HANDLERS:
        server.feature(method, options)(handler)
    for command, handler in COMMANDS:
        server.command(command)(handler)
    return server

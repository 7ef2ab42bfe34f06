"""The language server: documents in, version-stamped diagnostics out.

Handlers stay thin: they find the document, run a pure core function (analysis,
a feature) and convert the result with `convert`. Design points:

- Each document has its own analysis loop (`_DocState`): a change marks it
  dirty; one task per document analyses the latest text on a worker thread and
  publishes only if no newer version arrived meanwhile. A big document being
  analysed never delays a small one, and a burst of edits costs one analysis
  per pause, not one per keystroke.
- Every handler is guarded: an exception becomes a log message (and, for a
  document, an `internal-error` diagnostic), never a dead server.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import re
import traceback
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from skaffold_ls import __version__
from skaffold_ls.core.analysis import Analysis, AnalysisOptions, analyze
from skaffold_ls.core.findings import Finding, Range, Severity
from skaffold_ls.lsp import convert
from skaffold_ls.lsp.convert import LineIndex
from skaffold_ls.lsp.settings import Settings, parse_settings
from skaffold_ls.schema.store import SchemaStore

log = logging.getLogger(__name__)

SECTION = "skaffold"
NAME_RE = re.compile(r"^(skaffold[^/\\]*|[^/\\]+\.skaffold)\.ya?ml$", re.IGNORECASE)
CONTENT_RE = re.compile(r"^apiVersion:[ \t]*[\"']?skaffold/", re.MULTILINE)

T = TypeVar("T")


def plain(method: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """A bound method as a plain function (pygls sets attributes on handlers)."""
    if asyncio.iscoroutinefunction(method):
        async def handler_async(params: Any) -> Any:
            return await method(params)

        return handler_async

    def handler(params: Any) -> Any:
        return method(params)

    return handler


def is_skaffold_name(filename: str) -> bool:
    return bool(NAME_RE.match(filename))


def is_skaffold_document(uri: str, text: str) -> bool:
    """Recognised by file name (skaffold*.yaml, *.skaffold.yaml) or by content (apiVersion: skaffold/...)."""
    name = uri.rstrip("/").rsplit("/", 1)[-1].split("?", 1)[0]
    if is_skaffold_name(name):
        return True
    return CONTENT_RE.search(text) is not None


@dataclass(eq=False)
class _DocState:
    uri: str
    dirty: bool = False
    task: asyncio.Task[None] | None = None
    analysis: Analysis | None = None
    version: int | None = None  # version of `analysis`
    published: bool = False
    waiters: list[asyncio.Future[None]] = field(default_factory=list)


class SkaffoldLanguageServer(LanguageServer):
    def __init__(self, workers: int = 4) -> None:
        super().__init__("skaffold-ls", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental)
        self.settings = Settings()
        self._store: SchemaStore | None = None
        self._store_dir: str | None = None
        self.docs: dict[str, _DocState] = {}
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="skaffold-analysis")
        self._background: set[asyncio.Task[Any]] = set()
        self._register()

    # ------------------------------------------------------------------
    # Infrastructure

    @property
    def store(self) -> SchemaStore:
        if self._store is None or self._store_dir != self.settings.schemas_directory:
            d = self.settings.schemas_directory
            self._store = SchemaStore(Path(d).expanduser() if d else None)
            self._store_dir = d
        return self._store

    @property
    def encoding(self) -> str:
        try:
            return convert.encoding_name(self.workspace.position_encoding)
        except Exception:
            return convert.encoding_name(None)

    def log(self, message: str, level: types.MessageType = types.MessageType.Log) -> None:
        log.log(logging.ERROR if level == types.MessageType.Error else logging.INFO, "%s", message)
        with contextlib.suppress(Exception):  # no writer yet, or the client went away
            self.window_log_message(types.LogMessageParams(type=level, message=convert.clean_text(message)))

    def report_server_error(self, error: Exception, source: Any) -> None:
        # pygls' default shows a popup for every out-of-band error; a log line is kindler.
        self.log(f"skaffold-ls: internal error: {error!r}", types.MessageType.Error)

    def spawn(self, coro: Awaitable[Any]) -> asyncio.Task[Any]:
        task = asyncio.ensure_future(coro)
        self._background.add(task)
        task.add_done_callback(self._task_done)
        return task

    def _task_done(self, task: asyncio.Task[Any]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            self.log(f"skaffold-ls: background task failed: {exc!r}", types.MessageType.Error)

    async def run_in_pool(self, fn: Callable[..., T], *args: Any) -> T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.pool, functools.partial(fn, *args))

    def analysis_options(self) -> AnalysisOptions:
        s = self.settings
        return AnalysisOptions(outdated_api_version=s.outdated_api_version is not None,
                               schema_only=not s.checks_enabled, max_file_bytes=s.max_file_size)

    @staticmethod
    def path_of(uri: str) -> Path | None:
        try:
            p = to_fs_path(uri)
        except Exception:
            return None
        return Path(p) if p else None

    def index_for(self, analysis: Analysis) -> LineIndex:
        return LineIndex(analysis.parsed.lines, self.encoding)

    # ------------------------------------------------------------------
    # Analysis and diagnostics

    def _analyze(self, text: str, path: Path | None) -> Analysis:
        return analyze(text, path, self.store, self.analysis_options())

    def schedule(self, uri: str) -> None:
        state = self.docs.setdefault(uri, _DocState(uri))
        state.dirty = True
        if state.task is None or state.task.done():
            state.task = self.spawn(self._analysis_loop(state))

    async def _analysis_loop(self, state: _DocState) -> None:
        uri = state.uri
        while state.dirty:
            state.dirty = False
            await asyncio.sleep(0)  # let edits already queued coalesce into this run
            doc = self.workspace.text_documents.get(uri)
            if doc is None or self.docs.get(uri) is not state:
                return
            text, version = doc.source, doc.version
            if not is_skaffold_document(uri, text):
                if state.published:
                    self._publish(uri, version, [])
                    state.published = False
                state.analysis, state.version = None, version
                self._wake(state)
                continue
            analysis: Analysis | None = None
            try:
                analysis = await self.run_in_pool(self._analyze, text, self.path_of(uri))
                diags = self._diagnostics(analysis)
            except Exception as e:
                self.log(f"skaffold-ls: analysing {uri} failed:\n{traceback.format_exc()}", types.MessageType.Error)
                diags = [convert.diagnostic(Finding(
                    "internal-error", Severity.WARNING,
                    f"skaffold-ls could not analyse this file ({type(e).__name__}: {e}); see the server log",
                    Range.of(0, 0, 0, 1)), LineIndex(text.split("\n"), self.encoding))]
            if state.dirty or self.docs.get(uri) is not state:
                continue  # a newer version (or a close) arrived: this result is stale
            state.analysis, state.version = analysis, version
            self._publish(uri, version, diags)
            state.published = True
            self._wake(state)

    def _wake(self, state: _DocState) -> None:
        waiters, state.waiters = state.waiters, []
        for w in waiters:
            if not w.done():
                w.set_result(None)

    def _diagnostics(self, analysis: Analysis) -> list[types.Diagnostic]:
        index = self.index_for(analysis)
        outdated = self.settings.outdated_api_version
        out = []
        for f in analysis.findings:
            sev = outdated if f.code == "outdated-api-version" else None
            out.append(convert.diagnostic(f, index, sev))
        return out

    def _publish(self, uri: str, version: int | None, diags: list[types.Diagnostic]) -> None:
        self.text_document_publish_diagnostics(
            types.PublishDiagnosticsParams(uri=uri, version=version, diagnostics=diags))

    async def current_analysis(self, uri: str) -> Analysis | None:
        """The analysis of the document's current text (None: not a skaffold document)."""
        doc = self.workspace.text_documents.get(uri)
        if doc is None:
            return None
        state = self.docs.get(uri)
        if state is not None and state.version == doc.version and not state.dirty:
            return state.analysis
        if state is not None and state.task is not None and not state.task.done():
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            state.waiters.append(fut)
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(asyncio.shield(fut), timeout=10)
            doc = self.workspace.text_documents.get(uri)
            if doc is not None and state.version == doc.version:
                return state.analysis
        if doc is None or not is_skaffold_document(uri, doc.source):
            return None
        return await self.run_in_pool(self._analyze, doc.source, self.path_of(uri))

    def reanalyse_all(self) -> None:
        for uri in list(self.workspace.text_documents):
            self.schedule(uri)

    # ------------------------------------------------------------------
    # Settings

    def apply_settings(self, raw: Any, origin: str) -> None:
        new = parse_settings(raw, self.settings)
        for p in new.problems:
            self.log(f"skaffold-ls: {origin}: {p}", types.MessageType.Warning)
        if new.schemas_directory and not Path(new.schemas_directory).expanduser().is_dir():
            self.log(f"skaffold-ls: schemas.directory {new.schemas_directory} is not a directory; "
                     "using the built-in schemas", types.MessageType.Warning)
        self.settings = new

    async def pull_configuration(self) -> bool:
        if not get_capability(self.client_capabilities, "workspace.configuration", False):
            return False
        try:
            result = await asyncio.wait_for(self.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])), timeout=5)
        except Exception as e:
            self.log(f"skaffold-ls: workspace/configuration failed: {e!r}", types.MessageType.Warning)
            return False
        if result and isinstance(result[0], dict):
            before = self.settings
            self.apply_settings(result[0], "workspace/configuration")
            return self.settings != before
        return False

    # ------------------------------------------------------------------
    # Handlers

    def _register(self) -> None:
        self.feature(types.INITIALIZE)(plain(self._on_initialize))
        self.feature(types.INITIALIZED)(plain(self._on_initialized))
        self.feature(types.TEXT_DOCUMENT_DID_OPEN)(plain(self._on_open))
        self.feature(types.TEXT_DOCUMENT_DID_CHANGE)(plain(self._on_change))
        self.feature(types.TEXT_DOCUMENT_DID_SAVE)(plain(self._on_save))
        self.feature(types.TEXT_DOCUMENT_DID_CLOSE)(plain(self._on_close))
        self.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)(plain(self._on_config_change))
        from skaffold_ls.lsp import features

        features.register(self)

    def _on_initialize(self, params: types.InitializeParams) -> None:
        try:
            if params.initialization_options is not None:
                self.apply_settings(params.initialization_options, "initializationOptions")
        except Exception as e:
            self.log(f"skaffold-ls: ignoring initializationOptions: {e!r}", types.MessageType.Warning)

    def _on_initialized(self, params: types.InitializedParams) -> None:
        self.spawn(self._initial_configuration())

    async def _initial_configuration(self) -> None:
        if await self.pull_configuration():
            self.reanalyse_all()

    def _on_open(self, params: types.DidOpenTextDocumentParams) -> None:
        self.docs.pop(params.text_document.uri, None)
        self.schedule(params.text_document.uri)

    def _on_change(self, params: types.DidChangeTextDocumentParams) -> None:
        self.schedule(params.text_document.uri)

    def _on_save(self, params: types.DidSaveTextDocumentParams) -> None:
        # Checks look at other files (Dockerfiles, manifests): they may have changed.
        self.schedule(params.text_document.uri)

    def _on_close(self, params: types.DidCloseTextDocumentParams) -> None:
        uri = params.text_document.uri
        state = self.docs.pop(uri, None)
        if state is not None:
            state.dirty = False
            self._wake(state)
        self._publish(uri, None, [])

    async def _on_config_change(self, params: types.DidChangeConfigurationParams) -> None:
        settings = params.settings
        if isinstance(settings, dict) and settings:
            self.apply_settings(settings, "didChangeConfiguration")
        await self.pull_configuration()
        self.reanalyse_all()


def create_server() -> SkaffoldLanguageServer:
    return SkaffoldLanguageServer()

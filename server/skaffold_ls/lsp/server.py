"""The language server's state and machinery: documents in, version-stamped diagnostics out.

The LSP handlers (`handlers.py`) are thin functions of this server and their params;
what they share lives here. Design points:

- Each document has its own analysis loop (`_DocState`): a change marks it
  dirty; one task per document analyses the latest text on a worker thread and
  publishes only if no newer version arrived meanwhile. A big document being
  analysed never delays a small one, and a burst of edits costs one analysis
  per pause, not one per keystroke.
- A document's work (analysis, features, checks) runs in its own lane
  (`lanes.DocumentLanes`): at most one worker thread per document, so a document
  that is slow to analyse cannot starve the others; a request about it is
  answered within REQUEST_TIMEOUT (with nothing, if its work is not done) and can
  be cancelled.
- Two phases: schema validation is published at once; the checks beyond the
  schema (they read Dockerfiles, manifests, go.mod...) run afterwards, once the
  document has been quiet for CHECKS_DELAY, and are given up when it changes.
  Until they finish, the previous check results are carried over (shifted past
  the edited lines), so warnings do not flicker while typing.
- One guard per request (`answer`): an exception becomes a log message and an
  empty answer, a slow document an empty answer after REQUEST_TIMEOUT; an analysis
  that raises becomes an `internal-error` diagnostic. Never a dead server.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import traceback
from collections.abc import Awaitable, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote

from lsprotocol import types
from pygls.capabilities import get_capability
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path
from pygls.workspace import TextDocument

from skaffold_ls import __version__, checks
from skaffold_ls.analysis import Analysis, Workspace, run_checks
from skaffold_ls.config.recognition import is_skaffold_document
from skaffold_ls.config.sources import Sources
from skaffold_ls.core import fsutil
from skaffold_ls.core.findings import Finding, Pos, Range
from skaffold_ls.core.positions import split_lines
from skaffold_ls.features import workspace as workspace_scan
from skaffold_ls.features.types import FeatureContext
from skaffold_ls.lsp import convert, publish
from skaffold_ls.lsp.convert import LineIndex
from skaffold_ls.lsp.lanes import DocumentLanes
from skaffold_ls.lsp.protocol import SkaffoldProtocol
from skaffold_ls.lsp.settings import Settings, read_settings
from skaffold_ls.schema.store import SchemaStore

log = logging.getLogger(__name__)

SECTION = "skaffold"
# Checks beyond the schema wait until the document has been quiet this long (seconds).
CHECKS_DELAY = 0.3
# A request about a document (hover, completion...) is answered within this many seconds,
# with nothing when its document's work is not done by then.
REQUEST_TIMEOUT = 10.0
# Files whose changes on disk can change what the checks say.
WATCHED = ["**/Dockerfile*", "**/*.Dockerfile", "**/*.{yaml,yml,json}", "**/go.mod", "**/kustomization*",
           "**/Chart.yaml"]

T = TypeVar("T")


_LSP_LINES = re.compile(r"[^\r\n]*(?:\r\n|\r|\n)|[^\r\n]+\Z")


def _lsp_lines(self: TextDocument) -> tuple[str, ...]:
    return tuple(_LSP_LINES.findall(self.source))


def split_documents_as_lsp_does() -> None:
    """LSP lines end at "\r\n", "\r" or "\n" only. pygls 2.1 splits documents with
    str.splitlines(), which also breaks at form feeds, U+2028, \x1c-\x1e, \x85...: an
    incremental edit below such a character lands on the wrong line. pygls has no hook
    for the document class, so its `lines` is replaced, once, when a server is made
    (pygls is pinned to the minor version tests/lsp/test_diagnostics.py covers)."""
    if TextDocument.lines is not _LSP_LINES_PROPERTY:
        TextDocument.lines = _LSP_LINES_PROPERTY  # type: ignore[assignment,method-assign]


_LSP_LINES_PROPERTY = property(_lsp_lines)


@dataclass(eq=False)
class _DocState:
    uri: str
    dirty: bool = False
    task: asyncio.Task[None] | None = None
    checks_task: asyncio.Task[None] | None = None
    analysis: Analysis | None = None  # schema-phase analysis of `version`
    version: int | None = None
    check_findings: list[Finding] = field(default_factory=list)  # latest checks' results...
    check_lines: list[str] | None = None  # ...and the lines of the text they ran on
    published: bool = False
    waiters: list[asyncio.Future[None]] = field(default_factory=list)
    settings_generation: int = -1  # the server's settings_generation when `analysis` was made


def carry_over(findings: list[Finding], old: list[str], new: list[str]) -> list[Finding]:
    """Findings of an older text moved onto a newer one: those before the edited lines
    stay, those after it shift by the number of lines added, those on it are dropped."""
    if old is new or old == new:
        return findings
    n, m = len(old), len(new)
    limit = min(n, m)
    p = 0
    while p < limit and old[p] == new[p]:
        p += 1
    q = 0
    while q < limit - p and old[n - 1 - q] == new[m - 1 - q]:
        q += 1
    delta = m - n
    out = []
    for f in findings:
        if f.range.end.line < p:
            out.append(f)
        elif f.range.start.line >= n - q:
            s, e = f.range
            out.append(replace(f, range=Range(Pos(s.line + delta, s.col), Pos(e.line + delta, e.col))))
    return out


class SkaffoldLanguageServer(LanguageServer):
    protocol: SkaffoldProtocol

    def __init__(self, workers: int = 4, store: SchemaStore | None = None,
                 store_settings: Settings | None = None) -> None:
        """`store`: schemas already loaded (by the fast start) for `store_settings`' schemas.directory."""
        super().__init__("skaffold-ls", __version__, text_document_sync_kind=types.TextDocumentSyncKind.Incremental,
                         protocol_cls=SkaffoldProtocol)
        self.settings = Settings()
        # Bumped by every settings change and re-analysis request: a result made under an older
        # generation is never published, whatever order the settings and the results arrive in.
        self.settings_generation = 0
        self._store = store
        self._store_dir = (store_settings or Settings()).schemas_directory
        self.docs: dict[str, _DocState] = {}
        self.pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="skaffold-analysis")
        # Checks get their own threads: slow file-system checks never hold up an analysis.
        self.checks_pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="skaffold-checks")
        self.lanes = DocumentLanes(self.pool)
        self.check_lanes = DocumentLanes(self.checks_pool)
        self.request_timeout = REQUEST_TIMEOUT
        self._background: set[asyncio.Task[Any]] = set()
        self.config_sources = Sources(self.open_text)
        self.stopping = False  # `shutdown` received

    # ------------------------------------------------------------------
    # Infrastructure

    @property
    def store(self) -> SchemaStore:
        if self._store is None or self._store_dir != self.settings.schemas_directory:
            self._store = self.settings.schema_store()
            self._store_dir = self.settings.schemas_directory
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

    async def run_for_document(self, uri: str, fn: Callable[..., T], *args: Any) -> T:
        """fn(*args) on a worker thread, in the document's lane (one thread per document at most)."""
        return await self.lanes.run(uri, fn, *args)

    def workspace_root(self, path: Path | None = None) -> Path | None:
        """The workspace folder holding `path` (else the first folder, else the root path)."""
        roots: list[Path] = []
        with contextlib.suppress(Exception):
            for folder in self.workspace.folders.values():
                p = self.path_of(folder.uri)
                if p is not None:
                    roots.append(p)
            if not roots and self.workspace.root_path:
                roots.append(Path(self.workspace.root_path))
        if path is not None:
            inside = [r for r in roots if r == path or r in path.parents]
            if inside:
                return max(inside, key=lambda r: len(r.parts))
        return roots[0] if roots else None

    def text_document(self, uri: str) -> TextDocument | None:
        """The open document `uri` names. pygls 2.1 keys its documents by the *unquoted* URI:
        a client's `file:///My%20Projects/...` is found under `file:///My Projects/...`."""
        return self.workspace.text_documents.get(unquote(uri))

    def open_text(self, path: Path) -> str | None:
        """The editor's text of a file, when the editor holds it (config loading reads these first)."""
        doc = self.text_document(path.as_uri())
        return doc.source if doc is not None else None

    def analysis_workspace(self, path: Path | None) -> Workspace:
        root = self.workspace_root(path)
        run_dir = self.settings.run_directory
        return Workspace(root=root, run_dir=(root / run_dir) if run_dir and root is not None else
                         (Path(run_dir) if run_dir else None), sources=self.config_sources)

    @staticmethod
    def path_of(uri: str) -> Path | None:
        try:
            p = to_fs_path(uri)
        except Exception:
            return None
        return Path(p) if p else None

    def index_for(self, analysis: Analysis) -> LineIndex:
        return LineIndex(analysis.parsed.lines, self.encoding)

    def index_for_path(self, path: Path) -> LineIndex | None:
        """Line index of another file (open in the editor, else on disk) for converting its ranges."""
        try:
            text = self.open_text(path)
            if text is None:
                text = fsutil.read_text(path, 4 * 1024 * 1024, errors="replace")
            return LineIndex(split_lines(text), self.encoding)
        except OSError:
            return None

    def feature_context(self, analysis: Analysis) -> FeatureContext:
        ws = self.analysis_workspace(analysis.path)
        return FeatureContext(analysis=analysis, store=self.store, workspace=ws.root,
                              sources=self.config_sources, run_dir=ws.run_dir)

    # ------------------------------------------------------------------
    # Requests: the one guard

    async def answer(self, what: str, uri: str, work: Callable[[FeatureContext, LineIndex], T], default: T) -> T:
        """`work` on the document's current analysis, in its lane on a worker thread: every
        request about a document goes through here. `default` when the document is not a
        skaffold file, when `work` raises (logged with its traceback) and when the document's
        work is not done within `request_timeout` (logged)."""
        try:
            return await asyncio.wait_for(self._answer(uri, work, default), self.request_timeout)
        except asyncio.TimeoutError:
            self.log(f"skaffold-ls: {what} on {uri} took longer than {self.request_timeout:g} s; "
                     "answered with nothing", types.MessageType.Warning)
        except Exception as e:
            self.log(f"skaffold-ls: {what} failed on {uri}: {e!r}\n{traceback.format_exc()}",
                     types.MessageType.Error)
        return default

    async def _answer(self, uri: str, work: Callable[[FeatureContext, LineIndex], T], default: T) -> T:
        analysis = await self.current_analysis(uri)
        if analysis is None:
            return default
        ctx, index = self.feature_context(analysis), self.index_for(analysis)
        return await self.run_for_document(uri, work, ctx, index)

    # ------------------------------------------------------------------
    # Documents: analysis and diagnostics

    def open_document(self, uri: str) -> None:
        self.docs.pop(uri, None)
        self.schedule(uri)

    def close_document(self, uri: str) -> None:
        state = self.docs.pop(uri, None)
        if state is not None:
            state.dirty = False
            if state.checks_task is not None:
                state.checks_task.cancel()
            self._wake(state)
        self.lanes.forget(uri)
        self.check_lanes.forget(uri)
        self.publish(uri, None, [], [])

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
            doc = self.text_document(uri)
            if doc is None or self.docs.get(uri) is not state:
                return
            text, version = doc.source, doc.version
            if not is_skaffold_document(uri, text):
                if state.published:
                    self.publish(uri, version, [], [])
                    state.published = False
                state.analysis, state.version = None, version
                state.check_findings, state.check_lines = [], None
                self._wake(state)
                continue
            first = state.analysis is None
            generation = self.settings_generation
            settings = self.settings
            analysis: Analysis | None = None
            try:
                analysis = await self.run_for_document(uri, publish.schema_phase, text, self.path_of(uri), self.store,
                                                       settings)
                carried = []
                if settings.checks_enabled and state.check_lines is not None:
                    carried = carry_over(state.check_findings, state.check_lines, analysis.parsed.lines)
                findings, lines = analysis.findings + carried, analysis.parsed.lines
            except Exception as e:
                self.log(f"skaffold-ls: analysing {uri} failed:\n{traceback.format_exc()}", types.MessageType.Error)
                findings, lines = [publish.analysis_failed(e)], split_lines(text)
            if generation != self.settings_generation and self.docs.get(uri) is state:
                state.dirty = True  # the settings changed meanwhile: this result used the old ones
            if state.dirty or self.docs.get(uri) is not state:
                continue  # a newer version (or a close, or new settings) arrived: this result is stale
            state.analysis, state.version, state.settings_generation = analysis, version, generation
            self.publish(uri, version, findings, lines)
            state.published = True
            self._wake(state)
            if settings.checks_enabled and analysis is not None and analysis.parsed.analysable \
                    and not analysis.not_skaffold:
                self._schedule_checks(state, analysis, version, 0.0 if first else CHECKS_DELAY)

    def _stale(self, state: _DocState, version: int | None) -> bool:
        return self.stopping or state.dirty or state.version != version or self.docs.get(state.uri) is not state \
            or state.settings_generation != self.settings_generation

    def _schedule_checks(self, state: _DocState, analysis: Analysis, version: int | None, delay: float) -> None:
        if state.checks_task is not None and not state.checks_task.done():
            state.checks_task.cancel()
        state.checks_task = self.spawn(self._run_checks(state, analysis, version, delay))

    async def _run_checks(self, state: _DocState, analysis: Analysis, version: int | None, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        if self._stale(state, version):
            return
        interrupted = False

        def should_stop() -> bool:
            nonlocal interrupted
            interrupted = interrupted or self._stale(state, version)
            return interrupted

        try:
            findings = await self.check_lanes.run(state.uri, run_checks, analysis, self.store,
                                                  self.analysis_workspace(analysis.path), checks.ALL, should_stop)
        except Exception:
            self.log(f"skaffold-ls: checks failed on {state.uri}:\n{traceback.format_exc()}",
                     types.MessageType.Error)
            return
        if interrupted or self._stale(state, version):
            # Stopped part-way (even if the re-analysis that stopped it has already reset the
            # state): these are some of the checks, not all; the analysis that stopped them
            # schedules a complete run.
            return
        unchanged = not findings and not state.check_findings
        state.check_findings, state.check_lines = findings, analysis.parsed.lines
        if unchanged:
            return  # the schema phase already published exactly this
        self.publish(state.uri, version, analysis.findings + findings, analysis.parsed.lines)

    def _wake(self, state: _DocState) -> None:
        waiters, state.waiters = state.waiters, []
        for w in waiters:
            if not w.done():
                w.set_result(None)

    def publish(self, uri: str, version: int | None, findings: list[Finding], lines: Sequence[str]) -> None:
        """The document's diagnostics, built as the fast start builds them (lsp/publish.py)."""
        params = publish.publish_params(uri, version, findings, lines, self.encoding,
                                        self.settings.outdated_api_version)
        self.text_document_publish_diagnostics(
            self.protocol.converter.structure(params, types.PublishDiagnosticsParams))

    async def current_analysis(self, uri: str) -> Analysis | None:
        """The analysis of the document's current text (None: not a skaffold document)."""
        doc = self.text_document(uri)
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
            doc = self.text_document(uri)
            if doc is not None and state.version == doc.version:
                return state.analysis
        if doc is None or not is_skaffold_document(uri, doc.source):
            return None
        return await self.run_for_document(uri, publish.schema_phase, doc.source, self.path_of(uri), self.store,
                                           self.settings)

    def reanalyse_all(self) -> None:
        """Everything again for every open document: schema phase, then the checks."""
        self.settings_generation += 1
        for uri in list(self.docs):  # every open document has a state, keyed by the URI the client sent
            state = self.docs.get(uri)
            if state is not None:  # settings may have changed what the checks say
                state.check_findings, state.check_lines, state.analysis = [], None, None
            self.schedule(uri)

    def files_changed(self, changes: Sequence[types.FileEvent]) -> None:
        """Files on disk changed: the checks of every open skaffold document may say something else now."""
        workspace_scan.invalidate()  # completion's scans of go.mod, charts and manifests are stale too
        for state in list(self.docs.values()):
            if state.analysis is None or state.version is None:
                continue
            if len(changes) == 1 and unquote(changes[0].uri) == unquote(state.uri):
                continue  # the editor saved the document itself: didChange/didSave cover it
            if not self.settings.checks_enabled:
                continue
            self._schedule_checks(state, state.analysis, state.version, CHECKS_DELAY)

    def shut_down(self) -> None:
        self.stopping = True  # running checks give up at the next check
        self.pool.shutdown(wait=False, cancel_futures=True)
        self.checks_pool.shutdown(wait=False, cancel_futures=True)

    # ------------------------------------------------------------------
    # Settings

    def apply_settings(self, raw: Any, origin: str) -> None:
        new = read_settings(raw, self.settings)
        for p in new.problems:
            self.log(f"skaffold-ls: {origin}: {p}", types.MessageType.Warning)
        if new != self.settings:
            self.settings_generation += 1
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

    async def initial_configuration(self) -> None:
        await self._watch_files()
        if await self.pull_configuration():
            self.reanalyse_all()

    async def _watch_files(self) -> None:
        """Ask the client to tell us when files the checks read change (Dockerfiles, manifests...)."""
        if not get_capability(self.client_capabilities,
                              "workspace.did_change_watched_files.dynamic_registration", False):
            return
        options = types.DidChangeWatchedFilesRegistrationOptions(watchers=[
            types.FileSystemWatcher(glob_pattern=g) for g in WATCHED])
        try:
            await asyncio.wait_for(self.client_register_capability_async(types.RegistrationParams(registrations=[
                types.Registration(id="skaffold-ls-watched-files", method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                                   register_options=options)])), timeout=5)
        except Exception as e:
            self.log(f"skaffold-ls: could not register file watchers: {e!r}", types.MessageType.Warning)

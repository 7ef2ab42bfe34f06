"""First diagnostics before pygls is imported (stdio only).

Importing pygls and lsprotocol costs ~450 ms of CPU, most of a cold start. An
editor's first messages are almost always `initialize`, `initialized` and one
`textDocument/didOpen`, so this module reads them itself (Content-Length
framing, stdlib json), answers `initialize` from a snapshot of the capabilities
the pygls server produces (`capabilities.json`), publishes the schema diagnostics
of the opened skaffold file as plain JSON, and only then lets the caller import
pygls. The real server gets every byte read here replayed first (`ReplayReader`),
so it handles initialize/initialized/didOpen itself as usual; its answer to
`initialize`, already given, is dropped (`DropResponseWriter`). The server then
publishes the same diagnostics once more, which clients take as a no-op.

Anything unexpected (another message, a header pygls would not take, an
exception, the client going quiet for IDLE_TIMEOUT after `initialize`) ends the
fast path; nothing read is lost or reordered. SKAFFOLD_LS_NO_FAST_START=1 turns
it off. Regenerate the snapshot with `python3 -m skaffold_ls.lsp.fast_start`;
tests/lsp/test_fast_start.py asserts it matches what pygls answers.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import os
import re
import select
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from skaffold_ls.lsp.stream import MAX_HEADER_LINE

if TYPE_CHECKING:
    from skaffold_ls.lsp.settings import Settings
    from skaffold_ls.schema.store import SchemaStore

log = logging.getLogger(__name__)

ENV_DISABLE = "SKAFFOLD_LS_NO_FAST_START"
SNAPSHOT = Path(__file__).with_name("capabilities.json")
SERVER_NAME = "skaffold-ls"
SOURCE = "skaffold-ls"
# After answering initialize, wait this long (seconds) for each next message: an editor
# sends initialized + didOpen at once; one with nothing to open should not have to wait
# for workspace/configuration and the file-watcher registration.
IDLE_TIMEOUT = 0.3
# A larger first document is left to the server: analysed here, on the only thread,
# it would hold up every document opened after it (the server analyses each on its own).
MAX_TEXT = 64 * 1024
# Messages are read whole here; a larger one (or a header line without end) is left to the
# server, whose GuardedReader refuses what is too large.
MAX_MESSAGE = 1024 * 1024
_SUPPORTED_ENCODINGS = ("utf-8", "utf-16", "utf-32")
# The header pygls accepts (pygls.io_.run_async); anything else is left to pygls.
_CONTENT_LENGTH = re.compile(rb"^Content-Length: (\d+)\r\n$")


def disabled() -> bool:
    """Off by SKAFFOLD_LS_NO_FAST_START, and whenever the installed pygls is not the one the
    snapshot was made with (pyproject.toml pins the minor version; this also covers an
    install that ignored the pin)."""
    if os.environ.get(ENV_DISABLE, "").strip().lower() not in ("", "0", "false", "no"):
        return True
    installed = installed_pygls_version()
    try:
        made_with = load_snapshot().get("pygls")
    except (OSError, ValueError):
        return True
    if installed is None or not isinstance(made_with, str) or installed.split(".")[:2] != made_with.split(".")[:2]:
        log.warning("fast start: off (pygls %s installed, the snapshot is of pygls %s)", installed, made_with)
        return True
    return False


def installed_pygls_version() -> str | None:
    """pygls' version from its dist-info folder name, without importing it (importlib.metadata
    alone costs ~20 ms here)."""
    spec = importlib.util.find_spec("pygls")
    if spec is None or not spec.submodule_search_locations:
        return None
    site = Path(next(iter(spec.submodule_search_locations))).parent
    try:
        names = [n for n in os.listdir(site) if n.startswith("pygls-") and n.endswith(".dist-info")]
    except OSError:
        return None
    return names[0][len("pygls-"):-len(".dist-info")] if len(names) == 1 else None


class Stop(Exception):
    """The fast path ends here; what was read goes to the real server."""


# ---------------------------------------------------------------------------
# Reading: raw fd, our own buffer (so a timeout is possible and every byte is kept)


class _Input:
    def __init__(self, fd: int):
        self.fd = fd
        self.buf = bytearray()  # every byte read from fd, in order
        self.pos = 0  # end of the last complete message
        self.eof = False

    def _fill(self, deadline: float | None) -> None:
        if self.eof:
            raise Stop("end of input")
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0 or not select.select([self.fd], [], [], wait)[0]:
                raise Stop("client idle")
        data = os.read(self.fd, 65536)
        if not data:
            self.eof = True
            raise Stop("end of input")
        self.buf += data

    def _line(self, start: int, deadline: float | None) -> int:
        """Offset just after the next b"\\n" at or after `start`."""
        while True:
            i = self.buf.find(b"\n", start)
            if i >= 0:
                return i + 1
            if len(self.buf) - start > MAX_HEADER_LINE:
                raise Stop("header line too long")
            self._fill(deadline)

    def message(self, timeout: float | None) -> dict[str, Any]:
        """The next framed message, parsed as pygls parses it (else Stop)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        at = self.pos
        length = None
        while True:
            end = self._line(at, deadline)
            header = bytes(self.buf[at:end])
            at = end
            if length is None:
                m = _CONTENT_LENGTH.fullmatch(header)
                if m:
                    length = int(m.group(1))
                elif not header.strip():
                    raise Stop("blank line before Content-Length")
                continue
            if not header.strip():
                break
        if not length:
            raise Stop("empty body")
        if length > MAX_MESSAGE:
            raise Stop(f"a message of {length} bytes: left to the server")
        while len(self.buf) < at + length:
            self._fill(deadline)
        body = bytes(self.buf[at:at + length])
        msg = json.loads(body)
        if not isinstance(msg, dict):
            raise Stop("not a JSON object")
        self.pos = at + length
        return msg


def _write(out: BinaryIO, msg: dict[str, Any]) -> None:
    # As pygls writes: ASCII JSON (so the length in characters is the length in bytes).
    body = json.dumps(msg).encode("ascii")
    out.write(b"Content-Length: %d\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n" % len(body)
              + body)
    out.flush()


# ---------------------------------------------------------------------------
# initialize


def load_snapshot(path: Path = SNAPSHOT) -> dict[str, Any]:
    with open(path, encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data


def _get(obj: Any, *keys: str) -> Any:
    for k in keys:
        if not isinstance(obj, dict):
            return None
        obj = obj.get(k)
    return obj


def position_encoding(params: Any) -> str:
    """pygls' rule (ServerCapabilitiesBuilder.choose_position_encoding): the client's first
    supported encoding, else UTF-16."""
    encodings = _get(params, "capabilities", "general", "positionEncodings")
    if isinstance(encodings, list):
        for e in encodings:
            if e in _SUPPORTED_ENCODINGS:
                return str(e)
    return "utf-16"


def initialize_result(params: Any, snapshot: dict[str, Any], version: str) -> dict[str, Any]:
    """What the pygls server answers to `initialize` with these params."""
    if not isinstance(params, dict) or not isinstance(params.get("capabilities"), dict):
        raise Stop("initialize without capabilities")
    caps: dict[str, Any] = {"positionEncoding": position_encoding(params)}
    caps.update(json.loads(json.dumps(snapshot["capabilities"])))
    # pygls: willSave = client's value `and` whether the server handles it; absent when the client says nothing.
    sync = caps.get("textDocumentSync")
    client_sync = _get(params, "capabilities", "textDocument", "synchronization")
    for key in ("willSave", "willSaveWaitUntil"):
        value = client_sync.get(key) if isinstance(client_sync, dict) else None
        if value is not None and isinstance(sync, dict):
            sync[key] = bool(value) and bool(snapshot["handles"][key])
    return {"capabilities": caps, "serverInfo": {"name": SERVER_NAME, "version": version}}


# ---------------------------------------------------------------------------
# didOpen → publishDiagnostics (the server's schema phase, as plain JSON)


def publish_params(text_document: Any, settings: Settings, store: SchemaStore, encoding: str) -> dict[str, Any] | None:
    """The publishDiagnostics params for a didOpen (None: not a skaffold document), built by
    the functions the server publishes with (lsp/publish.py)."""
    # Imported here, after `initialize` is answered: that answer must not wait for the
    # analysis code (~100 ms), and pygls.uris is stdlib-only (no lsprotocol).
    from pygls.uris import to_fs_path

    from skaffold_ls.config.recognition import is_skaffold_document
    from skaffold_ls.lsp import publish

    if not isinstance(text_document, dict):
        raise Stop("didOpen without textDocument")
    uri, text, version = text_document.get("uri"), text_document.get("text"), text_document.get("version")
    if not isinstance(uri, str) or not isinstance(text, str) or not isinstance(version, int) \
            or isinstance(version, bool):
        raise Stop("didOpen with unexpected params")
    if len(text) > MAX_TEXT:
        raise Stop(f"{uri} is large: left to the server")
    if not is_skaffold_document(uri, text):
        return None
    try:
        p = to_fs_path(uri)
    except Exception:
        p = None
    analysis = publish.schema_phase(text, Path(p) if p else None, store, settings)
    return publish.publish_params(uri, version, analysis.findings, analysis.parsed.lines, encoding,
                                  settings.outdated_api_version)


# ---------------------------------------------------------------------------
# The hand-over to pygls


class ReplayReader:
    """`stdin` for pygls: the bytes the fast path read, then the real stream.

    pygls (io_.StdinAsyncReader) calls `readline()` and `read(n)` from its thread pool,
    one call at a time; `read(n)` must return n bytes unless the stream ends, as
    BufferedReader.read does.
    """

    def __init__(self, prefix: bytes, stream: BinaryIO):
        self._prefix = prefix
        self._pos = 0
        self._stream = stream
        self._lock = threading.Lock()

    def readline(self, size: int = -1) -> bytes:
        with self._lock:
            if self._pos < len(self._prefix):
                i = self._prefix.find(b"\n", self._pos)
                end = i + 1 if i >= 0 else len(self._prefix)
                if size >= 0:
                    end = min(end, self._pos + size)
                line, self._pos = self._prefix[self._pos:end], end
                if line.endswith(b"\n") or (size >= 0 and len(line) >= size):
                    return line
                return line + self._stream.readline(-1 if size < 0 else size - len(line))
            return self._stream.readline(size)

    def read(self, n: int = -1) -> bytes:
        with self._lock:
            head = b""
            if self._pos < len(self._prefix):
                end = len(self._prefix) if n < 0 else min(len(self._prefix), self._pos + n)
                head, self._pos = self._prefix[self._pos:end], end
                if n >= 0 and len(head) == n:
                    return head
            rest = self._stream.read(-1 if n < 0 else n - len(head))
            return head + (rest or b"")


class DropResponseWriter:
    """`stdout` for pygls: drops what the fast path already sent.

    That is the server's response to `initialize` and its first publishDiagnostics
    for the opened document when equal to ours (sent twice, a client could see the
    document's diagnostics again after it closed it). pygls writes each message
    (header + body) with one `write`, then `flush`es; writes may come from several
    threads, so a lock keeps messages whole. Until both are settled, bytes are parsed
    message by message (a message split over writes is held until complete); after
    that, writes go straight through.
    """

    def __init__(self, stream: BinaryIO, request_id: Any, sent: dict[str, Any] | None = None,
                 published: dict[str, Any] | None = None):
        self._stream = stream
        self._id = request_id
        self._sent = sent
        self._published = published
        self._want_init = True
        self._want_publish = published is not None
        self._buf = bytearray()
        self._lock = threading.Lock()
        self.dropped: list[dict[str, Any]] = []

    @property
    def _watching(self) -> bool:
        return self._want_init or self._want_publish

    def write(self, data: bytes) -> int:
        with self._lock:
            if not self._watching:
                self._stream.write(data)
                return len(data)
            self._buf += data
            while self._watching:
                end = self._buf.find(b"\r\n\r\n")
                if end < 0:
                    break
                m = re.search(rb"(?im)^content-length:[ \t]*(\d+)[ \t]*\r?$", bytes(self._buf[:end + 2]))
                if m is None:  # not a message we understand: pass everything on, stop looking
                    self._want_init = self._want_publish = False
                    break
                stop = end + 4 + int(m.group(1))
                if len(self._buf) < stop:
                    break
                message, self._buf = bytes(self._buf[:stop]), self._buf[stop:]
                if not self._drop(message[end + 4:]):
                    self._stream.write(message)
            if not self._watching and self._buf:
                self._stream.write(bytes(self._buf))
                self._buf.clear()
            return len(data)

    def _drop(self, body: bytes) -> bool:
        try:
            msg = json.loads(body)
        except ValueError:
            return False
        if not isinstance(msg, dict):
            return False
        if self._want_init and "method" not in msg and msg.get("id") == self._id \
                and ("result" in msg or "error" in msg):
            self._want_init = False
            self.dropped.append(msg)
            if self._sent is not None and msg.get("result") != self._sent:
                log.warning("fast start: the initialize result sent (%s) differs from the server's (%s); "
                            "regenerate lsp/capabilities.json (python3 -m skaffold_ls.lsp.fast_start) or set "
                            "%s=1", json.dumps(self._sent), json.dumps(msg.get("result", msg.get("error"))),
                            ENV_DISABLE)
            return True
        if self._want_publish and self._published is not None \
                and msg.get("method") == "textDocument/publishDiagnostics" \
                and _get(msg, "params", "uri") == self._published["uri"]:
            self._want_publish = False  # only the server's first publication for it can repeat ours
            if msg.get("params") == self._published:
                self.dropped.append(msg)
                return True
            if _get(msg, "params", "version") == self._published["version"]:
                log.warning("fast start: the diagnostics published (%s) differ from the server's (%s)",
                            json.dumps(self._published), json.dumps(msg.get("params")))
        return False

    def flush(self) -> None:
        with self._lock:
            self._stream.flush()

    def close(self) -> None:
        self._stream.close()


@dataclass
class Handover:
    consumed: bytes = b""
    init_id: Any = None
    init_result: dict[str, Any] | None = None
    published: dict[str, Any] | None = None  # the publishDiagnostics params sent
    store: SchemaStore | None = None  # the schemas the fast path loaded (None: none)...
    settings: Settings | None = None  # ...for these settings' schemas.directory

    def loaded_store(self) -> tuple[SchemaStore | None, Settings | None]:
        """For create_server(): the schemas already in memory, and what they were loaded for."""
        return self.store, self.settings

    def streams(self, stdin: BinaryIO, stdout: BinaryIO) -> tuple[BinaryIO, BinaryIO]:
        """The stdin/stdout to give pygls' start_io."""
        reader: Any = ReplayReader(self.consumed, stdin) if self.consumed else stdin
        writer: Any = DropResponseWriter(stdout, self.init_id, self.init_result, self.published) \
            if self.init_result is not None else stdout
        return reader, writer


def run(fd: int, out: BinaryIO, version: str, idle_timeout: float = IDLE_TIMEOUT,
        snapshot_path: Path = SNAPSHOT) -> Handover:
    """Read and answer the first messages from `fd`; what comes after is for pygls."""
    started = time.perf_counter()
    h = Handover()
    inp = _Input(fd)
    try:
        if os.name == "nt":  # select() does not work on pipes there
            raise Stop("not on Windows")
        msg = inp.message(None)
        if msg.get("method") != "initialize" or "id" not in msg:
            raise Stop(f"first message is {msg.get('method')!r}")
        params = msg.get("params")
        result = initialize_result(params, load_snapshot(snapshot_path), version)
        encoding = result["capabilities"]["positionEncoding"]
        init_options = _get(params, "initializationOptions")
        _write(out, {"jsonrpc": "2.0", "id": msg["id"], "result": result})
        h.init_id, h.init_result = msg["id"], result
        log.info("fast start: initialize answered after %.0f ms", (time.perf_counter() - started) * 1000)

        # Imported only now that initialize is answered (it pulls in the analysis code).
        from skaffold_ls.lsp.settings import read_settings

        msg = inp.message(idle_timeout)
        if msg.get("method") != "initialized" or "id" in msg:
            raise Stop(f"{msg.get('method')!r} after initialize")
        # Settings as the server has them when it analyses the document: initializationOptions,
        # then what didChangeConfiguration carries (editors often send it right after initialized;
        # the server's workspace/configuration pull comes later and re-publishes if it changes them).
        settings = read_settings(init_options)
        msg = inp.message(idle_timeout)
        for _ in range(4):
            if msg.get("method") != "workspace/didChangeConfiguration" or "id" in msg:
                break
            raw = _get(msg, "params", "settings")
            if isinstance(raw, dict) and raw:
                settings = read_settings(raw, settings)
            msg = inp.message(idle_timeout)
        if msg.get("method") != "textDocument/didOpen" or "id" in msg:
            raise Stop(f"{msg.get('method')!r} after initialized")
        store = settings.schema_store()
        params = publish_params(_get(msg, "params", "textDocument"), settings, store, encoding)
        if params is not None:
            _write(out, {"jsonrpc": "2.0", "method": "textDocument/publishDiagnostics", "params": params})
            h.store, h.settings, h.published = store, settings, params
            log.info("fast start: %d diagnostics for %s published after %.0f ms, process CPU %.0f ms "
                     "(pygls imported: %s)", len(params["diagnostics"]), params["uri"],
                     (time.perf_counter() - started) * 1000, time.process_time() * 1000,
                     "yes" if "pygls.lsp" in sys.modules or "lsprotocol" in sys.modules else "no")
    except Stop as e:
        log.debug("fast start: handing over (%s)", e)
    except Exception:
        log.warning("fast start: handing over after an error", exc_info=True)
    h.consumed = bytes(inp.buf)
    return h


# ---------------------------------------------------------------------------
# The snapshot


def _pygls_answer(params: dict[str, Any]) -> dict[str, Any]:
    """The real server's response to `initialize` with these params (in-process, no I/O)."""
    from skaffold_ls.lsp.handlers import create_server  # pygls: only for the snapshot

    server = create_server()
    written: list[bytes] = []

    class _Capture:
        def write(self, data: bytes) -> None:
            written.append(data)

        def close(self) -> None:
            pass

    try:
        server.protocol.set_writer(_Capture())
        raw = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params})
        server.protocol.handle_message(json.loads(raw, object_hook=server.protocol.structure_message))
    finally:
        server.pool.shutdown(wait=False)
        server.checks_pool.shutdown(wait=False)
    for data in written:
        msg = json.loads(data.split(b"\r\n\r\n", 1)[1])
        if msg.get("id") == 1:
            answer: dict[str, Any] = msg
            return answer
    raise RuntimeError(f"no initialize response from the server: {written!r}")


def generate_snapshot() -> dict[str, Any]:
    import importlib.metadata

    plain = _pygls_answer({"processId": None, "rootUri": None, "capabilities": {}})["result"]["capabilities"]
    plain.pop("positionEncoding", None)
    sync_caps = {"textDocument": {"synchronization": {"willSave": True, "willSaveWaitUntil": True}}}
    sync = _pygls_answer({"processId": None, "rootUri": None, "capabilities": sync_caps})
    got = sync["result"]["capabilities"].get("textDocumentSync", {})
    return {
        "comment": "Generated by `python3 -m skaffold_ls.lsp.fast_start` from the pygls server; "
                   "tests/lsp/test_fast_start.py checks it. positionEncoding and willSave* are filled in "
                   "per client.",
        "pygls": importlib.metadata.version("pygls"),
        "capabilities": plain,
        "handles": {"willSave": bool(got.get("willSave")), "willSaveWaitUntil": bool(got.get("willSaveWaitUntil"))},
    }


def main() -> int:
    text = json.dumps(generate_snapshot(), indent=2) + "\n"
    SNAPSHOT.write_text(text, encoding="utf-8")
    print(f"wrote {SNAPSHOT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

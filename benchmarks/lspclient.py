"""A minimal asyncio LSP client over stdio (stdlib only), for benchmarks.

Records the arrival time of every publishDiagnostics; answers the requests servers
make of clients (workspace/configuration from a settings dict, registrations,
progress) so both skaffold-ls and yaml-language-server run as under an editor.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import time
from dataclasses import dataclass
from typing import Any


@dataclass
class Published:
    at: float
    uri: str
    version: int | None
    diagnostics: list[dict[str, Any]]


class LspClient:
    def __init__(self, argv: list[str], settings: dict[str, Any] | None = None, cwd: str | None = None,
                 nice: int = 0):
        self.argv = argv
        self.nice = nice
        self.settings = settings or {}
        self.cwd = cwd
        self.proc: asyncio.subprocess.Process | None = None
        self.spawned_at = 0.0
        self.published: list[Published] = []
        self._next_id = 0
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._changed = asyncio.Event()
        self._reader: asyncio.Task[None] | None = None
        self.stderr = b""

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    async def start(self) -> None:
        self.spawned_at = time.perf_counter()
        self.proc = await asyncio.create_subprocess_exec(
            *self.argv, stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL, cwd=self.cwd, limit=64 * 1024 * 1024,
            preexec_fn=(lambda: os.nice(self.nice)) if self.nice else None)
        self._reader = asyncio.create_task(self._read_loop())

    # -- wire ------------------------------------------------------------

    def _send(self, message: dict[str, Any]) -> None:
        assert self.proc is not None and self.proc.stdin is not None
        body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def _read_loop(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        out = self.proc.stdout
        while True:
            length = 0
            while True:
                line = await out.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                name, _, value = line.partition(b":")
                if name.lower() == b"content-length":
                    length = int(value)
            body = await out.readexactly(length)
            now = time.perf_counter()
            msg = json.loads(body)
            self.received(msg)
            if "method" in msg and "id" in msg:
                self._answer(msg)
            elif "method" in msg:
                if msg["method"] == "textDocument/publishDiagnostics":
                    p = msg["params"]
                    self.published.append(Published(now, p["uri"], p.get("version"), p["diagnostics"]))
                    self._changed.set()
            elif "id" in msg:
                fut = self._pending.pop(msg["id"], None)
                if fut is not None and not fut.done():
                    if "error" in msg:
                        fut.set_exception(RuntimeError(str(msg["error"])))
                    else:
                        fut.set_result(msg.get("result"))

    def received(self, msg: dict[str, Any]) -> None:
        """Every message from the server, before it is handled (a hook for subclasses)."""

    def _answer(self, msg: dict[str, Any]) -> None:
        result: Any = None
        if msg["method"] == "workspace/configuration":
            result = [self._section(item.get("section")) for item in msg["params"]["items"]]
        self._send({"id": msg["id"], "result": result})

    def _section(self, section: str | None) -> Any:
        node: Any = self.settings
        for part in (section or "").split("."):
            if not part:
                continue
            if not isinstance(node, dict) or part not in node:
                return None
            node = node[part]
        return node

    # -- API -------------------------------------------------------------

    async def request(self, method: str, params: Any, timeout: float = 60) -> Any:
        self._next_id += 1
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[self._next_id] = fut
        self._send({"id": self._next_id, "method": method, "params": params})
        return await asyncio.wait_for(fut, timeout)

    def notify(self, method: str, params: Any) -> None:
        self._send({"method": method, "params": params})

    async def initialize(self, root_uri: str, init_options: Any = None) -> Any:
        caps = {
            "textDocument": {
                "synchronization": {"dynamicRegistration": True, "didSave": True},
                "publishDiagnostics": {"relatedInformation": True, "versionSupport": True},
                "completion": {"completionItem": {"snippetSupport": True}},
                "hover": {"contentFormat": ["markdown", "plaintext"]},
            },
            "workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": True}},
            "general": {"positionEncodings": ["utf-16"]},
        }
        result = await self.request("initialize", {
            "processId": os.getpid(), "rootUri": root_uri, "capabilities": caps,
            "initializationOptions": init_options,
            "workspaceFolders": [{"uri": root_uri, "name": "bench"}]})
        self.notify("initialized", {})
        if self.settings:
            self.notify("workspace/didChangeConfiguration", {"settings": self.settings})
        return result

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": version, "text": text}})

    def change(self, uri: str, version: int, line: int, start: int, end: int, text: str) -> None:
        self.notify("textDocument/didChange", {
            "textDocument": {"uri": uri, "version": version},
            "contentChanges": [{"range": {"start": {"line": line, "character": start},
                                          "end": {"line": line, "character": end}}, "text": text}]})

    async def wait_published(self, uri: str, after: int, pred: Any, timeout: float = 60) -> Published:
        """The first publishDiagnostics for `uri` at index >= after that satisfies pred."""
        deadline = time.perf_counter() + timeout
        i = after
        while True:
            while i < len(self.published):
                p = self.published[i]
                i += 1
                if p.uri == uri and pred(p):
                    return p
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"no matching publishDiagnostics for {uri}")
            self._changed.clear()
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._changed.wait(), remaining)

    def cpu_seconds(self) -> float:
        """User + system CPU time the server process has used so far."""
        try:
            with open(f"/proc/{self.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return 0.0

    def peak_rss_kb(self) -> int:
        try:
            with open(f"/proc/{self.pid}/status") as f:
                for line in f:
                    if line.startswith("VmHWM:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    async def stop(self) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(Exception):
            await self.request("shutdown", None, timeout=5)
            self.notify("exit", None)
        try:
            await asyncio.wait_for(self.proc.wait(), 5)
        except asyncio.TimeoutError:
            self.proc.kill()
            await self.proc.wait()
        if self._reader is not None:
            self._reader.cancel()

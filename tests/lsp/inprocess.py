"""The language server in the test's own process: messages go in through pygls'
`handle_message`, everything the server writes is captured. For tests that replace a
feature with a slow or blocking one, which a subprocess cannot do."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from typing import Any

from skaffold_ls.lsp.server import SkaffoldLanguageServer


class InProcessClient:
    def __init__(self, server: SkaffoldLanguageServer):
        self.server = server
        self.received: list[dict[str, Any]] = []
        server.protocol.set_writer(self)

    # pygls' writer interface
    def write(self, data: bytes) -> None:
        self.received.append(json.loads(data.split(b"\r\n\r\n", 1)[1]))

    def close(self) -> None:
        pass

    def send(self, message: dict[str, Any]) -> None:
        protocol = self.server.protocol
        raw = json.dumps({"jsonrpc": "2.0", **message})
        protocol.handle_message(json.loads(raw, object_hook=protocol.structure_message))

    async def wait(self, matches: Callable[[dict[str, Any]], bool], timeout: float = 10.0) -> dict[str, Any]:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for m in self.received:
                if matches(m):
                    return m
            if loop.time() > deadline:
                raise AssertionError(f"nothing matched; received {self.received}")
            await asyncio.sleep(0.01)

    async def answer(self, request_id: int, timeout: float = 10.0) -> dict[str, Any]:
        return await self.wait(lambda m: m.get("id") == request_id and "method" not in m, timeout)

    async def initialize(self) -> None:
        self.send({"id": 0, "method": "initialize", "params": {"processId": None, "rootUri": None,
                                                                "capabilities": {}}})
        await self.answer(0)
        self.send({"method": "initialized", "params": {}})

    def open(self, uri: str, text: str, version: int = 1) -> None:
        self.send({"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": version, "text": text}}})

    async def diagnostics(self, uri: str, timeout: float = 10.0) -> dict[str, Any]:
        return await self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                               and m["params"]["uri"] == uri, timeout)

    def hover(self, request_id: int, uri: str, line: int = 2, character: int = 2) -> None:
        self.send({"id": request_id, "method": "textDocument/hover", "params": {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": character}}})

"""Every request gets exactly one answer, whatever it carries and whenever it comes
(`lsp/protocol.py`, `lsp/stream.py`), with and without the fast start."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from tests.lsp.conftest import GOOD, uri_for
from tests.lsp.rawclient import NO_FAST_START, RawClient

MODES = {"fast-start": {}, "no-fast-start": NO_FAST_START}


@pytest.fixture(params=sorted(MODES))
def raw(request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    client = RawClient(MODES[request.param], log_file=tmp_path / "server.log")
    yield client
    client.kill()


def hover(request_id: Any, uri: str, position: Any) -> dict[str, Any]:
    return {"id": request_id, "method": "textDocument/hover",
            "params": {"textDocument": {"uri": uri}, "position": position}}


def answers(client: RawClient) -> Counter[Any]:
    return Counter(m["id"] for m in client.seen if "id" in m and "method" not in m)


def test_requests_with_invalid_params_get_an_error(raw: RawClient, tmp_path: Path):
    raw.initialize()
    uri = uri_for(tmp_path)
    raw.send({"method": "textDocument/didOpen", "params": {"textDocument": {
        "uri": uri, "languageId": "yaml", "version": 1, "text": GOOD}}})
    bad = {
        1: hover(1, uri, {"line": -1, "character": 0}),
        2: hover(2, uri, {"line": 2**31, "character": 0}),
        3: hover(3, uri, {"line": 0, "character": 2**40}),
        4: hover(4, uri, "line 3"),
        5: hover(5, uri, {"line": "three", "character": 0}),
        6: {"id": 6, "method": "textDocument/hover", "params": [1, 2]},
        7: {"id": 7, "method": "textDocument/completion", "params": {"textDocument": 42}},
        8: {"id": 8, "method": "textDocument/documentSymbol"},
    }
    for message in bad.values():
        raw.send(message)
    raw.send(hover(9, uri, {"line": 2, "character": 2}))  # a good one after them
    for request_id in bad:
        assert raw.answer(request_id)["error"]["code"] == -32602, request_id
    assert raw.answer(9)["result"] is not None
    raw.drain(0.3)
    assert raw.stop() == 0
    assert all(n == 1 for n in answers(raw).values()), answers(raw)


def test_requests_before_initialize_and_after_shutdown_get_an_error(raw: RawClient, tmp_path: Path):
    uri = uri_for(tmp_path)
    raw.send(hover(1, uri, {"line": 0, "character": 0}))
    assert raw.answer(1)["error"]["code"] == -32002  # ServerNotInitialized
    raw.send({"method": "textDocument/didOpen", "params": {"textDocument": {  # dropped: before initialize
        "uri": uri, "languageId": "yaml", "version": 1, "text": "apiVersion: skaffold/v4beta14\nkind: Nope\n"}}})
    raw.initialize()
    raw.send({"id": 2, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}})
    assert raw.answer(2)["error"]["code"] == -32600
    raw.send({"id": 3, "method": "shutdown"})
    assert raw.answer(3)["result"] is None
    raw.send(hover(4, uri, {"line": 0, "character": 0}))
    assert raw.answer(4)["error"]["code"] == -32600
    raw.send({"method": "exit"})
    assert raw.proc.wait(timeout=10) == 0
    assert not [m for m in raw.seen if m.get("method") == "textDocument/publishDiagnostics"
                and m["params"]["uri"] == uri and m["params"]["diagnostics"]]
    assert all(n == 1 for n in answers(raw).values()), answers(raw)


@pytest.mark.parametrize("first", [True, False])
def test_a_huge_content_length_is_refused_and_the_next_messages_served(raw: RawClient, first: bool):
    huge = b"Content-Length: 99999999999\r\n\r\n" + b'{"jsonrpc": "2.0", "id": 0, "method": "initialize"}'
    if first:
        raw.send_bytes(huge)
    raw.initialize()
    if not first:
        raw.send_bytes(huge)
        raw.send_bytes(b"X-Padding: " + b"x" * 100_000 + b"\r\n")  # a header line far longer than any
    raw.send({"id": 1, "method": "textDocument/documentSymbol",
              "params": {"textDocument": {"uri": "file:///nowhere/skaffold.yaml"}}})
    assert "result" in raw.answer(1)
    assert raw.stop() == 0
    assert "MemoryError" not in raw.stderr()


def test_guarded_reader_refuses_huge_bodies_and_finds_the_next_header():
    import io

    from skaffold_ls.lsp.stream import GuardedReader

    stream = io.BytesIO(b"Content-Length: 999999\r\n\r\n{\"partial\": tr" + b"Content-Length: 2\r\n\r\n{}"
                        + b"Content-Length: 3\r\n\r\n[1]")
    r = GuardedReader(stream, max_message_bytes=1000)
    lines = []
    while True:
        line = r.readline()
        lines.append(line)
        if line == b"Content-Length: 2\r\n":
            break
    assert r.refused == 1 and b"Content-Length: 999999\r\n" not in lines
    assert r.readline() == b"\r\n" and r.read(2) == b"{}"
    assert r.readline() == b"Content-Length: 3\r\n"


def test_replay_reader_readline_honours_a_size():
    import io

    from skaffold_ls.lsp.fast_start import ReplayReader

    r = ReplayReader(b"abcdef\nxy", io.BytesIO(b"z\nrest"))
    assert r.readline(4) == b"abcd"
    assert r.readline(10) == b"ef\n"
    assert r.readline(2) == b"xy"
    assert r.readline() == b"z\n"


@pytest.mark.asyncio
async def test_no_future_is_kept_per_notification(tmp_path: Path):
    """pygls 2.1.1 kept one future per didChange (with its params): ~2 MB per 1,000 edits."""
    from skaffold_ls.lsp.handlers import create_server
    from tests.lsp.inprocess import InProcessClient

    server = create_server()
    client = InProcessClient(server)
    try:
        await client.initialize()
        uri = uri_for(tmp_path)
        client.open(uri, GOOD)
        await client.diagnostics(uri)
        for version in range(2, 202):
            client.send({"method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": {"line": 0, "character": 0},
                                              "end": {"line": 0, "character": 0}}, "text": ""}]}})
        await client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                          and m["params"]["version"] == 201)
        assert server.protocol.tracked_futures == 0  # type: ignore[attr-defined]
    finally:
        server.pool.shutdown(wait=True)
        server.checks_pool.shutdown(wait=True)


def test_a_client_gone_after_shutdown_is_one_log_line_not_tracebacks(caplog: pytest.LogCaptureFixture):
    """Diagnostics finishing after the client closed the pipe: pygls logged a BrokenPipeError
    traceback per write and raised it into the publishing task."""
    import logging

    from lsprotocol import types

    from skaffold_ls.lsp.handlers import create_server

    class ClosedPipe:
        def write(self, data: bytes) -> None:
            raise BrokenPipeError(32, "Broken pipe")

        def close(self) -> None:
            raise BrokenPipeError(32, "Broken pipe")

    server = create_server()
    try:
        server.protocol.set_writer(ClosedPipe())
        caplog.set_level(logging.INFO)
        for version in range(3):
            server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(
                uri="file:///p/skaffold.yaml", version=version, diagnostics=[]))
        server.protocol.writer.close()  # type: ignore[union-attr]
    finally:
        server.pool.shutdown(wait=True)
        server.checks_pool.shutdown(wait=True)
    assert not [r for r in caplog.records if r.exc_info or r.levelno >= logging.ERROR], caplog.text
    assert caplog.text.count("the client closed the connection") == 1

"""The fast start (`skaffold_ls/lsp/fast_start.py`): framing, replay, dropping, the
capabilities snapshot, and the hand-over to pygls seen from a client.

The other tests in tests/lsp/ go through the fast start too (it is the default).
"""

from __future__ import annotations

import importlib.metadata
import io
import json
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from skaffold_ls import __version__
from skaffold_ls.lsp import fast_start
from tests.lsp.conftest import GOOD, open_doc, uri_for, wait_diagnostics
from tests.lsp.rawclient import RawClient, frame


def unframe(data: bytes) -> list[dict[str, Any]]:
    out = []
    while data:
        head, rest = data.split(b"\r\n\r\n", 1)
        n = int(next(h for h in head.split(b"\r\n") if h.lower().startswith(b"content-length")).split(b":")[1])
        out.append(json.loads(rest[:n]))
        data = rest[n:]
    return out


def caps_of(name: str) -> dict[str, Any]:
    from pygls.protocol import default_converter

    return default_converter().unstructure(client_capabilities(name))


def init_params(encodings: list[str] | None = None, caps: dict[str, Any] | None = None,
                options: Any = None) -> dict[str, Any]:
    caps = json.loads(json.dumps(caps or {}))
    if encodings is not None:
        caps.setdefault("general", {})["positionEncodings"] = encodings
    params: dict[str, Any] = {"processId": None, "rootUri": None, "capabilities": caps}
    if options is not None:
        params["initializationOptions"] = options
    return params


EMOJI_CRLF = ("apiVersion: skaffold/v4beta14\r\nkind: Config\r\n"
              "metadata: {name: \"😀é😀\", lables: {a: b}}\r\nbuild:\r\n  artifacts:\r\n"
              "  - image: \"ü😀\"\r\n    dokcer: {}\r\n  tagPolicy: {gitCommit: {variant: Nope}}\r\n")


# ---------------------------------------------------------------------------
# Wrappers


def test_replay_reader_replays_then_reads_the_stream():
    r = fast_start.ReplayReader(b"Content-Length: 2\r\n\r\n{}Content-Le", io.BytesIO(b"ngth: 3\r\n\r\n[1]tail"))
    assert r.readline() == b"Content-Length: 2\r\n"
    assert r.readline() == b"\r\n"
    assert r.read(2) == b"{}"
    assert r.readline() == b"Content-Length: 3\r\n"  # a line split between replay and stream
    assert r.readline() == b"\r\n"
    assert r.read(3) == b"[1]"
    assert r.read(10) == b"tail"
    assert r.read(5) == b"" and r.readline() == b""


def test_replay_reader_read_spans_the_boundary():
    r = fast_start.ReplayReader(b"abc", io.BytesIO(b"defgh"))
    assert r.read(5) == b"abcde"
    assert r.read(-1) == b"fgh"


def _sink() -> io.BytesIO:
    return io.BytesIO()


def test_writer_drops_only_the_initialize_response():
    out = _sink()
    sent = {"capabilities": {"hoverProvider": True}}
    w = fast_start.DropResponseWriter(out, "init-1", sent)
    log = frame({"method": "window/logMessage", "params": {"type": 4, "message": "é"}})
    init = frame({"id": "init-1", "result": sent})
    other = frame({"id": "init-1", "result": None})  # a later response with the same id is kept
    data = log + init + log
    w.write(data[:7])  # a message split over writes
    w.write(data[7:30])
    w.write(data[30:])
    w.write(other)
    w.flush()
    assert out.getvalue() == log + log + other
    assert [m["id"] for m in w.dropped] == ["init-1"]


def test_writer_drops_the_repeated_publication_only_when_equal(caplog):
    pub = {"uri": "file:///s.yaml", "version": 1, "diagnostics": []}
    out = _sink()
    w = fast_start.DropResponseWriter(out, 1, {"x": 1}, pub)
    same = frame({"method": "textDocument/publishDiagnostics", "params": pub})
    later = frame({"method": "textDocument/publishDiagnostics", "params": {**pub, "version": 2}})
    w.write(frame({"id": 1, "result": {"x": 1}}) + same + same)
    w.write(later)
    assert unframe(out.getvalue()) == unframe(same + later)  # the second one is the server's own
    out2 = _sink()
    w2 = fast_start.DropResponseWriter(out2, 1, {"x": 1}, pub)
    changed = frame({"method": "textDocument/publishDiagnostics",
                     "params": {**pub, "diagnostics": [{"message": "m"}]}})
    w2.write(frame({"id": 1, "result": {"x": 2}}) + changed)
    assert out2.getvalue() == changed
    assert "differs" in caplog.text and "differ from the server" in caplog.text


# ---------------------------------------------------------------------------
# run() on a pipe


def _run(data: bytes, close: bool = True, timeout: float = 0.2) -> tuple[fast_start.Handover, list[dict[str, Any]]]:
    r, w = os.pipe()

    def feed() -> None:  # from a thread: more than a pipe's buffer would block
        with open(w, "wb", closefd=close) as f:
            f.write(data)

    writer = threading.Thread(target=feed, daemon=True)
    writer.start()
    out = _sink()
    try:
        h = fast_start.run(r, out, "9.9", idle_timeout=timeout)
    finally:
        writer.join(5)
        os.close(r)
        if not close:
            os.close(w)
    return h, unframe(out.getvalue())


def _open(uri: str, text: str, version: int = 1) -> bytes:
    return frame({"method": "textDocument/didOpen",
                  "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": version, "text": text}}})


def test_run_answers_and_publishes_and_keeps_every_byte(tmp_path):
    uri = uri_for(tmp_path)
    data = (frame({"id": 0, "method": "initialize", "params": init_params(["utf-32", "utf-8"])})
            + frame({"method": "initialized", "params": {}})
            + _open(uri, GOOD.replace("push:", "pussh:").replace("build:", "biuld:"), 3)
            + frame({"id": 1, "method": "textDocument/hover", "params": {}})[:10])
    h, sent = _run(data, close=False)
    assert h.consumed == data  # the partial hover request too
    assert sent[0]["id"] == 0 and sent[0]["result"]["capabilities"]["positionEncoding"] == "utf-32"
    assert sent[0]["result"]["serverInfo"] == {"name": "skaffold-ls", "version": "9.9"}
    assert sent[1]["method"] == "textDocument/publishDiagnostics"
    assert sent[1]["params"]["version"] == 3
    assert [d["code"] for d in sent[1]["params"]["diagnostics"]] == ["unknown-key"]
    assert h.init_id == 0 and h.published == sent[1]["params"] and h.store is not None


def test_run_applies_settings_from_initialize_then_did_change_configuration(tmp_path):
    old = GOOD.replace("skaffold/v4beta14", "skaffold/v4beta1")
    init = frame({"id": 0, "method": "initialize",
                  "params": init_params(options={"validation": {"outdatedApiVersion": "warning"}})})
    initialized = frame({"method": "initialized", "params": {}})
    change = frame({"method": "workspace/didChangeConfiguration",
                    "params": {"settings": {"skaffold": {"validation": {"outdatedApiVersion": "error"}}}}})
    _, sent = _run(init + initialized + _open(uri_for(tmp_path), old))
    assert [(d["code"], d["severity"]) for d in sent[1]["params"]["diagnostics"]] == [("outdated-api-version", 2)]
    _, sent = _run(init + initialized + change + _open(uri_for(tmp_path), old))
    assert [(d["code"], d["severity"]) for d in sent[1]["params"]["diagnostics"]] == [("outdated-api-version", 1)]


@pytest.mark.parametrize("first", [
    b"Content-Length: 5\r\n\r\n{\"a\":",  # cut short
    b"content-length: 2\r\n\r\n{}",  # pygls wants this exact header
    b"\r\nContent-Length: 2\r\n\r\n{}",
    frame({"id": 1, "method": "shutdown"}),
    frame({"method": "exit"}),
    b"Content-Length: 4\r\n\r\nnull",
    b"Content-Length: 3\r\n\r\n{x}",
    frame({"id": 1, "method": "initialize", "params": {"capabilities": None}}),
])
def test_run_hands_over_untouched_on_anything_unexpected(first):
    h, sent = _run(first + frame({"method": "exit"}))
    assert sent == [] and h.init_result is None
    assert h.consumed == first + frame({"method": "exit"})


def test_run_stops_after_initialize_at_another_message_or_silence(tmp_path):
    init = frame({"id": 7, "method": "initialize", "params": init_params()})
    for rest in (frame({"id": 8, "method": "shutdown"}),
                 frame({"method": "initialized", "params": {}}) + frame({"method": "workspace/didChangeConfiguration",
                                                                         "params": {"settings": {}}}),
                 frame({"method": "initialized", "params": {}}) + _open(uri_for("/x", "notes.yaml"), "a: 1\n"),
                 frame({"method": "initialized", "params": {}}) + _open(uri_for("/x"), "x" * (fast_start.MAX_TEXT + 1))):
        h, sent = _run(init + rest)
        assert [m.get("id") for m in sent] == [7]
        assert h.consumed == init + rest and h.published is None
    start = time.monotonic()
    h, sent = _run(init, close=False, timeout=0.2)  # the client says nothing more: hand over
    assert time.monotonic() - start < 5
    assert [m.get("id") for m in sent] == [7] and h.consumed == init


# ---------------------------------------------------------------------------
# The capabilities snapshot can never drift from what pygls answers

CLIENTS = {
    "utf-16 (default)": init_params(),
    "utf-8": init_params(["utf-8", "utf-16"]),
    "utf-32": init_params(["utf-32"]),
    "unknown encodings": init_params(["utf-7", "latin-1"]),
    "vscode": init_params(caps=caps_of("visual-studio-code")),
    "neovim": init_params(caps=caps_of("neovim")),
    "will-save true": init_params(caps={"textDocument": {"synchronization": {"willSave": True,
                                                                           "willSaveWaitUntil": False}},
                                        "notebookDocument": {"synchronization": {}}}),
}


def test_pygls_is_the_minor_version_the_snapshot_was_made_with():
    """The fast start copies what pygls answers and how it frames and drops messages, so
    pyproject.toml pins pygls to one minor version. A pygls outside it fails here (and turns
    the fast start off at run time): re-run this file on it, then widen the pin."""
    made_with = fast_start.load_snapshot()["pygls"]
    installed = importlib.metadata.version("pygls")
    assert fast_start.installed_pygls_version() == installed
    assert installed.split(".")[:2] == made_with.split(".")[:2], (installed, made_with)
    major, minor = (int(x) for x in made_with.split(".")[:2])
    pyproject = (Path(__file__).parents[2] / "pyproject.toml").read_text(encoding="utf-8")
    assert f'"pygls>={major}.{minor},<{major}.{minor + 1}",' in pyproject
    assert not fast_start.disabled()


def test_the_fast_start_steps_aside_for_another_pygls(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv(fast_start.ENV_DISABLE, raising=False)
    monkeypatch.setattr(fast_start, "installed_pygls_version", lambda: "2.2.0")
    assert fast_start.disabled()


def test_snapshot_file_is_what_the_generator_writes():
    assert fast_start.load_snapshot() == fast_start.generate_snapshot(), \
        "regenerate with: python3 -m skaffold_ls.lsp.fast_start"


@pytest.mark.parametrize("name", list(CLIENTS))
def test_initialize_result_equals_pygls(name):
    params = CLIENTS[name]
    expected = fast_start._pygls_answer(params)["result"]
    assert fast_start.initialize_result(params, fast_start.load_snapshot(), __version__) == expected


# ---------------------------------------------------------------------------
# End to end, raw JSON: the same bytes a client gets with or without the fast start


def _session(tmp_path: Path, fast: bool, encodings: list[str] | None, text: str) -> tuple[list[dict[str, Any]], str]:
    log_file = tmp_path / f"server-{fast}-{encodings}.log"
    c = RawClient({} if fast else {fast_start.ENV_DISABLE: "1"}, log_file)
    uri = uri_for(tmp_path)
    try:
        c.send({"id": 1, "method": "initialize",
                "params": init_params(encodings, caps_of("visual-studio-code"), {"checks": {"enabled": False}})})
        c.send({"method": "initialized", "params": {}})
        c.send({"method": "textDocument/didOpen",
                "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 4, "text": text}}})
        c.send({"id": 2, "method": "textDocument/hover",  # right after didOpen: answered after the hand-over
                "params": {"textDocument": {"uri": uri}, "position": {"line": 3, "character": 1}}})
        c.wait(lambda m: m.get("id") == 2)
        c.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics")
        time.sleep(0.3)
        c.stop()
    finally:
        c.kill()
    return c.seen, log_file.read_text(encoding="utf-8")


@pytest.mark.parametrize("encodings", [None, ["utf-8"], ["utf-32"]])
def test_client_sees_the_same_messages_with_and_without_fast_start(tmp_path, encodings):
    fast, log_text = _session(tmp_path, True, encodings, EMOJI_CRLF)
    slow, _ = _session(tmp_path, False, encodings, EMOJI_CRLF)
    assert "pygls imported: no" in log_text, log_text
    assert "differ" not in log_text, log_text

    def publishes(seen: list[dict[str, Any]]) -> list[Any]:
        return [m["params"] for m in seen if m.get("method") == "textDocument/publishDiagnostics"]

    assert publishes(fast) == publishes(slow)  # once each: the server's repeat was dropped
    (first,) = publishes(fast)
    assert [d["code"] for d in first["diagnostics"]] == ["unknown-key", "unknown-key", "invalid-enum"]
    init = [m for m in fast if m.get("id") == 1]
    assert len(init) == 1 and init == [m for m in slow if m.get("id") == 1]
    hover = [m for m in fast if m.get("id") == 2]
    assert hover == [m for m in slow if m.get("id") == 2] and hover[0].get("result")


# ---------------------------------------------------------------------------
# Through pytest-lsp (the `client` fixture starts the real command: fast start on)


@pytest.mark.asyncio
async def test_requests_right_after_the_first_didopen_are_answered(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    text = GOOD.replace("push:", "pussh:")
    mark = open_doc(client, uri, text)
    caps = client.init_result.capabilities  # type: ignore[attr-defined]
    pos = types.Position(line=2, character=2)  # on `build`
    doc = types.TextDocumentIdentifier(uri=uri)
    if caps.hover_provider:
        h = await client.text_document_hover_async(types.HoverParams(text_document=doc, position=pos))
        assert h is not None and "build" in str(h.contents).lower()
    if caps.completion_provider:
        items = await client.text_document_completion_async(types.CompletionParams(
            text_document=doc, position=types.Position(line=3, character=2)))
        assert items is not None
    p = await wait_diagnostics(client, uri, after=mark)
    assert p.version == 1
    published = [q for q in client.published[mark:] if q.uri == uri and q.version == 1]  # type: ignore[attr-defined]
    assert all(q.diagnostics == p.diagnostics for q in published)

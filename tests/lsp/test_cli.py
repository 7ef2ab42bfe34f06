"""`skaffold-ls serve`: TCP transport, help, and a clean exit."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _frame(msg: dict) -> bytes:
    body = json.dumps(msg).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read(sock: socket.socket, buf: bytearray) -> dict:
    while True:
        head, sep, rest = bytes(buf).partition(b"\r\n\r\n")
        if sep:
            length = int(next(line.split(b":")[1] for line in head.split(b"\r\n")
                              if line.lower().startswith(b"content-length")))
            if len(rest) >= length:
                del buf[:len(head) + 4 + length]
                return json.loads(rest[:length])
        chunk = sock.recv(65536)
        assert chunk, "server closed the connection"
        buf.extend(chunk)


def _connect(port: int, proc: subprocess.Popen[bytes]) -> socket.socket:
    deadline = time.monotonic() + 30
    while True:
        try:
            return socket.create_connection(("127.0.0.1", port), timeout=30)
        except OSError:
            assert time.monotonic() < deadline and proc.poll() is None, "server did not listen"
            time.sleep(0.05)


def test_serve_over_tcp_publishes_diagnostics():
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "skaffold_ls", "serve", "--tcp", "--host", "127.0.0.1",
                             "--port", str(port)], stderr=subprocess.PIPE)
    try:
        sock = _connect(port, proc)
        buf = bytearray()
        with sock:
            sock.sendall(_frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                 "params": {"processId": None, "rootUri": None, "capabilities": {}}}))
            while "id" not in (msg := _read(sock, buf)):
                pass
            assert msg["result"]["serverInfo"]["name"] == "skaffold-ls"
            sock.sendall(_frame({"jsonrpc": "2.0", "method": "initialized", "params": {}}))
            sock.sendall(_frame({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
                "uri": "file:///tmp/tcp/skaffold.yaml", "languageId": "yaml", "version": 4,
                "text": "kind: Config\n"}}}))
            while (msg := _read(sock, buf)).get("method") != "textDocument/publishDiagnostics":
                pass
            assert msg["params"]["version"] == 4
            assert [d["code"] for d in msg["params"]["diagnostics"]] == ["missing-api-version"]
            sock.sendall(_frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None}))
            while _read(sock, buf).get("id") != 2:
                pass
            sock.sendall(_frame({"jsonrpc": "2.0", "method": "exit", "params": None}))
        assert proc.wait(timeout=20) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_tcp_refuses_a_huge_content_length_and_serves_on():
    """Over TCP as over stdio: a message announcing 100 GB is refused (pygls' own TCP server would
    try to read it at once and die of MemoryError), and the next messages are answered."""
    port = _free_port()
    proc = subprocess.Popen([sys.executable, "-m", "skaffold_ls", "serve", "--tcp", "--port", str(port)],
                            stderr=subprocess.PIPE)
    try:
        buf = bytearray()
        with _connect(port, proc) as sock:
            sock.sendall(b"Content-Length: 99999999999\r\n\r\n" + b'{"jsonrpc": "2.0", "id": 0}')
            sock.sendall(_frame({"jsonrpc": "2.0", "id": 1, "method": "initialize",
                                 "params": {"processId": None, "rootUri": None, "capabilities": {}}}))
            while (msg := _read(sock, buf)).get("id") != 1:
                pass
            assert msg["result"]["serverInfo"]["name"] == "skaffold-ls"
            sock.sendall(_frame({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None}))
            while _read(sock, buf).get("id") != 2:
                pass
            sock.sendall(_frame({"jsonrpc": "2.0", "method": "exit", "params": None}))
        assert proc.wait(timeout=20) == 0
        assert b"MemoryError" not in proc.stderr.read()  # type: ignore[union-attr]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def test_serve_help_mentions_the_settings():
    r = subprocess.run([sys.executable, "-m", "skaffold_ls", "serve", "--help"], capture_output=True, text=True,
                       timeout=60)
    assert r.returncode == 0
    assert "--tcp" in r.stdout and "checks.enabled" in r.stdout


def test_serve_refuses_a_bad_port():
    r = subprocess.run([sys.executable, "-m", "skaffold_ls", "serve", "--tcp", "--port", "70000"],
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "not a valid port" in r.stderr

"""A raw LSP client over stdio: exact bytes in, every message out, for protocol edge cases
that pytest-lsp's typed client cannot send (bad params, bad framing, wrong order)."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

NO_FAST_START = {"SKAFFOLD_LS_NO_FAST_START": "1"}


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class RawClient:
    """`skaffold-ls serve` as a subprocess. Requests from the server are answered as an
    editor would (workspace/configuration from `settings`, registrations with null): when
    the test takes messages, or with `answer_at_once` as soon as they arrive (as Neovim does)."""

    def __init__(self, env: dict[str, str] | None = None, log_file: Path | None = None,
                 settings: dict[str, Any] | None = None, answer_at_once: bool = False):
        argv = [sys.executable, "-m", "skaffold_ls", "serve"]
        if log_file is not None:
            argv += ["-v", "--log-file", str(log_file)]
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env={**os.environ, **(env or {})})
        self.settings = settings
        self.answer_at_once = answer_at_once
        self.messages: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        self.ended = False
        self._lock = threading.Lock()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        while True:
            n = None
            while True:
                line = self.proc.stdout.readline()
                if not line:
                    self.messages.put(None)
                    return
                if line.lower().startswith(b"content-length:"):
                    n = int(line.split(b":")[1])
                if line == b"\r\n":
                    break
            assert n is not None
            message = json.loads(self.proc.stdout.read(n))
            if self.answer_at_once and "id" in message and "method" in message:
                self._answer(message)
            self.messages.put(message)

    def send_bytes(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        with self._lock:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        self.send_bytes(frame(message))

    def _take(self, timeout: float) -> bool:
        try:
            m = self.messages.get(timeout=max(0.01, timeout))
        except queue.Empty:
            return False
        if m is None:
            self.ended = True
            return False
        self.seen.append(m)
        if "id" in m and "method" in m and not self.answer_at_once:
            self._answer(m)
        return True

    def _answer(self, request: dict[str, Any]) -> None:
        result: Any = None
        if request["method"] == "workspace/configuration":
            result = [self.settings for _ in request.get("params", {}).get("items", [None])]
        self.send({"id": request["id"], "result": result})

    def wait(self, pred: Any, timeout: float = 30) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        checked = 0
        while True:
            for m in self.seen[checked:]:
                if pred(m):
                    return m
            checked = len(self.seen)
            if self.ended or time.monotonic() > deadline:
                raise AssertionError(f"nothing matched (server ended: {self.ended}); got {self.seen}")
            self._take(deadline - time.monotonic())

    def answer(self, request_id: Any, timeout: float = 30) -> dict[str, Any]:
        return self.wait(lambda m: m.get("id") == request_id and "method" not in m, timeout)

    def drain(self, seconds: float) -> None:
        """Take whatever arrives for `seconds` (to see that something did not come)."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline and not self.ended:
            self._take(deadline - time.monotonic())

    def initialize(self, request_id: Any = "init", capabilities: dict[str, Any] | None = None,
                   options: Any = None) -> dict[str, Any]:
        params: dict[str, Any] = {"processId": None, "rootUri": None, "capabilities": capabilities or {}}
        if options is not None:
            params["initializationOptions"] = options
        self.send({"id": request_id, "method": "initialize", "params": params})
        answer = self.answer(request_id)
        self.send({"method": "initialized", "params": {}})
        return answer

    def stop(self, timeout: float = 10) -> int:
        """shutdown + exit; the exit status."""
        self.send({"id": "bye", "method": "shutdown"})
        self.answer("bye")
        self.send({"method": "exit"})
        return self.proc.wait(timeout=timeout)

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stderr(self) -> str:
        assert self.proc.stderr is not None
        return self.proc.stderr.read().decode("utf-8", "replace") if self.proc.poll() is not None else ""

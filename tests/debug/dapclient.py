"""Minimal DAP client over TCP for the tests (adapted from our feasibility research).

Content-Length framed JSON; a reader thread files responses by request seq and queues events.
"""

from __future__ import annotations

import contextlib
import json
import queue
import socket
import threading
import time
from typing import Any


class DAPClient:
    def __init__(self, host: str, port: int, timeout: float = 10.0) -> None:
        deadline = time.time() + timeout
        while True:
            try:
                self.sock = socket.create_connection((host, port), timeout=timeout)
                break
            except OSError:
                if time.time() > deadline:
                    raise
                time.sleep(0.1)
        self.sock.settimeout(None)
        self.seq = 0
        self.responses: dict[int, dict[str, Any]] = {}
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self.cv = threading.Condition()
        self.closed = False
        self.reader = threading.Thread(target=self._read_loop, daemon=True)
        self.reader.start()

    def _read_loop(self) -> None:
        f = self.sock.makefile("rb")
        try:
            while True:
                headers: dict[str, str] = {}
                while True:
                    line = f.readline()
                    if not line:
                        raise EOFError
                    text = line.decode("ascii").strip()
                    if not text:
                        break
                    k, v = text.split(":", 1)
                    headers[k.strip().lower()] = v.strip()
                msg = json.loads(f.read(int(headers["content-length"])))
                if msg["type"] == "response":
                    with self.cv:
                        self.responses[msg["request_seq"]] = msg
                        self.cv.notify_all()
                elif msg["type"] == "event":
                    self.events.put(msg)
        except (EOFError, OSError, ValueError):
            self.closed = True
            with self.cv:
                self.cv.notify_all()

    def send(self, command: str, arguments: dict[str, Any] | None = None) -> int:
        self.seq += 1
        msg: dict[str, Any] = {"seq": self.seq, "type": "request", "command": command}
        if arguments is not None:
            msg["arguments"] = arguments
        data = json.dumps(msg).encode()
        self.sock.sendall(b"Content-Length: %d\r\n\r\n" % len(data) + data)
        return self.seq

    def wait_response(self, seq: int, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.time() + timeout
        with self.cv:
            while seq not in self.responses:
                left = deadline - time.time()
                if left <= 0 or self.closed:
                    raise TimeoutError(f"no response for seq {seq}")
                self.cv.wait(left)
            return self.responses.pop(seq)

    def request(self, command: str, arguments: dict[str, Any] | None = None, timeout: float = 30.0) -> dict[str, Any]:
        return self.wait_response(self.send(command, arguments), timeout)

    def wait_event(self, name: str, timeout: float = 30.0) -> dict[str, Any]:
        deadline = time.time() + timeout
        while True:
            left = deadline - time.time()
            if left <= 0:
                raise TimeoutError(f"no event {name}")
            try:
                ev = self.events.get(timeout=left)
            except queue.Empty:
                raise TimeoutError(f"no event {name}") from None
            if ev["event"] == name:
                return ev

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.close()


def dap_endpoint(config: dict[str, Any]) -> tuple[str, int]:
    """Where an editor connects for this launch.json attach configuration."""
    if config["type"] == "debugpy":
        return config["connect"]["host"], int(config["connect"]["port"])
    return config.get("host", "127.0.0.1"), int(config["port"])


def attach_and_wait_hit(
    config: dict[str, Any],
    source_file: str,
    line: int,
    trigger: Any = None,
    wait: float = 10.0,
) -> dict[str, Any] | None:
    """Attach exactly as an editor would with `config` (already variable-expanded), set one
    breakpoint on the local `source_file`, and return the top stack frame of the hit, or None.

    Breakpoints are cleared before disconnecting: Delve keeps them after a client leaves
    (feasibility pitfall 1). debugpy answers `attach` only after `configurationDone`.
    """
    host, port = dap_endpoint(config)
    c = DAPClient(host, port)
    hit: dict[str, Any] | None = None
    try:
        adapter = "debugpy" if config["type"] == "debugpy" else "go"
        r = c.request("initialize", {"clientID": "skaffold-ls-tests", "adapterID": adapter, "pathFormat": "path",
                                     "linesStartAt1": True, "columnsStartAt1": True})
        assert r["success"], r
        attach_seq = c.send("attach", config)
        c.wait_event("initialized")
        r = c.request("setBreakpoints", {"source": {"path": source_file}, "breakpoints": [{"line": line}]})
        verified = any(b.get("verified") for b in r.get("body", {}).get("breakpoints", []))
        c.request("configurationDone")
        r = c.wait_response(attach_seq)
        assert r["success"], r
        stop_trigger = threading.Event()

        def poke() -> None:
            while not stop_trigger.is_set():
                with contextlib.suppress(Exception):
                    trigger()
                stop_trigger.wait(0.3)

        t = None
        if trigger is not None:
            t = threading.Thread(target=poke, daemon=True)
            t.start()
        try:
            ev = c.wait_event("stopped", timeout=wait)
        except TimeoutError:
            ev = None
        stop_trigger.set()
        if ev is not None:
            tid = ev["body"]["threadId"]
            frames = c.request("stackTrace", {"threadId": tid, "levels": 1})["body"]["stackFrames"]
            hit = frames[0] if frames else {"reason": ev["body"].get("reason")}
            c.request("setBreakpoints", {"source": {"path": source_file}, "breakpoints": []})
            c.request("continue", {"threadId": tid})
        elif verified:
            # clear it so the debuggee never stops with nobody attached; an unverified breakpoint
            # does not exist in the target (and halting a running Delve target just to clear
            # nothing is slow under load)
            c.request("setBreakpoints", {"source": {"path": source_file}, "breakpoints": []})
        with contextlib.suppress(TimeoutError):
            c.request("disconnect", {"terminateDebuggee": False}, timeout=10)
        if t is not None:
            t.join(2)
    finally:
        c.close()
    return hit

"""Client of skaffold's `GET /v2/events` stream and the join of debug containers with forwards.

The stream (FACTS §b) is newline-delimited JSON, each line `{"result": <Event>}` with proto
field names (`podName`, `task_id`) and every field present. `debuggingContainerEvent` says a
debuggable container started (runtime, container ports by name, workingDir);
`portEvent` says a port was forwarded (sent even when the forward failed). They are joined
on namespace + pod + container + port name, in whichever order they arrive.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

# Container port names skaffold gives debug ports, per runtime (FACTS §a).
DEBUG_PORT_NAMES = ("dlv", "dap", "pydevd", "devtools", "jdwp")


@dataclass(frozen=True)
class DebugContainer:
    namespace: str
    pod: str
    container: str
    artifact: str
    runtime: str
    working_dir: str
    debug_ports: dict[str, int] = field(hash=False, compare=False, default_factory=dict)

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.namespace, self.pod, self.container)


@dataclass(frozen=True)
class Forward:
    namespace: str
    pod: str
    container: str
    port_name: str
    local_port: int
    address: str
    remote_port: int | None


@dataclass(frozen=True)
class Ready:
    container: DebugContainer
    forward: Forward


@dataclass(frozen=True)
class Started:
    """A debuggable container with no port to forward (netcore) or whose forward has not come yet."""

    container: DebugContainer


@dataclass(frozen=True)
class Terminated:
    container: DebugContainer
    reason: str


Outcome = Ready | Started | Terminated


def _int(v: Any) -> int | None:
    try:
        return int(v)
    except (TypeError, ValueError):
        return None


def parse_debugging_event(e: dict[str, Any]) -> tuple[str, DebugContainer]:
    ports = {str(k): int(v) for k, v in (e.get("debugPorts") or {}).items() if _int(v) is not None}
    return str(e.get("status") or ""), DebugContainer(
        namespace=str(e.get("namespace") or ""),
        pod=str(e.get("podName") or ""),
        container=str(e.get("containerName") or ""),
        artifact=str(e.get("artifact") or ""),
        runtime=str(e.get("runtime") or ""),
        working_dir=str(e.get("workingDir") or ""),
        debug_ports=ports,
    )


def parse_port_event(e: dict[str, Any]) -> Forward:
    target = e.get("targetPort") or {}
    remote = None
    if isinstance(target, dict):
        remote = _int(target.get("intVal")) if not target.get("type") else None
    if not remote:
        remote = _int(e.get("remotePort"))
    return Forward(
        namespace=str(e.get("namespace") or ""),
        pod=str(e.get("podName") or ""),
        container=str(e.get("containerName") or ""),
        port_name=str(e.get("portName") or ""),
        local_port=int(e.get("localPort") or 0),
        address=str(e.get("address") or "127.0.0.1"),
        remote_port=remote or None,
    )


class Joiner:
    """Pairs debuggingContainerEvent with portEvent, in either order; idempotent on replays."""

    def __init__(self) -> None:
        self.containers: dict[tuple[str, str, str], DebugContainer] = {}
        self.forwards: dict[tuple[str, str, str], list[Forward]] = {}
        self._emitted: set[tuple[str, str, str, str, int]] = set()

    def feed(self, event: dict[str, Any]) -> list[Outcome]:
        if event.get("debuggingContainerEvent"):
            status, c = parse_debugging_event(event["debuggingContainerEvent"])
            if status == "Terminated":
                return self._terminated(c)
            if status == "Started":
                return self._started(c)
            return []
        if event.get("portEvent"):
            return self._forwarded(parse_port_event(event["portEvent"]))
        return []

    def _matches(self, c: DebugContainer, f: Forward) -> str | None:
        """The debug port name `f` forwards for container `c`, or None."""
        if (f.namespace, f.pod, f.container) != c.key and not (
            f.container == "" and (f.namespace, f.pod) == (c.namespace, c.pod) and f.port_name in c.debug_ports
        ):
            return None
        if f.port_name and f.port_name in c.debug_ports:
            return f.port_name
        if f.remote_port is not None:
            for name, num in c.debug_ports.items():
                if num == f.remote_port:
                    return name
        return None

    def _ready(self, c: DebugContainer, f: Forward, port_name: str) -> list[Outcome]:
        key = (c.namespace, c.pod, c.container, port_name, f.local_port)
        if key in self._emitted:
            return []
        self._emitted.add(key)
        return [Ready(c, Forward(f.namespace, f.pod, c.container, port_name, f.local_port, f.address, f.remote_port))]

    def _started(self, c: DebugContainer) -> list[Outcome]:
        known = self.containers.get(c.key)
        self.containers[c.key] = c
        out: list[Outcome] = []
        for f in self.forwards.get((c.namespace, c.pod, c.container), []) + self.forwards.get((c.namespace, c.pod, ""), []):
            name = self._matches(c, f)
            if name:
                out.extend(self._ready(c, f, name))
        if not out and not c.debug_ports and known is None:
            out.append(Started(c))
        return out

    def _forwarded(self, f: Forward) -> list[Outcome]:
        lst = self.forwards.setdefault((f.namespace, f.pod, f.container), [])
        lst[:] = [x for x in lst if x.port_name != f.port_name or x.remote_port != f.remote_port]
        lst.append(f)
        out: list[Outcome] = []
        for c in list(self.containers.values()):
            name = self._matches(c, f)
            if name:
                out.extend(self._ready(c, f, name))
        return out

    def _terminated(self, c: DebugContainer) -> list[Outcome]:
        known = self.containers.pop(c.key, None)
        self.forwards.pop(c.key, None)
        self._emitted = {k for k in self._emitted if k[:3] != c.key}
        if known is None:
            return [Terminated(c, "terminated")]
        return [Terminated(known, "terminated")]


class EventStream:
    """Follows `GET /v2/events` on 127.0.0.1:port in a thread; reconnects; drops replayed duplicates."""

    def __init__(
        self,
        port: int,
        on_event: Callable[[dict[str, Any]], None],
        alive: Callable[[], bool],
        host: str = "127.0.0.1",
        on_error: Callable[[str], None] | None = None,
    ) -> None:
        self.host, self.port = host, port
        self.on_event = on_event
        self.alive = alive
        self.on_error = on_error
        self.stop = threading.Event()
        self.connected = threading.Event()
        self._seen: set[str] = set()
        self._conn: http.client.HTTPConnection | None = None
        self.thread = threading.Thread(target=self._run, name="skaffold-events", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def close(self) -> None:
        self.stop.set()
        conn = self._conn
        if conn is not None and conn.sock is not None:
            with contextlib.suppress(OSError):
                conn.sock.shutdown(2)

    def _run(self) -> None:
        delay = 0.02
        while not self.stop.is_set():
            try:
                conn = http.client.HTTPConnection(self.host, self.port, timeout=5)
                self._conn = conn
                conn.request("GET", "/v2/events", headers={"Accept": "application/json"})
                resp = conn.getresponse()
                if resp.status != 200:
                    raise OSError(f"GET /v2/events: HTTP {resp.status}")
                if conn.sock is not None:
                    conn.sock.settimeout(None)
                self.connected.set()
                delay = 0.02
                while not self.stop.is_set():
                    raw = resp.readline()
                    if not raw:
                        break
                    self._line(raw)
                conn.close()
            except (OSError, http.client.HTTPException):
                pass
            if self.stop.is_set() or not self.alive():
                return
            time.sleep(delay)
            delay = min(delay * 2, 0.5)

    def _line(self, raw: bytes) -> None:
        text = raw.decode("utf-8", "replace").strip()
        if not text:
            return
        if text in self._seen:
            return  # replayed after a reconnect
        self._seen.add(text)
        try:
            obj = json.loads(text)
        except ValueError:
            return
        if isinstance(obj, dict) and isinstance(obj.get("result"), dict):
            self.on_event(obj["result"])
        elif isinstance(obj, dict) and obj.get("error") and self.on_error:
            err = obj["error"]
            self.on_error(str(err.get("message") if isinstance(err, dict) else err))

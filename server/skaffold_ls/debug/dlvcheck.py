"""Is a headless Delve's target running yet? (JSON-RPC `RPCServer.State`, non-blocking.)

`dlv exec --headless --continue --accept-multiclient` resumes the target through an internal
client that connects a moment after the listener opens. A debugger attaching before that
client has run sees the target resumed behind its back (observed with Delve 1.20 on a loaded
machine: `stackTrace` fails with "debuggee is running" right after a breakpoint stop). The
bridge therefore reports a Go container `ready` once Delve says the target runs. Delve
accepts extra clients in this mode, so asking is harmless (unlike a bare connect to debugpy).
"""

from __future__ import annotations

import json
import socket


def dlv_running(host: str, port: int, timeout: float = 1.0) -> bool | None:
    """True: the target runs; False: halted or not started; None: no answer / not Delve."""
    try:
        with socket.create_connection((host, port), timeout=timeout) as s:
            s.settimeout(timeout)
            req = {"method": "RPCServer.State", "params": [{"NonBlocking": True}], "id": 1}
            s.sendall(json.dumps(req).encode() + b"\n")
            buf = b""
            dec = json.JSONDecoder()
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    return None
                buf += chunk
                try:
                    obj, _ = dec.raw_decode(buf.decode("utf-8", "replace").lstrip())
                except ValueError:
                    if len(buf) > 1 << 20:
                        return None
                    continue
                if not isinstance(obj, dict) or obj.get("error"):
                    return None
                state = (obj.get("result") or {}).get("State") or {}
                if state.get("exited"):
                    return False
                return bool(state.get("Running"))
    except (OSError, ValueError):
        return None

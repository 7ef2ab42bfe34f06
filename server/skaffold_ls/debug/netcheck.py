"""Is anything listening on a local TCP port? Without connecting to it.

A bare connect-and-close to a debugpy port (directly or through a port-forward) leaves
debugpy unable to answer the next debugger (feasibility pitfall 3), so the bridge never
probes forwarded ports by connecting. On Linux it reads the kernel's socket tables;
elsewhere it answers None (unknown) and the caller trusts skaffold's portEvent.
"""

from __future__ import annotations

import sys

_LISTEN = "0A"


def listening(port: int) -> bool | None:
    if not sys.platform.startswith("linux"):
        return None
    found_table = False
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(table, encoding="ascii") as f:
                lines = f.readlines()[1:]
        except OSError:
            continue
        found_table = True
        for line in lines:
            parts = line.split()
            if len(parts) < 4 or parts[3] != _LISTEN:
                continue
            try:
                if int(parts[1].rsplit(":", 1)[1], 16) == port:
                    return True
            except (IndexError, ValueError):
                continue
    return False if found_table else None

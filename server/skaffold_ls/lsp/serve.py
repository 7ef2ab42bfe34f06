"""`skaffold-ls serve`: run the language server on stdio or TCP."""

from __future__ import annotations

import argparse
import contextlib
import gc
import logging
import os
import socket
import sys
from typing import Any


def run(args: argparse.Namespace) -> int:
    level = {0: logging.WARNING, 1: logging.INFO}.get(args.verbose, logging.DEBUG)
    handler: logging.Handler
    if args.log_file:
        try:
            handler = logging.FileHandler(args.log_file, encoding="utf-8")
        except OSError as e:
            print(f"skaffold-ls: cannot write log file {args.log_file}: {e.strerror or e}", file=sys.stderr)
            return 2
    else:
        handler = logging.StreamHandler(sys.stderr)  # never stdout: it carries JSON-RPC
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=level, handlers=[handler], force=True)

    handover = None
    if not args.tcp:
        from skaffold_ls.lsp import fast_start

        if not fast_start.disabled():
            # Answer initialize and publish the first document's diagnostics before
            # paying ~450 ms for pygls + lsprotocol; the server gets every byte replayed.
            from skaffold_ls import __version__

            try:
                fd = sys.stdin.buffer.fileno()
            except (AttributeError, OSError, ValueError):
                fd = -1
            if fd >= 0:
                handover = fast_start.run(fd, sys.stdout.buffer, __version__)

    from skaffold_ls.lsp.handlers import create_server
    from skaffold_ls.lsp.stream import GuardedReader

    # The schemas the fast start loaded are handed over, not loaded twice.
    server = create_server(*handover.loaded_store()) if handover is not None else create_server()
    # The imports (lsprotocol's thousand classes) are never garbage: keep the collector
    # from walking them again and again, and let it run less often. Analysing a
    # 5,000-line file allocates ~10^5 short-lived, acyclic nodes; with the defaults the
    # collector took a third of the time (127 ms -> 64 ms per analysis, measured).
    gc.freeze()
    gc.set_threshold(100_000, 20, 20)
    if args.tcp:
        if not 0 < args.port < 65536:
            print(f"skaffold-ls: --port {args.port} is not a valid port", file=sys.stderr)
            return 2
        try:
            listener = socket.create_server((args.host, args.port))
        except OSError as e:
            print(f"skaffold-ls: cannot listen on {args.host}:{args.port}: {e.strerror or e}", file=sys.stderr)
            return 2
        # One client, through the same guarded reader as stdio (pygls' own TCP server would read a
        # body of any announced length at once). Binds where --host says: 127.0.0.1 by default.
        with listener:
            connection, _ = listener.accept()
        with connection:
            reader: Any = GuardedReader(connection.makefile("rb"))  # has what pygls reads with
            server.start_io(reader, connection.makefile("wb"))
    else:
        stdin, stdout = handover.streams(sys.stdin.buffer, sys.stdout.buffer) if handover is not None \
            else (sys.stdin.buffer, sys.stdout.buffer)
        # pygls would read a body of any announced length at once (MemoryError at 100 GB).
        guarded: Any = GuardedReader(stdin)
        server.start_io(guarded, stdout)
    # Leave at once: a worker thread may still be running checks on a big document,
    # and the interpreter would wait for it before exiting.
    logging.shutdown()
    with contextlib.suppress(Exception):
        sys.stdout.flush()
        sys.stderr.flush()
    # LSP: exit status 0 when `shutdown` came before `exit` (or the end of input), else 1.
    os._exit(0 if server.protocol.shutdown_received else 1)

"""`skaffold-ls serve`: run the language server on stdio or TCP."""

from __future__ import annotations

import argparse
import logging
import sys


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

    from skaffold_ls.lsp.server import create_server

    server = create_server()
    if args.tcp:
        if not 0 < args.port < 65536:
            print(f"skaffold-ls: --port {args.port} is not a valid port", file=sys.stderr)
            return 2
        try:
            server.start_tcp(args.host, args.port)
        except OSError as e:
            print(f"skaffold-ls: cannot listen on {args.host}:{args.port}: {e.strerror or e}", file=sys.stderr)
            return 2
    else:
        server.start_io()
    return 0

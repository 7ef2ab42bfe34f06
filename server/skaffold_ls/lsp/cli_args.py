"""Arguments of `skaffold-ls serve` (stdlib only: parsed on every invocation)."""

from __future__ import annotations

import argparse

EPILOG = """\
Editors start this command and talk LSP over its stdin/stdout (the default).
With --tcp it listens on HOST:PORT instead and serves one client, which is handy
for attaching a debugger to the server or sharing one server between tools.
Logs go to stderr (or --log-file), never to stdout.

Settings (section `skaffold`, via initializationOptions or workspace/configuration):
  schemas.directory              folder of <version>.json schemas overriding the built-in ones
  validation.outdatedApiVersion  true/false or off|hint|information|warning|error
  checks.enabled                 false = schema validation only
  maxFileSize                    bytes; larger files get one diagnostic instead of analysis
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.epilog = EPILOG
    p.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default)")
    p.add_argument("--tcp", action="store_true", help="listen on a TCP socket instead of stdio")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on with --tcp (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=2087, help="port to listen on with --tcp (default: 2087)")
    p.add_argument("--log-file", metavar="FILE", help="write the server log to FILE instead of stderr")
    # vscode-languageclient may pass this; the server watches the client through LSP's processId anyway.
    p.add_argument("--clientProcessId", help=argparse.SUPPRESS)
    p.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")

"""Arguments of `skaffold-ls debug` (stdlib only: runs on every invocation)."""

from __future__ import annotations

import argparse

EPILOG = """\
examples:
  skaffold-ls debug                         # skaffold debug in the current folder
  skaffold-ls debug --json -- -p dev -m api # editor mode; everything after -- goes to skaffold
"""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.epilog = EPILOG
    parser.add_argument("--skaffold", metavar="PATH", help="skaffold executable (default: `skaffold` on PATH)")
    parser.add_argument("--workspace", metavar="DIR", default=".", help="project folder (default: current folder)")
    parser.add_argument("--launch-json", metavar="PATH",
                        help="launch.json to write (default: WORKSPACE/.vscode/launch.json)")
    parser.add_argument("--json", action="store_true",
                        help="one JSON event per line on stdout, for editors (see docs/debug-bridge.md)")
    parser.add_argument("--forward-timeout", type=float, default=10.0, metavar="SECONDS",
                        help="how long a reported port-forward may take to start listening (default 10)")
    parser.add_argument("skaffold_args", nargs="*", metavar="-- SKAFFOLD_ARGS",
                        help="arguments passed to `skaffold debug` (after --)")

"""The `skaffold-ls` command line.

Each subcommand's module is imported only when that subcommand runs, so
`skaffold-ls check` never pays for pygls and `skaffold-ls debug` never pays for
the kubernetes client until it needs it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from skaffold_ls import __version__

DESCRIPTION = """\
skaffold-ls: editor support and CI checks for skaffold.yaml, and a bridge from
`skaffold debug` to your debugger.

  skaffold-ls check skaffold.yaml        validate files (exit 1 on errors)
  skaffold-ls serve                      run the language server on stdio
  skaffold-ls fix --action NAME FILE     preview (or --apply) a code action
  skaffold-ls launch-config              print the debug attach configurations
  skaffold-ls debug -- -p dev            run `skaffold debug` and write launch.json
  skaffold-ls attach                     attach to pods already under `skaffold debug`
  skaffold-ls doctor                     what skaffold-ls sees, and what is missing
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="skaffold-ls",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"skaffold-ls {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    from skaffold_ls import commands

    commands.register(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        return 130

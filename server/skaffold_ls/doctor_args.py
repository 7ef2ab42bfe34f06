"""Arguments of `skaffold-ls doctor` (stdlib only: parsed on every invocation)."""

from __future__ import annotations

import argparse

COMMANDS = ("check", "serve", "fix", "launch-config", "debug", "attach")

EPILOG = """\
Shows what skaffold-ls sees: Python and package versions, the schema model, skaffold,
kubectl and dlv on PATH with their versions, the current kube context (never contacted)
and whether it is a local cluster, and the workspace's skaffold files with the folder each
is run from. Nothing is changed.

  skaffold-ls doctor                  everything, for every command
  skaffold-ls doctor --for check      only what `check` needs decides the exit status
  skaffold-ls doctor --json           the same as JSON

Exit status: 0 when everything the chosen commands need is there (default: all of them),
1 when something they need is missing, 2 usage problem.
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.epilog = EPILOG
    p.add_argument("--workspace", metavar="DIR", default=".", help="project folder (default: current folder)")
    p.add_argument("--for", dest="commands", action="append", choices=COMMANDS, metavar="COMMAND",
                   help=f"judge only what this command needs (repeatable; one of {', '.join(COMMANDS)})")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--schema-dir", metavar="DIR",
                   help="folder of <version>.json skaffold schemas that override the built-in ones")

"""Arguments of `skaffold-ls fix` (stdlib only: parsed on every invocation)."""

from __future__ import annotations

import argparse

EPILOG = """\
Without --apply, prints a unified diff of what the action changes (the skaffold file and
any Dockerfile it touches or creates) and leaves the files alone. With --apply, writes them.
Notes about what was derived or left out go to stderr.

  skaffold-ls fix --list skaffold.yaml
  skaffold-ls fix --action upgrade-latest skaffold.yaml
  skaffold-ls fix --action docker-to-ko --line 7 --apply skaffold.yaml

Exit status: 0 done (or listed), 1 the action is not available here or refused (the
reason is printed), 2 usage or I/O problem.
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.epilog = EPILOG
    p.add_argument("file", metavar="FILE", help="the skaffold.yaml to act on")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--action", metavar="NAME", help="the code action to run (see --list)")
    group.add_argument("--list", action="store_true", help="list the actions available in FILE")
    p.add_argument("--apply", action="store_true", help="write the changes instead of printing a diff")
    p.add_argument("--line", type=int, metavar="N",
                   help="only actions about line N (1-based), e.g. the artifact or the diagnostic there")
    p.add_argument("--all", action="store_true",
                   help="repeat the action while it still applies (e.g. every unknown key)")
    p.add_argument("--schema-dir", metavar="DIR",
                   help="folder of <version>.json skaffold schemas that override the built-in ones")

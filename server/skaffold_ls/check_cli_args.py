"""Arguments of `skaffold-ls check` (stdlib only: parsed on every invocation)."""

from __future__ import annotations

import argparse

EPILOG = """\
Paths may be files, directories (searched for skaffold*.yaml and *.skaffold.yaml)
or glob patterns. Output: one line per finding, `file:line:col: severity code message`
with 1-based lines and columns (like compilers); --format json (a list of findings),
sarif (SARIF 2.1.0, for GitHub code scanning and other SARIF viewers) or github
(workflow commands: annotations on the pull request's lines).

Exit status: 0 no errors, 1 at least one error, 2 usage or I/O problem.
"""


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.epilog = EPILOG
    p.add_argument("paths", nargs="+", metavar="PATH", help="files, directories or globs to check")
    p.add_argument("--format", choices=("text", "json", "sarif", "github"), default="text", help="output format (default: text)")
    p.add_argument("--schema-dir", metavar="DIR",
                   help="folder of <version>.json skaffold schemas that override the built-in ones")
    p.add_argument("--schema-only", action="store_true",
                   help="only validate against the schema: skip file, debug-readiness and security checks")
    p.add_argument("--no-outdated", action="store_true",
                   help="don't report configs that use an older apiVersion than the latest")
    p.add_argument("--severity", choices=("error", "warning", "info", "hint"), default=None,
                   help="lowest severity to report (default: warning for text and github, everything for json and sarif)")
    p.add_argument("--run-dir", metavar="DIR",
                   help="the folder skaffold runs in for these configs (default: decided per config: its "
                        "folder, unless a script in the repository runs it from elsewhere)")

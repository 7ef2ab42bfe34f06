"""Arguments of `skaffold-ls launch-config` (stdlib only)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--workspace", metavar="DIR", default=".", help="project folder (default: current folder)")
    parser.add_argument("-f", "--filename", metavar="FILE", help="skaffold config (default: WORKSPACE/skaffold.yaml)")
    parser.add_argument("-p", "--profile", action="append", default=[], metavar="PROFILE",
                        help="activate a profile, as `skaffold debug -p` (repeatable, or comma-separated)")
    parser.add_argument("-m", "--module", action="append", default=[], metavar="NAME",
                        help="only these configs (metadata.name), as `skaffold -m`")
    parser.add_argument("--write", action="store_true",
                        help="write them into launch.json instead of printing them")
    parser.add_argument("--cloud-code", action="store_true",
                        help="also the user's guide's Cloud Code form (type cloudcode.kubernetes, debug[].sourceFileMap)")
    parser.add_argument("--launch-json", metavar="PATH",
                        help="launch.json to write (default: WORKSPACE/.vscode/launch.json)")

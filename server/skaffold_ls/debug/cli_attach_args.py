"""Arguments of `skaffold-ls attach` (stdlib only)."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--context", metavar="CTX", help="kubeconfig context (default: the current one)")
    parser.add_argument("--namespace", "-n", metavar="NS", help="namespace (default: the context's, else default)")
    parser.add_argument("--kubeconfig", metavar="FILE", help="kubeconfig file (default: $KUBECONFIG or ~/.kube/config)")
    parser.add_argument("--workspace", metavar="DIR", default=".", help="project folder (default: current folder)")
    parser.add_argument("-f", "--filename", metavar="FILE", help="skaffold config (default: WORKSPACE/skaffold.yaml)")
    parser.add_argument("-p", "--profile", action="append", default=[], metavar="PROFILE",
                        help="profile(s) the pods were deployed with, for the source mapping")
    parser.add_argument("--launch-json", metavar="PATH",
                        help="launch.json to write (default: WORKSPACE/.vscode/launch.json)")
    parser.add_argument("--address", default="127.0.0.1",
                        help="local address to listen on (default 127.0.0.1; anything else exposes the debugger)")
    parser.add_argument("--json", action="store_true", help="one JSON event per line on stdout, like `debug --json`")
    parser.add_argument("--poll-interval", type=float, default=2.0, metavar="SECONDS",
                        help="how often pods are re-listed to follow replacements (default 2)")

"""`skaffold-ls attach`: forward the debug ports of pods already under `skaffold debug`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def run(args: argparse.Namespace) -> int:
    from skaffold_ls.debug.attach import Attacher

    workspace = Path(args.workspace)
    if not workspace.is_dir():
        print(f"skaffold-ls: error: --workspace {workspace}: not a folder", file=sys.stderr)
        return 2
    if args.address not in ("127.0.0.1", "localhost", "::1"):
        print(f"skaffold-ls: warning: listening on {args.address} lets other machines reach your debugger",
              file=sys.stderr)
    return Attacher(
        workspace,
        launch_json=Path(args.launch_json) if args.launch_json else None,
        context=args.context,
        namespace=args.namespace,
        kubeconfig=args.kubeconfig,
        address=args.address,
        json_mode=bool(args.json),
        poll_interval=float(args.poll_interval),
        skaffold_file=Path(args.filename) if args.filename else None,
        profiles=args.profile,
    ).run()

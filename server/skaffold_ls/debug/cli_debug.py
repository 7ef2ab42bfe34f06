"""`skaffold-ls debug`: run `skaffold debug`, forward debug ports, write launch.json."""

from __future__ import annotations

import argparse
from pathlib import Path


def run(args: argparse.Namespace) -> int:
    from skaffold_ls.debug.bridge import run_bridge

    skaffold_args = list(args.skaffold_args or [])
    if skaffold_args and skaffold_args[0] == "--":
        skaffold_args = skaffold_args[1:]
    workspace = Path(args.workspace)
    if not workspace.is_dir():
        from skaffold_ls.debug.bridge import Emitter

        emit = Emitter(bool(args.json))
        emit.error(f"--workspace {workspace}: not a folder")
        emit.exit(2)
        return 2
    return run_bridge(
        workspace,
        skaffold_args,
        launch_json=Path(args.launch_json) if args.launch_json else None,
        skaffold=args.skaffold,
        json_mode=bool(args.json),
        forward_timeout=float(args.forward_timeout),
    )

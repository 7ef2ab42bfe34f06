"""`skaffold-ls launch-config`: the attach configurations `debug` would produce, offline."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path


def run(args: argparse.Namespace) -> int:
    from skaffold_ls.debug.bridge import MANAGED_KEYS
    from skaffold_ls.debug.launchjson import LaunchJsonError, upsert_launch_json
    from skaffold_ls.debug.offline import compound_for, offline_configurations
    from skaffold_ls.skaffold_config import SkaffoldConfigError

    workspace = Path(args.workspace)
    if not workspace.is_dir():
        print(f"skaffold-ls: error: --workspace {workspace}: not a folder", file=sys.stderr)
        return 2
    try:
        results = offline_configurations(
            workspace, Path(args.filename) if args.filename else None, args.profile, args.module)
    except SkaffoldConfigError as e:
        print(f"skaffold-ls: error: {e}", file=sys.stderr)
        return 2
    configs = [r.configuration for r in results if r.configuration is not None]
    for r in results:
        print(f"# {r.note}", file=sys.stderr)
        for w in r.mapping.warnings:
            print(f"# warning: {w}", file=sys.stderr)
    if not results:
        print("skaffold-ls: error: no build artifacts in the skaffold config", file=sys.stderr)
        return 1
    compounds = [compound_for(configs)] if configs else []
    if args.cloud_code:
        from skaffold_ls.debug.offline import cloud_code_configuration

        configs = [*configs, cloud_code_configuration(workspace, Path(args.filename) if args.filename else None, results)]
    if not args.write:
        print(json.dumps({"configurations": configs, "compounds": compounds}, indent=4, ensure_ascii=False))
        return 0
    path = Path(args.launch_json) if args.launch_json else workspace / ".vscode" / "launch.json"
    try:
        managed = (*MANAGED_KEYS, "skaffoldConfig", "debug")  # Cloud Code form; watch/cleanUp stay the user's
        changed = upsert_launch_json(path, configs, compounds, managed_keys=managed)
    except (LaunchJsonError, OSError) as e:
        print(f"skaffold-ls: error: {e}", file=sys.stderr)
        return 2
    print(f"{'wrote' if changed else 'unchanged:'} {len(configs)} configuration(s) in {path}")
    return 0

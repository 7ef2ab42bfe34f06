"""The debug bridge's subcommands: `debug`, `launch-config` and `attach`.

Each imports what it needs when it runs (the imports inside the functions are deliberate:
`skaffold-ls debug` spawns skaffold before it loads the configuration model, and none of
them pays for the others' modules).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from skaffold_ls.core.printable import printable


def run_debug(args: argparse.Namespace) -> int:
    from skaffold_ls.debug.bridge import Emitter, run_bridge  # start-up time: see the module docstring

    skaffold_args = list(args.skaffold_args or [])
    if skaffold_args and skaffold_args[0] == "--":
        skaffold_args = skaffold_args[1:]
    workspace = Path(args.workspace)
    if not workspace.is_dir():
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


def run_launch_config(args: argparse.Namespace) -> int:
    # start-up time: see the module docstring
    from skaffold_ls.config.project import report_lines
    from skaffold_ls.debug.bridge import MANAGED_KEYS
    from skaffold_ls.debug.launchjson import LaunchJsonError, upsert_launch_json
    from skaffold_ls.debug.offline import (
        PORTS_HEADER,
        cloud_code_configuration,
        compound_for,
        offline_configurations,
    )

    workspace = Path(args.workspace)
    if not workspace.is_dir():
        print(f"skaffold-ls: error: --workspace {printable(workspace)}: not a folder", file=sys.stderr)
        return 2
    skaffold_file = Path(args.filename) if args.filename else None
    offline = offline_configurations(workspace, skaffold_file, args.profile, args.module)
    project = offline.project
    missing = [p for p in project.errors() if p.code == "config-not-found"]
    if missing:
        print(f"skaffold-ls: {missing[0].message}", file=sys.stderr)
        return 2
    problems = report_lines(project, Path.cwd())
    for line in problems:
        print(line, file=sys.stderr)
    results = offline.configs
    if problems and results:
        print("skaffold-ls: `skaffold debug` would stop on the error(s) above; the configurations below "
              "assume they are fixed", file=sys.stderr)
    configs = [r.configuration for r in results if r.configuration is not None]
    if configs:
        print(f"# {PORTS_HEADER}", file=sys.stderr)
    for r in results:
        print(f"# {r.note}", file=sys.stderr)
        for w in r.mapping.warnings if r.mapping is not None else []:
            print(f"# warning: {w}", file=sys.stderr)
    if not results:
        if problems:
            return 1
        if offline.profiles_with_artifacts:
            listed = "; ".join(f"`-p {name}` adds {', '.join(images)}"
                               for name, images in offline.profiles_with_artifacts.items())
            print(f"skaffold-ls: no build artifacts without a profile: {listed}", file=sys.stderr)
        else:
            print("skaffold-ls: error: no build artifacts in the skaffold config", file=sys.stderr)
            return 1
    compounds = [compound_for(configs)] if configs else []
    if args.cloud_code:
        configs = [*configs, cloud_code_configuration(workspace, skaffold_file, results)]
    status = 1 if problems else 0
    if not args.write:
        print(json.dumps({"configurations": configs, "compounds": compounds}, indent=4, ensure_ascii=False))
        return status
    path = Path(args.launch_json) if args.launch_json else workspace / ".vscode" / "launch.json"
    try:
        managed = (*MANAGED_KEYS, "skaffoldConfig", "debug")  # Cloud Code form; watch/cleanUp stay the user's
        changed = upsert_launch_json(path, configs, compounds, managed_keys=managed, workspace=workspace)
    except (LaunchJsonError, OSError) as e:
        print(f"skaffold-ls: error: {printable(str(e))}", file=sys.stderr)
        return 2
    print(f"{'wrote' if changed else 'unchanged:'} {len(configs)} configuration(s) in {printable(path)}")
    return status


def run_attach(args: argparse.Namespace) -> int:
    from skaffold_ls.debug.attach import Attacher  # start-up time: the kubernetes client is heavy

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

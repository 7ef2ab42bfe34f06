"""`skaffold-ls launch-config`: the attach configurations `debug` would produce, offline."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from skaffold_ls.core.printable import printable


def run(args: argparse.Namespace) -> int:
    from skaffold_ls.config.project import report_lines
    from skaffold_ls.debug.bridge import MANAGED_KEYS
    from skaffold_ls.debug.launchjson import LaunchJsonError, upsert_launch_json
    from skaffold_ls.debug.offline import PORTS_HEADER, compound_for, offline_configurations

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
        from skaffold_ls.debug.offline import cloud_code_configuration

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

"""`skaffold-ls config`: the effective configuration skaffold runs, with where each value came from."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from skaffold_ls.config.activation import RunContext
from skaffold_ls.config.effective import load_effective
from skaffold_ls.config.loader import LoadRequest
from skaffold_ls.config.paths import find_workspace_root, run_directory
from skaffold_ls.config.sources import ReadFailure, Sources
from skaffold_ls.features.effective import current_context_name, problem_lines, render, stops_loading
from skaffold_ls.schema.location import latest_version


def run(args: argparse.Namespace) -> int:
    if args.file and args.filename and args.file != args.filename:
        return _usage(f"two files named: {args.file} and -f {args.filename}")
    path = Path(os.path.abspath(args.file or args.filename or "skaffold.yaml"))
    if path.is_dir():
        path = path / "skaffold.yaml"
    if not path.is_file():
        return _usage(f"no such file: {path}")
    env = dict(os.environ)
    for item in args.env:
        key, eq, value = item.partition("=")
        if not eq or not key:
            return _usage(f"--env {item}: expected KEY=VALUE")
        env[key] = value
    explicit = Path(args.run_dir).resolve() if args.run_dir else None
    if explicit is not None and not explicit.is_dir():
        return _usage(f"--run-dir {args.run_dir} is not a directory")
    sources = Sources()
    read = sources.read(path)
    first = next((d.value for d in read.documents if d.value is not None), None) \
        if not isinstance(read, ReadFailure) else None
    run_dir = run_directory(path, find_workspace_root(path, Path.cwd().resolve()), explicit, first)
    context = RunContext(command=args.command, env=env, kube_context=args.kube_context or None,
                         kube_context_from="--kube-context" if args.kube_context else "kubeconfig")
    request = LoadRequest(path, _split(args.profiles), _split(args.modules), context,
                          run_dir.path)
    eff = load_effective(sources, request, latest=latest_version(), defaults=not args.no_defaults,
                         read_kube_context=current_context_name)
    sys.stdout.write(render(eff, args.format, run_dir.reason))
    for line in problem_lines(eff, Path.cwd().resolve()):
        print(line, file=sys.stderr)
    return 1 if stops_loading(eff) else 0


def _split(values: list[str]) -> tuple[str, ...]:
    """skaffold's repeatable, comma-separated flags (`-p a,b -p c`)."""
    return tuple(x.strip() for v in values for x in v.split(",") if x.strip())


def _usage(message: str) -> int:
    print(f"skaffold-ls config: {message}", file=sys.stderr)
    return 2

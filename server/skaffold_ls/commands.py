"""Subcommand registry: each entry adds its parser and a lazy `run`.

A subcommand owned by module `pkg.mod` has two modules: `pkg.mod_args` with
`add_arguments(parser)` (stdlib imports only, it runs on every invocation) and
`pkg.mod` with `run(args) -> int`.
The import of the owning module happens inside `run`, never at parse time.
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
from typing import Any

# (name, module, help)
SUBCOMMANDS: list[tuple[str, str, str]] = [
    ("serve", "skaffold_ls.lsp.cli", "run the language server (stdio by default, or --tcp)"),
    ("check", "skaffold_ls.check_cli", "validate skaffold files and print diagnostics like a compiler"),
    ("config", "skaffold_ls.config_cli", "print the configuration skaffold runs, with where each value came from"),
    ("fix", "skaffold_ls.actions.cli", "show (or --apply) the diff of a code action on a file"),
    ("debug", "skaffold_ls.debug.cli_debug", "run `skaffold debug`, forward debug ports, write launch.json"),
    ("launch-config", "skaffold_ls.debug.cli_launch_config", "print or write the attach configurations, no cluster needed"),
    ("attach", "skaffold_ls.debug.cli_attach", "attach to pods already running under `skaffold debug`"),
    ("doctor", "skaffold_ls.doctor", "show what skaffold-ls sees and what your commands are missing"),
]


def register(sub: Any) -> None:
    for name, module_name, help_text in SUBCOMMANDS:
        module_args = importlib.import_module(module_name + "_args") if _has_args(module_name) else None
        p: argparse.ArgumentParser = sub.add_parser(
            name, help=help_text, description=help_text,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        if module_args is not None:
            module_args.add_arguments(p)
        p.set_defaults(run=_lazy_run(module_name))


def _has_args(module_name: str) -> bool:
    return importlib.util.find_spec(module_name + "_args") is not None


def _lazy_run(module_name: str) -> Any:
    def run(args: argparse.Namespace) -> int:
        module = importlib.import_module(module_name)
        return int(module.run(args) or 0)

    return run

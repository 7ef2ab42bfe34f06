"""The `skaffold-ls` command line: every subcommand's arguments, and a `run` for each
that imports the code doing the work only when that subcommand runs (so `check` never
pays for pygls, `debug` starts skaffold before it loads anything else, and nothing pays
for the kubernetes client until it needs it). Stdlib only at import time.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence

from skaffold_ls import __version__

DESCRIPTION = """\
skaffold-ls: editor support and CI checks for skaffold.yaml, and a bridge from
`skaffold debug` to your debugger.

  skaffold-ls check skaffold.yaml        validate files (exit 1 on errors)
  skaffold-ls config -p debug            what skaffold runs, with where each value came from
  skaffold-ls serve                      run the language server on stdio
  skaffold-ls fix --action NAME FILE     preview (or --apply) a code action
  skaffold-ls launch-config              print the debug attach configurations
  skaffold-ls debug -- -p dev            run `skaffold debug` and write launch.json
  skaffold-ls attach                     attach to pods already under `skaffold debug`
  skaffold-ls doctor                     what skaffold-ls sees, and what is missing
"""

# skaffold's own commands, for profiles activated by `command`.
SKAFFOLD_COMMANDS = ("dev", "debug", "run", "build", "render", "deploy")

SERVE_EPILOG = """\
Editors start this command and talk LSP over its stdin/stdout (the default).
With --tcp it listens on HOST:PORT instead and serves one client, which is handy
for attaching a debugger to the server or sharing one server between tools.
Logs go to stderr (or --log-file), never to stdout.

Settings (section `skaffold`, via initializationOptions or workspace/configuration):
  schemas.directory              folder of <version>.json schemas overriding the built-in ones
  validation.outdatedApiVersion  true/false or off|hint|information|warning|error
  checks.enabled                 false = schema validation only
  maxFileSize                    bytes; larger files get one diagnostic instead of analysis
"""

CHECK_EPILOG = """\
Paths may be files, directories (searched for skaffold*.yaml and *.skaffold.yaml)
or glob patterns. Output: one line per finding, `file:line:col: severity code message`
with 1-based lines and columns (like compilers); --format json (a list of findings),
sarif (SARIF 2.1.0, for GitHub code scanning and other SARIF viewers) or github
(workflow commands: annotations on the pull request's lines).

Exit status: 0 no errors, 1 at least one error, 2 usage or I/O problem.
"""

CONFIG_EPILOG = """\
Prints the configuration(s) skaffold runs for a command, as skaffold loads them: requires
resolved in skaffold's order, profiles activated (-p, `activation` on env / kube context /
command, `activeProfiles` of a `requires`) and applied, defaults skaffold fills in, a
required config's paths as skaffold resolves them (shown relative to the run directory).
Needs no skaffold binary and no cluster.

Every value that is not in the root file as written carries a comment saying where it
came from: `# profile debug, patch 1 (skaffold.yaml:84)`, `# from src/ledger/skaffold.yaml:12`,
`# default`. The header says which profiles are active and why, and which are not and
why not. --format json gives the same as a `source` object per value.

The kube context is --kube-context, else the current context in kubeconfig (read only
when a profile activates on a kube context; no cluster is contacted). Environment
variables are this process's, with --env on top.

Exit status: 0 fine; 1 skaffold would stop loading (a patch path that does not exist, an
unknown profile, a config required with different profiles...): `file:line:col: error
code message` lines on stderr, and what could be loaded still printed; 2 usage problem
or missing file.
"""

FIX_EPILOG = """\
Without --apply, prints a unified diff of what the action changes (the skaffold file and
any Dockerfile it touches or creates) and leaves the files alone. With --apply, writes them.
Notes about what was derived or left out go to stderr.

  skaffold-ls fix --list skaffold.yaml
  skaffold-ls fix --action upgrade-latest skaffold.yaml
  skaffold-ls fix --action docker-to-ko --line 7 --apply skaffold.yaml

Exit status: 0 done (or listed), 1 the action is not available here or refused (the
reason is printed), 2 usage or I/O problem.
"""

DEBUG_EPILOG = """\
examples:
  skaffold-ls debug                         # skaffold debug in the current folder
  skaffold-ls debug --json -- -p dev -m api # editor mode; everything after -- goes to skaffold
"""

DOCTOR_EPILOG = """\
Shows what skaffold-ls sees: Python and package versions, the schema model, skaffold,
kubectl and dlv on PATH with their versions, the current kube context (never contacted)
and whether it is a local cluster, and the workspace's skaffold files with the folder each
is run from. Nothing is changed.

  skaffold-ls doctor                  everything, for every command
  skaffold-ls doctor --for check      only what `check` needs decides the exit status
  skaffold-ls doctor --json           the same as JSON

Exit status: 0 when everything the chosen commands need is there (default: all of them),
1 when something they need is missing, 2 usage problem.
"""


def _serve_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--stdio", action="store_true", help="talk LSP over stdin/stdout (the default)")
    p.add_argument("--tcp", action="store_true", help="listen on a TCP socket instead of stdio")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on with --tcp (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=2087, help="port to listen on with --tcp (default: 2087)")
    p.add_argument("--log-file", metavar="FILE", help="write the server log to FILE instead of stderr")
    # vscode-languageclient may pass this; the server watches the client through LSP's processId anyway.
    p.add_argument("--clientProcessId", help=argparse.SUPPRESS)
    p.add_argument("-v", "--verbose", action="count", default=0, help="more logging (-vv for debug)")


def _check_arguments(p: argparse.ArgumentParser) -> None:
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


def _config_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", nargs="?", metavar="FILE",
                   help="the root config (skaffold's -f; a folder means its skaffold.yaml; default: skaffold.yaml)")
    p.add_argument("-f", "--filename", dest="filename", metavar="FILE", help="the same as FILE, as skaffold spells it")
    p.add_argument("-p", "--profile", dest="profiles", action="append", default=[], metavar="PROFILE",
                   help="activate a profile (repeatable or comma-separated; `-p -name` deactivates one)")
    p.add_argument("-m", "--module", dest="modules", action="append", default=[], metavar="MODULE",
                   help="only this config (by metadata.name) and the configs it requires (repeatable)")
    p.add_argument("--command", choices=SKAFFOLD_COMMANDS, default="dev",
                   help="the skaffold command, for `activation: command` (default: dev)")
    p.add_argument("--kube-context", metavar="NAME",
                   help="the kube context, as skaffold's --kube-context (default: kubeconfig's current context)")
    p.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                   help="an environment variable for `activation: env`, over this process's (repeatable)")
    p.add_argument("--run-dir", metavar="DIR",
                   help="the folder skaffold runs in (default: decided as `check` does: the config's folder, "
                        "unless a script in the repository runs it from elsewhere)")
    p.add_argument("--format", choices=("yaml", "json"), default="yaml", help="output format (default: yaml)")
    p.add_argument("--no-defaults", action="store_true",
                   help="leave out the defaults skaffold fills in: only what is written and what profiles change")


def _fix_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="the skaffold.yaml to act on")
    group = p.add_mutually_exclusive_group(required=True)
    group.add_argument("--action", metavar="NAME", help="the code action to run (see --list)")
    group.add_argument("--list", action="store_true", help="list the actions available in FILE")
    p.add_argument("--apply", action="store_true", help="write the changes instead of printing a diff")
    p.add_argument("--line", type=int, metavar="N",
                   help="only actions about line N (1-based), e.g. the artifact or the diagnostic there")
    p.add_argument("--all", action="store_true",
                   help="repeat the action while it still applies (e.g. every unknown key)")
    p.add_argument("--schema-dir", metavar="DIR",
                   help="folder of <version>.json skaffold schemas that override the built-in ones")


def _debug_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--skaffold", metavar="PATH", help="skaffold executable (default: `skaffold` on PATH)")
    p.add_argument("--workspace", metavar="DIR", default=".", help="project folder (default: current folder)")
    p.add_argument("--launch-json", metavar="PATH",
                   help="launch.json to write (default: WORKSPACE/.vscode/launch.json)")
    p.add_argument("--json", action="store_true",
                   help="one JSON event per line on stdout, for editors (see docs/debug-bridge.md)")
    p.add_argument("--forward-timeout", type=float, default=10.0, metavar="SECONDS",
                   help="how long a reported port-forward may take to start listening (default 10)")
    p.add_argument("skaffold_args", nargs="*", metavar="-- SKAFFOLD_ARGS",
                   help="arguments passed to `skaffold debug` (after --)")


def _launch_config_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workspace", metavar="DIR", default=".", help="project folder (default: current folder)")
    p.add_argument("-f", "--filename", metavar="FILE", help="skaffold config (default: WORKSPACE/skaffold.yaml)")
    p.add_argument("-p", "--profile", action="append", default=[], metavar="PROFILE",
                   help="activate a profile, as `skaffold debug -p` (repeatable, or comma-separated)")
    p.add_argument("-m", "--module", action="append", default=[], metavar="NAME",
                   help="only these configs (metadata.name), as `skaffold -m`")
    p.add_argument("--write", action="store_true",
                   help="write them into launch.json instead of printing them")
    p.add_argument("--cloud-code", action="store_true",
                   help="also the user's guide's Cloud Code form (type cloudcode.kubernetes, debug[].sourceFileMap)")
    p.add_argument("--launch-json", metavar="PATH",
                   help="launch.json to write (default: WORKSPACE/.vscode/launch.json)")


def _attach_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--context", metavar="CTX", help="kubeconfig context (default: the current one)")
    p.add_argument("--namespace", "-n", metavar="NS", help="namespace (default: the context's, else default)")
    p.add_argument("--kubeconfig", metavar="FILE", help="kubeconfig file (default: $KUBECONFIG or ~/.kube/config)")
    p.add_argument("--workspace", metavar="DIR", default=".", help="project folder (default: current folder)")
    p.add_argument("-f", "--filename", metavar="FILE", help="skaffold config (default: WORKSPACE/skaffold.yaml)")
    p.add_argument("-p", "--profile", action="append", default=[], metavar="PROFILE",
                   help="profile(s) the pods were deployed with, for the source mapping")
    p.add_argument("--launch-json", metavar="PATH",
                   help="launch.json to write (default: WORKSPACE/.vscode/launch.json)")
    p.add_argument("--address", default="127.0.0.1",
                   help="local address to listen on (default 127.0.0.1; anything else exposes the debugger)")
    p.add_argument("--json", action="store_true", help="one JSON event per line on stdout, like `debug --json`")
    p.add_argument("--poll-interval", type=float, default=2.0, metavar="SECONDS",
                   help="how often pods are re-listed to follow replacements (default 2)")


def _doctor_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--workspace", metavar="DIR", default=".", help="project folder (default: current folder)")
    p.add_argument("--for", dest="commands", action="append", metavar="COMMAND",
                   help="judge only what this skaffold-ls command needs (repeatable: check, serve, fix, "
                        "launch-config, debug, attach)")
    p.add_argument("--json", action="store_true", help="print the report as JSON")
    p.add_argument("--schema-dir", metavar="DIR",
                   help="folder of <version>.json skaffold schemas that override the built-in ones")


# Each subcommand's run: the import inside is the point (see the module docstring).


def run_serve(args: argparse.Namespace) -> int:
    from skaffold_ls.lsp import serve

    return serve.run(args)


def run_check(args: argparse.Namespace) -> int:
    from skaffold_ls.reports import check

    return check.run(args)


def run_config(args: argparse.Namespace) -> int:
    from skaffold_ls.reports import effective

    return effective.run(args)


def run_fix(args: argparse.Namespace) -> int:
    from skaffold_ls.actions import apply

    return apply.run(args)


def run_debug(args: argparse.Namespace) -> int:
    from skaffold_ls.debug import commands

    return commands.run_debug(args)


def run_launch_config(args: argparse.Namespace) -> int:
    from skaffold_ls.debug import commands

    return commands.run_launch_config(args)


def run_attach(args: argparse.Namespace) -> int:
    from skaffold_ls.debug import commands

    return commands.run_attach(args)


def run_doctor(args: argparse.Namespace) -> int:
    from skaffold_ls import doctor

    return doctor.run(args)


Runner = Callable[[argparse.Namespace], int]
Adder = Callable[[argparse.ArgumentParser], None]

# (name, help, arguments, epilog, run)
SUBCOMMANDS: list[tuple[str, str, Adder, str | None, Runner]] = [
    ("serve", "run the language server (stdio by default, or --tcp)", _serve_arguments, SERVE_EPILOG, run_serve),
    ("check", "validate skaffold files and print diagnostics like a compiler", _check_arguments, CHECK_EPILOG,
     run_check),
    ("config", "print the configuration skaffold runs, with where each value came from", _config_arguments,
     CONFIG_EPILOG, run_config),
    ("fix", "show (or --apply) the diff of a code action on a file", _fix_arguments, FIX_EPILOG, run_fix),
    ("debug", "run `skaffold debug`, forward debug ports, write launch.json", _debug_arguments, DEBUG_EPILOG,
     run_debug),
    ("launch-config", "print or write the attach configurations, no cluster needed", _launch_config_arguments,
     None, run_launch_config),
    ("attach", "attach to pods already running under `skaffold debug`", _attach_arguments, None, run_attach),
    ("doctor", "show what skaffold-ls sees and what your commands are missing", _doctor_arguments, DOCTOR_EPILOG,
     run_doctor),
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="skaffold-ls",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"skaffold-ls {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, help_text, add_arguments, epilog, run in SUBCOMMANDS:
        p = sub.add_parser(name, help=help_text, description=help_text, epilog=epilog,
                           formatter_class=argparse.RawDescriptionHelpFormatter)
        add_arguments(p)
        p.set_defaults(run=run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help(sys.stderr)
        return 2
    try:
        return int(args.run(args) or 0)
    except KeyboardInterrupt:
        return 130

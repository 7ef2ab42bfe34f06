"""Arguments of `skaffold-ls config` (stdlib only: parsed on every invocation)."""

from __future__ import annotations

import argparse

COMMANDS = ("dev", "debug", "run", "build", "render", "deploy")

EPILOG = """\
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


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.epilog = EPILOG
    p.add_argument("file", nargs="?", metavar="FILE",
                   help="the root config (skaffold's -f; a folder means its skaffold.yaml; default: skaffold.yaml)")
    p.add_argument("-f", "--filename", dest="filename", metavar="FILE", help="the same as FILE, as skaffold spells it")
    p.add_argument("-p", "--profile", dest="profiles", action="append", default=[], metavar="PROFILE",
                   help="activate a profile (repeatable or comma-separated; `-p -name` deactivates one)")
    p.add_argument("-m", "--module", dest="modules", action="append", default=[], metavar="MODULE",
                   help="only this config (by metadata.name) and the configs it requires (repeatable)")
    p.add_argument("--command", choices=COMMANDS, default="dev",
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

"""`skaffold-ls doctor`: what the tool sees, and what is missing for the user's commands.

Each finding is an `Item` that names the commands that cannot work without it; the exit status
is 0 when every item the chosen commands need is there. Nothing is changed and the cluster is
never contacted (the kube context is read from kubeconfig).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import yaml

from skaffold_ls import __version__
from skaffold_ls.config.kubecontext import current_context, is_local
from skaffold_ls.config.paths import SKIP_DIRS, run_directory
from skaffold_ls.config.recognition import is_skaffold_name
from skaffold_ls.schema.store import MODEL_FILE, SchemaStore, model_dir

# The skaffold-ls commands whose needs doctor judges (`--for`).
COMMANDS = ("check", "serve", "fix", "launch-config", "debug", "attach")
ALL = COMMANDS
ANALYSIS = ("check", "serve", "fix", "launch-config", "debug")
MAX_CONFIGS = 200
TOOL_TIMEOUT = 10.0

# distribution, module to import, commands that fail without it
PACKAGES: list[tuple[str, str, tuple[str, ...]]] = [
    ("pygls", "pygls", ("serve",)),
    ("lsprotocol", "lsprotocol", ("serve",)),
    ("PyYAML", "yaml", ALL),
    ("jsonschema", "jsonschema", ANALYSIS),
    ("dockerfile-parse", "dockerfile_parse", ANALYSIS),
    ("json-five", "json5", ("launch-config", "debug", "attach")),
    ("kubernetes", "kubernetes", ("debug", "attach")),
    ("debugpy", "debugpy", ()),
]


@dataclass(slots=True)
class Item:
    section: str
    name: str
    ok: bool
    detail: str
    needed_by: tuple[str, ...] = ()  # commands that cannot work without it; () = for information
    hint: str | None = None  # what to do when it is missing
    version: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def status(self) -> str:
        if self.ok:
            return "ok"
        return "missing" if self.needed_by else "note"


Runner = Callable[[Sequence[str]], str | None]


def run_tool(argv: Sequence[str]) -> str | None:
    """stdout+stderr of a short version command, or None when it cannot run."""
    try:
        r = subprocess.run(list(argv), capture_output=True, text=True, timeout=TOOL_TIMEOUT,
                           stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    return (r.stdout or "") + (r.stderr or "")


# ---------------------------------------------------------------------------
# What is looked at


def python_items() -> list[Item]:
    impl = platform.python_implementation()
    ok = sys.version_info >= (3, 10)
    return [
        Item("Python", impl, ok, f"{impl} {platform.python_version()} at {sys.executable}", ALL,
             None if ok else "skaffold-ls needs Python 3.10 or newer", platform.python_version()),
        Item("Python", "skaffold-ls", True, f"skaffold-ls {__version__} from {Path(__file__).parent}", ALL,
             version=__version__),
    ]


def package_items() -> list[Item]:
    out = []
    for dist, module, needed in PACKAGES:
        try:
            version: str | None = metadata.version(dist)
        except metadata.PackageNotFoundError:
            version = None
        present = importlib.util.find_spec(module) is not None
        detail = f"{dist} {version}" if present and version else (f"{dist} (importable, version unknown)"
                                                                   if present else f"{dist} is not installed")
        out.append(Item("Python packages", dist, present, detail, needed,
                        None if present else f"pip install '{dist}' (or reinstall skaffold-ls)", version))
    return out


def schema_items(schema_dir: Path | None) -> list[Item]:
    store = SchemaStore(schema_dir)
    path = model_dir() / MODEL_FILE
    try:
        versions = store.known_versions()
    except Exception as e:  # a broken or missing model: say what, don't crash
        return [Item("Schema model", "model", False, f"cannot load {path}: {e}", ANALYSIS,
                     "reinstall skaffold-ls: the wheel carries skaffold_ls/schemas/skaffold-model.json")]
    detail = f"{len(versions)} apiVersions, {versions[0]} to {versions[-1]} (built in: {path})"
    items = [Item("Schema model", "model", True, detail, ANALYSIS, version=versions[-1],
                  extra={"path": str(path), "versions": len(versions), "latest": versions[-1]})]
    if schema_dir is not None:
        ok = schema_dir.is_dir()
        n = len(list(schema_dir.glob("*.json"))) if ok else 0
        items.append(Item("Schema model", "--schema-dir", ok,
                          f"{n} override schema(s) in {schema_dir}" if ok else f"{schema_dir} is not a folder",
                          ANALYSIS, None if ok else "point --schema-dir at a folder of <version>.json files"))
    return items


@dataclass(frozen=True, slots=True)
class ExternalTool:
    name: str
    version_argv: tuple[str, ...]
    pattern: str  # regex whose group 1 is the version
    install: str


TOOLS = {
    "skaffold": ExternalTool("skaffold", ("version",), r"(v?\d+\.\d+\.\d+\S*)", "https://skaffold.dev/docs/install/"),
    "kubectl": ExternalTool("kubectl", ("version", "--client", "-o", "json"), r'"gitVersion":\s*"([^"]+)"',
                    "https://kubernetes.io/docs/tasks/tools/"),
    "helm": ExternalTool("helm", ("version", "--short"), r"(v?\d+\.\d+\.\d+\S*)", "https://helm.sh/docs/intro/install/"),
    "dlv": ExternalTool("dlv", ("version",), r"Version:\s*(\S+)", "Debian: apt-get install delve; "
                                                           "or go install github.com/go-delve/delve/cmd/dlv@latest"),
}


def tool_item(tool: ExternalTool, needed_by: tuple[str, ...], why: str, run: Runner = run_tool) -> Item:
    path = shutil.which(tool.name)
    if path is None:
        return Item("Tools on PATH", tool.name, False, f"{tool.name} not on PATH ({why})", needed_by,
                    f"install it: {tool.install}")
    out = run([path, *tool.version_argv]) or ""
    m = re.search(tool.pattern, out)
    version = m.group(1) if m else None
    detail = f"{tool.name} {version or '(version not reported)'} at {path}"
    return Item("Tools on PATH", tool.name, True, f"{detail} ({why})", needed_by, version=version,
                extra={"path": path})


def tool_items(deployers: set[str], run: Runner = run_tool) -> list[Item]:
    items = [tool_item(TOOLS["skaffold"], ("debug",), "`skaffold-ls debug` runs `skaffold debug`", run)]
    kubectl_why = "skaffold's kubectl and kustomize deployers call it"
    if "kubectl" in deployers:
        items.append(tool_item(TOOLS["kubectl"], ("debug",), kubectl_why + "; this workspace deploys with them",
                               run))
    else:
        items.append(tool_item(TOOLS["kubectl"], (), kubectl_why, run))
    if "helm" in deployers:
        items.append(tool_item(TOOLS["helm"], ("debug",), "this workspace deploys with helm", run))
    items.append(tool_item(TOOLS["dlv"], (), "optional: editors attach to the dlv inside the container over "
                                             "DAP; a local dlv is only for `dlv connect` in a terminal", run))
    return items


def cluster_items() -> list[Item]:
    ctx = current_context()
    if ctx is None:
        where = os.environ.get("KUBECONFIG") or str(Path.home() / ".kube" / "config")
        return [Item("Kubernetes", "kube context", False, f"no current kube context (read {where})",
                     ("debug", "attach"), "create one: `kubectl config use-context NAME`, or start a local "
                                          "cluster (minikube, kind, k3d, Docker Desktop)")]
    local = is_local(ctx)
    kind = ("local cluster: images built here are used without a registry" if local else
            "remote cluster: images must be pushed to a registry it can pull from (build.local.push)")
    server = f" ({ctx.server})" if ctx.server else ""
    return [Item("Kubernetes", "kube context", True, f"current context {ctx.name}{server}: {kind}",
                 ("debug", "attach"), extra={"name": ctx.name, "server": ctx.server, "local": local})]


def find_configs(workspace: Path) -> list[Path]:
    """The workspace's skaffold configs (by name, and naming a skaffold apiVersion)."""
    out: list[Path] = []
    for folder, dirs, files in os.walk(workspace):
        dirs[:] = sorted(d for d in dirs if d not in SKIP_DIRS and not d.startswith("."))
        for name in sorted(files):
            path = Path(folder) / name
            if is_skaffold_name(name) and _names_skaffold_api(path):
                out.append(path)
                if len(out) >= MAX_CONFIGS:
                    return out
    return out


_API = re.compile(r"^apiVersion:\s*['\"]?skaffold/", re.MULTILINE)


def _names_skaffold_api(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8", errors="replace") as f:
            return bool(_API.search(f.read(64 * 1024)))
    except OSError:
        return False


def deployers_of(configs: Iterable[Path]) -> set[str]:
    """"kubectl" and/or "helm" when some config deploys with them (kubectl is skaffold's default)."""
    out: set[str] = set()
    for path in configs:
        try:
            docs = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            continue
        for doc in docs:
            if not isinstance(doc, dict):
                continue
            deploy = _keys(doc.get("deploy"))
            manifests = _keys(doc.get("manifests"))
            if "helm" in deploy or "helm" in manifests:
                out.add("helm")
            if {"kubectl", "kustomize"} & deploy or {"rawYaml", "kustomize"} & manifests or (
                    not deploy and not manifests):
                out.add("kubectl")
    return out


def _keys(value: Any) -> set[str]:
    return {str(k) for k in value} if isinstance(value, dict) else set()


def workspace_items(workspace: Path, configs: list[Path]) -> list[Item]:
    if not workspace.is_dir():
        return [Item("Workspace", "folder", False, f"{workspace} is not a folder", ALL)]
    if not configs:
        return [Item("Workspace", "configs", False, f"no skaffold config under {workspace}",
                     ("launch-config", "debug"), "run from the project folder or pass --workspace DIR")]
    items = []
    root = workspace.resolve()
    for config in configs:
        rd = run_directory(config.resolve(), root)
        items.append(Item("Workspace", _rel(config, workspace), True,
                          f"{_rel(config, workspace)}: runs in {_rel(rd.path, workspace) or '.'} ({rd.reason})",
                          extra={"config": str(config), "runDirectory": str(rd.path), "reason": rd.reason}))
    return items


def _rel(path: Path, root: Path) -> str:
    try:
        rel = path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return str(path)
    return "" if rel == "." else rel


# ---------------------------------------------------------------------------
# Report


def collect(workspace: Path, schema_dir: Path | None, run: Runner = run_tool) -> list[Item]:
    configs = find_configs(workspace) if workspace.is_dir() else []
    return [*python_items(), *package_items(), *schema_items(schema_dir), *tool_items(deployers_of(configs), run),
            *cluster_items(), *workspace_items(workspace, configs)]


def missing_for(items: Iterable[Item], commands: Iterable[str]) -> dict[str, list[str]]:
    """command -> the names of what it needs and is missing (only commands with something missing)."""
    out: dict[str, list[str]] = {}
    for cmd in commands:
        gaps = [i.name for i in items if not i.ok and cmd in i.needed_by]
        if gaps:
            out[cmd] = gaps
    return out


MARKS = {"ok": "[ok]     ", "missing": "[missing]", "note": "[note]   "}


def render_text(items: list[Item], workspace: Path, commands: Sequence[str]) -> str:
    lines = [f"skaffold-ls doctor: workspace {workspace.resolve()}"]
    section = None
    for item in items:
        if item.section != section:
            section = item.section
            lines += ["", section]
        needed = f"  needed by: {', '.join(item.needed_by)}" if not item.ok and item.needed_by else ""
        lines.append(f"  {MARKS[item.status]} {item.detail}{needed}")
        if not item.ok and item.hint:
            lines.append(f"              {item.hint}")
    gaps = missing_for(items, commands)
    lines.append("")
    ready = [c for c in commands if c not in gaps]
    if ready:
        lines.append(f"Ready: {', '.join(ready)}.")
    for cmd, names in gaps.items():
        lines.append(f"Not ready: {cmd} (missing: {', '.join(names)}).")
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    workspace = Path(args.workspace)
    commands: Sequence[str] = args.commands or ALL
    unknown = [c for c in commands if c not in COMMANDS]
    if unknown:
        print(f"skaffold-ls doctor: --for {unknown[0]}: not a command (one of {', '.join(COMMANDS)})",
              file=sys.stderr)
        return 2
    schema_dir = Path(args.schema_dir) if args.schema_dir else None
    items = collect(workspace, schema_dir)
    gaps = missing_for(items, commands)
    if args.json:
        report = {"workspace": str(workspace.resolve()), "commands": list(commands),
                  "ready": [c for c in commands if c not in gaps], "missing": gaps,
                  "items": [{**asdict(i), "status": i.status} for i in items]}
        json.dump(report, sys.stdout, indent=2)
        print()
    else:
        print(render_text(items, workspace, commands))
    return 1 if gaps else 0

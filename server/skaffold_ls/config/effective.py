"""The effective configuration: what skaffold runs for a command, each value knowing its source.

`load_effective` loads the root file with its `requires` exactly as `loader.load` does
(skaffold's order, profiles activated and applied), then finishes each config the way
skaffold's parser does before a command runs (parser/config.go `processEachConfig`,
cmd/skaffold/app/cmd/runner.go `runContext`):
1. the `profiles` section is dropped (skaffold clears it once applied, for every command
   that runs a pipeline);
2. skaffold's defaults are filled in (`defaults.set_defaults`), each marked as a default;
3. a required config's file paths (Go tag `skaffold:"filepath"`) are made absolute against
   its own folder; a root config's stay relative (resolved against the run directory).
   They are shown relative to the run directory: the same file, readably; `Value.written`
   keeps the text as written;
4. `build`-time errors skaffold raises at this stage become problems with file and range:
   a kube context that contradicts the profiles it activated (`profiles.go`,
   `checkKubeContextConsistency`), an empty `portForward` entry, helm release names and
   `dependsOn` (`defaults.go`);
5. with exactly one config, the default renderer and deployer (`k8s/*.yaml`, kubectl).

skaffold upgrades an older apiVersion to the latest before applying profiles; the values
here keep the document's own version's shape, and a note says so.

The kube context is only read (through a callback, e.g. `kubecontext.current_context`)
when a loaded profile activates on one: activation is the only thing at this stage that
depends on it, and the kubernetes client costs a noticeable start-up time.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

from skaffold_ls.config.activation import RunContext
from skaffold_ls.config.defaults import set_default_renderer_and_deployer, set_defaults
from skaffold_ls.config.loader import (
    ConfigProblem,
    LoadedConfig,
    LoadRequest,
    LoadResult,
    RemoteRequirement,
    load,
)
from skaffold_ls.config.paths import is_remote
from skaffold_ls.config.sources import ConfigFile, ReadFailure, Sources
from skaffold_ls.config.values import PathStep, Value, copy_value
from skaffold_ls.schema.versions import PREFIX, sort_key

ANY_INDEX = -1  # a pattern step standing for any list index
ANY_KEY = "*"  # a pattern step standing for any mapping key

# Fields skaffold makes absolute in a required config (latest/config.go, `skaffold:"filepath"`),
# plus the pre-v3 places its upgrade moves into them (`deploy.kubectl.manifests`, `deploy.kustomize.paths`).
FILEPATH_FIELDS: tuple[tuple[str | int, ...], ...] = (
    ("requires", ANY_INDEX, "path"),
    ("build", "artifacts", ANY_INDEX, "context"),
    ("build", "artifacts", ANY_INDEX, "kaniko", "contextSubPath"),
    ("build", "artifacts", ANY_INDEX, "buildpacks", "volumes", ANY_INDEX, "host"),
    ("test", ANY_INDEX, "context"),
    ("test", ANY_INDEX, "structureTests", ANY_INDEX),
    ("manifests", "rawYaml", ANY_INDEX),
    ("manifests", "kpt", ANY_INDEX),
    ("manifests", "kustomize", "paths", ANY_INDEX),
    *((section, "helm", "releases", ANY_INDEX, *field_path)
      for section in ("manifests", "deploy")
      for field_path in (("chartPath",), ("valuesFiles", ANY_INDEX), ("setFiles", ANY_KEY))),
    ("deploy", "kubectl", "manifests", ANY_INDEX),
    ("deploy", "kustomize", "paths", ANY_INDEX),
)
# Lifecycle hooks run on the host (`HostHook.dir`, `PostRenderHostHook.dir`), wherever they sit.
HOOK_DIR_SUFFIXES: tuple[tuple[str | int, ...], ...] = (
    ("before", ANY_INDEX, "host", "dir"), ("after", ANY_INDEX, "host", "dir"),
)

# Reads the current kube context's name (None when there is none); called at most once.
KubeContextReader = Callable[[], "str | None"]


@dataclass(slots=True)
class EffectiveConfig:
    """One config as skaffold runs it."""

    loaded: LoadedConfig  # as loaded: the source document, profiles and their states, base folder
    value: Value  # profiles applied, `profiles` dropped, defaults filled in, paths resolved
    notes: list[str] = field(default_factory=list)  # what the reader should know (older apiVersion...)

    @property
    def name(self) -> str | None:
        return self.loaded.name

    @property
    def file(self) -> Path | None:
        return self.loaded.file

    @property
    def api_version(self) -> str | None:
        return self.value.text_at("apiVersion")


@dataclass(slots=True)
class Effective:
    """Every config skaffold runs for one command, in its order, with what stops it."""

    root: Path  # the file skaffold is given
    run: RunContext
    run_dir: Path  # where skaffold runs: the root config's relative paths resolve here
    configs: list[EffectiveConfig] = field(default_factory=list)
    problems: list[ConfigProblem] = field(default_factory=list)  # loading's, then this stage's
    remote: list[RemoteRequirement] = field(default_factory=list)
    files: dict[Path, ConfigFile] = field(default_factory=dict)  # the config files read
    notes: list[str] = field(default_factory=list)  # about the whole run
    kube_context_note: str = ""  # where the kube context came from, or why it was not read
    defaults: bool = True  # skaffold's defaults are filled in

    @property
    def fatal(self) -> list[ConfigProblem]:
        return [p for p in self.problems if p.fatal]


def load_effective(sources: Sources, request: LoadRequest, latest: str | None = None, defaults: bool = True,
                   read_kube_context: KubeContextReader | None = None) -> Effective:
    """What skaffold runs for `request`: `loader.load`, then each config finished as skaffold
    finishes it (see the module's docstring). `latest` is skaffold's latest apiVersion (older
    configs get a note); `read_kube_context` is asked only when a profile activates on one."""
    run = request.run
    result = load(sources, request)
    if run.kube_context is not None:
        note = f"{run.kube_context} ({run.kube_context_from})"
    elif read_kube_context is None or not _activates_on_kube_context(result):
        note = "not read (no profile here activates on one)"
    else:
        name = read_kube_context()
        if name is None:
            note = "none (no current context in kubeconfig)"
        else:
            note = f"{name} (current context in kubeconfig)"
            run = replace(run, kube_context=name, kube_context_from="kubeconfig")
            request = replace(request, run=run)
            result = load(sources, request)
    run_dir = Path(os.path.abspath(request.run_dir)) if request.run_dir else Path(os.path.abspath(request.file)).parent
    out = finish(result, Path(os.path.abspath(request.file)), run, run_dir, latest, defaults)
    out.kube_context_note = note
    out.files = _files_read(sources, out)
    return out


def finish(result: LoadResult, root: Path, run: RunContext, run_dir: Path, latest: str | None = None,
           defaults: bool = True) -> Effective:
    """The loaded configs finished the way skaffold finishes them before running a command."""
    out = Effective(root, run, run_dir, problems=list(result.problems), remote=list(result.remote),
                    defaults=defaults)
    for loaded in result.configs:
        cfg = _finish_one(loaded, run, run_dir, latest, defaults, out.problems)
        out.configs.append(cfg)
    if defaults and len(out.configs) == 1:
        cfg = out.configs[0]
        set_default_renderer_and_deployer(cfg.value, cfg.api_version)
    elif defaults and len(out.configs) > 1:
        out.notes.append(f"{len(out.configs)} configs: skaffold adds its default renderer and deployer "
                         "(`k8s/*.yaml` with kubectl) only when a single config is loaded")
    for remote in out.remote:
        out.notes.append(f"not loaded: {remote.kind} requirement `{remote.description}` "
                         "(remote configs are not fetched)")
    return out


def _finish_one(loaded: LoadedConfig, run: RunContext, run_dir: Path, latest: str | None, defaults: bool,
                problems: list[ConfigProblem]) -> EffectiveConfig:
    value = copy_value(loaded.value)
    if value.mapping is not None:
        value.mapping.pop("profiles", None)
    cfg = EffectiveConfig(loaded, value)
    if defaults:
        filled = set_defaults(value, loaded.file)
        _add_all(problems, filled.problems)
        cfg.notes.extend(filled.notes)
    if not loaded.is_root:
        resolve_paths(value, loaded.base_dir, run_dir)
    problem = kube_context_problem(loaded, value, run)
    if problem is not None:
        _add_all(problems, [problem])
    api = cfg.api_version
    if latest is not None and api is not None and api != latest and api.startswith(PREFIX) \
            and sort_key(api) < sort_key(latest):
        cfg.notes.append(f"apiVersion {api} is older than {latest}: skaffold upgrades it before applying "
                         f"profiles; shown here in {api}'s own shape")
    return cfg


def _add_all(problems: list[ConfigProblem], new: list[ConfigProblem]) -> None:
    for p in new:
        if p not in problems:
            problems.append(p)


def _activates_on_kube_context(result: LoadResult) -> bool:
    for cfg in result.configs:
        doc = cfg.source.value
        profiles = doc.get("profiles") if doc is not None else None
        for profile in profiles.items if profiles is not None else []:
            entries = profile.get("activation")
            if any(e.text_at("kubeContext") for e in (entries.items if entries is not None else [])):
                return True
    return False


def _files_read(sources: Sources, out: Effective) -> dict[Path, ConfigFile]:
    paths = {out.root, *(c.file for c in out.configs if c.file is not None),
             *(p.file for p in out.problems if p.file is not None)}
    files = {}
    for path in sorted(paths):
        read = sources.read(path)
        if not isinstance(read, ReadFailure):
            files[path] = read
    return files


# ---------------------------------------------------------------------------
# skaffold's errors at this stage


def kube_context_problem(loaded: LoadedConfig, value: Value, run: RunContext) -> ConfigProblem | None:
    """skaffold's `checkKubeContextConsistency`: profiles activated by the kubeconfig's current
    context, while the config's `deploy.kubeContext` names another (`--kube-context` wins, no error)."""
    if run.kube_context_from == "--kube-context" or run.kube_context is None:
        return None
    by_context = [s.name for s in loaded.states if s.by_kube_context]
    ctx = value.at("deploy", "kubeContext")
    wanted = ctx.text if ctx is not None else None
    if not by_context or not wanted or wanted == run.kube_context:
        return None
    assert ctx is not None
    names = " ".join(f'"{n}"' for n in by_context)
    return ConfigProblem(
        "kube-context-mismatch",
        f'profiles [{names}] were activated by kube-context "{run.kube_context}", but the effective '
        f'kube-context is "{wanted}" -- please revise your `profiles.activation` and `deploy.kubeContext` '
        "configurations",
        ctx.origin.file or loaded.file, ctx.range)


# ---------------------------------------------------------------------------
# Paths


# The last steps those fields can have: most values are ruled out by theirs alone.
_LAST_STEPS = frozenset(str(p[-1]) for p in FILEPATH_FIELDS + HOOK_DIR_SUFFIXES if isinstance(p[-1], str)) - {ANY_KEY}


def is_filepath_field(path: tuple[PathStep, ...]) -> bool:
    """Whether the value at `path` (from the config's root) is a field skaffold makes absolute."""
    if not path or not (isinstance(path[-1], int) or path[-1] in _LAST_STEPS
                        or (len(path) > 1 and path[-2] == "setFiles")):
        return False
    if any(_matches(path, pattern) for pattern in FILEPATH_FIELDS):
        return True
    return any(len(path) > len(s) and _matches(path[-len(s):], s) for s in HOOK_DIR_SUFFIXES)


def _matches(path: tuple[PathStep, ...], pattern: tuple[str | int, ...]) -> bool:
    if len(path) != len(pattern):
        return False
    for step, want in zip(path, pattern, strict=True):
        if want == ANY_INDEX:
            if not isinstance(step, int):
                return False
        elif want == ANY_KEY:
            if not isinstance(step, str):
                return False
        elif step != want:
            return False
    return True


def resolve_paths(config: Value, base_dir: Path, run_dir: Path) -> None:
    """A required config's file paths as skaffold holds them (absolute against `base_dir`, its
    folder), written relative to `run_dir`; the text as written goes to `Value.written`."""
    for path, value in list(config.walk()):
        if not path or not isinstance(value.data, str) or not is_filepath_field(path):
            continue
        text = value.data
        if not text or os.path.isabs(text) or is_remote(text):
            continue
        shown = Path(os.path.relpath(os.path.normpath(os.path.join(base_dir, text)), run_dir)).as_posix()
        if shown == text:
            continue
        _replace(config.at(*path[:-1]), path[-1], Value(shown, value.origin, None, value.key_node, written=text))


def _replace(parent: Value | None, step: PathStep, value: Value) -> None:
    if parent is None:
        return
    data = parent.data
    if isinstance(data, dict):
        if isinstance(step, str):
            data[step] = value
    elif isinstance(data, list) and isinstance(step, int):
        data[step] = value

"""What skaffold loads for a command: the root file, its `requires`, profiles applied.

Follows skaffold's `pkg/skaffold/parser/config.go`:
- each `---` document of a file is a config; `metadata.name` is unique in a file and
  across files;
- per config: activate profiles, apply them (overlay, then patches), then follow its
  `requires` (dependencies come before the config that requires them, depth first);
- a dependency is activated with its `activeProfiles` whose `activatedBy` is empty or
  names a profile active in the requiring config, plus every `-p` profile (unless
  `--propagate-profiles=false`);
- `configs` selects configs of the required file; `-m` selects modules (with the
  configs they require); a config reached twice with different profiles is an error;
- a dependency's relative paths resolve against its own folder; the root config's
  against the directory skaffold runs in;
- `git`, `googleCloudStorage` and `googleCloudBuildRepoV2` dependencies are named,
  never fetched.

Unlike skaffold, loading does not stop at the first problem: each becomes a
`ConfigProblem` with the file and range to point at, and loading goes on with what can
be read, so an editor can still show the rest.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from skaffold_ls.config.activation import ActivationError, ProfileState, RunContext, activated, profiles_of
from skaffold_ls.config.overlay import overlay_profile
from skaffold_ls.config.patches import Patch, PatchError, apply_patch
from skaffold_ls.config.sources import ConfigDocument, ConfigFile, ReadFailure, Sources, resolve_required_path
from skaffold_ls.config.values import Origin, Value, from_node
from skaffold_ls.core.findings import Range
from skaffold_ls.core.yamldoc import AliasBombError

REMOTE_KINDS = ("git", "googleCloudStorage", "googleCloudBuildRepoV2")
MAX_REQUIRES_DEPTH = 64


@dataclass(frozen=True, slots=True)
class LoadRequest:
    file: Path  # the root config file (skaffold's -f)
    profiles: tuple[str, ...] = ()  # -p, in order (`-name` deactivates)
    modules: tuple[str, ...] = ()  # -m
    run: RunContext = field(default_factory=RunContext)
    run_dir: Path | None = None  # where skaffold runs; None: the root file's folder
    propagate_profiles: bool = True


@dataclass(frozen=True, slots=True)
class ConfigProblem:
    """Something skaffold would refuse (or silently skip) while loading, with where it is."""

    code: str
    message: str
    file: Path | None
    range: Range | None
    fatal: bool = True  # skaffold stops with an error (False: it goes on without it)


@dataclass(frozen=True, slots=True)
class RemoteRequirement:
    kind: str  # git | googleCloudStorage | googleCloudBuildRepoV2
    description: str
    file: Path | None
    range: Range | None


@dataclass(slots=True)
class LoadedConfig:
    """One config as skaffold will use it."""

    source: ConfigDocument
    value: Value  # profiles overlaid and patched (skaffold's defaults are not filled in)
    profiles: list[str]  # applied, in order
    states: list[ProfileState]  # every profile of the config, active or not, and why
    base_dir: Path  # where its relative paths resolve
    is_root: bool  # in the file skaffold was given (not reached through another file)
    required_by: LoadedConfig | None = None

    @property
    def name(self) -> str | None:
        return self.source.name

    @property
    def file(self) -> Path | None:
        return self.source.file


@dataclass(slots=True)
class LoadResult:
    configs: list[LoadedConfig] = field(default_factory=list)
    problems: list[ConfigProblem] = field(default_factory=list)
    remote: list[RemoteRequirement] = field(default_factory=list)

    @property
    def fatal(self) -> list[ConfigProblem]:
        return [p for p in self.problems if p.fatal]


def apply_profiles(config: Value, names: Sequence[str], file: Path | None) -> tuple[Value, list[ConfigProblem]]:
    """The config with the named profiles applied in order (overlay, then patches), and
    the patches that do not apply. A failing patch is skipped; the rest go on."""
    by_name = dict(profiles_of(config))
    problems: list[ConfigProblem] = []
    for name in names:
        profile = by_name.get(name)
        if profile is None:
            continue
        config = overlay_profile(config, _attributed(profile, file, name), name)
        patches = profile.get("patches")
        for index, item in enumerate(patches.items if patches else []):
            patch = _patch_of(item, file, name, index)
            if patch is None:
                continue
            try:
                apply_patch(config, patch)
            except PatchError as e:
                where = item.get("path") or item
                problems.append(ConfigProblem(
                    "patch-path-unresolved",
                    f"profile `{name}`, patch {index + 1}: `invalid path: {patch.path}` — {e}",
                    file, where.range))
    return config, problems


def _attributed(profile: Value, file: Path | None, name: str) -> Value:
    """The profile's sections re-read with the profile as their origin."""
    if profile.node is None:
        return profile
    try:
        return from_node(profile.node, file, profile=name)
    except AliasBombError:
        return profile


def _patch_of(item: Value, file: Path | None, profile: str, index: int) -> Patch | None:
    path = item.text_at("path")
    if path is None:
        return None
    value_node = item.get("value")
    value = None
    if value_node is not None and value_node.node is not None:
        try:
            value = from_node(value_node.node, file, profile=profile, patch=index)
            value.key_node = value_node.key_node  # written under the patch's `value:`
        except AliasBombError:
            value = None
    origin = Origin(file, item.range, profile, index)
    return Patch(item.text_at("op") or "replace", path, item.text_at("from"), value, origin)


class _Loader:
    def __init__(self, sources: Sources, request: LoadRequest):
        self.sources = sources
        self.request = request
        self.result = LoadResult()
        self.applied: dict[tuple[Path | None, int, bool], tuple[str, ...]] = {}
        self.name_to_file: dict[str, Path | None] = {}
        self.all_profiles: set[str] = set()
        self.root_file = Path(os.path.abspath(request.file))
        self.run_dir = Path(os.path.abspath(request.run_dir)) if request.run_dir else self.root_file.parent

    def problem(self, code: str, message: str, file: Path | None, rng: Range | None, fatal: bool = True) -> None:
        self.add(ConfigProblem(code, message, file, rng, fatal))

    def add(self, problem: ConfigProblem) -> None:
        # A config reached twice (a file required by two configs) would repeat its problems.
        if problem not in self.result.problems:
            self.result.problems.append(problem)

    def load_file(self, path: Path, selection: Sequence[str], named: Sequence[tuple[str, str]], required: bool,
                  dependency: bool, via: LoadedConfig | None, via_range: Range | None, depth: int,
                  written: str | None = None) -> None:
        if depth > MAX_REQUIRES_DEPTH:
            self.problem("requires-too-deep", f"`requires` nested deeper than {MAX_REQUIRES_DEPTH} files",
                         via.file if via else None, via_range)
            return
        read = self.sources.read(path)
        if isinstance(read, ReadFailure):
            if via is None:
                self.problem("config-not-found", f"cannot read {path}: {read.reason}", None, None)
            else:
                shown = f"`{written}`" if written else "(this file)"
                where = os.path.relpath(path, via.file.parent) if via.file is not None else str(path)
                self.problem("requires-missing", f"required config {shown} not found: {read.reason} ({where})",
                             via.file, via_range)
            return
        self.load_documents(read, selection, named, required, dependency, via, depth)

    def load_documents(self, file: ConfigFile, selection: Sequence[str], named: Sequence[tuple[str, str]],
                       required: bool, dependency: bool, via: LoadedConfig | None, depth: int) -> None:
        if not file.documents:
            self.problem("no-configs", f"{file.path} holds no skaffold config", file.path, None)
            return
        seen: dict[str, ConfigDocument] = {}
        for doc in file.documents:
            self.all_profiles.update(doc.profile_names())
            name = doc.name
            if name is None:
                continue
            if name in seen:
                self.problem("duplicate-config-name",
                             f"config name `{name}` is used twice in this file (also config #{seen[name].index + 1})",
                             file.path, _name_range(doc))
            seen[name] = doc
        for doc in file.documents:
            self.load_config(doc, selection, named, required, dependency, via, depth)

    def load_config(self, doc: ConfigDocument, selection: Sequence[str], named: Sequence[tuple[str, str]],
                    required_parent: bool, dependency: bool, via: LoadedConfig | None, depth: int) -> None:
        if doc.value is None:
            self.problem("alias-bomb", f"{doc.label}: anchors expand too far to read", doc.file, doc.document.range)
            return
        name = doc.name
        if name:
            previous = self.name_to_file.get(name, doc.file)
            if previous != doc.file:
                self.problem("duplicate-config-name",
                             f"config name `{name}` is also used in {previous}; skaffold needs unique names",
                             doc.file, _name_range(doc))
            self.name_to_file[name] = doc.file
        if selection and name not in selection:
            return
        modules = self.request.modules
        required = required_parent or not modules or name in modules
        try:
            active, states = activated(doc.value, named, self.request.run)
        except ActivationError as e:
            self.problem("activation-invalid", f"{doc.label}: {e}", doc.file, doc.document.range)
            active, states = [], []
        value, patch_problems = apply_profiles(doc.value, active, doc.file)
        for p in patch_problems:
            self.add(p)
        base_dir = doc.file.parent if dependency and doc.file is not None else self.run_dir
        loaded = LoadedConfig(doc, value, active, states, base_dir, not dependency, via)
        key = (doc.file, doc.index, required)
        profiles_key = tuple(sorted(active))
        if key in self.applied:
            if self.applied[key] != profiles_key:
                self.problem(
                    "requires-profile-conflict",
                    f"{doc.label} in {doc.file} is required with profiles "
                    f"[{', '.join(profiles_key)}] here and [{', '.join(self.applied[key])}] elsewhere; "
                    "skaffold refuses a config activated two ways",
                    via.file if via else doc.file, via.source.document.range if via else None)
            return
        self.applied[key] = profiles_key
        requires = value.get("requires")
        for entry in requires.items if requires else []:
            self.load_requirement(entry, loaded, active, required, dependency, depth)
        if required:
            self.result.configs.append(loaded)

    def load_requirement(self, entry: Value, config: LoadedConfig, active: list[str], required: bool,
                         dependency: bool, depth: int) -> None:
        if entry.mapping is None:
            return
        current = config.file
        for kind in REMOTE_KINDS:
            remote = entry.get(kind)
            if remote is not None:
                what = remote.text_at("repo") or remote.text_at("source") or kind
                self.result.remote.append(RemoteRequirement(kind, what, current, remote.range))
                return
        named: list[tuple[str, str]] = []
        profiles = entry.get("activeProfiles")
        for ap in profiles.items if profiles else []:
            pname = ap.text_at("name")
            if not pname:
                continue
            by = [t.text for t in ap.texts_at("activatedBy") if t.text]
            if not by:
                named.append((pname, f"`activeProfiles` of the requiring config {config.source.label}"))
            elif trigger := next((p for p in active if p in by), None):
                named.append((pname, f"`activatedBy: {trigger}` in the requiring config {config.source.label}"))
        if self.request.propagate_profiles:
            for p in self.request.profiles:
                if all(p != n for n, _ in named):
                    named.append((p, "named with -p (propagated)"))
        selection = [t.text for t in entry.texts_at("configs") if t.text]
        path_value = entry.get("path")
        if current is None:
            return  # an unsaved buffer: relative paths mean nothing yet
        target = resolve_required_path(current, path_value.text if path_value else None)
        self.load_file(target, selection, named, required, dependency or target != current, config,
                       (path_value or entry).range, depth + 1, path_value.text if path_value else None)

    def finish(self) -> LoadResult:
        unmatched = [p for p in self.request.profiles if p.removeprefix("-") not in self.all_profiles]
        if unmatched:
            self.problem("unknown-profile",
                         f"profile selection ({', '.join(unmatched)}) did not match those defined in any "
                         "configurations", self.root_file, None)
        if not self.result.configs and self.request.modules and not self.result.fatal:
            self.problem("unknown-module", f"did not find any configs matching selection "
                                           f"{list(self.request.modules)}", self.root_file, None)
        return self.result


def _name_range(doc: ConfigDocument) -> Range | None:
    name = doc.value.at("metadata", "name") if doc.value is not None else None
    return name.range if name is not None else doc.document.range


def load(sources: Sources, request: LoadRequest) -> LoadResult:
    """Everything skaffold would load for `request`, in its order, with the problems found."""
    loader = _Loader(sources, request)
    named = [(p, "named with -p") for p in request.profiles]
    loader.load_file(loader.root_file, (), named, False, False, None, None, 0)
    return loader.finish()


def load_document(sources: Sources, file: ConfigFile, doc: ConfigDocument, request: LoadRequest) -> LoadResult:
    """Load as if skaffold were given only this document of `file` (e.g. the one being edited)."""
    loader = _Loader(sources, request)
    named = [(p, "named with -p") for p in request.profiles]
    loader.load_config(doc, (), named, False, False, None, 0)
    return loader.finish()

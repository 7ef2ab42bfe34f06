"""One file's configs seen the way skaffold sees them: what checks and editor features ask.

A `ConfigView` wraps the file being analysed (the editor's buffer, already parsed) and
answers, lazily and once per analysis:
- where its relative paths resolve (the run directory, and why that one);
- what skaffold loads from it for a command, with its `requires` (`load`);
- each profile applied alone on a config (`profile_views`), for what only a profile adds;
- who uses each image its artifacts build (`uses`), across the config, its profiles, the
  configs it requires and the configs elsewhere in the workspace that require it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from skaffold_ls.config.activation import RunContext
from skaffold_ls.config.artifacts import Artifact, written_artifacts
from skaffold_ls.config.consumers import Section, Uses, image_uses
from skaffold_ls.config.loader import ConfigProblem, LoadRequest, LoadResult, apply_profiles, load
from skaffold_ls.config.paths import SKIP_DIRS, RunDirectory, run_directory
from skaffold_ls.config.recognition import is_skaffold_name
from skaffold_ls.config.sources import ConfigDocument, ConfigFile, ReadFailure, Sources
from skaffold_ls.config.values import Value

MAX_WORKSPACE_CONFIGS = 500


@dataclass(slots=True)
class ProfileView:
    """A config with one profile applied (overlay, then patches), and the patches that fail."""

    name: str
    value: Value
    problems: list[ConfigProblem]


class ConfigView:
    def __init__(self, file: ConfigFile, sources: Sources | None = None, workspace: Path | None = None,
                 run_dir: Path | None = None, run: RunContext | None = None):
        self.file = file
        self.path = Path(os.path.abspath(file.path)) if file.path is not None else None
        self.sources = (sources or Sources()).pinned(self.path, file) if self.path is not None else sources or Sources()
        self.workspace = Path(os.path.abspath(workspace)) if workspace is not None else None
        self._explicit_run_dir = run_dir
        self.run = run or RunContext()
        self._loads: dict[tuple[str, tuple[str, ...]], LoadResult] = {}

    @property
    def documents(self) -> list[ConfigDocument]:
        return [d for d in self.file.documents if d.value is not None]

    # -- where paths resolve ---------------------------------------------------------
    @cached_property
    def run_directory(self) -> RunDirectory | None:
        """Where skaffold runs for this file (None for an unsaved buffer: paths mean nothing yet)."""
        if self.path is None:
            return None
        first = next(iter(self.documents), None)
        return run_directory(self.path, self.workspace, self._explicit_run_dir,
                             first.value if first is not None else None)

    @property
    def base_dir(self) -> Path | None:
        rd = self.run_directory
        return rd.path if rd is not None else None

    def artifacts(self, doc: ConfigDocument) -> list[Artifact]:
        """Every artifact written in the config, its profiles' included."""
        assert doc.value is not None
        return list(written_artifacts(doc.value, self.base_dir))

    # -- what skaffold loads ------------------------------------------------------------
    def load(self, command: str = "dev", profiles: tuple[str, ...] = ()) -> LoadResult:
        """What `skaffold <command> -f <this file> -p ...` loads (cached per view)."""
        key = (command, profiles)
        if key not in self._loads:
            if self.path is None:
                self._loads[key] = LoadResult()
            else:
                run = RunContext(command, self.run.env, self.run.kube_context, self.run.kube_context_from,
                                 self.run.auto_activation)
                self._loads[key] = load(self.sources, LoadRequest(self.path, profiles, (), run, self.base_dir))
        return self._loads[key]

    def profile_views(self, doc: ConfigDocument) -> list[ProfileView]:
        """Each profile of the config applied alone on it."""
        assert doc.value is not None
        out = []
        for name in doc.profile_names():
            value, problems = apply_profiles(doc.value, [name], doc.file)
            out.append(ProfileView(name, value, problems))
        return out

    # -- who uses images ------------------------------------------------------------------
    @cached_property
    def uses(self) -> Uses:
        images = sorted({a.image for d in self.documents for a in self.artifacts(d) if a.image})
        return image_uses(self._sections(), images)

    def _sections(self) -> Iterator[Section]:
        base = self.base_dir
        if base is None:
            return
        for doc in self.documents:
            assert doc.value is not None
            yield Section(doc.value, base)
            for view in self.profile_views(doc):
                yield Section(view.value, base)
        for cfg in self.load().configs:
            if cfg.file != self.path:
                yield Section(cfg.value, cfg.base_dir)
        for parent in self.parents():
            parent_view = ConfigView(parent, self.sources, self.workspace)
            for cfg in parent_view.load().configs:
                yield Section(cfg.value, cfg.base_dir)

    def parents(self) -> list[ConfigFile]:
        """Config files in the workspace whose `requires` lead to this file."""
        if self.path is None or self.workspace is None:
            return []
        out = []
        for candidate in workspace_configs(self.workspace):
            if candidate == self.path:
                continue
            read = self.sources.read(candidate)
            if isinstance(read, ReadFailure):
                continue
            if any(self._requires_this(candidate, d) for d in read.documents):
                out.append(read)
        return out

    def _requires_this(self, file: Path, doc: ConfigDocument) -> bool:
        requires = doc.value.get("requires") if doc.value is not None else None
        for entry in requires.items if requires else []:
            path = entry.text_at("path")
            if not path:
                continue
            target = Path(os.path.normpath(file.parent / path))
            if target == self.path or (target / "skaffold.yaml") == self.path:
                return True
        return False


def workspace_configs(root: Path, limit: int = MAX_WORKSPACE_CONFIGS) -> list[Path]:
    """skaffold config files under `root` (by name; no symlinked folders, no vendored trees)."""
    out: list[Path] = []
    stack = [root]
    visited = 0
    while stack and len(out) < limit and visited < 50_000:
        folder = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name, reverse=True)
        except OSError:
            continue
        for e in entries:
            visited += 1
            try:
                if e.is_dir(follow_symlinks=False):
                    if e.name not in SKIP_DIRS and e.name != ".git":
                        stack.append(Path(e.path))
                elif is_skaffold_name(e.name) and e.is_file():
                    out.append(Path(e.path))
            except OSError:
                continue
    return sorted(out)

"""The project a skaffold command works on: what the debug bridge and `launch-config` read.

`load_project` loads the root file and its `requires` exactly as the checks and the
editor do (`loader.load`, through the guarded document model), and keeps what a
command-line tool must report: the parse findings of every file read, and the
problems skaffold would stop on.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from skaffold_ls.config.activation import RunContext
from skaffold_ls.config.artifacts import Artifact, artifacts_of
from skaffold_ls.config.consumers import Section, image_uses
from skaffold_ls.config.loader import ConfigProblem, LoadedConfig, LoadRequest, LoadResult, load
from skaffold_ls.config.sources import ConfigFile, Sources
from skaffold_ls.core.findings import Finding, Severity


@dataclass(slots=True)
class Project:
    root: Path
    result: LoadResult
    files: dict[Path, ConfigFile] = field(default_factory=dict)  # every config file read

    @property
    def configs(self) -> list[LoadedConfig]:
        return self.result.configs

    @property
    def artifacts(self) -> list[Artifact]:
        """Every artifact skaffold would build, once per image, in skaffold's order."""
        out: list[Artifact] = []
        seen: set[str] = set()
        for cfg in self.result.configs:
            for art in artifacts_of(cfg.value, cfg.base_dir):
                if art.image and art.image not in seen:
                    seen.add(art.image)
                    out.append(art)
        return out

    def artifact(self, image: str) -> Artifact | None:
        return next((a for a in self.artifacts if a.image == image), None)

    def deployed_images(self) -> set[str] | None:
        """Images some deployed container runs; None when the deployed manifests cannot all be read."""
        images = [a.image for a in self.artifacts if a.image]
        uses = image_uses((Section(c.value, c.base_dir) for c in self.result.configs), images)
        return None if uses.unknowable else uses.deployed_images

    def syntax_findings(self) -> list[tuple[Path, Finding]]:
        """Errors in the files themselves (YAML syntax, alias bombs, binary content...)."""
        return [(path, f) for path, cf in self.files.items() for f in cf.parsed.findings
                if f.severity == Severity.ERROR]

    def errors(self) -> list[ConfigProblem]:
        """What skaffold would stop on while loading."""
        return self.result.fatal


def load_project(file: Path, profiles: Sequence[str] = (), modules: Sequence[str] = (), command: str = "debug",
                 env: Mapping[str, str] | None = None, kube_context: str | None = None,
                 run_dir: Path | None = None) -> Project:
    """What `skaffold <command> -f file -p ... -m ...` loads (a folder means its skaffold.yaml)."""
    path = Path(os.path.abspath(file))
    if path.is_dir():
        path = path / "skaffold.yaml"
    sources = Sources()
    run = RunContext(command=command, env=dict(os.environ if env is None else env), kube_context=kube_context,
                     kube_context_from="--kube-context" if kube_context else "kubeconfig")
    request = LoadRequest(path, tuple(split_list(profiles)), tuple(split_list(modules)), run, run_dir)
    result = load(sources, request)
    return Project(path, result, sources.seen)


def split_list(values: Sequence[str]) -> list[str]:
    """skaffold's repeatable, comma-separated flags (`-p a,b -p c`)."""
    return [x.strip() for v in values for x in v.split(",") if x.strip()]


@dataclass(slots=True)
class SkaffoldArgs:
    """What skaffold's own command line says about the configuration."""

    filename: str | None = None
    profiles: list[str] = field(default_factory=list)
    modules: list[str] = field(default_factory=list)
    kube_context: str | None = None


_FLAGS = {"-f": "filename", "--filename": "filename", "-p": "profiles", "--profile": "profiles",
          "-m": "modules", "--module": "modules", "--kube-context": "kube_context"}


def parse_skaffold_args(args: Sequence[str]) -> SkaffoldArgs:
    """Pick `-f/--filename`, `-p/--profile`, `-m/--module`, `--kube-context` out of skaffold's arguments."""
    out = SkaffoldArgs()
    i = 0
    while i < len(args):
        name, eq, val = args[i].partition("=")
        key = _FLAGS.get(name)
        if key is None:
            i += 1
            continue
        if not eq:
            if i + 1 >= len(args):
                break
            val = args[i + 1]
            i += 1
        if key == "profiles":
            out.profiles.extend(split_list([val]))
        elif key == "modules":
            out.modules.extend(split_list([val]))
        elif key == "filename":
            out.filename = val
        else:
            out.kube_context = val
        i += 1
    return out


def report_lines(project: Project, relative_to: Path | None = None) -> list[str]:
    """What stops skaffold from loading the project, as `check` prints findings:
    `file:line:col: error code message` (1-based)."""
    def shown(path: Path | None) -> str:
        if path is None:
            return str(project.root)
        if relative_to is not None and path.is_relative_to(relative_to):
            return path.relative_to(relative_to).as_posix()
        return str(path)

    out = [f"{shown(path)}:{f.range.start.line + 1}:{f.range.start.col + 1}: error {f.code} {f.message}"
           for path, f in project.syntax_findings()]
    for p in project.errors():
        line, col = (p.range.start.line + 1, p.range.start.col + 1) if p.range is not None else (1, 1)
        out.append(f"{shown(p.file)}:{line}:{col}: error {p.code} {p.message}")
    return out


def describe_problem(problem: ConfigProblem, relative_to: Path | None = None) -> str:
    """`file:line: message`, for a note in a terminal."""
    if problem.file is None:
        return problem.message
    shown = problem.file
    if relative_to is not None and problem.file.is_relative_to(relative_to):
        shown = problem.file.relative_to(relative_to)
    return f"{shown}:{problem.range.start.line + 1 if problem.range else 1}: {problem.message}"

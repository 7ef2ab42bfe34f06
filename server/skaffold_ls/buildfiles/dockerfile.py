"""Dockerfile analysis on top of `dockerfile-parse`.

`dockerfile-parse` handles the lexical part (line continuations, comments, instruction
boundaries); this module adds the build semantics the debug bridge and the code actions
need: stages and their aliases, `FROM` with `ARG` substitution and `--platform`, the
effective `WORKDIR` at every instruction (golang images start in `/go`), `COPY`/`ADD`
sources and destinations, `go build` invocations in `RUN` with their flags, and the
`ENTRYPOINT`/`CMD` of each stage.
"""

from __future__ import annotations

import io
import json
import posixpath
import re
import shlex
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from skaffold_ls.buildfiles.textfile import read_build_file

# Default WORKDIR of well-known base images (repository basename → dir). Docker's default is "/".
IMAGE_DEFAULT_WORKDIR: dict[str, str] = {
    "golang": "/go",
}

# What `skaffold debug` passes as build args (only when the Dockerfile declares them).
SKAFFOLD_DEBUG_BUILD_ARGS: dict[str, str] = {
    "SKAFFOLD_GO_GCFLAGS": "all=-N -l",
    "SKAFFOLD_RUN_MODE": "debug",
}


class DockerfileError(Exception):
    """The Dockerfile cannot be read or has no FROM."""


@dataclass(frozen=True)
class Command:
    """ENTRYPOINT or CMD. `argv` is the exec-form list; shell form becomes `/bin/sh -c <text>`."""

    form: Literal["exec", "shell"]
    argv: list[str]
    line: int  # 1-based

    @property
    def shell_text(self) -> str | None:
        return self.argv[2] if self.form == "shell" and len(self.argv) > 2 else None


@dataclass(frozen=True)
class CopyInstruction:
    instruction: Literal["COPY", "ADD"]
    sources: list[str]  # as written (after variable substitution)
    dest: str  # absolute path inside the image
    dest_is_dir: bool
    from_stage: str | None  # --from value (stage name, index or image), None = build context
    line: int  # 1-based

    def context_roots(self) -> list[tuple[str, str]]:
        """Pairs (context-relative dir, remote dir) this copy implies for whole trees.

        `COPY . /src` → [(".", "/src")]; `COPY main.go .` (WORKDIR /go) → [(".", "/go")];
        `COPY cmd/ ./cmd/` → [(".", "/src")] because the common suffix is stripped.
        """
        out: list[tuple[str, str]] = []
        for src in self.sources:
            if any(ch in src for ch in "*?["):
                src = posixpath.dirname(src) or "."
                local, remote = _norm_rel(src), self.dest
            else:
                s = _norm_rel(src)
                if self.dest_is_dir and s != "." and not src.endswith("/") and "." in posixpath.basename(s):
                    # a file copied into a directory: its folder maps to the destination
                    local, remote = _norm_rel(posixpath.dirname(s) or "."), self.dest
                else:
                    local, remote = s, self.dest
            out.append(_strip_common_suffix(local, remote))
        return out


@dataclass(frozen=True)
class GoBuild:
    """One `go build` (or `go install`) found in a RUN instruction."""

    stage_index: int
    line: int  # 1-based line of the RUN instruction
    argv: list[str]  # the go command words after substitution, starting at "go"
    dir: str  # absolute directory `go` runs in (WORKDIR plus any `cd`)
    output: str | None  # absolute -o path, None when not given
    trimpath: bool
    gcflags: list[str]
    ldflags: list[str]
    tags: list[str]
    packages: list[str]  # positional arguments (packages or .go files)
    env: dict[str, str]  # KEY=VALUE words before `go` plus GOFLAGS from ENV

    @property
    def main_package(self) -> str:
        return self.packages[0] if self.packages else "."


@dataclass(frozen=True)
class DotnetBuild:
    """One `dotnet build` or `dotnet publish` in a RUN instruction."""

    stage_index: int
    line: int  # 1-based line of the RUN instruction
    dir: str  # absolute directory it runs in
    configuration: str | None  # `-c` / `--configuration` value (None: the default, Debug)
    output: str | None  # absolute `-o` path


@dataclass
class Stage:
    index: int
    name: str | None  # the AS alias
    base_image: str  # after ARG substitution
    platform: str | None
    parent_stage: int | None  # when FROM names an earlier stage
    line: int  # 1-based line of FROM
    workdir: str = "/"  # effective WORKDIR at the end of the stage
    workdir_explicit: bool = False  # a WORKDIR instruction (here or in the parent stage) set it
    env: dict[str, str] = field(default_factory=dict)
    env_lines: dict[str, int] = field(default_factory=dict)  # ENV name -> 1-based line that set it
    args: dict[str, str | None] = field(default_factory=dict)  # ARG declared in this stage
    copies: list[CopyInstruction] = field(default_factory=list)
    go_builds: list[GoBuild] = field(default_factory=list)
    runs: list[tuple[int, str]] = field(default_factory=list)  # (line, shell text)
    entrypoint: Command | None = None
    cmd: Command | None = None
    cmd_cleared: bool = False  # an ENTRYPOINT here (or in a parent stage) dropped the base image's CMD
    exposed: list[str] = field(default_factory=list)
    dotnet_builds: list[DotnetBuild] = field(default_factory=list)

    @property
    def context_copies(self) -> list[CopyInstruction]:
        return [c for c in self.copies if c.from_stage is None]

    @property
    def image_repository(self) -> str:
        return image_repository(self.base_image)


@dataclass
class Dockerfile:
    path: Path | None
    stages: list[Stage]
    global_args: dict[str, str | None]

    @property
    def final_stage(self) -> Stage:
        return self.stages[-1]

    def stage(self, ref: str | int) -> Stage | None:
        if isinstance(ref, int) or (isinstance(ref, str) and ref.isdigit()):
            ix = int(ref)
            return self.stages[ix] if 0 <= ix < len(self.stages) else None
        for s in self.stages:
            if s.name is not None and s.name.lower() == ref.lower():
                return s
        return None

    def declares_arg(self, name: str) -> bool:
        return name in self.global_args or any(name in s.args for s in self.stages)

    def target_stage(self, target: str | None) -> Stage:
        if target:
            s = self.stage(target)
            if s is not None:
                return s
        return self.final_stage

    def go_build_for(self, target: str | None = None) -> GoBuild | None:
        """The `go build` that produced the binary of the target (default final) stage.

        Follows `COPY --from=<stage> <binary>` in the target stage; falls back to builds in
        the target stage itself, then to the last `go build` anywhere.
        """
        final = self.target_stage(target)
        for cp in reversed(final.copies):
            if cp.from_stage is None:
                continue
            src_stage = self.stage(cp.from_stage)
            if src_stage is None:
                continue
            for b in reversed(src_stage.go_builds):
                for src in cp.sources:
                    src_abs = _abs(src, "/")
                    if b.output and (b.output == src_abs or b.output.startswith(src_abs.rstrip("/") + "/")):
                        return b
            if src_stage.go_builds:
                return src_stage.go_builds[-1]
        if final.go_builds:
            return final.go_builds[-1]
        for s in reversed(self.stages):
            if s.go_builds:
                return s.go_builds[-1]
        return None

    def stage_of(self, build: GoBuild) -> Stage:
        return self.stages[build.stage_index]


_BOOL_FALSE = ("false", "0", "f", "F", "FALSE", "False")


def dwarf_stripping_flags(ldflags: list[str]) -> list[str]:
    """The linker flags among `-ldflags` values that leave the binary without DWARF (`-s`, `-w`).

    Later flags win, as in Go's flag package (`-s -w -s=false -w=false` keeps DWARF).
    `-s` drops DWARF too on Linux (before Go 1.22 the ELF linker skipped DWARF under -s;
    since 1.22 `-s` implies `-w`), unless `-w=0` follows it (Go >= 1.22).
    """
    state: dict[str, bool] = {}
    explicit_w = False
    for value in ldflags:
        try:
            words = shlex.split(value)
        except ValueError:
            words = value.split()
        for w in words:
            name, eq, val = w.lstrip("-").partition("=")
            if not w.startswith("-") or name not in ("s", "w"):
                continue
            on = not (eq and val in _BOOL_FALSE)
            state[name] = on
            if name == "w":
                explicit_w = True
    out = [f"-{n}" for n in ("s", "w") if state.get(n)]
    if out == ["-s"] and explicit_w:
        return []  # `-s -w=0`: symbol table gone, DWARF kept (Go >= 1.22)
    return out


def image_repository(image: str) -> str:
    """`docker.io/library/golang:1.19@sha256:..` → `golang`."""
    ref = image.split("@", 1)[0]
    last = ref.rsplit("/", 1)[-1]
    return last.split(":", 1)[0].lower()


def parse_dockerfile(path: Path, build_args: Mapping[str, str] | None = None) -> Dockerfile:
    try:
        text = read_build_file(path)
    except OSError as e:
        raise DockerfileError(f"cannot read {path}: {e.strerror or e}") from e
    return parse_dockerfile_text(text, path=path, build_args=build_args)


_VAR_RE = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-+])(?P<word>[^}]*))?\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))")


def substitute(text: str, variables: Mapping[str, str | None]) -> str:
    """Docker-style `$X`, `${X}`, `${X:-default}`, `${X:+alt}` substitution (unknown → empty)."""

    def repl(m: re.Match[str]) -> str:
        name = m.group("braced") or m.group("bare")
        value = variables.get(name)
        op = m.group("op")
        if op in (":-", "-"):
            return value if value else m.group("word")
        if op in (":+", "+"):
            return m.group("word") if value else ""
        return value or ""

    return _VAR_RE.sub(repl, text.replace("\\$", "\x00")).replace("\x00", "$")


def parse_dockerfile_text(
    text: str, path: Path | None = None, build_args: Mapping[str, str] | None = None
) -> Dockerfile:
    # Lazy: ~23 ms of imports that `check` pays only when a config has a Dockerfile to read.
    from dockerfile_parse import DockerfileParser

    parser = DockerfileParser(fileobj=io.BytesIO(text.encode("utf-8")))
    try:
        instructions = parser.structure
    except Exception as e:  # dockerfile-parse raises assorted errors on odd input
        raise DockerfileError(f"cannot parse {path or 'Dockerfile'}: {e}") from e
    build_args = dict(build_args or {})
    global_args: dict[str, str | None] = {}
    stages: list[Stage] = []
    cur: Stage | None = None
    scope: dict[str, str | None] = {}  # variables visible in the current stage

    cmd_set_here = False  # a CMD in the current stage (an ENTRYPOINT after it keeps it)
    for ins in instructions:
        kind = ins["instruction"].upper()
        value: str = ins["value"]
        line = int(ins["startline"]) + 1
        if kind == "ARG":
            for name, default in _parse_arg(value):
                if cur is None:
                    global_args[name] = build_args.get(name, default)
                else:
                    if default is None and name in global_args:
                        default = global_args[name]
                    cur.args[name] = default
                    scope[name] = build_args.get(name, default)
            continue
        if kind == "FROM":
            cur = _new_stage(value, line, len(stages), stages, global_args, build_args)
            stages.append(cur)
            scope = dict(cur.env)
            cmd_set_here = False
            continue
        if cur is None:
            continue
        variables = {**scope, **cur.env}
        if kind == "WORKDIR":
            cur.workdir = _abs(substitute(value.strip(), variables), cur.workdir)
            cur.workdir_explicit = True
        elif kind == "ENV":
            for k, v in _parse_env(value):
                cur.env[k] = substitute(v, variables)
                cur.env_lines[k] = line
        elif kind in ("COPY", "ADD"):
            cp = _parse_copy(kind, value, line, cur.workdir, variables)
            if cp is not None:
                cur.copies.append(cp)
        elif kind == "RUN":
            shell = _strip_run_flags(value)
            cur.runs.append((line, shell))
            cur.go_builds.extend(_find_go_builds(shell, cur, line, variables))
            cur.dotnet_builds.extend(_find_dotnet_builds(shell, cur, line, variables))
        elif kind in ("ENTRYPOINT", "CMD"):
            cmd = _parse_command(value, line)
            if kind == "ENTRYPOINT":
                cur.entrypoint = cmd
                if not cmd_set_here:  # ENTRYPOINT resets an inherited CMD, not one set in this stage
                    cur.cmd = None
                    cur.cmd_cleared = True
            else:
                cur.cmd = cmd
                cmd_set_here = True
        elif kind == "EXPOSE":
            cur.exposed.extend(substitute(value, variables).split())
    if not stages:
        raise DockerfileError(f"{path or 'Dockerfile'}: no FROM instruction")
    return Dockerfile(path=path, stages=stages, global_args=global_args)


def _new_stage(
    value: str,
    line: int,
    index: int,
    stages: list[Stage],
    global_args: Mapping[str, str | None],
    build_args: Mapping[str, str],
) -> Stage:
    words = value.split()
    platform = None
    rest: list[str] = []
    for w in words:
        if w.startswith("--platform="):
            raw = w.split("=", 1)[1]
            # BuildKit's automatic platform args are unknown offline: keep them as written
            platform = substitute(raw, {**global_args, **build_args}) or raw
        elif w.startswith("--"):
            continue
        else:
            rest.append(w)
    image = substitute(rest[0], {**global_args, **build_args}) if rest else ""
    name = rest[2] if len(rest) >= 3 and rest[1].lower() == "as" else None
    stage = Stage(index=index, name=name, base_image=image, platform=platform, parent_stage=None, line=line)
    for s in stages:
        if s.name is not None and s.name.lower() == image.lower():
            stage.parent_stage = s.index
            stage.workdir = s.workdir
            stage.workdir_explicit = s.workdir_explicit
            stage.env = dict(s.env)
            stage.env_lines = dict(s.env_lines)
            stage.entrypoint, stage.cmd, stage.cmd_cleared = s.entrypoint, s.cmd, s.cmd_cleared
            break
    else:
        stage.workdir = IMAGE_DEFAULT_WORKDIR.get(image_repository(image), "/")
    return stage


def _parse_arg(value: str) -> list[tuple[str, str | None]]:
    out: list[tuple[str, str | None]] = []
    for word in _split_words(value):
        if "=" in word:
            k, v = word.split("=", 1)
            out.append((k, v))
        else:
            out.append((word, None))
    return out


def _parse_env(value: str) -> list[tuple[str, str]]:
    words = _split_words(value)
    if words and "=" not in words[0]:
        # legacy form: ENV KEY value with spaces
        key, _, rest = value.strip().partition(" ")
        return [(key, rest.strip())]
    return [(w.split("=", 1)[0], w.split("=", 1)[1]) for w in words if "=" in w]


def _split_words(value: str) -> list[str]:
    try:
        return shlex.split(value, posix=True)
    except ValueError:
        return value.split()


def _parse_copy(kind: str, value: str, line: int, workdir: str, variables: Mapping[str, str | None]) -> CopyInstruction | None:
    value = value.strip()
    from_stage = None
    parts: list[str]
    words = value.split()
    while words and words[0].startswith("--"):
        flag = words.pop(0)
        if flag.startswith("--from="):
            from_stage = substitute(flag.split("=", 1)[1], variables)
    rest = " ".join(words)
    if rest.startswith("["):
        try:
            parts = [str(p) for p in json.loads(rest)]
        except ValueError:
            parts = _split_words(rest)
    else:
        parts = _split_words(rest)
    parts = [substitute(p, variables) for p in parts]
    if len(parts) < 2:
        return None
    *sources, dest_raw = parts
    dest_is_dir = dest_raw.endswith("/") or dest_raw in (".", "./") or len(sources) > 1
    dest = _abs(dest_raw, workdir)
    return CopyInstruction(
        instruction="ADD" if kind == "ADD" else "COPY",
        sources=sources,
        dest=dest,
        dest_is_dir=dest_is_dir,
        from_stage=from_stage,
        line=line,
    )


def _strip_run_flags(value: str) -> str:
    text = value.strip()
    while text.startswith("--"):
        _first, _, text = text.partition(" ")
        text = text.lstrip()
    return text


def _parse_command(value: str, line: int) -> Command:
    text = value.strip()
    if text.startswith("["):
        try:
            argv = json.loads(text)
            if isinstance(argv, list) and all(isinstance(a, str) for a in argv):
                return Command(form="exec", argv=list(argv), line=line)
        except ValueError:
            pass
    return Command(form="shell", argv=["/bin/sh", "-c", text], line=line)


_SEPARATORS = {"&&", "||", ";", "|", "&"}


def _shell_segments(shell: str) -> list[list[str]]:
    lexer = shlex.shlex(shell.replace("\\\n", " "), posix=True, punctuation_chars=";&|")
    lexer.whitespace_split = True
    lexer.commenters = ""
    segments: list[list[str]] = [[]]
    try:
        for tok in lexer:
            if tok in _SEPARATORS or set(tok) <= {";", "&", "|"}:
                segments.append([])
            else:
                segments[-1].append(tok)
    except ValueError:
        return [shell.split()]
    return [s for s in segments if s]


def _commands(shell: str, stage: Stage, variables: Mapping[str, str | None]) -> Iterator[tuple[str, dict[str, str], list[str]]]:
    """Each simple command of a RUN line as (working directory, `VAR=value` / `env` prefix, argv):
    `cd` moves the working directory for the commands after it."""
    cwd = stage.workdir
    for seg in _shell_segments(shell):
        words = [substitute(w, variables) for w in seg]
        if words and words[0] == "cd" and len(words) > 1:
            cwd = _abs(words[1], cwd)
            continue
        env: dict[str, str] = {}
        i = 1 if words and words[0] == "env" else 0
        while i < len(words) and re.match(r"^[A-Za-z_][A-Za-z0-9_]*=", words[i]):
            k, v = words[i].split("=", 1)
            env[k] = v
            i += 1
        if i < len(words):
            yield cwd, env, words[i:]


def _find_go_builds(shell: str, stage: Stage, line: int, variables: Mapping[str, str | None]) -> list[GoBuild]:
    builds: list[GoBuild] = []
    for cwd, env, argv in _commands(shell, stage, variables):
        if len(argv) < 2 or posixpath.basename(argv[0]) != "go" or argv[1] not in ("build", "install"):
            continue
        goflags = env.get("GOFLAGS", stage.env.get("GOFLAGS", ""))
        if "GOFLAGS" in stage.env and "GOFLAGS" not in env:
            env["GOFLAGS"] = stage.env["GOFLAGS"]
        builds.append(_parse_go_build(argv, stage.index, line, cwd, env, goflags))
    return builds


def _find_dotnet_builds(shell: str, stage: Stage, line: int, variables: Mapping[str, str | None]) -> list[DotnetBuild]:
    builds: list[DotnetBuild] = []
    for cwd, _env, words in _commands(shell, stage, variables):
        if len(words) < 2 or posixpath.basename(words[0]) != "dotnet" or words[1] not in ("build", "publish"):
            continue
        configuration = output = None
        for i, w in enumerate(words[2:], 2):
            name, eq, val = w.partition("=") if w.startswith("--") else (w, "", "")
            if not eq and i + 1 < len(words):
                val = words[i + 1]
            if name in ("-c", "--configuration"):
                configuration = val
            elif name in ("-o", "--output"):
                output = _abs(val, cwd)
        builds.append(DotnetBuild(stage.index, line, cwd, configuration, output))
    return builds


_GO_VALUE_FLAGS = {
    "-o", "-gcflags", "-ldflags", "-asmflags", "-tags", "-mod", "-p", "-buildmode", "-compiler",
    "-gccgoflags", "-installsuffix", "-modfile", "-overlay", "-pkgdir", "-toolexec", "-pgo", "-C",
    "-buildvcs", "-coverpkg", "-covermode",
}


def _parse_go_build(argv: list[str], stage_index: int, line: int, cwd: str, env: dict[str, str], goflags: str) -> GoBuild:
    output = None
    trimpath = False
    gcflags: list[str] = []
    ldflags: list[str] = []
    tags: list[str] = []
    packages: list[str] = []
    words = argv[2:]
    i = 0
    flag_words = goflags.split() if goflags else []
    for w in flag_words:
        if w in ("-trimpath", "-trimpath=true"):
            trimpath = True
    while i < len(words):
        w = words[i]
        if w.startswith("-") and w != "-":
            name, eq, val = w.partition("=")
            name = "-" + name.lstrip("-")
            if not eq and name in _GO_VALUE_FLAGS and i + 1 < len(words):
                i += 1
                val = words[i]
            if name == "-o":
                output = val
            elif name == "-trimpath":
                trimpath = val.lower() not in ("false", "0") if eq else True
            elif name == "-gcflags":
                gcflags.append(val)
            elif name == "-ldflags":
                ldflags.append(val)
            elif name == "-tags":
                tags.extend(t for t in re.split(r"[ ,]", val) if t)
            elif name == "-C":
                cwd = _abs(val, cwd)
        else:
            packages.append(w)
        i += 1
    out_abs = None
    if output:
        out_abs = _abs(output, cwd)
        if output.endswith("/"):
            out_abs = out_abs.rstrip("/") + "/"
    return GoBuild(
        stage_index=stage_index,
        line=line,
        argv=list(argv),
        dir=cwd,
        output=out_abs,
        trimpath=trimpath,
        gcflags=gcflags,
        ldflags=ldflags,
        tags=tags,
        packages=packages,
        env=env,
    )


def _abs(p: str, base: str) -> str:
    if not p:
        return base
    joined = p if p.startswith("/") else posixpath.join(base, p)
    norm = posixpath.normpath(joined)
    return "/" if norm == "//" else norm


def _norm_rel(p: str) -> str:
    n = posixpath.normpath(p.lstrip("/"))
    return "." if n in ("", ".") else n


def _strip_common_suffix(local: str, remote: str) -> tuple[str, str]:
    lp = [] if local == "." else local.split("/")
    rp = [p for p in remote.split("/") if p]
    while lp and rp and lp[-1] == rp[-1]:
        lp.pop()
        rp.pop()
    return ("/".join(lp) or ".", "/" + "/".join(rp))

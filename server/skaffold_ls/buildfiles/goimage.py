"""What a Dockerfile that builds a Go binary amounts to in ko's terms.

Reads the Dockerfile with `skaffold_ls.buildfiles` (dockerfile-parse underneath) and
answers: which `go build` makes the binary of the final stage, with which flags and
environment, from which local directory (`ko.dir`) and package (`ko.main`), on which
base (`ko.fromImage`), and what else the final image contains that ko would drop.
"""

from __future__ import annotations

import posixpath
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from skaffold_ls.buildfiles.dockerfile import Dockerfile, DockerfileError, GoBuild, Stage, parse_dockerfile
from skaffold_ls.buildfiles.gomod import find_go_mod
from skaffold_ls.buildfiles.textfile import read_build_file

# ko sets these itself (per platform) or they only matter inside the Dockerfile build.
_ENV_DROPPED = {"GOOS", "GOARCH", "GOARM", "GOPATH", "GOCACHE", "GOMODCACHE", "GOBIN", "HOME", "PATH"}
_GO_ENV = re.compile(r"^(CGO_[A-Z_]+|GO[A-Z0-9_]+)$")
_CGO_PACKAGES = re.compile(r"\b(gcc|g\+\+|musl-dev|build-base|libc6-dev|clang|build-essential)\b")
_INSTALL = re.compile(r"\b(apk\s+add|apt-get\s+install|apt\s+install|yum\s+install|dnf\s+install|microdnf\s+install)\b")


@dataclass
class KoPlan:
    ko: dict[str, object]  # the `ko:` mapping to write
    notes: list[str] = field(default_factory=list)  # what the user should know
    lost: list[str] = field(default_factory=list)  # final-image content ko cannot carry (refusal)
    refusal: str | None = None
    build: GoBuild | None = None
    dockerfile: Dockerfile | None = None


def _final_base(df: Dockerfile, stage: Stage) -> str:
    seen = 0
    while stage.parent_stage is not None and seen < 32:
        stage = df.stages[stage.parent_stage]
        seen += 1
    return stage.base_image


def _local_dir(stage: Stage, df: Dockerfile, remote: str) -> str | None:
    """The context-relative directory copied to `remote` in the build stage (or its parents)."""
    best: tuple[int, str] | None = None
    s: Stage | None = stage
    depth = 0
    while s is not None and depth < 32:
        for cp in s.context_copies:
            for local, rdir in cp.context_roots():
                rdir = rdir.rstrip("/") or "/"
                if remote == rdir or remote.startswith(rdir.rstrip("/") + "/"):
                    rest = posixpath.relpath(remote, rdir)
                    path = posixpath.normpath(posixpath.join(local, rest))
                    if best is None or len(rdir) > best[0]:
                        best = (len(rdir), path)
        s = df.stages[s.parent_stage] if s.parent_stage is not None else None
        depth += 1
    return best[1] if best else None


def _main_of(build: GoBuild) -> str:
    pkg = build.main_package
    if pkg.endswith(".go"):
        d = posixpath.dirname(pkg)
        return "./" + d if d and not d.startswith((".", "/")) else (d or ".")
    return pkg


def _split_flags(values: list[str]) -> list[str]:
    """`-s -w -X a.B=c` → ["-s", "-w", "-X a.B=c"] (ko joins them with spaces again)."""
    words: list[str] = []
    for v in values:
        try:
            words.extend(shlex.split(v))
        except ValueError:
            words.extend(v.split())
    out: list[str] = []
    i = 0
    while i < len(words):
        w = words[i]
        if w in ("-X", "-extldflags", "-linkmode", "-buildid", "-B", "-r", "-I") and i + 1 < len(words):
            out.append(f"{w} {words[i + 1]}")
            i += 2
            continue
        out.append(w)
        i += 1
    return out


def _kept_flags(build: GoBuild) -> tuple[list[str], list[str]]:
    """Flags ko should pass, and notes about those it should not."""
    kept: list[str] = []
    notes: list[str] = []
    words = build.argv[2:]
    i = 0
    while i < len(words):
        w = words[i]
        if not w.startswith("-") or w == "-":
            i += 1
            continue
        name, eq, val = w.partition("=")
        norm = "-" + name.lstrip("-")
        takes_value = norm in ("-o", "-gcflags", "-ldflags", "-tags", "-mod", "-buildmode", "-asmflags",
                               "-pgo", "-C", "-p", "-modfile", "-overlay", "-toolexec", "-buildvcs")
        if takes_value and not eq and i + 1 < len(words):
            val = words[i + 1]
            i += 1
        i += 1
        if norm in ("-o", "-ldflags", "-C", "-p"):
            continue
        if norm == "-gcflags":
            if "SKAFFOLD_GO_GCFLAGS" in val or not val.strip() or val.strip('"') == "":
                continue  # ko turns optimisations off by itself under `skaffold debug`
            kept.append(f"{norm}={val}")
            continue
        if norm == "-trimpath":
            notes.append("dropped `-trimpath`: ko adds it itself except under `skaffold debug`, where "
                         "breakpoints need full paths")
            continue
        if norm in ("-v", "-x", "-a", "-n", "-work"):
            continue
        kept.append(f"{norm}={val}" if takes_value else w)
    return kept, notes


def _uses_cgo(build: GoBuild, stage: Stage, df: Dockerfile, module_dir: Path | None, main_dir: Path | None) -> str | None:
    cgo = build.env.get("CGO_ENABLED", stage.env.get("CGO_ENABLED"))
    if cgo == "1":
        return "the build sets `CGO_ENABLED=1`"
    if cgo == "0":
        return None
    s: Stage | None = stage
    while s is not None:
        for line, text in s.runs:
            if _INSTALL.search(text) and _CGO_PACKAGES.search(text):
                return f"the build stage installs a C toolchain (line {line}: `{text.strip()[:60]}`)"
        s = df.stages[s.parent_stage] if s.parent_stage is not None else None
    for d in (main_dir,):
        if d is None or not d.is_dir():
            continue
        for f in sorted(d.glob("*.go"))[:200]:
            try:
                src = read_build_file(f, errors="replace")
            except OSError:
                continue
            if re.search(r'^\s*import\s+"C"\s*$', src, re.M) or re.search(r'^\s*"C"\s*$', src, re.M):
                return f"`{f.name}` imports \"C\""
    return None


def _final_extras(df: Dockerfile, final: Stage, build: GoBuild) -> tuple[list[str], list[str]]:
    """(lost content that makes ko a bad fit, notes about settings not carried over)."""
    lost: list[str] = []
    notes: list[str] = []
    build_stage = df.stage_of(build)
    if final.index == build_stage.index:
        notes.append(f"the final image was the build stage itself (`{final.base_image}`, with the Go "
                     "toolchain and sources); ko ships only the binary")
        return lost, notes
    for cp in final.copies:
        src_stage = df.stage(cp.from_stage) if cp.from_stage is not None else None
        if src_stage is not None and src_stage.index == build_stage.index:
            srcs = ["/" + posixpath.normpath(s).lstrip("/") if s.startswith("/") else
                    posixpath.normpath(posixpath.join(build_stage.workdir, s)) for s in cp.sources]
            if build.output and all(s == build.output or build.output.startswith(s.rstrip("/") + "/")
                                    for s in srcs):
                continue
            if build.output is None and len(cp.sources) == 1:
                continue
            lost.append(f"`{cp.instruction} --from={cp.from_stage} {' '.join(cp.sources)}` (line {cp.line})")
        else:
            frm = f" --from={cp.from_stage}" if cp.from_stage else ""
            lost.append(f"`{cp.instruction}{frm} {' '.join(cp.sources)} {cp.dest}` (line {cp.line})")
    for line, text in final.runs:
        lost.append(f"`RUN {text.strip()[:70]}` (line {line})")
    for k, v in final.env.items():
        if k in ("GOTRACEBACK",):
            continue
        notes.append(f"`ENV {k}={v}` is not carried over: set it in the Kubernetes manifest")
    cmd = final.cmd
    ep = final.entrypoint
    if ep is not None and cmd is not None and cmd.form == "exec" and cmd.argv:
        notes.append(f"the default arguments `{' '.join(cmd.argv)}` are not carried over: set `args` in the manifest")
    elif ep is not None and ep.form == "exec" and len(ep.argv) > 1:
        notes.append(f"the entrypoint arguments `{' '.join(ep.argv[1:])}` are not carried over: "
                     "set `args` in the manifest")
    elif ep is None and cmd is not None and cmd.form == "exec" and len(cmd.argv) > 1:
        notes.append(f"the arguments `{' '.join(cmd.argv[1:])}` are not carried over: set `args` in the manifest")
    return lost, notes


def plan_ko(dockerfile: Path, context: Path, target: str | None = None,
            build_args: dict[str, str] | None = None) -> KoPlan:
    """What `ko:` replaces this Dockerfile build, or why it cannot."""
    plan = KoPlan(ko={})
    try:
        df = parse_dockerfile(dockerfile, build_args=build_args)
    except DockerfileError as e:
        plan.refusal = str(e)
        return plan
    plan.dockerfile = df
    build = df.go_build_for(target)
    if build is None:
        plan.refusal = "the Dockerfile runs no `go build`: ko builds Go binaries only"
        return plan
    plan.build = build
    stage = df.stage_of(build)
    final = df.target_stage(target)
    rel_dir = _local_dir(stage, df, build.dir)
    if rel_dir is None:
        rel_dir = "."
        plan.notes.append(f"could not tell which local folder `{build.dir}` is (no COPY maps it); assumed the context")
    if rel_dir.startswith(".."):
        plan.refusal = f"the build runs in `{build.dir}`, which comes from outside the context"
        return plan
    go_dir = (context / rel_dir).resolve()
    gomod = find_go_mod(go_dir, stop_at=context)
    if gomod is None:
        plan.refusal = (f"no go.mod at the context (`{context.name}/{rel_dir if rel_dir != '.' else ''}`): "
                        "ko builds Go modules only")
        return plan
    main = _main_of(build)
    main_dir = (go_dir / main).resolve() if not main.startswith("/") else None
    cgo = _uses_cgo(build, stage, df, gomod.root, main_dir)
    if cgo is not None:
        plan.refusal = f"cgo is required ({cgo}); ko builds with CGO_ENABLED=0 by default and its images carry no C libraries"
        return plan
    lost, notes = _final_extras(df, final, build)
    plan.notes.extend(notes)
    if lost:
        plan.lost = lost
        plan.refusal = ("the final image holds more than the Go binary; ko would lose: " + "; ".join(lost)
                        + ". Keep the Dockerfile, or build a base image with those and use it as `fromImage`")
        return plan
    ko: dict[str, object] = {}
    if final.index != stage.index:
        base = _final_base(df, final)
        if base and base.lower() != "scratch":
            ko["fromImage"] = base
        elif base.lower() == "scratch":
            plan.notes.append("the final stage is `FROM scratch`; ko uses its default base "
                              "(cgr.dev/chainguard/static), which some networks cannot reach: set `fromImage`")
    if rel_dir != ".":
        ko["dir"] = rel_dir
    if main not in (".", "./"):
        first = main.split("/")[0]
        ko["main"] = main if main.startswith((".", "/")) or "." in first else "./" + main
    env: list[str] = []
    for k, v in {**stage.env, **build.env}.items():
        if not _GO_ENV.match(k) or k in _ENV_DROPPED or (k == "GOFLAGS" and not v):
            continue
        env.append(f"{k}={v}")
        if k == "GOFLAGS" and "-trimpath" in v:
            plan.notes.append("GOFLAGS holds `-trimpath`: breakpoints won't bind under `skaffold debug`")
    for k in ("GOOS", "GOARCH"):
        if build.env.get(k):
            plan.notes.append(f"`{k}={build.env[k]}` dropped: ko builds for the artifact's `platforms`")
    if env:
        ko["env"] = env
    flags, flag_notes = _kept_flags(build)
    plan.notes.extend(flag_notes)
    if flags:
        ko["flags"] = flags
    ldflags = _split_flags(build.ldflags)
    if ldflags:
        ko["ldflags"] = ldflags
    plan.notes.extend(_unset_variables(dockerfile, build, stage, df, build_args or {}))
    deps = _dependencies(stage, df)
    if deps:
        ko["dependencies"] = {"paths": deps}
    plan.ko = ko
    return plan


_VAR = re.compile(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)")
_KNOWN_VARS = {"SKAFFOLD_GO_GCFLAGS", "SKAFFOLD_RUN_MODE", "TARGETOS", "TARGETARCH", "TARGETVARIANT",
               "TARGETPLATFORM", "BUILDPLATFORM", "BUILDOS", "BUILDARCH", "PATH", "HOME"}


def _unset_variables(dockerfile: Path, build: GoBuild, stage: Stage, df: Dockerfile,
                     build_args: dict[str, str]) -> list[str]:
    """Variables the go build line uses that have no value here (so their part is lost)."""
    try:
        lines = read_build_file(dockerfile).split("\n")
    except OSError:
        return []
    text = []
    i = build.line - 1
    while 0 <= i < len(lines):
        text.append(lines[i])
        if not lines[i].rstrip().endswith("\\"):
            break
        i += 1
    out = []
    for name in dict.fromkeys(_VAR.findall("\n".join(text))):
        if name in _KNOWN_VARS:
            continue
        value = build_args.get(name) or stage.env.get(name) or stage.args.get(name) or df.global_args.get(name)
        if not value:
            out.append(f"`${name}` has no value here (no default, no buildArgs), so what used it on the go build "
                       f"line (line {build.line}) is left out; ko's flags and ldflags take Go templates such as "
                       f"`{{{{.Env.{name}}}}}`")
    return out


def _dependencies(stage: Stage, df: Dockerfile) -> list[str]:
    """The files the docker build read (its context COPYs), when narrower than the whole context."""
    paths: list[str] = []
    s: Stage | None = stage
    while s is not None:
        for cp in s.context_copies:
            for src in cp.sources:
                n = posixpath.normpath(src.lstrip("/")) if src not in (".", "./") else "."
                if n == ".":
                    return []
                if any(ch in n for ch in "*?["):
                    paths.append(n)
                elif src.endswith("/") or "." not in posixpath.basename(n):
                    paths.append(f"{n}/**")
                else:
                    paths.append(n)
        s = df.stages[s.parent_stage] if s.parent_stage is not None else None
    if paths and not any(p.endswith(".go") or p.endswith("/**") or p == "**/*.go" for p in paths):
        return []
    return list(dict.fromkeys(paths))

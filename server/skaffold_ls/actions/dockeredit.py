"""Small, line-preserving edits to Dockerfiles (the debug helpers' side of a Go build)."""

from __future__ import annotations

import re

from skaffold_ls.buildfiles import Command, GoBuild
from skaffold_ls.buildfiles.dockertext import DockerfileText, exec_form, instruction_lines
from skaffold_ls.core.findings import Pos, Range, TextEdit

GCFLAGS = '-gcflags="${SKAFFOLD_GO_GCFLAGS}"'
_GO_BUILD = re.compile(r"\bgo\s+(build|install)\b")


def go_build_position(lines: list[str], build: GoBuild) -> Pos | None:
    """Just after `go build` in the RUN instruction of `build`."""
    for i in instruction_lines(lines, build.line):
        m = _GO_BUILD.search(lines[i])
        if m:
            return Pos(i, m.end())
    return None


def gcflags_edits(dt: DockerfileText, build: GoBuild) -> list[TextEdit] | str:
    """Edits adding the ARG and the flag (or why not)."""
    edits: list[TextEdit] = []
    lines = dt.lines
    uses = any("SKAFFOLD_GO_GCFLAGS" in g for g in build.gcflags) or "SKAFFOLD_GO_GCFLAGS" in " ".join(
        lines[i] for i in instruction_lines(lines, build.line))
    stage = dt.df.stage_of(build)
    declared = "SKAFFOLD_GO_GCFLAGS" in stage.args
    if not uses:
        if build.gcflags:
            return ("the build already passes its own -gcflags; add `${SKAFFOLD_GO_GCFLAGS}` to it by hand "
                    "(skaffold passes `all=-N -l`)")
        pos = go_build_position(lines, build)
        if pos is None:
            return "could not find `go build` on the RUN lines"
        edits.append(TextEdit(Range(pos, pos), " " + GCFLAGS))
    if not declared:
        run_line = build.line - 1
        indent = lines[run_line][: len(lines[run_line]) - len(lines[run_line].lstrip())]
        at = Pos(run_line, 0)
        edits.append(TextEdit(Range(at, at),
                              f"{indent}# `skaffold debug` sets SKAFFOLD_GO_GCFLAGS to disable optimizations\n"
                              f"{indent}ARG SKAFFOLD_GO_GCFLAGS\n"))
    if not edits:
        return "the Dockerfile already declares and uses SKAFFOLD_GO_GCFLAGS"
    return edits


def trimpath_edits(dt: DockerfileText, build: GoBuild) -> list[TextEdit]:
    lines = dt.lines
    out: list[TextEdit] = []
    for i in instruction_lines(lines, build.line):
        for m in re.finditer(r"[ \t]+-{1,2}trimpath(=true)?(?=\s|$)", lines[i]):
            out.append(TextEdit(Range(Pos(i, m.start()), Pos(i, m.end())), ""))
    return out


def exec_form_edit(dt: DockerfileText, cmd: Command, keyword: str) -> TextEdit | None:
    new = exec_form(cmd)
    if new is None:
        return None
    rng = instruction_lines(dt.lines, cmd.line)
    first, last = rng[0], rng[-1]
    line = dt.lines[first]
    m = re.match(rf"^(\s*{keyword}\s+)", line, re.I)
    if m is None:
        return None
    return TextEdit(Range(Pos(first, len(m.group(1))), Pos(last, len(dt.lines[last]))), new)

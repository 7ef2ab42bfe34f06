"""Small, line-preserving edits to Dockerfiles (the debug helpers' side of a Go build).

Edits are plain (line, column) pairs, 0-based with columns in code points, so this
package needs nothing of the rest of skaffold-ls; code actions turn them into theirs.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from skaffold_ls.buildfiles.dockerfile import Command, GoBuild
from skaffold_ls.buildfiles.dockertext import DockerfileText, exec_form, instruction_lines


class LineCol(NamedTuple):
    line: int
    col: int


class DockerfileEdit(NamedTuple):
    """Replace the text from `start` to `end` with `new_text`."""

    start: LineCol
    end: LineCol
    new_text: str


GCFLAGS = '-gcflags="${SKAFFOLD_GO_GCFLAGS}"'
_GO_BUILD = re.compile(r"\bgo\s+(build|install)\b")


def go_build_position(lines: list[str], build: GoBuild) -> LineCol | None:
    """Just after `go build` in the RUN instruction of `build`."""
    for i in instruction_lines(lines, build.line):
        m = _GO_BUILD.search(lines[i])
        if m:
            return LineCol(i, m.end())
    return None


def gcflags_edits(dt: DockerfileText, build: GoBuild) -> list[DockerfileEdit] | str:
    """Edits adding the ARG and the flag (or why not)."""
    edits: list[DockerfileEdit] = []
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
        edits.append(DockerfileEdit(pos, pos, " " + GCFLAGS))
    if not declared:
        run_line = build.line - 1
        indent = lines[run_line][: len(lines[run_line]) - len(lines[run_line].lstrip())]
        at = LineCol(run_line, 0)
        edits.append(DockerfileEdit(at, at,
                              f"{indent}# `skaffold debug` sets SKAFFOLD_GO_GCFLAGS to disable optimizations\n"
                              f"{indent}ARG SKAFFOLD_GO_GCFLAGS\n"))
    if not edits:
        return "the Dockerfile already declares and uses SKAFFOLD_GO_GCFLAGS"
    return edits


def trimpath_edits(dt: DockerfileText, build: GoBuild) -> list[DockerfileEdit]:
    lines = dt.lines
    out: list[DockerfileEdit] = []
    for i in instruction_lines(lines, build.line):
        for m in re.finditer(r"[ \t]+-{1,2}trimpath(=true)?(?=\s|$)", lines[i]):
            out.append(DockerfileEdit(LineCol(i, m.start()), LineCol(i, m.end()), ""))
    return out


def exec_form_edit(dt: DockerfileText, cmd: Command, keyword: str) -> DockerfileEdit | None:
    new = exec_form(cmd)
    if new is None:
        return None
    rng = instruction_lines(dt.lines, cmd.line)
    first, last = rng[0], rng[-1]
    line = dt.lines[first]
    m = re.match(rf"^(\s*{keyword}\s+)", line, re.I)
    if m is None:
        return None
    return DockerfileEdit(LineCol(first, len(m.group(1))), LineCol(last, len(dt.lines[last])), new)


# ---------------------------------------------------------------------------
# `skaffold debug` runtime detection and Go debug info (issue 11)

DEBUG_LDFLAGS = "${SKAFFOLD_GO_GCFLAGS:+-s=false -w=false}"
_LDFLAGS = re.compile(r"""(?P<flag>--?ldflags)(?P<sep>=|\s+)(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'\\]+))""")


def runtime_env_edit(dt: DockerfileText, stage_line: int, name: str, value: str) -> DockerfileEdit | str:
    """`ENV name=value` right after the FROM of the stage starting at `stage_line` (or why not)."""
    lines = dt.lines
    rng = instruction_lines(lines, stage_line)
    if not rng or not re.match(r"^\s*FROM\b", lines[rng[0]], re.I):
        return f"line {stage_line} of {dt.path.name} is not a FROM instruction"
    last = rng[-1]
    indent = lines[rng[0]][: len(lines[rng[0]]) - len(lines[rng[0]].lstrip())]
    at = LineCol(last, len(lines[last]))
    text = (f"\n{indent}# marks the image's runtime for `skaffold debug` (https://skaffold.dev/docs/workflows/debug/)"
            f"\n{indent}ENV {name}={value}")
    return DockerfileEdit(at, at, text)


def debug_ldflags_edits(dt: DockerfileText, build: GoBuild) -> list[DockerfileEdit] | str:
    """Keep DWARF under `skaffold debug`: `-ldflags="-s -w"` gets `${SKAFFOLD_GO_GCFLAGS:+-s=false -w=false}`
    appended (the linker's later flags win; skaffold sets SKAFFOLD_GO_GCFLAGS only when debugging),
    and the stage declares `ARG SKAFFOLD_GO_GCFLAGS` so the shell sees it."""
    lines = dt.lines
    edits: list[DockerfileEdit] = []
    for i in instruction_lines(lines, build.line):
        for m in _LDFLAGS.finditer(lines[i]):
            content = m.group("dq") if m.group("dq") is not None else m.group("sq") if m.group("sq") is not None \
                else m.group("bare")
            if "SKAFFOLD_GO_GCFLAGS" in content:
                return "the -ldflags already depend on SKAFFOLD_GO_GCFLAGS"
            if m.group("sq") is not None and "$" in content:
                return "the -ldflags are single-quoted and use variables; edit them by hand"
            new = f'{m.group("flag")}{m.group("sep")}"{content} {DEBUG_LDFLAGS}"'
            edits.append(DockerfileEdit(LineCol(i, m.start()), LineCol(i, m.end()), new))
    if not edits:
        return "could not find -ldflags on the RUN lines"
    stage = dt.df.stage_of(build)
    if "SKAFFOLD_GO_GCFLAGS" not in stage.args:
        run_line = build.line - 1
        indent = lines[run_line][: len(lines[run_line]) - len(lines[run_line].lstrip())]
        at = LineCol(run_line, 0)
        edits.append(DockerfileEdit(at, at,
                              f"{indent}# `skaffold debug` sets SKAFFOLD_GO_GCFLAGS; it also keeps DWARF in -ldflags\n"
                              f"{indent}ARG SKAFFOLD_GO_GCFLAGS\n"))
    return edits

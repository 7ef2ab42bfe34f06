"""Small, line-preserving edits to Dockerfiles (the debug helpers' side of a Go build)."""

from __future__ import annotations

import json
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

from skaffold_ls.buildfiles import Command, Dockerfile, DockerfileError, GoBuild, parse_dockerfile_text
from skaffold_ls.core import fsutil
from skaffold_ls.core.findings import Pos, Range
from skaffold_ls.features.types import TextEdit

GCFLAGS = '-gcflags="${SKAFFOLD_GO_GCFLAGS}"'
_GO_BUILD = re.compile(r"\bgo\s+(build|install)\b")
_SHELL_META = re.compile(r"[|&;<>()$`\\\"'*?\[\]#~]")


_CACHE: dict[tuple[object, ...], DockerfileText | None] = {}


@dataclass
class DockerfileText:
    path: Path
    text: str
    df: Dockerfile

    @property
    def lines(self) -> list[str]:
        return self.text.split("\n")

    def instruction_text(self, line: int) -> str:
        """The raw text of the instruction starting at 1-based `line`, continuations included."""
        lines = self.lines
        return "\n".join(lines[i] for i in _instruction_lines(lines, line))

    @staticmethod
    def read(path: Path, build_args: dict[str, str] | None = None) -> DockerfileText | None:
        """The parsed Dockerfile (cached by path, size, mtime and build args: checks re-run often)."""
        try:
            st = path.stat()
            key = (str(path), st.st_size, st.st_mtime_ns, tuple(sorted((build_args or {}).items())))
            if key in _CACHE:
                return _CACHE[key]
            text = fsutil.read_text(path, fsutil.MAX_READ_BYTES)
            result: DockerfileText | None = DockerfileText(
                path, text, parse_dockerfile_text(text, path=path, build_args=build_args))
        except (OSError, UnicodeDecodeError, DockerfileError):
            return None
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[key] = result
        return result


def _instruction_lines(lines: list[str], start: int) -> range:
    """0-based lines of the instruction starting at 1-based `start` (continuations included)."""
    i = start - 1
    end = i
    while end < len(lines) - 1 and lines[end].rstrip().endswith("\\"):
        end += 1
    return range(i, end + 1)


def go_build_position(lines: list[str], build: GoBuild) -> Pos | None:
    """Just after `go build` in the RUN instruction of `build`."""
    for i in _instruction_lines(lines, build.line):
        m = _GO_BUILD.search(lines[i])
        if m:
            return Pos(i, m.end())
    return None


def gcflags_edits(dt: DockerfileText, build: GoBuild) -> list[TextEdit] | str:
    """Edits adding the ARG and the flag (or why not)."""
    edits: list[TextEdit] = []
    lines = dt.lines
    uses = any("SKAFFOLD_GO_GCFLAGS" in g for g in build.gcflags) or "SKAFFOLD_GO_GCFLAGS" in " ".join(
        lines[i] for i in _instruction_lines(lines, build.line))
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
    for i in _instruction_lines(lines, build.line):
        for m in re.finditer(r"[ \t]+-{1,2}trimpath(=true)?(?=\s|$)", lines[i]):
            out.append(TextEdit(Range(Pos(i, m.start()), Pos(i, m.end())), ""))
    return out


def exec_form(cmd: Command) -> str | None:
    """`ENTRYPOINT /app --flag x` → `["/app", "--flag", "x"]`, when no shell feature is used."""
    text = cmd.shell_text
    if text is None or _SHELL_META.search(text.replace("--", "")):
        return None
    try:
        words = shlex.split(text)
    except ValueError:
        return None
    if words and words[0] == "exec":
        words = words[1:]
    return json.dumps(words) if words else None


def exec_form_edit(dt: DockerfileText, cmd: Command, keyword: str) -> TextEdit | None:
    new = exec_form(cmd)
    if new is None:
        return None
    rng = _instruction_lines(dt.lines, cmd.line)
    first, last = rng[0], rng[-1]
    line = dt.lines[first]
    m = re.match(rf"^(\s*{keyword}\s+)", line, re.I)
    if m is None:
        return None
    return TextEdit(Range(Pos(first, len(m.group(1))), Pos(last, len(dt.lines[last]))), new)

"""A Dockerfile with its text: instructions by line, shell-form commands in exec form.

Read guarded (regular files up to 1 MB), parsed with the build args skaffold would pass,
cached by path, size, mtime and build args (checks re-run on every edit).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import stat
from dataclasses import dataclass
from pathlib import Path

from skaffold_ls.buildfiles.dockerfile import Command, Dockerfile, DockerfileError, parse_dockerfile_text

MAX_DOCKERFILE_BYTES = 1024 * 1024
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
        return "\n".join(lines[i] for i in instruction_lines(lines, line))

    @staticmethod
    def read(path: Path, build_args: dict[str, str] | None = None) -> DockerfileText | None:
        """The parsed Dockerfile (cached by path, size, mtime and build args: checks re-run often)."""
        try:
            st = os.stat(path)
            if not stat.S_ISREG(st.st_mode) or st.st_size > MAX_DOCKERFILE_BYTES:
                return None  # a FIFO or device would block; a huge file is not a Dockerfile
            key = (str(path), st.st_size, st.st_mtime_ns, tuple(sorted((build_args or {}).items())))
            if key in _CACHE:
                return _CACHE[key]
            text = path.read_text(encoding="utf-8")
            result: DockerfileText | None = DockerfileText(
                path, text, parse_dockerfile_text(text, path=path, build_args=build_args))
        except (OSError, UnicodeDecodeError, DockerfileError):
            return None
        if len(_CACHE) > 256:
            _CACHE.clear()
        _CACHE[key] = result
        return result


def instruction_lines(lines: list[str], start: int) -> range:
    """0-based lines of the instruction starting at 1-based `start` (continuations included)."""
    i = start - 1
    end = i
    while end < len(lines) - 1 and lines[end].rstrip().endswith("\\"):
        end += 1
    return range(i, end + 1)


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



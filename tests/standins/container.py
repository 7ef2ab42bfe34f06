"""Run a process with a container-like view of the filesystem, for tests (Linux, root).

A private mount namespace whose root is a tmpfs holding bind mounts of every top-level
folder of the real root, plus extra mounts (e.g. the "image" folder at /app), then chroot.
Nothing on the real `/` changes; the namespace disappears with the process. Used to run a
debuggee whose sources really are at /app, as in the image, without touching the machine.
"""

from __future__ import annotations

import shlex
from pathlib import Path


def container_argv(argv: list[str], mounts: dict[str, str], inner_cwd: str, root_dir: Path) -> list[str]:
    root_dir.mkdir(parents=True, exist_ok=True)
    lines = [
        "set -e",
        f"R={shlex.quote(str(root_dir))}",
        'mount -t tmpfs tmpfs "$R"',
        'for e in /*; do n=$(basename "$e"); if [ -L "$e" ]; then ln -s "$(readlink "$e")" "$R/$n"; '
        'elif [ -d "$e" ]; then mkdir "$R/$n"; mount --rbind "$e" "$R/$n"; fi; done',
    ]
    for target, source in mounts.items():
        t = shlex.quote(target)
        lines.append(f'mkdir -p "$R"{t}; mount --bind {shlex.quote(str(Path(source).resolve()))} "$R"{t}')
    inner = "cd " + shlex.quote(inner_cwd) + ' && exec "$@"'
    lines.append('exec chroot "$R" sh -c ' + shlex.quote(inner) + ' sh "$@"')
    return ["unshare", "-m", "--propagation", "private", "sh", "-c", "\n".join(lines), "sh", *argv]

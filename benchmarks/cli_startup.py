"""Start-up time of the command line: `--version`, `check` and `debug` (to the point where it
reports that skaffold is missing), as medians of repeated runs, optionally side by side with
another git revision of this repository (e.g. the commit before a restructuring).

    python3 benchmarks/cli_startup.py                      # this checkout
    python3 benchmarks/cli_startup.py --compare HEAD~3     # and HEAD~3, in a temporary worktree

Each process runs `python -m skaffold_ls` with PYTHONPATH pointing at the revision's `server/`
folder, in the bundled example (examples/go-ko-helm), with bytecode cached in a temporary folder
(as an installed package has it) and an empty kubeconfig. Wall time is affected by whatever else
the machine runs: compare numbers taken in the same run.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "go-ko-helm"

COMMANDS: list[tuple[str, list[str]]] = [
    ("--version", ["--version"]),
    ("check skaffold.yaml", ["check", "skaffold.yaml"]),
    ("check --help", ["check", "--help"]),
    ("debug (skaffold missing)", ["debug", "--skaffold", "/nonexistent/skaffold"]),
]


def measure(server_dir: Path, args: list[str], runs: int, env: dict[str, str]) -> float:
    """Median wall milliseconds of `python -m skaffold_ls ARGS` with `server_dir` first on the path."""
    env = {**env, "PYTHONPATH": str(server_dir)}
    cmd = [sys.executable, "-m", "skaffold_ls", *args]
    subprocess.run(cmd, cwd=EXAMPLE, env=env, capture_output=True, check=False)  # warm caches and bytecode
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        subprocess.run(cmd, cwd=EXAMPLE, env=env, capture_output=True, check=False)
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="runs per command and revision (default 15)")
    parser.add_argument("--compare", metavar="REV", help="also measure this git revision")
    args = parser.parse_args()
    pycache = tempfile.mkdtemp(prefix="cli-startup-pycache-")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(PYTHONPYCACHEPREFIX=pycache, KUBECONFIG=os.devnull)
    revisions: list[tuple[str, Path]] = [("this checkout", ROOT / "server")]
    worktree = None
    try:
        if args.compare:
            worktree = Path(tempfile.mkdtemp(prefix="cli-startup-rev-"))
            subprocess.run(["git", "worktree", "add", "--detach", str(worktree), args.compare], cwd=ROOT,
                           check=True, capture_output=True)
            revisions.insert(0, (args.compare, worktree / "server"))
        header = f"{'command':28}" + "".join(f"{name:>18}" for name, _ in revisions)
        print(f"median of {args.runs} runs, ms (python {sys.version.split()[0]}, in {EXAMPLE.relative_to(ROOT)})")
        print(header)
        for label, cmd in COMMANDS:
            row = [measure(server, cmd, args.runs, env) for _, server in revisions]
            print(f"{label:28}" + "".join(f"{ms:>18.0f}" for ms in row))
    finally:
        if worktree is not None:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, capture_output=True)
        shutil.rmtree(pycache, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""How long `skaffold-ls config` takes on bank-of-anthos (13 configs in 12 files). Target: < 300 ms.

Measures, as medians of repeated runs:
- the command as a user runs it: a new `skaffold-ls config` process in the repository's folder
  (interpreter start, imports, loading every config, rendering), with `--version` beside it as
  the floor every subcommand pays;
- in-process: the subcommand's work once imported (load, finish, render), and its parts.

    python3 benchmarks/config_bench.py [--runs 9] [--repo ../shared/realrepos/bank-of-anthos]

Without ../shared/realrepos it says so and measures nothing.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from skaffold_ls.cli import build_parser  # noqa: E402
from skaffold_ls.config.activation import RunContext  # noqa: E402
from skaffold_ls.config.effective import load_effective  # noqa: E402
from skaffold_ls.config.loader import LoadRequest, load  # noqa: E402
from skaffold_ls.config.sources import Sources  # noqa: E402
from skaffold_ls.features.effective import render  # noqa: E402
from skaffold_ls.reports.effective import run  # noqa: E402

DEFAULT_REPO = ROOT.parent / "shared" / "realrepos" / "bank-of-anthos"
TARGET_MS = 300.0


def median_ms(fn, runs: int) -> tuple[float, float, float, float]:
    """(median wall ms, min, max, median CPU ms): CPU time (user + system, of this process and its
    children) hardly depends on what else the machine runs; wall time does."""
    times, cpu = [], []
    for _ in range(runs):
        before = _cpu()
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
        cpu.append((_cpu() - before) * 1000)
    return statistics.median(times), min(times), max(times), statistics.median(cpu)


def _cpu() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def command() -> list[str]:
    """The installed console script when there is one (what users run), else `python -m skaffold_ls`."""
    script = Path(sys.executable).with_name("skaffold-ls")
    if script.exists():
        return [str(script)]
    found = shutil.which("skaffold-ls")
    return [found] if found else [sys.executable, "-m", "skaffold_ls"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9, help="repetitions per measure (at least 7)")
    parser.add_argument("--repo", type=Path, default=DEFAULT_REPO)
    args = parser.parse_args()
    runs = max(args.runs, 7)
    repo = args.repo.resolve()
    if not (repo / "skaffold.yaml").is_file():
        print(f"config_bench: no skaffold.yaml in {repo} (../shared/realrepos is not here); nothing measured")
        return 0
    # The same for every run: no kubeconfig to read. Bytecode is cached (in a temporary folder, not the
    # tree) as it is for anyone who installed the package: without it every module is compiled each run.
    pycache = tempfile.mkdtemp(prefix="config-bench-pycache-")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(KUBECONFIG=os.devnull, PYTHONPYCACHEPREFIX=pycache)
    cli = command()

    def subprocess_run(*extra: str) -> None:
        subprocess.run([*cli, *extra], cwd=repo, env=env, capture_output=True, check=False)

    rows: list[tuple[str, tuple[float, float, float, float]]] = []
    subprocess_run("config")  # warm the OS file cache and the bytecode
    rows.append(("process: skaffold-ls --version (floor)", median_ms(lambda: subprocess_run("--version"), runs)))
    rows.append(("process: skaffold-ls config", median_ms(lambda: subprocess_run("config"), runs)))
    rows.append(("process: skaffold-ls config --format json", median_ms(lambda: subprocess_run("config", "--format", "json"), runs)))

    parsed = build_parser().parse_args(["config", str(repo / "skaffold.yaml"), "--run-dir", str(repo)])

    def in_process() -> None:
        with contextlib.redirect_stdout(io.StringIO()):
            run(parsed)

    request = LoadRequest(repo / "skaffold.yaml", run=RunContext(), run_dir=repo)
    rows.append(("in-process: config subcommand", median_ms(in_process, runs)))
    rows.append(("in-process: load (requires, profiles)", median_ms(lambda: load(Sources(), request), runs)))
    rows.append(("in-process: load + finish (defaults, paths)",
                 median_ms(lambda: load_effective(Sources(), request, "skaffold/v4beta14"), runs)))
    eff = load_effective(Sources(), request, "skaffold/v4beta14")
    rows.append(("in-process: render yaml", median_ms(lambda: render(eff, "yaml"), runs)))
    rows.append(("in-process: render json", median_ms(lambda: render(eff, "json"), runs)))

    print(f"skaffold-ls config on {repo.name} ({len(eff.configs)} configs), {runs} runs, load average "
          f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"{'measure':48} {'median ms':>10} {'min':>7} {'max':>7} {'CPU ms':>7}")
    for name, (med, lo, hi, cpu) in rows:
        print(f"{name:48} {med:>10.1f} {lo:>7.1f} {hi:>7.1f} {cpu:>7.1f}")
    total = rows[1][1][0]
    print(f"target < {TARGET_MS:.0f} ms: {'met' if total < TARGET_MS else 'NOT met'} ({total:.0f} ms)")
    shutil.rmtree(pycache, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

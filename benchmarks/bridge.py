#!/usr/bin/env python3
"""Debug-bridge targets (issue 6), medians of repeated runs against the stand-in skaffold.

  start → skaffold spawned   ≤ 300 ms  (wall clock: before launching `skaffold-ls debug --json`
                                        → the `spawnedAt` the bridge reports right after Popen)
  portEvent → ready          ≤ 50 ms   (the stand-in logs when it emits the portEvent; we time the
                                        `ready` line's arrival; launch.json is written before it)
  bridge RSS                 ≤ 60 MB   (VmHWM, the peak resident set, of the bridge after ready)

The stand-in (tests/standins/skaffold) plays `skaffold debug` because no skaffold binary or
cluster exists here; its "container" is a real `dlv exec --headless --continue` of a small Go app
(or, without Go/Delve, a plain TCP listener posing as debugpy). Usage:
  python benchmarks/bridge.py [--runs 7] [--containers 1]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
STANDIN = REPO / "tests" / "standins" / "skaffold"
FIXTURE = REPO / "tests" / "fixtures" / "debug" / "guide"
LISTENER = [sys.executable, "-c",
            "import socket,sys,time\ns=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
            "s.bind(('127.0.0.1',int(sys.argv[1])));s.listen(5)\nwhile True: time.sleep(1)", "{port}"]


def rss_mb(pid: int) -> tuple[float, float]:
    vals = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            k, v = line.split(":", 1)
            vals[k] = int(v.split()[0]) / 1024
    return vals.get("VmRSS", float("nan")), vals.get("VmHWM", float("nan"))


def container_process(tmp: Path) -> tuple[str, dict]:
    """A real `dlv exec --headless` of a small Go app when Go and Delve are installed (the bridge
    asks Delve whether the target runs before `ready`), else a plain listener posing as debugpy."""
    if shutil.which("go") and shutil.which("dlv"):
        app = tmp / "bin" / "app"
        if not app.exists():
            src = tmp / "src"
            shutil.copytree(REPO / "tests" / "fixtures" / "debug" / "ko", src)
            cache = REPO / ".cache" / "gotest"
            env = dict(os.environ, GOCACHE=str(cache / "gocache"), GOPATH=str(cache / "gopath"), GOFLAGS="-mod=mod",
                       GOPROXY="off", CGO_ENABLED="0")
            subprocess.run(["go", "build", "-gcflags=all=-N -l", "-o", str(app), "."], cwd=src, env=env, check=True)
        import socket

        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            app_port = sock.getsockname()[1]
        # waitPorts: events once the app serves, as in a cluster where the kubectl port-forward
        # is set up well after Delve resumed its target (else `ready` waits for Delve, by design)
        return "go", {"argv": ["dlv", "exec", "--headless", "--continue", "--accept-multiclient", "--api-version=2",
                               "--listen=127.0.0.1:{port}", str(app)],
                      "env": {"PORT": str(app_port), "XDG_CONFIG_HOME": str(tmp / "xdg")}, "waitPorts": [app_port]}
    return "python", {"argv": LISTENER}


def one_run(tmp: Path, n_containers: int) -> dict[str, float]:
    ws = tmp / "ws"
    if ws.exists():
        shutil.rmtree(ws)
    shutil.copytree(FIXTURE, ws)
    log = tmp / "standin.log"
    log.unlink(missing_ok=True)
    runtime, process = container_process(tmp)
    ports = {"dlv": 56268} if runtime == "go" else {"dap": 5678}
    scenario = {"containers": [
        {"pod": f"web{i}-6d4b7c9f8d-x2x9q", "container": f"web{i}", "artifact": "skaffold-example",
         "runtime": runtime, "workingDir": "/", "ports": ports, "process": process} for i in range(n_containers)]}
    (tmp / "scenario.json").write_text(json.dumps(scenario))
    env = dict(os.environ, SKAFFOLD_STANDIN_SCENARIO=str(tmp / "scenario.json"), SKAFFOLD_STANDIN_LOG=str(log))
    env["PYTHONPATH"] = str(REPO / "server") + os.pathsep + env.get("PYTHONPATH", "")
    t_launch = time.time()
    p = subprocess.Popen([sys.executable, "-m", "skaffold_ls", "debug", "--json", "--skaffold", str(STANDIN),
                          "--workspace", str(ws)], env=env, stdout=subprocess.PIPE, text=True)
    assert p.stdout is not None
    spawned = None
    ready_at: dict[str, float] = {}
    internal: list[float] = []
    for line in p.stdout:
        t = time.time()
        ev = json.loads(line)
        if ev["event"] == "status" and "spawnedAt" in ev:
            spawned = ev["spawnedAt"]
        elif ev["event"] == "ready":
            ready_at[ev["pod"]] = t
            internal.append(ev["latencyMs"])
            assert Path(ev["launchJson"]).exists()
            if len(ready_at) == n_containers:
                break
        elif ev["event"] in ("error", "exit"):
            raise SystemExit(f"bridge failed: {ev}")
    rss, hwm = rss_mb(p.pid)
    p.send_signal(signal.SIGINT)
    p.communicate(timeout=30)
    emitted = {}
    for line in log.read_text().splitlines():
        rec = json.loads(line)
        if rec["what"] == "portEvent":
            emitted[rec["pod"]] = rec["t"]
    lat = [(ready_at[pod] - emitted[pod]) * 1000 for pod in ready_at]
    assert spawned is not None
    return {"spawn_ms": (spawned - t_launch) * 1000, "ready_ms": statistics.median(lat),
            "inside_ms": statistics.median(internal), "rss_mb": rss, "hwm_mb": hwm}


def baseline_ms(args: list[str]) -> float:
    """Launch → first line of a bare Python doing `args` (interpreter and site start-up on this machine)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO / "server") + os.pathsep + env.get("PYTHONPATH", "")
    t0 = time.time()
    out = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env).stdout
    return (float(out.split()[-1]) - t0) * 1000


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--containers", type=int, default=1)
    a = ap.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="bridge-bench-") as d:
        one_run(Path(d), a.containers)  # warm-up (page cache, .pyc)
        for _ in range(a.runs):
            results.append(one_run(Path(d), a.containers))
    base = [baseline_ms(["-c", "import time; print(time.time())"]) for _ in range(a.runs)]
    cli = [baseline_ms(["-c", "import time, skaffold_ls.cli as c; c.build_parser(); print(time.time())"])
           for _ in range(a.runs)]
    for r, b, c in zip(results, base, cli, strict=True):
        r["python_ms"], r["cli_ms"] = b, c
    med = {k: statistics.median(r[k] for r in results) for k in results[0]}
    worst = {k: max(r[k] for r in results) for k in results[0]}
    rows = [
        ("start → skaffold spawned", "spawn_ms", "ms", 300),
        ("  context: bare `python -c` start-up", "python_ms", "ms", None),
        ("  context: + skaffold_ls CLI parser", "cli_ms", "ms", None),
        ("portEvent → launch.json + ready line", "ready_ms", "ms", 50),
        ("  of which inside the bridge", "inside_ms", "ms", None),
        ("bridge RSS after ready", "rss_mb", "MB", 60),
        ("bridge peak RSS (VmHWM)", "hwm_mb", "MB", 60),
    ]
    load = os.getloadavg()[0]
    print(f"debug bridge, {a.runs} runs, {a.containers} container(s) each (stand-in skaffold); "
          f"{os.cpu_count()} CPUs, load average {load:.1f}")
    print(f"{'measure':40} {'median':>9} {'max':>9} {'target':>8}  ok")
    ok_all = True
    for label, key, unit, target in rows:
        ok = target is None or med[key] <= target
        ok_all &= ok
        tgt = f"≤{target}{unit}" if target else ""
        print(f"{label:40} {med[key]:8.1f}{unit[0]} {worst[key]:8.1f}{unit[0]} {tgt:>8}  {'yes' if ok else 'NO'}")
    return 0 if ok_all else 1


if __name__ == "__main__":
    sys.exit(main())

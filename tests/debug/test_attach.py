"""`skaffold-ls attach` through the kubernetes Python client's port-forward.

Stand-in: the Kubernetes API server is tests/standins/fake_apiserver.py (no cluster exists
here); it speaks the real pod list JSON and the `v4.channel.k8s.io` port-forward protocol.
Real: the `kubernetes` client, its WebSocket port-forward, our local relay, and debugpy
running the app with the image folder mounted at /app; a breakpoint is HIT through it.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from skaffold_ls.debug.launchjson import read_launch_json
from skaffold_ls.debug.mapping import expand_vscode_variables
from skaffold_ls.debug.netcheck import listening
from tests.debug.conftest import REPO, JsonRun, copy_fixture, marker_line
from tests.debug.dapclient import attach_and_wait_hit
from tests.standins.container import container_argv

FAKE = REPO / "tests" / "standins" / "fake_apiserver.py"
ANNOTATION = "debug.cloud.google.com/config"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pod(name: str, annotation: dict[str, Any] | None) -> dict[str, Any]:
    meta: dict[str, Any] = {"name": name, "namespace": "default", "labels": {"app": "py-app"}}
    if annotation is not None:
        meta["annotations"] = {ANNOTATION: json.dumps(annotation)}
    return {"apiVersion": "v1", "kind": "Pod", "metadata": meta,
            "spec": {"containers": [{"name": "py-app", "image": "py-app:dev",
                                     "ports": [{"name": "dap", "containerPort": 5678}]}]},
            "status": {"phase": "Running"}}


DEBUG_ANNOTATION = {"py-app": {"artifact": "py-app", "runtime": "python", "workingDir": "/app", "ports": {"dap": 5678}}}


def kubeconfig(path: Path, api_port: int) -> Path:
    path.write_text(json.dumps({
        "apiVersion": "v1", "kind": "Config", "current-context": "standin",
        "clusters": [{"name": "standin", "cluster": {"server": f"http://127.0.0.1:{api_port}"}}],
        "contexts": [{"name": "standin", "context": {"cluster": "standin", "user": "u", "namespace": "default"}}],
        "users": [{"name": "u", "user": {"token": "standin"}}],
    }))
    return path


@pytest.fixture
def apiserver(tmp_path: Path) -> Iterator[tuple[int, Any]]:
    port = free_port()
    fixture = tmp_path / "fixture.json"
    fixture.write_text(json.dumps({"pods": [], "portmap": {}}))
    proc = subprocess.Popen([sys.executable, str(FAKE), str(port), str(fixture)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "listening"

    def put(fx: dict[str, Any]) -> None:
        req = urllib.request.Request(f"http://127.0.0.1:{port}/_standin/fixture", data=json.dumps(fx).encode(),
                                     method="PUT", headers={"Content-Type": "application/json"})
        urllib.request.urlopen(req, timeout=5).read()

    yield port, put
    proc.terminate()
    proc.wait(10)


def _can_mount() -> bool:
    if not sys.platform.startswith("linux") or not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


@pytest.mark.slow
@pytest.mark.skipif(not _can_mount(), reason="needs Linux mount namespaces (root) to show the image folder at /app")
def test_attach_forwards_and_breakpoint_hits_then_follows_replaced_pod(tmp_path: Path, apiserver: Any) -> None:
    api_port, put = apiserver
    ws = copy_fixture("python", tmp_path / "ws")
    image_app = tmp_path / "image" / "app"
    shutil.copytree(ws, image_app)
    dbg_port = free_port()
    argv = container_argv([sys.executable, "-Xfrozen_modules=off", "-m", "debugpy", "--listen",
                           f"127.0.0.1:{dbg_port}", "app.py"], {"/app": str(image_app)}, "/app", tmp_path / "root")
    app = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 30
        while not listening(dbg_port):  # never connect to debugpy just to probe it
            assert time.time() < deadline and app.poll() is None, "debugpy did not start"
            time.sleep(0.05)
        first, second = "py-app-6f7b8c9d5-k2j4h", "py-app-6f7b8c9d5-z9x8w"
        put({"pods": [pod(first, DEBUG_ANNOTATION), pod("other-5d8f7c6b4-abcde", None)],
             "portmap": {f"default/{first}/5678": dbg_port}})
        kc = kubeconfig(tmp_path / "kubeconfig", api_port)
        with JsonRun(["attach", "--json", "--kubeconfig", str(kc), "--workspace", str(ws),
                      "--poll-interval", "0.3"]) as run:
            ready = run.wait_event("ready", timeout=60)
            assert ready["pod"] == first and ready["runtime"] == "python"
            data = read_launch_json(ws / ".vscode" / "launch.json")
            cfg = next(c for c in data["configurations"] if c["name"] == ready["name"])
            assert cfg == ready["configuration"]
            assert cfg["connect"]["host"] == "127.0.0.1"  # forwards bind loopback only
            assert cfg["pathMappings"] == [{"localRoot": "${workspaceFolder}", "remoteRoot": "/app"}]
            local_file, line = str(ws / "app.py"), marker_line(ws / "app.py")
            frame = attach_and_wait_hit(expand_vscode_variables(cfg, ws), local_file, line, None, wait=20)
            assert frame is not None and frame["line"] == line, "breakpoint not hit through the port-forward"

            # the controller replaces the pod: same workload, new name
            n = len(run.events)
            put({"pods": [pod(second, DEBUG_ANNOTATION)], "portmap": {f"default/{second}/5678": dbg_port}})
            term = run.wait_event("terminated", timeout=30, start=n)
            assert term["pod"] == first
            ready2 = run.wait_for(lambda e: e["event"] == "ready" and e["pod"] == second, timeout=30, start=n)
            assert ready2["localPort"] == ready["localPort"]
            cfg2 = next(c for c in read_launch_json(ws / ".vscode" / "launch.json")["configurations"]
                        if c["name"] == ready["name"])
            assert "presentation" not in cfg2
            frame = attach_and_wait_hit(expand_vscode_variables(cfg2, ws), local_file, line, None, wait=20)
            assert frame is not None, "breakpoint not hit after the re-forward to the replacement pod"

            # the pod goes away: reported, and the entry no longer offered
            n = len(run.events)
            put({"pods": [], "portmap": {}})
            term = run.wait_event("terminated", timeout=30, start=n)
            assert term["pod"] == second
            cfg3 = next(c for c in read_launch_json(ws / ".vscode" / "launch.json")["configurations"]
                        if c["name"] == ready["name"])
            assert cfg3["presentation"] == {"hidden": True}
            assert run.stop() == 0
            assert run.events[-1] == {"event": "exit", "code": 0} or run.events[-2] == {"event": "exit", "code": 0}
    finally:
        app.terminate()
        app.wait(10)


def test_attach_dead_cluster_is_one_clear_error(tmp_path: Path) -> None:
    kc = kubeconfig(tmp_path / "kubeconfig", free_port())  # nothing listens there
    ws = tmp_path / "ws"
    ws.mkdir()
    env = dict(os.environ)
    with JsonRun(["attach", "--json", "--kubeconfig", str(kc), "--workspace", str(ws)], env) as run:
        code = run.proc.wait(60)
        err = run.wait_event("error", timeout=5)
    assert code == 1
    assert "cannot reach the Kubernetes API server" in err["message"]
    assert not (ws / ".vscode").exists()

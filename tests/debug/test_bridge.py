"""`skaffold-ls debug` end to end against the stand-in skaffold (no skaffold binary or cluster
exists here). The "containers" are plain local TCP listeners: these tests are about the event
join, launch.json and process handling; breakpoints are covered in test_matrix.py."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from skaffold_ls.debug.launchjson import read_launch_json
from skaffold_ls.debug.netcheck import listening
from tests.debug.conftest import REPO, STANDIN, copy_fixture

LISTENER = [sys.executable, "-c",
            "import socket,sys,time\ns=socket.socket();s.setsockopt(socket.SOL_SOCKET,socket.SO_REUSEADDR,1)\n"
            "s.bind(('127.0.0.1',int(sys.argv[1])));s.listen(5)\nwhile True: time.sleep(1)", "{port}"]


def container(pod: str, name: str = "web", artifact: str = "skaffold-example", runtime: str = "go",
              port_name: str = "dlv", port: int = 56268, **kw: Any) -> dict[str, Any]:
    return {"pod": pod, "container": name, "artifact": artifact, "runtime": runtime, "workingDir": "/",
            "ports": {port_name: port}, "process": {"argv": LISTENER}, **kw}


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    return copy_fixture("guide", tmp_path / "ws")


def entries(ws: Path) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in read_launch_json(ws / ".vscode" / "launch.json")["configurations"]}


@pytest.mark.parametrize("order", ["container-first", "port-first"])
def test_ready_in_either_event_order(ws: Path, bridge_run: Any, order: str) -> None:
    run = bridge_run(ws, {"containers": [container("web-6d4b7c9f8d-x2x9q", order=order)]})
    ready = run.wait_event("ready")
    assert ready["name"] == "skaffold: skaffold-example"
    assert ready["pod"] == "web-6d4b7c9f8d-x2x9q" and ready["container"] == "web"
    assert ready["namespace"] == "default" and ready["runtime"] == "go"
    assert ready["configuration"]["port"] == ready["localPort"]
    assert ready["configuration"]["substitutePath"] == [{"from": "${workspaceFolder}", "to": "/go"}]
    assert ready["launchJson"] == str(ws / ".vscode" / "launch.json")
    assert entries(ws)["skaffold: skaffold-example"] == ready["configuration"]
    compound = read_launch_json(ws / ".vscode" / "launch.json")["compounds"][0]
    assert compound["name"] == "skaffold: all" and compound["configurations"] == ["skaffold: skaffold-example"]
    assert run.stop() == 0


def test_stream_format_and_skaffold_argv(ws: Path, tmp_path: Path) -> None:
    args_file = tmp_path / "argv.json"
    env = dict(os.environ, SKAFFOLD_STANDIN_ARGS_FILE=str(args_file))
    from tests.debug.conftest import BridgeRun

    with BridgeRun(ws, {"containers": [container("web-6d4b7c9f8d-x2x9q")]},
                   skaffold_args=["-p", "dev", "--namespace", "default"], env=env) as run:
        run.wait_event("ready")
        assert run.stop() == 0
    argv = json.loads(args_file.read_text())
    assert argv[0] == "debug" and argv[1] == "--port-forward=user,debug"
    assert argv[2].startswith("--rpc-http-port=") and argv[3:] == ["-p", "dev", "--namespace", "default"]
    kinds = [e["event"] for e in run.events if e["event"] != "<eof>"]
    assert kinds[0] == "status" and run.events[0]["phase"] == "starting"
    assert kinds[-1] == "exit" and run.events[-2] == {"event": "exit", "code": 0}
    phases = [e["phase"] for e in run.events if e["event"] == "status"]
    assert phases == ["starting", "build", "deploy", "waiting", "running"]
    logs = [e["text"] for e in run.events if e["event"] == "log" and e["stream"] == "stdout"]
    assert "Generating tags..." in logs
    assert any(t.startswith("Port forwarding pod/web-6d4b7c9f8d-x2x9q in namespace default, remote port 56268 -> "
                            "http://127.0.0.1:") for t in logs)
    for e in run.events:
        assert set(e) >= {"event"}
        if e["event"] == "log":
            assert set(e) == {"event", "stream", "text"}


def test_same_container_name_in_two_pods_gets_two_entries(ws: Path, bridge_run: Any) -> None:
    run = bridge_run(ws, {"containers": [
        container("frontend-7f9c6d8b5-aaaaa", name="app", artifact="skaffold-example"),
        container("backend-5c8d7f6b9-bbbbb", name="app", artifact="skaffold-example", order="port-first"),
    ]})
    r1 = run.wait_event("ready")
    r2 = run.wait_for(lambda e: e["event"] == "ready" and e["pod"] != r1["pod"])
    assert r1["name"] != r2["name"]
    assert r1["localPort"] != r2["localPort"]
    got = entries(ws)
    assert got[r1["name"]]["port"] == r1["localPort"] and got[r2["name"]]["port"] == r2["localPort"]
    compound = read_launch_json(ws / ".vscode" / "launch.json")["compounds"][0]
    assert sorted(compound["configurations"]) == sorted([r1["name"], r2["name"]])
    assert run.stop() == 0


def test_terminated_and_replaced_pod_update_the_entry(ws: Path, bridge_run: Any) -> None:
    run = bridge_run(ws, {"containers": [container(
        "web-6d4b7c9f8d-x2x9q", then=[{"after": 2.0, "action": "replace", "pod": "web-6d4b7c9f8d-q7k2m"},
                                      {"after": 2.0, "action": "terminate"}])]})
    first = run.wait_event("ready")
    term = run.wait_event("terminated")
    assert term["pod"] == "web-6d4b7c9f8d-x2x9q" and term["name"] == first["name"]
    second = run.wait_for(lambda e: e["event"] == "ready" and e["pod"] == "web-6d4b7c9f8d-q7k2m")
    assert second["name"] == first["name"]  # same entry, updated in place
    assert "presentation" not in entries(ws)[first["name"]]
    assert len([n for n in entries(ws) if n.startswith("skaffold: ")]) == 1
    run.wait_for(lambda e: e["event"] == "terminated" and e["pod"] == "web-6d4b7c9f8d-q7k2m")
    time.sleep(0.2)
    assert entries(ws)[first["name"]]["presentation"] == {"hidden": True}, "a dead entry must not stay offered"
    compound = read_launch_json(ws / ".vscode" / "launch.json")["compounds"][0]
    assert compound["configurations"] == []
    assert run.stop() == 0


def test_failed_forward_is_reported_not_ready(ws: Path, bridge_run: Any) -> None:
    run = bridge_run(ws, {"containers": [container("web-6d4b7c9f8d-x2x9q", forwardFails=True)]},
                     extra=["--forward-timeout", "1"])
    err = run.wait_event("error")
    assert err["name"] == "skaffold: skaffold-example"
    assert "not listening" in err["message"]
    assert not any(e["event"] == "ready" for e in run.events)
    logs = [e["text"] for e in run.events if e["event"] == "log"]
    assert any("failed" in t and "port forwarding pod/web-6d4b7c9f8d-x2x9q" in t for t in logs)
    assert run.stop() == 0


def test_sigint_stops_skaffold_and_its_children(ws: Path, bridge_run: Any) -> None:
    run = bridge_run(ws, {"containers": [container("web-6d4b7c9f8d-x2x9q")]})
    ready = run.wait_event("ready")
    port = ready["localPort"]
    assert listening(port)
    assert run.stop() == 0
    assert run.events[-2] == {"event": "exit", "code": 0}
    assert any(e["event"] == "log" and e["text"] == "Cleaning up..." for e in run.events)
    deadline = time.time() + 5
    while listening(port) and time.time() < deadline:
        time.sleep(0.05)
    assert not listening(port), "the container stand-in process survived"
    # the dead entry is hidden on exit
    assert entries(ws)[ready["name"]]["presentation"] == {"hidden": True}


def test_skaffold_failure_exit_status_is_passed_on(ws: Path, bridge_run: Any) -> None:
    run = bridge_run(ws, {"exitCode": 3, "exitMessage": "deploy failed: 1/1 deployment(s) failed"})
    run.proc.wait(30)
    assert run.proc.returncode == 3
    err = run.wait_event("error")
    assert err["message"] == "skaffold exited with status 3"
    assert "deploy failed" in (err["detail"] or "")
    assert run.events[-2] == {"event": "exit", "code": 3}


def _run_cli(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(env or os.environ)
    env["PYTHONPATH"] = str(REPO / "server") + os.pathsep + env.get("PYTHONPATH", "")
    return subprocess.run([sys.executable, "-m", "skaffold_ls", *args], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=60)


def test_missing_skaffold(ws: Path) -> None:
    env = dict(os.environ, PATH=str(ws))  # no skaffold on PATH
    r = _run_cli(["debug", "--workspace", str(ws)], ws, env)
    assert r.returncode != 0
    assert r.stderr.strip() == "skaffold-ls: error: skaffold not found on PATH; install it or pass --skaffold"
    r = _run_cli(["debug", "--json", "--workspace", str(ws)], ws, env)
    lines = [json.loads(x) for x in r.stdout.splitlines()]
    assert lines[0]["event"] == "error" and "skaffold not found on PATH" in lines[0]["message"]
    assert lines[-1] == {"event": "exit", "code": r.returncode} and r.returncode != 0
    assert not (ws / ".vscode").exists()


def test_busy_rpc_port(ws: Path) -> None:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)
        busy = s.getsockname()[1]
        r = _run_cli(["debug", "--skaffold", str(STANDIN), "--workspace", str(ws), "--", f"--rpc-http-port={busy}"], ws)
    assert r.returncode != 0
    assert f"port {busy}" in r.stderr and "busy" in r.stderr


def test_unparsable_launch_json_is_never_overwritten(ws: Path, tmp_path: Path) -> None:
    lj = ws / ".vscode" / "launch.json"
    lj.parent.mkdir()
    broken = '{\n  // mine\n  "configurations": [ {"name": "x", }\n'  # unclosed
    lj.write_text(broken)
    args_file = tmp_path / "argv.json"
    env = dict(os.environ, SKAFFOLD_STANDIN_ARGS_FILE=str(args_file))
    r = _run_cli(["debug", "--skaffold", str(STANDIN), "--workspace", str(ws)], ws, env)
    assert r.returncode != 0
    assert "cannot parse launch.json" in r.stderr and "left untouched" in r.stderr
    assert lj.read_text() == broken
    assert not args_file.exists(), "skaffold must not be started when launch.json cannot be updated"


def test_user_launch_json_survives(ws: Path, bridge_run: Any) -> None:
    lj = ws / ".vscode" / "launch.json"
    lj.parent.mkdir()
    original = """{
    // my settings
    "version": "0.2.0",
    "configurations": [
        /* keep me */
        {"name": "Launch local", "type": "go", "request": "launch", "program": "${workspaceFolder}",},
        {"name": "skaffold: skaffold-example", "type": "go", "port": 1, "showLog": true},
    ],
}
"""
    lj.write_text(original)
    run = bridge_run(ws, {"containers": [container("web-6d4b7c9f8d-x2x9q")]})
    ready = run.wait_event("ready")
    text = lj.read_text()
    assert text.startswith('{\n    // my settings\n    "version": "0.2.0",')
    assert '/* keep me */\n        {"name": "Launch local", "type": "go", "request": "launch", "program": "${workspaceFolder}",},' in text
    got = entries(ws)
    assert list(got) == ["Launch local", "skaffold: skaffold-example"]  # updated in place, not duplicated
    assert got["skaffold: skaffold-example"]["port"] == ready["localPort"]
    assert got["skaffold: skaffold-example"]["showLog"] is True  # the user's own key stays
    assert run.stop() == 0


def test_human_mode_output(ws: Path, tmp_path: Path) -> None:
    scen = tmp_path / "scenario.json"
    scen.write_text(json.dumps({"containers": [container("web-6d4b7c9f8d-x2x9q")]}))
    env = dict(os.environ, SKAFFOLD_STANDIN_SCENARIO=str(scen))
    env["PYTHONPATH"] = str(REPO / "server") + os.pathsep + env.get("PYTHONPATH", "")
    p = subprocess.Popen([sys.executable, "-m", "skaffold_ls", "debug", "--skaffold", str(STANDIN), "--workspace",
                          str(ws)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert p.stdout is not None
    lines = []
    deadline = time.time() + 60
    for line in p.stdout:
        lines.append(line)
        if line.startswith("[skaffold-ls] ready:") or time.time() > deadline:
            break
    p.send_signal(signal.SIGINT)
    out, _err = p.communicate(timeout=30)
    assert p.returncode == 0
    assert "Generating tags...\n" in lines  # skaffold's output streams through unchanged
    ready = lines[-1]
    assert '"skaffold: skaffold-example"' in ready and "pod/web-6d4b7c9f8d-x2x9q" in ready
    assert "${workspaceFolder} → /go" in ready and str(ws / ".vscode" / "launch.json") in ready
    assert "Cleaning up..." in out


def test_launch_config_print_and_write(tmp_path: Path) -> None:
    ws = copy_fixture("monorepo", tmp_path / "ws")
    r = _run_cli(["launch-config", "--workspace", str(ws)], ws)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    names = [c["name"] for c in data["configurations"]]
    assert names == ["skaffold: api", "skaffold: web"]
    api = data["configurations"][0]
    assert api["port"] == 56268 and api["substitutePath"] == [{"from": "${workspaceFolder}/services/api", "to": "/workspace"}]
    web = data["configurations"][1]
    assert web["type"] == "node" and web["port"] == 9229 and web["remoteRoot"] == "/usr/src/app"
    assert data["compounds"][0]["configurations"] == names
    r = _run_cli(["launch-config", "--workspace", str(ws), "-p", "dev", "--write"], ws)
    assert r.returncode == 0, r.stderr
    assert list(entries(ws)) == ["skaffold: api"]
    r2 = _run_cli(["launch-config", "--workspace", str(ws), "-p", "dev", "--write"], ws)
    assert r2.returncode == 0 and r2.stdout.startswith("unchanged")


def test_launch_config_bad_skaffold_yaml(tmp_path: Path) -> None:
    ws = tmp_path / "ws"
    ws.mkdir()
    (ws / "skaffold.yaml").write_text("apiVersion: skaffold/v4beta14\nbuild: [unclosed\n")
    r = _run_cli(["launch-config", "--workspace", str(ws)], ws)
    # the same finding and exit status as `check` (the loader reads through the same document model)
    assert r.returncode == 1 and "skaffold.yaml:3:1: error yaml-syntax" in r.stderr, r.stderr


def test_no_skaffold_yaml_falls_back_to_working_dir(tmp_path: Path, bridge_run: Any) -> None:
    ws = tmp_path / "empty"
    ws.mkdir()
    run = bridge_run(ws, {"containers": [container("py-7c9d5b6f4d-x2x9q", name="py", artifact="py", runtime="python",
                                                   port_name="dap", port=5678, workingDir="/srv")]})
    ready = run.wait_event("ready")
    cfg = ready["configuration"]
    assert cfg["type"] == "debugpy"
    assert cfg["pathMappings"] == [{"localRoot": "${workspaceFolder}", "remoteRoot": "/srv"}]
    assert ready["confidence"] == "hint"
    assert any(e["event"] == "log" and "warning" in e["text"] for e in run.events)
    assert run.stop() == 0
    shutil.rmtree(ws)


def test_debug_never_imports_the_kubernetes_client(ws: Path, bridge_run: Any) -> None:
    env = dict(os.environ, PYTHONPROFILEIMPORTTIME="1")
    run = bridge_run(ws, {"containers": [container("web-6d4b7c9f8d-x2x9q")]}, env=env)
    run.wait_event("ready")
    assert run.stop() == 0
    time.sleep(0.2)
    imported = {line.split("|")[-1].strip() for line in run.stderr if line.startswith("import time:")}
    assert "skaffold_ls.debug.bridge" in imported  # the profile did record our imports
    assert not any(m == "kubernetes" or m.startswith("kubernetes.") for m in imported)


def test_skaffold_args_profile_and_monorepo_context_drive_the_mapping(tmp_path: Path, bridge_run: Any) -> None:
    ws = copy_fixture("monorepo", tmp_path / "ws")
    run = bridge_run(ws, {"containers": [container("api-7c9d5b6f4d-x2x9q", name="api", artifact="api")]},
                     skaffold_args=["-p", "dev", "--tail"])
    ready = run.wait_event("ready")
    assert ready["configuration"]["substitutePath"] == [{"from": "${workspaceFolder}/services/api", "to": "/workspace"}]
    assert ready["confidence"] == "derived" and "stage 'builder'" in ready["mapping"]
    assert run.stop() == 0


def test_netcore_gets_a_kubectl_exec_configuration(ws: Path, bridge_run: Any) -> None:
    run = bridge_run(ws, {"containers": [{"pod": "dotnet-7c9d5b6f4d-x2x9q", "container": "api", "artifact": "dotnet-api",
                                          "runtime": "netcore", "workingDir": "/app", "ports": {}}]})
    run.wait_for(lambda e: e["event"] == "log" and "coreclr" in e["text"])
    cfg = entries(ws)["skaffold: dotnet-api"]
    assert cfg["type"] == "coreclr" and cfg["processId"] == 1
    assert cfg["pipeTransport"]["pipeArgs"] == ["exec", "-i", "-n", "default", "-c", "api", "dotnet-7c9d5b6f4d-x2x9q", "--"]
    assert run.stop() == 0


def test_launch_config_cloud_code_form(tmp_path: Path) -> None:
    ws = copy_fixture("guide", tmp_path / "ws")
    r = _run_cli(["launch-config", "--workspace", str(ws), "--cloud-code"], ws)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    cc = data["configurations"][-1]
    assert cc["type"] == "cloudcode.kubernetes" and cc["request"] == "launch"
    assert cc["skaffoldConfig"] == "${workspaceFolder}/skaffold.yaml"
    assert cc["debug"] == [{"image": "skaffold-example", "sourceFileMap": {"${workspaceFolder}": "/go"}}]
    assert data["compounds"][0]["configurations"] == ["skaffold: skaffold-example"]


def test_killed_bridge_still_stops_skaffold(ws: Path, bridge_run: Any) -> None:
    """SIGKILL cannot be handled: skaffold gets SIGINT from the kernel (parent-death signal, Linux)."""
    if not sys.platform.startswith("linux"):
        pytest.skip("parent-death signal is Linux-only")
    run = bridge_run(ws, {"containers": [container("web-6d4b7c9f8d-x2x9q")]})
    ready = run.wait_event("ready")
    starting = next(e for e in run.events if e["event"] == "status" and "pid" in e)
    skaffold_pid = starting["pid"]
    run.proc.kill()
    run.proc.wait(10)
    deadline = time.time() + 30  # generous: a loaded machine delays the stand-in's exit
    while (listening(ready["localPort"]) or os.path.exists(f"/proc/{skaffold_pid}")) and time.time() < deadline:
        time.sleep(0.1)
    assert not listening(ready["localPort"]), "the container stand-in survived the bridge"
    assert not os.path.exists(f"/proc/{skaffold_pid}"), "skaffold survived the bridge"

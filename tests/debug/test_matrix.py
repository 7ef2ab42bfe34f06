"""The issue-6 matrix: a breakpoint set on the local file is HIT with exactly the generated
configuration (read back from the launch.json the bridge wrote), and NOT hit with a naive one.

Stand-in: `skaffold debug` is played by tests/standins/skaffold because no skaffold binary
and no cluster exist here. Real: Delve (`dlv exec --headless --continue --accept-multiclient
--api-version=2`, skaffold's own command line), Go binaries whose recorded source paths are
the "container" ones (built with `-gcflags=all=-trimpath=LOCAL=>REMOTE`, or real
`-trimpath`, exactly what the build in the Dockerfile would record), and debugpy running the
app with the image's folder really mounted at /app (private mount namespace).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from skaffold_ls.config.debugging import DebugModel
from skaffold_ls.config.project import load_project
from skaffold_ls.debug.launchjson import read_launch_json
from skaffold_ls.debug.mapping import expand_vscode_variables
from skaffold_ls.debug.netcheck import listening
from skaffold_ls.debug.offline import offline_configurations
from tests.actions.helpers import analysis_of, apply_offer, offer
from tests.debug.conftest import copy_fixture, go_build, go_env, marker_line
from tests.debug.dapclient import attach_and_wait_hit

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Case:
    name: str
    artifact: str
    source: str  # the local file (relative to the workspace) holding the BREAK marker
    expected_maps: list[dict[str, str]]  # substitutePath / pathMappings in launch.json
    naive: str  # what a naive tool would write


GO_CASES = [
    # the user's guide's Dockerfile: golang image WORKDIR /go, `COPY main.go .`
    Case("guide", "skaffold-example", "main.go", [{"from": "${workspaceFolder}", "to": "/go"}], "identity"),
    # WORKDIR /src, sub-package ./cmd/server
    Case("workdir-src", "shop-server", "cmd/server/main.go", [{"from": "${workspaceFolder}", "to": "/src"}], "workingDir"),
    # go build -trimpath: recorded paths are module paths
    Case("trimpath", "trimmed-app", "main.go", [{"from": "${workspaceFolder}", "to": "example.com/app"}], "workdir"),
    # ko under skaffold debug: local build, no -trimpath: identity, no substitutePath at all
    Case("ko", "ko-app", "main.go", [], "workingDir"),
    # monorepo: artifact context services/api, not the workspace root
    Case("monorepo", "api", "services/api/main.go",
         [{"from": "${workspaceFolder}/services/api", "to": "/workspace"}], "root"),
]


def _build(case: str, ws: Path, bindir: Path, env: dict[str, str]) -> Path:
    """Build as the Dockerfile would, so the binary records the container's source paths.

    `all=-N -l` is skaffold's SKAFFOLD_GO_GCFLAGS; the path rewrite is applied to the main
    module only (a later, narrower -gcflags wins), so the standard library build stays in the
    Go cache between sessions.
    """
    bindir.mkdir(parents=True, exist_ok=True)
    out = bindir / "app"
    nl = "-gcflags=all=-N -l"
    if case == "guide":  # RUN go build -gcflags="${SKAFFOLD_GO_GCFLAGS}" -o /app main.go   (in /go)
        go_build(ws, [nl, f"-gcflags=command-line-arguments=-N -l -trimpath={ws}=>/go", "-o", str(out), "main.go"], env)
    elif case == "workdir-src":  # WORKDIR /src ... go build -o /out/server ./cmd/server
        go_build(ws, [nl, f"-gcflags=./...=-N -l -trimpath={ws}=>/src", "-o", str(out), "./cmd/server"], env)
    elif case == "trimpath":  # go build -trimpath
        go_build(ws, ["-trimpath", nl, "-o", str(out), "."], env)
    elif case == "ko":  # ko: DisableOptimizations, Trimpath=false, built where skaffold runs
        go_build(ws, [nl, "-o", str(out), "."], env)
    elif case == "monorepo":  # context services/api, WORKDIR /workspace, COPY . .
        api = ws / "services" / "api"
        go_build(api, [nl, f"-gcflags=./...=-N -l -trimpath={api}=>/workspace", "-o", str(out), "."], env)
    return out


@pytest.fixture(scope="session")
def go_workspaces(tmp_path_factory: pytest.TempPathFactory, go_tools: None) -> dict[str, tuple[Path, Path, dict[str, str]]]:
    root = tmp_path_factory.mktemp("go-matrix")
    env = go_env(root)
    out: dict[str, tuple[Path, Path, dict[str, str]]] = {}
    for c in GO_CASES:
        ws = copy_fixture(c.name, root / "ws")
        out[c.name] = (ws, _build(c.name, ws, root / "bin" / c.name, env), env)
    return out


def _naive(cfg: dict[str, Any], kind: str, ws: Path) -> dict[str, Any]:
    naive = {k: v for k, v in cfg.items() if k != "substitutePath"}
    if kind == "identity":  # the guide's `"${workspaceFolder}": "${workspaceFolder}"`
        naive["substitutePath"] = [{"from": str(ws), "to": str(ws)}]
    elif kind == "workingDir":  # trusting the event's workingDir ("/")
        naive["substitutePath"] = [{"from": str(ws), "to": "/"}]
    elif kind == "workdir":  # ignoring -trimpath: map to the Dockerfile WORKDIR
        naive["substitutePath"] = [{"from": str(ws), "to": "/src"}]
    elif kind == "root":  # workspace root instead of the artifact context
        naive["substitutePath"] = [{"from": str(ws), "to": "/workspace"}]
    return naive


def _ready_config(run: Any, ws: Path, artifact: str) -> tuple[dict[str, Any], dict[str, Any]]:
    ready = run.wait_for(lambda e: e["event"] == "ready" and e.get("artifact") == artifact, timeout=90)
    data = read_launch_json(ws / ".vscode" / "launch.json")
    written = [c for c in data["configurations"] if c["name"] == ready["name"]]
    assert len(written) == 1, data
    assert written[0] == ready["configuration"], "the ready event must carry exactly the written entry"
    return ready, written[0]


@pytest.mark.parametrize("case", GO_CASES, ids=[c.name for c in GO_CASES])
def test_go_breakpoint_hits_with_generated_config(case: Case, go_workspaces: Any, bridge_run: Any, tmp_path: Path) -> None:
    ws, binary, env = go_workspaces[case.name]
    shutil.rmtree(ws / ".vscode", ignore_errors=True)
    app_port = free_port()
    scenario = {"containers": [{
        "pod": f"{case.artifact}-7c9d5b6f4d-x2x9q", "container": case.artifact, "artifact": case.artifact,
        "runtime": "go", "workingDir": "/", "ports": {"dlv": 56268},
        "order": "port-first" if case.name in ("trimpath", "ko") else "container-first",
        "process": {"argv": ["dlv", "exec", "--headless", "--continue", "--accept-multiclient", "--api-version=2",
                             "--listen=127.0.0.1:{port}", str(binary)],
                    "cwd": str(binary.parent), "showOutput": True,
                    "env": {"PORT": str(app_port), "XDG_CONFIG_HOME": env["XDG_CONFIG_HOME"], "HOME": env["HOME"]}},
    }]}
    run = bridge_run(ws, scenario)
    ready, cfg = _ready_config(run, ws, case.artifact)
    assert cfg["type"] == "go" and cfg["request"] == "attach" and cfg["mode"] == "remote"
    assert cfg["host"] == "127.0.0.1" and cfg["port"] == ready["localPort"]
    assert cfg.get("substitutePath", []) == case.expected_maps

    expanded = expand_vscode_variables(cfg, ws)
    local_file = str(ws / case.source)
    line = marker_line(ws / case.source)

    def trigger() -> None:
        urllib.request.urlopen(f"http://127.0.0.1:{app_port}/hit", timeout=5).read()

    try:
        frame = attach_and_wait_hit(expanded, local_file, line, trigger, wait=20)
    except (TimeoutError, KeyError) as e:
        out = [*[ev["text"] for ev in run.events if ev["event"] == "log"][-25:], f"ready: {ready}"]
        raise AssertionError(f"{e}; last output of the stand-in and dlv:\n" + "\n".join(out)) from e
    assert frame is not None, "breakpoint not hit with the generated configuration"
    assert frame["line"] == line
    assert os.path.realpath(frame["source"]["path"]) == os.path.realpath(local_file)
    assert run.stop() == 0

    # The same binary under an identically started Delve, attached with a naive mapping: no hit.
    # (A fresh Delve per session: Delve 1.20 sometimes never answers a second client's attach
    # on a busy machine.)
    naive_app_port, dlv_port = free_port(), free_port()
    dlv = subprocess.Popen(["dlv", "exec", "--headless", "--continue", "--accept-multiclient", "--api-version=2",
                            f"--listen=127.0.0.1:{dlv_port}", str(binary)], cwd=binary.parent,
                           env={**env, "PORT": str(naive_app_port)},
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.time() + 60
        while not (listening(dlv_port) and listening(naive_app_port)):
            assert time.time() < deadline and dlv.poll() is None, "dlv did not start"
            time.sleep(0.05)
        naive = _naive({**expanded, "port": dlv_port}, case.naive, ws)

        served: list[bytes] = []

        def naive_trigger() -> None:
            served.append(urllib.request.urlopen(f"http://127.0.0.1:{naive_app_port}/hit", timeout=5).read())

        miss = attach_and_wait_hit(naive, local_file, line, naive_trigger, wait=4)
        assert miss is None, f"a naive mapping must not hit: {miss}"
        assert served, "the handler never ran, so the miss would prove nothing"
    finally:
        os.killpg(dlv.pid, signal.SIGTERM)
        try:
            dlv.wait(5)
        except subprocess.TimeoutExpired:
            os.killpg(dlv.pid, signal.SIGKILL)  # dlv and its debuggee
            dlv.wait(5)


def _can_mount() -> bool:
    if not sys.platform.startswith("linux") or not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True).returncode == 0


@pytest.mark.skipif(not _can_mount(), reason="needs Linux mount namespaces (root) to show the image folder at /app")
def test_python_breakpoint_hits_with_generated_config(tmp_path: Path, bridge_run: Any) -> None:
    ws = copy_fixture("python", tmp_path / "ws")
    image_app = tmp_path / "image" / "app"  # what `COPY . .` put at /app in the image
    shutil.copytree(ws, image_app)
    scenario = {"containers": [{
        "pod": "py-app-6f7b8c9d5-k2j4h", "container": "py-app", "artifact": "py-app", "runtime": "python",
        "workingDir": "/app", "ports": {"dap": 5678},
        "process": {"argv": [sys.executable, "-Xfrozen_modules=off", "-m", "debugpy", "--listen", "127.0.0.1:{port}",
                             "app.py"],
                    "cwd": str(tmp_path), "mounts": {"/app": str(image_app)}, "containerCwd": "/app"},
    }]}
    run = bridge_run(ws, scenario)
    ready, cfg = _ready_config(run, ws, "py-app")
    assert cfg["type"] == "debugpy" and cfg["request"] == "attach"
    assert cfg["connect"] == {"host": "127.0.0.1", "port": ready["localPort"]}
    assert cfg["pathMappings"] == [{"localRoot": "${workspaceFolder}", "remoteRoot": "/app"}]
    expanded = expand_vscode_variables(cfg, ws)
    local_file = str(ws / "app.py")
    line = marker_line(ws / "app.py")

    naive = {k: v for k, v in expanded.items() if k != "pathMappings"}  # "${workspaceFolder}" ↔ itself
    assert attach_and_wait_hit(naive, local_file, line, None, wait=3) is None, "naive mapping must not hit"
    frame = attach_and_wait_hit(expanded, local_file, line, None, wait=20)
    assert frame is not None, "breakpoint not hit with the generated configuration"
    assert frame["line"] == line
    assert os.path.realpath(frame["source"]["path"]) == os.path.realpath(local_file)
    assert run.stop() == 0


# ---------------------------------------------------------------------------
# issue 11: what `skaffold debug` will really do, checked against real Delve and debugpy.
# The offline prediction (`check`, `launch-config`) and the bridge must agree with what the
# debuggers do: a stripped binary really makes Delve exit, and after each quick fix the
# breakpoint binds with the configuration we generate.


def _codes(path: Path) -> list[str]:
    return [f.code for f in analysis_of(path).findings]


def _apply_fix(path: Path, action: str) -> None:
    for target, body in apply_offer(offer(path, action), path).items():
        Path(target).write_text(body, encoding="utf-8")


def _offline(ws: Path) -> list[dict[str, Any]]:
    return [r.configuration for r in offline_configurations(ws).configs if r.configuration is not None]


def _dockerfile_go_flags(ws: Path, image: str) -> tuple[list[str], list[str]]:
    """The -gcflags and -ldflags the Dockerfile's `go build` gets under `skaffold debug`."""
    project = load_project(ws, env={})
    model = DebugModel(project.artifacts)
    art = next(a for a in project.artifacts if a.image == image)
    go = model.predict(art).go
    assert go is not None and go.build is not None
    return go.build.gcflags, go.build.ldflags


def _build_as_dockerfile(context: Path, remote: str, out: Path, env: dict[str, str], image: str,
                         ws: Path | None = None) -> None:
    """`go build` with the Dockerfile's own flags (SKAFFOLD_GO_GCFLAGS substituted), recording the
    container's source paths (`-trimpath=LOCAL=>REMOTE` on the main module, as the COPY put them)."""
    gcflags, ldflags = _dockerfile_go_flags(ws or context, image)
    args = [f"-gcflags={g}" for g in gcflags] + [f"-gcflags=./...=-N -l -trimpath={context}=>{remote}"]
    args += [f"-ldflags={ld}" for ld in ldflags] + ["-o", str(out), "."]
    go_build(context, args, env)


def _go_scenario(artifact: str, binary: Path, app_port: int, env: dict[str, str]) -> dict[str, Any]:
    return {"pod": f"{artifact}-7c9d5b6f4d-x2x9q", "container": artifact, "artifact": artifact, "runtime": "go",
            "workingDir": "/", "ports": {"dlv": 56268},
            "process": {"argv": ["dlv", "exec", "--headless", "--continue", "--accept-multiclient", "--api-version=2",
                                 "--listen=127.0.0.1:{port}", str(binary)],
                        "cwd": str(binary.parent), "showOutput": True,
                        "env": {"PORT": str(app_port), "XDG_CONFIG_HOME": env["XDG_CONFIG_HOME"], "HOME": env["HOME"]}}}


def _hit(cfg: dict[str, Any], ws: Path, source: Path, app_port: int, run: Any) -> dict[str, Any]:
    expanded = expand_vscode_variables(cfg, ws)
    line = marker_line(source)

    def trigger() -> None:
        urllib.request.urlopen(f"http://127.0.0.1:{app_port}/hit", timeout=5).read()

    try:
        frame = attach_and_wait_hit(expanded, str(source), line, trigger, wait=20)
    except (TimeoutError, KeyError) as e:
        out = [*[ev["text"] for ev in run.events if ev["event"] == "log"][-25:]]
        raise AssertionError(f"{e}; last output:\n" + "\n".join(out)) from e
    assert frame is not None, f"breakpoint not hit with {cfg}"
    assert frame["line"] == line and os.path.realpath(frame["source"]["path"]) == os.path.realpath(source)
    return frame


def test_go_stripped_binary_warns_and_binds_after_the_fix(tmp_path: Path, go_tools: None, bridge_run: Any) -> None:
    ws = copy_fixture("go-stripped", tmp_path / "ws")
    env = go_env(tmp_path)
    assert "go-stripped-binary" in _codes(ws / "skaffold.yaml")
    assert _offline(ws) == []  # no configuration that could never connect
    # what the warning predicts: Delve, started as skaffold starts it, cannot load the binary
    stripped = tmp_path / "bin-stripped" / "app"
    stripped.parent.mkdir()
    _build_as_dockerfile(ws, "/src", stripped, env, "go-stripped")
    dlv = subprocess.run(["dlv", "exec", "--headless", "--continue", "--accept-multiclient", "--api-version=2",
                          f"--listen=127.0.0.1:{free_port()}", str(stripped)], env=env, capture_output=True, text=True,
                         timeout=120)
    assert dlv.returncode != 0 and "could not open debug info" in dlv.stderr + dlv.stdout
    # the quick fix keeps -s -w for release builds and undoes them under `skaffold debug`
    _apply_fix(ws / "skaffold.yaml", "go-debug-ldflags")
    assert "${SKAFFOLD_GO_GCFLAGS:+-s=false -w=false}" in (ws / "Dockerfile").read_text()
    assert "go-stripped-binary" not in _codes(ws / "skaffold.yaml")
    [offline] = _offline(ws)
    assert offline["substitutePath"] == [{"from": "${workspaceFolder}", "to": "/src"}]
    binary = tmp_path / "bin" / "app"
    binary.parent.mkdir()
    _build_as_dockerfile(ws, "/src", binary, env, "go-stripped")
    app_port = free_port()
    run = bridge_run(ws, {"containers": [_go_scenario("go-stripped", binary, app_port, env)]})
    _ready, cfg = _ready_config(run, ws, "go-stripped")
    assert cfg["substitutePath"] == offline["substitutePath"]
    _hit(cfg, ws, ws / "main.go", app_port, run)
    assert run.stop() == 0


def test_go_without_runtime_env_is_detected_after_the_fix(tmp_path: Path, go_tools: None, bridge_run: Any) -> None:
    ws = copy_fixture("go-noenv", tmp_path / "ws")
    env = go_env(tmp_path)
    assert "go-runtime-not-detected" in _codes(ws / "skaffold.yaml")
    assert _offline(ws) == []  # skaffold would run it without Delve: nothing to attach to
    _apply_fix(ws / "skaffold.yaml", "add-runtime-env")
    assert "ENV GOTRACEBACK=single" in (ws / "Dockerfile").read_text()
    assert "go-runtime-not-detected" not in _codes(ws / "skaffold.yaml")
    [offline] = _offline(ws)
    assert offline["type"] == "go" and offline["port"] == 56268
    binary = tmp_path / "bin" / "app"
    binary.parent.mkdir()
    _build_as_dockerfile(ws, "/src", binary, env, "go-noenv")
    app_port = free_port()
    run = bridge_run(ws, {"containers": [_go_scenario("go-noenv", binary, app_port, env)]})
    _ready, cfg = _ready_config(run, ws, "go-noenv")
    assert cfg["substitutePath"] == offline["substitutePath"] == [{"from": "${workspaceFolder}", "to": "/src"}]
    _hit(cfg, ws, ws / "main.go", app_port, run)
    assert run.stop() == 0


def test_two_go_services_get_distinct_ports_and_both_bind(tmp_path: Path, go_tools: None, bridge_run: Any) -> None:
    ws = copy_fixture("go-two", tmp_path / "ws")
    env = go_env(tmp_path)
    offline = _offline(ws)
    assert [(c["name"], c["port"]) for c in offline] == [("skaffold: svc-a", 56268), ("skaffold: svc-b", 56269)]
    containers, ports = [], {}
    for name in ("a", "b"):
        ctx = ws / "services" / name
        binary = tmp_path / "bin" / name / "svc"
        binary.parent.mkdir(parents=True)
        _build_as_dockerfile(ctx, "/workspace", binary, env, f"svc-{name}", ws)
        ports[name] = free_port()
        containers.append(_go_scenario(f"svc-{name}", binary, ports[name], env))
    run = bridge_run(ws, {"containers": containers})
    written = {name: _ready_config(run, ws, f"svc-{name}")[1] for name in ("a", "b")}
    # both pods expose dlv on 56268; the forwards (and the configurations) get distinct local ports
    assert written["a"]["port"] != written["b"]["port"]
    for name in ("a", "b"):
        assert written[name]["substitutePath"] == [{"from": f"${{workspaceFolder}}/services/{name}", "to": "/workspace"}]
        assert written[name]["substitutePath"] == next(c for c in offline if c["name"] == f"skaffold: svc-{name}")[
            "substitutePath"]
        _hit(written[name], ws, ws / "services" / name / "main.go", ports[name], run)
    assert run.stop() == 0


@pytest.mark.skipif(not _can_mount(), reason="needs Linux mount namespaces (root) to show the image folders")
def test_python_source_folder_copied_outside_workdir(tmp_path: Path, bridge_run: Any) -> None:
    ws = copy_fixture("python-svc", tmp_path / "ws")
    image_app, image_svc = tmp_path / "image" / "app", tmp_path / "image" / "svc"  # what the COPYs put in the image
    image_app.mkdir(parents=True)
    shutil.copy(ws / "main.py", image_app / "main.py")
    shutil.copytree(ws / "service", image_svc)
    expected = [{"localRoot": "${workspaceFolder}/service", "remoteRoot": "/svc"},
                {"localRoot": "${workspaceFolder}", "remoteRoot": "/app"}]
    [offline] = _offline(ws)
    assert offline["pathMappings"] == expected
    scenario = {"containers": [{
        "pod": "py-svc-6f7b8c9d5-k2j4h", "container": "py-svc", "artifact": "py-svc", "runtime": "python",
        "workingDir": "/app", "ports": {"dap": 5678},
        "process": {"argv": [sys.executable, "-Xfrozen_modules=off", "-m", "debugpy", "--listen", "127.0.0.1:{port}",
                             "main.py"],
                    "cwd": str(tmp_path), "env": {"PYTHONPATH": "/svc"},
                    "mounts": {"/app": str(image_app), "/svc": str(image_svc)}, "containerCwd": "/app"},
    }]}
    run = bridge_run(ws, scenario)
    _ready, cfg = _ready_config(run, ws, "py-svc")
    assert cfg["pathMappings"] == expected
    expanded = expand_vscode_variables(cfg, ws)
    local_file = str(ws / "service" / "handler.py")
    line = marker_line(ws / "service" / "handler.py")
    # WORKDIR alone (what a WORKDIR-based guess writes) maps service/handler.py to /app/service/: no hit
    naive = {**expanded, "pathMappings": [{"localRoot": str(ws), "remoteRoot": "/app"}]}
    assert attach_and_wait_hit(naive, local_file, line, None, wait=3) is None, "WORKDIR-only mapping must not hit"
    frame = attach_and_wait_hit(expanded, local_file, line, None, wait=20)
    assert frame is not None, "breakpoint not hit with the generated configuration"
    assert frame["line"] == line and os.path.realpath(frame["source"]["path"]) == os.path.realpath(local_file)
    assert run.stop() == 0

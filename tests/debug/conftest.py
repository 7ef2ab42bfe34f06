"""Helpers for the debug-bridge tests.

No skaffold binary and no Kubernetes cluster exist on these machines, so `skaffold debug`
is played by the stand-in `tests/standins/skaffold` (real `/v2/events` format, real
debuggee processes). Everything past it is real: Go + Delve from Debian, debugpy.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
STANDIN = REPO / "tests" / "standins" / "skaffold"
FIXTURES = REPO / "tests" / "fixtures" / "debug"
CACHE = REPO / ".cache" / "gotest"  # gitignored; keeps the -N -l standard library build between sessions


def marker_line(path: Path, marker: str = "BREAK") -> int:
    for i, line in enumerate(path.read_text().splitlines(), 1):
        if marker in line:
            return i
    raise AssertionError(f"no {marker} marker in {path}")


def go_env(tmp: Path) -> dict[str, str]:
    CACHE.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ)
    env.update({
        "GOCACHE": str(CACHE / "gocache"),
        "GOPATH": str(CACHE / "gopath"),
        "GOFLAGS": "-mod=mod",
        "GOPROXY": "off",
        "GOTOOLCHAIN": "local",
        "CGO_ENABLED": "0",
        "HOME": str(tmp / "home"),
        "XDG_CONFIG_HOME": str(tmp / "xdg"),
    })
    return env


@pytest.fixture(scope="session")
def go_tools() -> None:
    if not shutil.which("go") or not shutil.which("dlv"):
        pytest.skip("needs Debian's golang-go and delve (apt-get install golang-go delve)")


def copy_fixture(case: str, dest_root: Path) -> Path:
    ws = dest_root / case
    shutil.copytree(FIXTURES / case, ws)
    return ws.resolve()


def go_build(cwd: Path, args: list[str], env: dict[str, str]) -> None:
    if not (cwd / "go.mod").exists():
        env = {**env, "GOFLAGS": ""}
    r = subprocess.run(["go", "build", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, f"go build {args} failed:\n{r.stderr}"


class JsonRun:
    """A `skaffold-ls ... --json` process with its stdout events collected."""

    def __init__(self, args: list[str], env: dict[str, str] | None = None) -> None:
        self.env = dict(env or os.environ)
        self.env["PYTHONPATH"] = str(REPO / "server") + os.pathsep + self.env.get("PYTHONPATH", "")
        argv = [sys.executable, "-m", "skaffold_ls", *args]
        self.proc = subprocess.Popen(argv, env=self.env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        self.events: list[dict[str, Any]] = []
        self.stderr: list[str] = []
        self.cv = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=lambda: self.stderr.extend(self.proc.stderr or []), daemon=True).start()

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            obj = json.loads(line)  # --json mode: every stdout line is one JSON object
            with self.cv:
                self.events.append(obj)
                self.cv.notify_all()
        with self.cv:
            self.events.append({"event": "<eof>"})
            self.cv.notify_all()

    def wait_for(self, pred: Callable[[dict[str, Any]], bool], timeout: float = 60.0, start: int = 0) -> dict[str, Any]:
        deadline = time.time() + timeout
        with self.cv:
            while True:
                for ev in self.events[start:]:
                    if pred(ev):
                        return ev
                if any(e["event"] == "<eof>" for e in self.events):
                    raise AssertionError(f"bridge ended before the expected event; events: {self.events}; "
                                         f"stderr: {''.join(self.stderr)}")
                left = deadline - time.time()
                if left <= 0:
                    raise AssertionError(f"timed out; events so far: {self.events}")
                self.cv.wait(left)

    def wait_event(self, kind: str, timeout: float = 60.0, start: int = 0) -> dict[str, Any]:
        return self.wait_for(lambda e: e["event"] == kind, timeout, start)

    def stop(self, timeout: float = 30.0) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(5)
            raise

    def __enter__(self) -> JsonRun:
        return self

    def __exit__(self, *exc: object) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.stop()


class BridgeRun(JsonRun):
    """`skaffold-ls debug --json` against the stand-in skaffold (no real skaffold here)."""

    def __init__(self, workspace: Path, scenario: dict[str, Any], extra: list[str] | None = None,
                 skaffold_args: list[str] | None = None, env: dict[str, str] | None = None) -> None:
        self.workspace = workspace
        scen = workspace.parent / f"scenario-{workspace.name}-{time.monotonic_ns()}.json"
        scen.write_text(json.dumps(scenario))
        env = dict(env or os.environ)
        env["SKAFFOLD_STANDIN_SCENARIO"] = str(scen)
        args = ["debug", "--json", "--skaffold", str(STANDIN), "--workspace", str(workspace), *(extra or [])]
        if skaffold_args:
            args += ["--", *skaffold_args]
        super().__init__(args, env)


@pytest.fixture
def bridge_run() -> Iterator[Callable[..., BridgeRun]]:
    runs: list[BridgeRun] = []

    def start(*a: Any, **kw: Any) -> BridgeRun:
        r = BridgeRun(*a, **kw)
        runs.append(r)
        return r

    yield start
    for r in runs:
        r.__exit__()

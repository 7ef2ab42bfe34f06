"""End to end in real VS Code: code-server 4.100.3 (VS Code 1.100.3) in headless Chromium.

The VSIX is built from this checkout (`npm ci && npm run package` in vscode-extension/) and
installed into a fresh code-server; playwright-core drives the UI (tests/vscode/e2e.js).
Screenshots go to test-artifacts/vscode/.

  (a) a skaffold.yaml with a mistake shows our diagnostic in the Problems panel;
  (b) completion offers `ko` inside an artifact;
  (c) "Skaffold: Debug on Kubernetes" with the stand-in skaffold (tests/standins/skaffold: there is
      no cluster or skaffold binary on these machines) and a real Go app under real Delve
      (`dlv exec --headless ...`, exactly as skaffold runs it) ends paused on a breakpoint set in
      the local main.go, the call stack showing the function.

Skips (with the reason) only when the machine cannot run code-server/Chromium at all:
no chromium, no node/npm, or code-server's install fails (scripts/setup-code-server.sh).
Run alone: `pytest -m vscode tests/vscode`; the fast suite: `pytest -m "not vscode"`.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

pytestmark = [pytest.mark.vscode, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
EXT = REPO / "vscode-extension"
ARTIFACTS = REPO / "test-artifacts" / "vscode"
CACHE = Path(os.environ.get("SKAFFOLD_LS_E2E_CACHE", REPO / ".cache"))
CS_DIR = CACHE / "code-server"
STANDIN = REPO / "tests" / "standins" / "skaffold"


def _run(cmd: list[str], cwd: Path, timeout: float, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, cwd=cwd, env=env, text=True, capture_output=True, timeout=timeout, check=False)


def _tail(s: str, n: int = 25) -> str:
    return "\n".join(s.strip().splitlines()[-n:])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _npm_ci(where: Path) -> None:
    """npm ci unless node_modules is already there for this lock file."""
    stamp = where / "node_modules" / ".e2e-lock-stamp"
    lock = (where / "package-lock.json").read_text()
    if stamp.is_file() and stamp.read_text() == lock:
        return
    r = _run(["npm", "ci", "--no-audit", "--no-fund"], where, 600)
    if r.returncode != 0:
        pytest.skip(f"npm ci in {where} failed (no npm registry?):\n{_tail(r.stdout + r.stderr)}")
    stamp.write_text(lock)


def built_vsix() -> Path:
    """The VSIX `npm run package` built for this machine's target (scripts/package.mjs)."""
    from tests.vscode.test_bundle import host_target

    vsix = EXT / "dist" / f"skaffold-ls-{host_target()}.vsix"
    assert vsix.is_file(), f"{vsix} missing after npm run package"
    return vsix


class Tools:
    def __init__(self, chromium: str, code_server: Path, vsix: Path, timings: dict[str, float]):
        self.chromium = chromium
        self.code_server = code_server
        self.vsix = vsix
        self.timings = timings


@pytest.fixture(scope="session")
def tools() -> Iterator[Tools]:
    timings: dict[str, float] = {}
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not chromium:
        pytest.skip("no Chromium: apt-get install -y chromium (Debian's headless Chromium drives code-server)")
    for tool in ("node", "npm"):
        if not shutil.which(tool):
            pytest.skip(f"no {tool}: apt-get install -y nodejs npm")
    t = time.monotonic()
    r = _run([str(REPO / "scripts" / "setup-code-server.sh"), str(CS_DIR)], REPO, 900)
    if r.returncode != 0:
        pytest.skip(f"code-server 4.100.3 cannot be installed here (scripts/setup-code-server.sh rc={r.returncode}):\n"
                    f"{_tail(r.stdout + r.stderr)}")
    timings["setup code-server"] = time.monotonic() - t
    t = time.monotonic()
    _npm_ci(HERE)
    timings["npm ci tests/vscode"] = time.monotonic() - t

    # Build the VSIX from this checkout. A failure here is a real failure, not a skip.
    t = time.monotonic()
    _npm_ci(EXT)
    r = _run(["npm", "run", "package"], EXT, 600, env={**os.environ, "PYTHON": sys.executable})
    assert r.returncode == 0, f"npm run package failed:\n{_tail(r.stdout + r.stderr, 40)}"
    vsix = built_vsix()
    timings["build vsix"] = time.monotonic() - t
    tools = Tools(chromium, CS_DIR / "node_modules" / ".bin" / "code-server", vsix, timings)
    yield tools
    print("\n[vscode e2e] timings (s): " + ", ".join(f"{k} {v:.1f}" for k, v in timings.items()))


class CodeServer:
    """One code-server with its own user-data, extensions and XDG dirs, in its own process group."""

    def __init__(self, tools: Tools, root: Path, settings: dict[str, object], env: dict[str, str] | None = None):
        self.tools = tools
        self.root = root
        self.ud = root / "ud"
        self.ext = root / "ext"
        self.port = _free_port()
        self.env = {
            **os.environ,
            "XDG_CONFIG_HOME": str(root / "xdg" / "config"),
            "XDG_DATA_HOME": str(root / "xdg" / "data"),
            "XDG_CACHE_HOME": str(root / "xdg" / "cache"),
            **(env or {}),
        }
        (self.ud / "User").mkdir(parents=True, exist_ok=True)
        base = {
            "workbench.startupEditor": "none",
            "workbench.tips.enabled": False,
            "security.workspace.trust.enabled": False,
            "extensions.ignoreRecommendations": True,
            "telemetry.telemetryLevel": "off",
            "update.mode": "none",
            "git.enabled": False,
            "editor.quickSuggestions": {"other": False, "comments": False, "strings": False},
            "editor.wordBasedSuggestions": "off",
            "workbench.colorTheme": "Default Dark Modern",
        }
        # SKAFFOLD_LS_E2E_SETTINGS: extra user settings (JSON) for debugging a run, e.g. server tracing
        extra = json.loads(os.environ.get("SKAFFOLD_LS_E2E_SETTINGS") or "{}")
        (self.ud / "User" / "settings.json").write_text(json.dumps({**base, **settings, **extra}, indent=2))
        self.args = ["--auth", "none", "--disable-telemetry", "--disable-update-check", "--disable-workspace-trust",
                     "--user-data-dir", str(self.ud), "--extensions-dir", str(self.ext)]
        self.proc: subprocess.Popen[bytes] | None = None
        self.log = root / "code-server.log"

    def install(self) -> None:
        t = time.monotonic()
        r = _run([str(self.tools.code_server), *self.args, "--install-extension", str(self.tools.vsix), "--force"],
                 self.root, 180, env=self.env)
        assert r.returncode == 0 and "successfully installed" in (r.stdout + r.stderr), _tail(r.stdout + r.stderr)
        self.tools.timings["install vsix"] = time.monotonic() - t

    def start(self, folder: Path) -> str:
        logf = self.log.open("wb")
        self.proc = subprocess.Popen(
            [str(self.tools.code_server), *self.args, "--bind-addr", f"127.0.0.1:{self.port}", str(folder)],
            cwd=folder, env=self.env, stdout=logf, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), \
                    urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2) as resp:
                if resp.status == 200:
                    return f"http://127.0.0.1:{self.port}/?folder={folder}"
            assert self.proc.poll() is None, f"code-server exited:\n{_tail(self.log.read_text(errors='replace'))}"
            time.sleep(0.3)
        raise AssertionError(f"code-server did not answer /healthz:\n{_tail(self.log.read_text(errors='replace'))}")

    def stop(self) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        # the process group: extension hosts, the language server, the bridge and what it started
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGTERM)
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(5)

    def extension_logs(self, lines: int = 30) -> str:
        """The extension's output channels as code-server saved them (the last `lines` of each)."""
        out = []
        for f in sorted(self.ud.glob("logs/**/*Skaffold*.log")):
            out.append(f"--- {f.name}\n{_tail(f.read_text(errors='replace'), lines)}")
        return "\n".join(out) or "(no Skaffold output channel log found)"


@pytest.fixture
def code_server(tools: Tools, tmp_path: Path) -> Iterator[CodeServer]:
    servers: list[CodeServer] = []

    def make(settings: dict[str, object] | None = None, env: dict[str, str] | None = None) -> CodeServer:
        cs = CodeServer(tools, tmp_path / f"cs{len(servers)}", settings or {}, env)
        cs.root.mkdir(parents=True, exist_ok=True)
        servers.append(cs)
        return cs

    yield make  # type: ignore[misc]
    for cs in servers:
        cs.stop()


def drive(tools: Tools, spec: dict[str, object], timeout: float = 300) -> dict[str, object]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    t = time.monotonic()
    r = _run(["node", str(HERE / "e2e.js"), json.dumps(spec)], HERE, timeout, env={**os.environ, "CHROMIUM": tools.chromium})
    lines = [ln for ln in r.stdout.splitlines() if ln.startswith("RESULT ")]
    result: dict[str, object] = json.loads(lines[-1][7:]) if lines else {"ok": False, "error": "no RESULT line"}
    result["wall_s"] = round(time.monotonic() - t, 1)
    result["log"] = _tail(r.stdout + r.stderr, 40)
    print(f"\n[vscode e2e] {spec['mode']}: {json.dumps({k: v for k, v in result.items() if k != 'log'})}")
    print(result["log"])
    return result


# an old apiVersion on purpose: the "outdated" diagnostic is switched off through our settings
SKAFFOLD_WITH_MISTAKE = """\
apiVersion: skaffold/v4beta11
kind: Config
metadata:
  name: app
build:
  artifacts:
  - image: example.com/app
    dockr: {}
manifests:
  rawYaml:
  - k8s/*.yaml
"""


def k8s_manifest(i: int) -> str:
    return (f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: svc-{i}\nspec:\n  replicas: 1\n"
            f"  selector:\n    matchLabels:\n      app: svc-{i}\n  template:\n    metadata:\n      labels:\n"
            f"        app: svc-{i}\n    spec:\n      containers:\n      - name: app\n"
            f"        image: example.com/app:{i}\n        ports:\n        - containerPort: 8080\n")


GITHUB_WORKFLOW = """\
name: ci
on:
  push:
    branches: [main]
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
    - uses: actions/checkout@v4
    - run: skaffold build
"""


def project_workspace(ws: Path, manifests: int = 300) -> None:
    """A repository as users have them: skaffold.yaml (with a mistake), many Kubernetes manifests
    and a GitHub workflow, all YAML and none of it skaffold's but the one file."""
    (ws / "k8s").mkdir(parents=True)
    (ws / "skaffold.yaml").write_text(SKAFFOLD_WITH_MISTAKE)
    for i in range(manifests):
        (ws / "k8s" / f"deploy-{i:03d}.yaml").write_text(k8s_manifest(i))
    (ws / ".github" / "workflows").mkdir(parents=True)
    (ws / ".github" / "workflows" / "ci.yaml").write_text(GITHUB_WORKFLOW)


OTHER_YAML = ["k8s/deploy-000.yaml", ".github/workflows/ci.yaml"]


def test_problems_panel_shows_diagnostic(code_server, tools: Tools, tmp_path: Path) -> None:
    """A fresh window on a repository with 300 Kubernetes manifests: skaffold.yaml's diagnostic is
    drawn (time recorded: test-artifacts/vscode/first-diagnostic.json; repeated runs:
    benchmarks/vscode_first_diagnostic.py), it is in the Problems panel; a manifest and a workflow
    opened afterwards reach the server (every YAML file does) and get no diagnostics, and the
    server's log has no errors."""
    ws = tmp_path / "ws-problems"
    project_workspace(ws)
    # "messages": the log names each notification the client sends (the didOpens), nothing more
    cs = code_server({"skaffold.validation.outdatedApiVersion": "off", "skaffold.trace.server": "messages"})
    cs.install()
    url = cs.start(ws)
    res = drive(tools, {"mode": "problems", "url": url, "out": str(ARTIFACTS / "a-problems.png"),
                        "file": "skaffold.yaml", "expect": "dockr", "others": OTHER_YAML,
                        "logsDir": str(cs.ud / "logs")})
    assert res["ok"], f"{res.get('error')}\n{res.get('notifications')}\n{cs.extension_logs()}"
    (ARTIFACTS / "first-diagnostic.json").write_text(json.dumps(res["timing"], indent=1))
    row = str(res["row"])
    # the server's unknown-key diagnostic on `dockr`, attributed to skaffold-ls, at line 8
    assert "unknown key" in row and "dockr" in row, row
    assert "Ln 8" in row, row
    # the setting reached the server (initializationOptions / workspace/configuration): no outdated-apiVersion row
    assert not [r for r in res["rows"] if "apiVersion" in r], res["rows"]  # type: ignore[union-attr]
    # the manifest and the workflow reached the server (e2e.js waited for a didOpen each in the
    # trace) and got nothing: no Problems rows, no squiggles
    after = res["rowsAfterOthers"]
    assert any("dockr" in r for r in after), after  # type: ignore[union-attr]
    assert not [r for r in after if "deploy-000" in r or "ci.yaml" in r], after  # type: ignore[union-attr]
    assert res["squigglesInOthers"] == 0, res
    logs = cs.extension_logs(lines=100000)
    problems = [ln for ln in logs.splitlines()
                if re.search(r"\[error\]|\[Error|Traceback|window/showMessage", ln)]
    assert not problems, "\n".join(problems[:20])
    # served by the package inside the VSIX, not by a checkout or a pip install
    if not os.environ.get("SKAFFOLD_LS_E2E_SETTINGS"):
        assert "with the bundled package" in logs, cs.extension_logs()


# line 8 is four spaces: inside the artifact, where a builder key goes
SKAFFOLD_FOR_COMPLETION = (
    "apiVersion: skaffold/v4beta14\nkind: Config\nmetadata:\n  name: app\nbuild:\n  artifacts:\n"
    "  - image: example.com/app\n    \n"
)


def test_completion_offers_ko_in_artifact(code_server, tools: Tools, tmp_path: Path) -> None:
    ws = tmp_path / "ws-completion"
    ws.mkdir()
    (ws / "skaffold.yaml").write_text(SKAFFOLD_FOR_COMPLETION)
    cs = code_server()
    cs.install()
    url = cs.start(ws)
    # line 8 is "    " inside the artifact: the cursor after the indentation, where a builder key goes
    res = drive(tools, {"mode": "completion", "url": url, "out": str(ARTIFACTS / "b-completion.png"),
                        "file": "skaffold.yaml", "line": 8, "col": 5, "expect": "ko"})
    assert res["ok"], f"{res.get('error')}\n{res.get('notifications')}\n{cs.extension_logs()}"
    assert "ko" in res["labels"]  # type: ignore[operator]


# ---------------------------------------------------------------- (c) debug on Kubernetes

GO_MAIN = """\
package main

import (
	"fmt"
	"net/http"
	"os"
)

func handler(w http.ResponseWriter, r *http.Request) {
	msg := "hello from app"
	fmt.Fprintln(w, msg) // line 11: breakpoint target
}

func main() {
	port := os.Getenv("PORT")
	if port == "" {
		port = "18080"
	}
	http.HandleFunc("/", handler)
	fmt.Println("listening on", port)
	if err := http.ListenAndServe("127.0.0.1:"+port, nil); err != nil {
		panic(err)
	}
}
"""

GO_CACHE = REPO / ".cache" / "gotest"  # shared with tests/debug: the -N -l standard library build


def _go_env(tmp: Path) -> dict[str, str]:
    GO_CACHE.mkdir(parents=True, exist_ok=True)
    return {**os.environ, "GOCACHE": str(GO_CACHE / "gocache"), "GOPATH": str(GO_CACHE / "gopath"),
            "GOFLAGS": "", "GOPROXY": "off", "GOTOOLCHAIN": "local", "CGO_ENABLED": "0",
            "HOME": str(tmp / "home"), "XDG_CONFIG_HOME": str(tmp / "xdg")}


def _pids_with(needle: str) -> list[int]:
    pids = []
    for d in Path("/proc").iterdir():
        if d.name.isdigit():
            with contextlib.suppress(OSError):
                if needle.encode() in (d / "cmdline").read_bytes():
                    pids.append(int(d.name))
    return pids


@pytest.mark.parametrize("stop_with", ["command", "toolbar"])
def test_debug_on_kubernetes_stops_at_breakpoint(code_server, tools: Tools, tmp_path: Path, stop_with: str) -> None:
    """Ends paused in main.handler; then "Skaffold: Stop" (command) or the debug toolbar's
    Disconnect (toolbar) stops the bridge, skaffold and the container (Delve)."""
    if not STANDIN.is_file():
        pytest.fail(f"the stand-in skaffold {STANDIN} is missing (from the debug-bridge work)")
    if not shutil.which("go") or not shutil.which("dlv"):
        pytest.skip("needs Debian's golang-go and delve (apt-get install -y golang-go delve)")
    # The user's guide's project: Dockerfile builds `main.go` in the golang image's /go.
    ws = tmp_path / "guide"
    ws.mkdir()
    (ws / "main.go").write_text(GO_MAIN)
    (ws / "Dockerfile").write_text(
        "FROM golang:1.18 as builder\nCOPY main.go .\nARG SKAFFOLD_GO_GCFLAGS\n"
        'RUN go build -gcflags="${SKAFFOLD_GO_GCFLAGS}" -o /app main.go\n\n'
        'FROM alpine:3\nENV GOTRACEBACK=single\nCMD ["./app"]\nCOPY --from=builder /app .\n')
    (ws / "skaffold.yaml").write_text(
        "apiVersion: skaffold/v4beta14\nkind: Config\nmetadata:\n  name: guide\nbuild:\n  artifacts:\n"
        "  - image: skaffold-example\nmanifests:\n  rawYaml:\n  - k8s-pod.yaml\n")
    # The "container": the binary records /go/main.go (as if built in the image), run under
    # Delve exactly as `skaffold debug` runs it. Built outside the workspace.
    bindir = tmp_path / "container"
    bindir.mkdir()
    env = _go_env(tmp_path)
    t = time.monotonic()
    r = _run(["go", "build", f"-gcflags=all=-N -l -trimpath={ws}=>/go", "-o", str(bindir / "app"), "main.go"], ws, 900, env)
    assert r.returncode == 0, r.stderr
    tools.timings["go build"] = time.monotonic() - t
    app_port = _free_port()
    scenario = {"containers": [{
        "pod": "skaffold-example-7c9d5b6f4d-x2x9q", "container": "skaffold-example", "artifact": "skaffold-example",
        "runtime": "go", "workingDir": "/", "ports": {"dlv": 56268},
        "process": {"argv": ["dlv", "exec", "--headless", "--continue", "--accept-multiclient", "--api-version=2",
                             "--listen=127.0.0.1:{port}", str(bindir / "app")],
                    "cwd": str(bindir),
                    "env": {"PORT": str(app_port), "XDG_CONFIG_HOME": env["XDG_CONFIG_HOME"], "HOME": env["HOME"]}},
    }]}
    scen = tmp_path / "scenario.json"
    scen.write_text(json.dumps(scenario))
    line = next(i for i, ln in enumerate(GO_MAIN.splitlines(), 1) if "breakpoint target" in ln)

    # skaffold.path from *user* settings: used without a consent prompt
    cs = code_server({"skaffold.path": str(STANDIN)}, {"SKAFFOLD_STANDIN_SCENARIO": str(scen)})
    cs.install()
    try:
        url = cs.start(ws)
        suffix = "" if stop_with == "command" else "-toolbar"
        res = drive(tools, {"mode": "debug", "url": url, "out": str(ARTIFACTS / f"c-debug-paused{suffix}.png"),
                            "outStopped": str(ARTIFACTS / f"c-debug-stopped{suffix}.png"), "stopWith": stop_with,
                            "file": "main.go", "line": line, "lineText": "breakpoint target",
                            "trigger": f"http://127.0.0.1:{app_port}/", "expectFunction": "handler"}, timeout=400)
        assert res["ok"], f"{res.get('error')}\n{res.get('notifications')}\n{cs.extension_logs()}"
        top = str(res["top"])
        assert "main.handler" in top and "main.go" in top and str(line) in top, res["frames"]
        # the launch.json the bridge wrote keeps the standard `go` entry with the /go mapping
        launch = (ws / ".vscode" / "launch.json").read_text()
        assert '"/go"' in launch, launch
        # "Skaffold: Stop" stopped skaffold, which stopped the container (Delve)
        deadline = time.monotonic() + 15
        while _pids_with(str(bindir / "app")) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert not _pids_with(str(bindir / "app")), f"Delve still running after the stop ({stop_with})"
        assert str(res["statusAfterStop"]).strip() == "Skaffold", res["statusAfterStop"]  # idle again
    finally:
        cs.stop()
        for pid in _pids_with(str(bindir / "app")):  # only the debuggee this test started
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


# ---------------------------------------------------------------- the Python extension's interpreter

FAKE_PYTHON_EXT = HERE / "fake-python-ext"


def test_server_restarts_when_the_python_interpreter_changes(code_server, tools: Tools, tmp_path: Path) -> None:
    """With the Python extension installed (a stand-in with its environments API), the server runs
    on its active interpreter; selecting another one there restarts the server on that one;
    switching back uses the cached probe of the first."""
    fake = tmp_path / "fake-python.vsix"
    src = tmp_path / "fake-python-ext"
    shutil.copytree(FAKE_PYTHON_EXT, src)
    r = _run([str(EXT / "node_modules" / ".bin" / "vsce"), "package", "--allow-missing-repository", "--skip-license",
              "-o", str(fake)], src, 120)
    assert r.returncode == 0, _tail(r.stdout + r.stderr)
    # two interpreters: this Python, and the same one under another path (a symlink outside any venv)
    other = tmp_path / "other-python" / "python3"
    other.parent.mkdir()
    other.symlink_to(Path(sys.executable).resolve())
    first, second = sys.executable, str(other)
    ws = tmp_path / "ws-interpreter"
    ws.mkdir()
    (ws / "skaffold.yaml").write_text(SKAFFOLD_WITH_MISTAKE)
    cs = code_server({"skaffold.validation.outdatedApiVersion": "off"},
                     {"FAKE_PYTHON_INTERPRETERS": os.pathsep.join([first, second])})
    r = _run([str(tools.code_server), *cs.args, "--install-extension", str(fake), "--force"], cs.root, 180, env=cs.env)
    assert r.returncode == 0, _tail(r.stdout + r.stderr)
    cs.install()
    url = cs.start(ws)
    res = drive(tools, {"mode": "interpreter", "url": url, "out": str(ARTIFACTS / "f-interpreter-restart.png"),
                        "file": "skaffold.yaml", "expect": "dockr", "first": first, "second": second,
                        "logsDir": str(cs.ud / "logs")})
    assert res["ok"], f"{res.get('error')}\n{res.get('notifications')}\n{cs.extension_logs()}"
    assert "the Python extension's interpreter" in str(res["first"]), res["first"]
    assert "the Python extension's interpreter" in str(res["second"]), res["second"]
    assert len(res["starts"]) == 2, res["starts"]  # type: ignore[arg-type]  # one start each, no other restart
    assert "cached" in str(res["cached"]), res  # switching back: the probe cache (a file) answered
    assert "unknown key" in str(res["row"]), res["row"]


# ---------------------------------------------------------------- (d) failures are explained

def test_workspace_python_needs_consent_and_bad_python_is_explained(code_server, tools: Tools, tmp_path: Path) -> None:
    ws = tmp_path / "ws-consent"
    (ws / ".vscode").mkdir(parents=True)
    (ws / "skaffold.yaml").write_text(SKAFFOLD_FOR_COMPLETION)
    bogus = str(tmp_path / "no-such-python3")
    (ws / ".vscode" / "settings.json").write_text(json.dumps({"skaffold.server.pythonPath": bogus}))
    cs = code_server()
    cs.install()
    url = cs.start(ws)
    res = drive(tools, {"mode": "consent", "url": url, "out": str(ARTIFACTS / "d1-python-error.png"), "answer": "Allow"})
    assert res["ok"], f"{res.get('error')}\n{res.get('notifications')}\n{cs.extension_logs()}"
    assert bogus in str(res["prompt"])
    err = str(res["error"])
    # one message: what was tried, and what to install (Python itself: everything else is in the VSIX)
    assert bogus in err and "not found" in err and "Install Python 3.10 or newer" in err, err
    assert "apt install python3" in err and "pip install" not in err, err
    assert "Open Settings" in res["buttons"], res["buttons"]  # type: ignore[operator]


def test_debug_failure_shows_last_output_and_action(code_server, tools: Tools, tmp_path: Path) -> None:
    ws = tmp_path / "ws-fail"
    ws.mkdir()
    (ws / "skaffold.yaml").write_text(
        "apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  artifacts:\n  - image: skaffold-example\n")
    scen = tmp_path / "scenario.json"
    scen.write_text(json.dumps({"exitCode": 1, "exitMessage": "build [skaffold-example] failed: exit status 1",
                                "containers": [{"pod": "skaffold-example-1", "container": "app", "artifact": "skaffold-example",
                                                "runtime": "go", "ports": {"dlv": 56268}}]}))
    cs = code_server({"skaffold.path": str(STANDIN)}, {"SKAFFOLD_STANDIN_SCENARIO": str(scen)})
    cs.install()
    url = cs.start(ws)
    res = drive(tools, {"mode": "debugError", "url": url, "out": str(ARTIFACTS / "d2-debug-error-output.png"),
                        "outToast": str(ARTIFACTS / "d2-debug-error.png"),
                        "expect": "exited with status 1", "expectOutput": "bridge exited (code 1)"})
    assert res["ok"], f"{res.get('error')}\n{res.get('notifications')}\n{cs.extension_logs()}"
    err = str(res["error"])
    assert "build [skaffold-example] failed" in err, err  # the last output lines are in the message
    assert "Show Output" in res["buttons"], res["buttons"]  # type: ignore[operator]
    assert "Open Settings" not in res["buttons"], res["buttons"]  # skaffold was found: no settings action


def test_debug_asks_file_and_profile_and_remembers(code_server, tools: Tools, tmp_path: Path) -> None:
    ws = tmp_path / "ws-pick"
    (ws / "deploy").mkdir(parents=True)
    (ws / "skaffold.yaml").write_text(
        "apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  artifacts:\n  - image: skaffold-example\n"
        "profiles:\n- name: dev\n  activation:\n  - kubeContext: minikube\n- name: ci\n")
    (ws / "deploy" / "skaffold-staging.yaml").write_text("apiVersion: skaffold/v4beta14\nkind: Config\n")
    scen = tmp_path / "scenario.json"
    scen.write_text(json.dumps({"exitCode": 1, "exitMessage": "stand-in: stopping here", "containers": []}))
    args_file = tmp_path / "skaffold-args.json"
    cs = code_server({"skaffold.path": str(STANDIN)},
                     {"SKAFFOLD_STANDIN_SCENARIO": str(scen), "SKAFFOLD_STANDIN_ARGS_FILE": str(args_file)})
    cs.install()
    url = cs.start(ws)
    res = drive(tools, {"mode": "pickers", "url": url, "out": str(ARTIFACTS / "e-pickers-remembered.png"),
                        "file": "skaffold.yaml", "otherFile": "skaffold-staging.yaml", "profile": "dev"})
    assert res["ok"], f"{res.get('error')}\n{res.get('notifications')}\n{cs.extension_logs()}"
    files1, profiles1 = res["files1"], res["profiles1"]
    assert len(files1) == 2 and files1[0].startswith("skaffold.yaml"), files1  # type: ignore[arg-type,union-attr,index]
    assert [p.split()[0] for p in profiles1] == ["(no", "dev", "ci"], profiles1  # type: ignore[union-attr]
    # skaffold got the chosen file and profile
    argv = json.loads(args_file.read_text())
    assert "-f" in argv and argv[argv.index("-f") + 1] == str(ws / "skaffold.yaml"), argv
    assert "-p" in argv and argv[argv.index("-p") + 1] == "dev", argv
    # second run: the last choices come first, marked
    assert "last used" in res["files2"][0] and res["files2"][0].startswith("skaffold.yaml"), res["files2"]  # type: ignore[index]
    assert res["profiles2"][0].startswith("dev") and "last used" in res["profiles2"][0], res["profiles2"]  # type: ignore[index]


def test_profile_lenses_and_the_effective_configuration(code_server, tools: Tools, tmp_path: Path) -> None:
    """The code lens above each profile says when skaffold activates it (from the server); clicking
    one opens the effective configuration with that profile as a read-only YAML document; the
    palette command asks for the profiles first."""
    ws = tmp_path / "ws-effective"
    ws.mkdir()
    (ws / "skaffold.yaml").write_text(
        "apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  artifacts:\n  - image: shop/web\n"
        "profiles:\n- name: dbg\n  activation: [{command: debug}]\n  build:\n    artifacts:\n"
        "    - image: shop/web-debug\n- name: tagged\n  build:\n    tagPolicy:\n      sha256: {}\n")
    cs = code_server()
    cs.install()
    url = cs.start(ws)
    res = drive(tools, {"mode": "effective", "url": url, "out": str(ARTIFACTS / "g-effective.png"),
                        "file": "skaffold.yaml", "lastLens": "only with -p", "clickLens": "skaffold debug",
                        "lensProfile": "dbg", "pickProfile": "tagged"})
    assert res["ok"], f"{res.get('error')}\n{res.get('notifications')}\n{cs.extension_logs()}"
    assert any("active on" in t and "skaffold debug" in t for t in res["lenses"]), res["lenses"]  # type: ignore[union-attr]
    assert any("only with -p" in t for t in res["lenses"]), res["lenses"]  # type: ignore[union-attr]
    assert "shop/web-debug" in str(res["lensText"]) and "profile dbg" in str(res["lensText"]), res["lensText"]
    assert res["readOnly"], res
    assert [p.strip() for p in res["profiles"]] == ["dbg", "tagged"], res["profiles"]  # type: ignore[union-attr]
    picked = str(res["pickedText"])
    assert "sha256" in picked and "shop/web-debug" not in picked, picked


PY_APP = """\
import time


def compute(x):
    y = x * 2
    return y  # breakpoint target


i = 0
while True:
    compute(i)
    i += 1
    time.sleep(0.1)
"""


def _can_mount() -> bool:
    if not sys.platform.startswith("linux") or not shutil.which("unshare"):
        return False
    return subprocess.run(["unshare", "-m", "true"], capture_output=True, check=False).returncode == 0


def test_debug_python_container_stops_at_breakpoint(code_server, tools: Tools, tmp_path: Path) -> None:
    """A Python container (debugpy, image WORKDIR /app): our `skaffold` type talks DAP to debugpy with
    the bridge's pathMappings; the breakpoint in the local app.py is hit."""
    if not STANDIN.is_file():
        pytest.fail(f"the stand-in skaffold {STANDIN} is missing (from the debug-bridge work)")
    if not _can_mount():
        pytest.skip("needs Linux mount namespaces (root) to show the image folder at /app")
    r = _run([sys.executable, "-c", "import debugpy"], tmp_path, 30)
    if r.returncode != 0:
        pytest.skip(f"debugpy not installed in {sys.executable} (pip install -e '.[test]')")
    ws = tmp_path / "py"
    ws.mkdir()
    (ws / "app.py").write_text(PY_APP)
    (ws / "requirements.txt").write_text("")
    (ws / "Dockerfile").write_text(
        'FROM python:3.11-slim\nWORKDIR /app\nCOPY requirements.txt .\nRUN pip install -r requirements.txt\n'
        'COPY . .\nCMD ["python", "app.py"]\n')
    (ws / "skaffold.yaml").write_text(
        "apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  artifacts:\n  - image: py-app\n    docker: {}\n")
    image_app = tmp_path / "image" / "app"  # what `COPY . .` put at /app in the image
    shutil.copytree(ws, image_app)
    marker = f"e2e-{tmp_path.name}"  # names this test's debuggee in /proc for the cleanup
    scenario = {"containers": [{
        "pod": "py-app-6f7b8c9d5-k2j4h", "container": "py-app", "artifact": "py-app", "runtime": "python",
        "workingDir": "/app", "ports": {"dap": 5678},
        "process": {"argv": [sys.executable, "-Xfrozen_modules=off", "-m", "debugpy", "--listen", "127.0.0.1:{port}",
                             "app.py", marker],
                    "cwd": str(tmp_path), "mounts": {"/app": str(image_app)}, "containerCwd": "/app"},
    }]}
    scen = tmp_path / "scenario.json"
    scen.write_text(json.dumps(scenario))
    line = next(i for i, ln in enumerate(PY_APP.splitlines(), 1) if "breakpoint target" in ln)
    cs = code_server({"skaffold.path": str(STANDIN)}, {"SKAFFOLD_STANDIN_SCENARIO": str(scen)})
    cs.install()
    try:
        url = cs.start(ws)
        res = drive(tools, {"mode": "debug", "url": url, "out": str(ARTIFACTS / "c-debug-python-paused.png"),
                            "outStopped": str(ARTIFACTS / "c-debug-python-stopped.png"), "stopWith": "command",
                            "file": "app.py", "line": line, "lineText": "breakpoint target", "expectFunction": "compute"}, timeout=400)
        assert res["ok"], f"{res.get('error')}\n{res.get('notifications')}\n{cs.extension_logs()}"
        top = str(res["top"])
        assert "compute" in top and "app.py" in top and str(line) in top, res["frames"]
        deadline = time.monotonic() + 15
        while _pids_with(marker) and time.monotonic() < deadline:
            time.sleep(0.3)
        assert not _pids_with(marker), "debugpy still running after Skaffold: Stop"
    finally:
        cs.stop()
        for pid in _pids_with(marker):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)

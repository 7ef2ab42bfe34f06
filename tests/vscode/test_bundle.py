"""The Python side of the VSIX (vscode-extension/scripts/bundle_python.py) runs on a bare Python.

No node, no VS Code: bundle into a temp dir, then run the server from it with an interpreter that
has none of the dependencies installed (Debian's /usr/bin/python3 on these machines), with exactly
the PYTHONPATH the extension builds (src, native/<tag> when bundled for that Python, libs).

Two bundles: `universal` (pure Python only: it must serve on any platform and any Python >= 3.10)
and this machine's platform target (`linux-x64` here: PyYAML with libyaml and regex for CPython
3.10-3.13 from PyPI wheels). An import audit (a sitecustomize on PYTHONPATH) records where every
module the server imports came from; a test fails if the server loads a compiled module it should
not have (any, for `universal`; one not built for this interpreter, for the platform target) or
anything from outside the standard library and the bundle.
"""

from __future__ import annotations

import json
import os
import platform
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[2]
SCRIPT = REPO / "vscode-extension" / "scripts" / "bundle_python.py"
PYTHONS = ["cp310", "cp311", "cp312", "cp313"]
TARGETS = ["linux-x64", "linux-arm64", "darwin-x64", "darwin-arm64", "win32-x64"]
# what a compiled module's file name says, per target (PEP 3149 / Windows .pyd tags)
SUFFIX = {
    "linux-x64": lambda v: f".cpython-{v}-x86_64-linux-gnu.so",
    "linux-arm64": lambda v: f".cpython-{v}-aarch64-linux-gnu.so",
    "darwin-x64": lambda v: f".cpython-{v}-darwin.so",
    "darwin-arm64": lambda v: f".cpython-{v}-darwin.so",
    "win32-x64": lambda v: f".cp{v}-win_amd64.pyd",
}
COMPILED = (".so", ".pyd", ".dylib")


def host_target() -> str:
    t = {("Linux", "x86_64"): "linux-x64", ("Linux", "aarch64"): "linux-arm64", ("Darwin", "x86_64"): "darwin-x64",
         ("Darwin", "arm64"): "darwin-arm64", ("Windows", "AMD64"): "win32-x64"}.get((platform.system(), platform.machine()))
    return t or "universal"


def build(out: Path, target: str) -> Path:
    r = subprocess.run([sys.executable, str(SCRIPT), "--target", target, "--out", str(out)],
                       capture_output=True, text=True, check=False)
    if r.returncode != 0 and "pip download failed" in r.stderr and any(
            s in r.stderr for s in ("NewConnectionError", "Name or service not known", "Temporary failure", "No route")):
        pytest.skip(f"PyPI unreachable, cannot fetch the {target} wheels:\n{r.stderr[-800:]}")
    assert r.returncode == 0, r.stdout + r.stderr
    return out


@pytest.fixture(scope="module")
def bundles(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("vsix")
    targets = ["universal"] + ([host_target()] if host_target() != "universal" else [])
    return {t: build(root / t / "bundled", t) for t in targets}


def compiled(bundle: Path) -> list[Path]:
    return sorted(p for p in bundle.rglob("*") if p.name.endswith(COMPILED))


def check_native(bundle: Path, target: str) -> None:
    """native/cp3XX for each Python, each with libyaml and regex built for that Python and
    platform; no compiled file anywhere else."""
    native = bundle / "native"
    assert sorted(p.name for p in native.iterdir()) == PYTHONS
    manifest = json.loads((bundle / "manifest.json").read_text())
    assert manifest["target"] == target and sorted(manifest["native"]) == PYTHONS
    for tag in PYTHONS:
        suffix = SUFFIX[target](tag[2:])
        assert (native / tag / "yaml" / f"_yaml{suffix}").is_file(), sorted(os.listdir(native / tag / "yaml"))
        assert (native / tag / "regex" / f"_regex{suffix}").is_file(), sorted(os.listdir(native / tag / "regex"))
    for f in compiled(bundle):
        rel = f.relative_to(bundle)
        assert rel.parts[0] == "native", f"compiled module outside native/: {rel}"
        assert f.name.endswith(SUFFIX[target](rel.parts[1][2:])), f"{rel} is not built for {rel.parts[1]} on {target}"


def test_universal_bundle_is_pure_python(bundles: dict[str, Path]) -> None:
    b = bundles["universal"]
    assert (b / "src" / "skaffold_ls" / "__main__.py").is_file()
    assert (b / "src" / "skaffold_ls" / "schemas").is_dir(), "schemas/model goes where the wheel puts it"
    for pkg in ("pygls", "lsprotocol", "cattrs", "attrs", "yaml", "dockerfile_parse", "json5"):
        assert (b / "libs" / pkg).is_dir(), pkg
    assert list((b / "libs").glob("pygls-*.dist-info")), "dist-info kept for importlib.metadata"
    # cattrs imports exceptiongroup on Python 3.10: not installed here (3.11), fetched as a wheel
    assert (b / "libs" / "exceptiongroup").is_dir()
    assert not (b / "native").exists()
    assert compiled(b) == [], "the universal VSIX must run on any platform"
    for absent in ("kubernetes", "jsonschema", "rpds", "referencing", "regex"):
        assert not (b / "libs" / absent).exists(), f"{absent} is not needed by serve/debug: not bundled"
    assert not list(b.rglob("__pycache__"))


def test_platform_bundle_has_the_compiled_modules_for_each_python(bundles: dict[str, Path]) -> None:
    if host_target() == "universal":
        pytest.skip(f"no VSIX target for {platform.system()} {platform.machine()}")
    check_native(bundles[host_target()], host_target())


@pytest.mark.slow
@pytest.mark.parametrize("target", TARGETS)
def test_every_target_gets_its_wheels_from_pypi(target: str, tmp_path: Path) -> None:
    """`pip download --only-binary=:all: --platform ... --python-version ...` for each VSIX target
    (PyPI only, nothing from GitHub)."""
    check_native(build(tmp_path / "bundled", target), target)


# ---------------------------------------------------------------- running it on a bare Python

AUDIT = '''\
"""Import audit for tests/vscode/test_bundle.py: where each module comes from, one line each."""
import os, sys, sysconfig

_log = os.environ["SKAFFOLD_IMPORT_AUDIT"]
_std = tuple(os.path.realpath(p) + os.sep for p in {sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"]})


class _Audit:
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        for finder in sys.meta_path:
            if finder is cls or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None:
                origin = spec.origin or ""
                if origin not in ("built-in", "frozen", "") and not os.path.realpath(origin).startswith(_std):
                    with open(_log, "a") as f:
                        f.write(name + "\\t" + origin + "\\n")
                return spec
        return None


sys.meta_path.insert(0, _Audit)
'''


def bare_python() -> str | None:
    for py in ("/usr/bin/python3", "/usr/local/bin/python3"):
        if not Path(py).is_file():
            continue
        r = subprocess.run([py, "-c", "import sys; assert sys.version_info >= (3, 10); import pygls"],
                           capture_output=True, text=True, check=False,
                           env={**os.environ, "PYTHONPATH": "", "PYTHONNOUSERSITE": "1"})
        if r.returncode != 0 and "AssertionError" not in r.stderr:
            return py
    return None


def tag_and_suffix(py: str) -> tuple[str, str]:
    """(cp311, .cpython-311-x86_64-linux-gnu.so) of an interpreter."""
    out = subprocess.run([py, "-c", "import sys, sysconfig; print('cp%d%d' % sys.version_info[:2]); "
                          "print(sysconfig.get_config_var('EXT_SUFFIX'))"],
                         capture_output=True, text=True, check=True).stdout.split()
    return out[0], out[1]


class Lsp:
    """A small stdio LSP client: requests in order, notifications recorded."""

    def __init__(self, argv: list[str], env: dict[str, str], cwd: Path):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env=env, cwd=cwd)
        self.inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.notifications: list[dict[str, Any]] = []
        self.next_id = 0
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = 0
            while True:
                line = out.readline()
                if not line:
                    self.inbox.put(None)
                    return
                if not line.strip():
                    break
                key, _, value = line.partition(b":")
                if key.lower() == b"content-length":
                    length = int(value)
            self.inbox.put(json.loads(out.read(length)))

    def send(self, msg: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        body = json.dumps({"jsonrpc": "2.0", **msg}).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        self.proc.stdin.flush()

    def notify(self, method: str, params: Any) -> None:
        self.send({"method": method, "params": params})

    def wait(self, pred: Any, timeout: float = 60) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        while True:
            try:
                msg = self.inbox.get(timeout=max(0.01, deadline - time.monotonic()))
            except queue.Empty:
                raise AssertionError(f"timed out; notifications: {self.notifications[-5:]}") from None
            assert msg is not None, f"server exited: {self.proc.stderr.read().decode()[-3000:] if self.proc.stderr else ''}"
            if "method" in msg and "id" in msg:  # a request to the client
                result: Any = [None] * len(msg["params"]["items"]) if msg["method"] == "workspace/configuration" else None
                self.send({"id": msg["id"], "result": result})
            elif "method" in msg:
                self.notifications.append(msg)
            if pred(msg):
                return msg

    def request(self, method: str, params: Any) -> Any:
        self.next_id += 1
        rid = self.next_id
        self.send({"id": rid, "method": method, "params": params})
        msg = self.wait(lambda m: m.get("id") == rid and "method" not in m)
        assert "error" not in msg, msg
        return msg.get("result")

    def close(self) -> str:
        try:
            self.request("shutdown", None)
            self.notify("exit", None)
            self.proc.wait(10)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
        return self.proc.stderr.read().decode(errors="replace") if self.proc.stderr else ""


SKAFFOLD = "apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  artifacts:\n  - image: app\n    dockr: {}\n"
MANIFEST = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n"
WORKFLOW = "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n    - run: make\n"
LAUNCH_JSON = '{\n  // mine\n  "version": "0.2.0",\n  "configurations": [\n    {"name": "my own", "type": "node", "request": "launch",},\n  ],\n}\n'


@pytest.mark.parametrize("which", ["universal", "platform"])
def test_bare_python_runs_the_bundled_server(bundles: dict[str, Path], tmp_path: Path, which: str) -> None:
    target = "universal" if which == "universal" else host_target()
    if target not in bundles:
        pytest.skip(f"no VSIX target for {platform.system()} {platform.machine()}")
    bare = bare_python()
    if bare is None:
        pytest.skip("no Python >= 3.10 without pygls on this machine (Debian's /usr/bin/python3 is one)")
    bundle, (tag, ext_suffix) = bundles[target], tag_and_suffix(bare)
    audit_dir, audit_log = tmp_path / "audit", tmp_path / "imports.tsv"
    audit_dir.mkdir()
    (audit_dir / "sitecustomize.py").write_text(AUDIT)
    native = bundle / "native" / tag
    if which == "platform" and tag in PYTHONS:
        assert native.is_dir(), f"{target} VSIX has no compiled modules for this {tag} interpreter"
    path = [bundle / "src", *([native] if native.is_dir() else []), bundle / "libs"]  # src/python.ts pythonPathFor
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(map(str, [audit_dir, *path])), "PYTHONNOUSERSITE": "1",
           "SKAFFOLD_IMPORT_AUDIT": str(audit_log)}
    ws = tmp_path / "ws"
    (ws / "k8s").mkdir(parents=True)
    (ws / ".github" / "workflows").mkdir(parents=True)
    files = {"skaffold.yaml": SKAFFOLD, "k8s/deploy.yaml": MANIFEST, ".github/workflows/ci.yaml": WORKFLOW}
    for name, text in files.items():
        (ws / name).write_text(text)
    uri = {name: (ws / name).as_uri() for name in files}

    # the language server, as the extension runs it: every YAML document is sent to it
    lsp = Lsp([bare, "-m", "skaffold_ls", "serve"], env, ws)
    try:
        lsp.request("initialize", {"processId": os.getpid(), "rootUri": ws.as_uri(), "capabilities": {
            "textDocument": {"completion": {"completionItem": {"snippetSupport": True}}}},
            "initializationOptions": {"settings": {}}})
        lsp.notify("initialized", {})
        for name, text in files.items():
            lsp.notify("textDocument/didOpen", {"textDocument": {"uri": uri[name], "languageId": "yaml", "version": 1, "text": text}})
        published = lsp.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                             and m["params"]["uri"] == uri["skaffold.yaml"] and m["params"]["diagnostics"])
        assert "unknown-key" in [d["code"] for d in published["params"]["diagnostics"]]
        items = lsp.request("textDocument/completion", {"textDocument": {"uri": uri["skaffold.yaml"]},
                                                        "position": {"line": 5, "character": 4}})
        assert "docker" in [i["label"] for i in (items or {}).get("items", [])], items
        assert lsp.request("textDocument/hover", {"textDocument": {"uri": uri["skaffold.yaml"]},
                                                  "position": {"line": 4, "character": 5}}) is not None
        for name in ("k8s/deploy.yaml", ".github/workflows/ci.yaml"):
            doc = {"textDocument": {"uri": uri[name]}}
            assert lsp.request("textDocument/documentSymbol", doc) is None, name
            assert lsp.request("textDocument/hover", {**doc, "position": {"line": 0, "character": 1}}) is None, name
            assert lsp.request("textDocument/foldingRange", doc) is None, name  # None, not []: VS Code keeps its own folding
    finally:
        stderr = lsp.close()
    others = [n for n in lsp.notifications if json.dumps(n.get("params", {})).count("deploy.yaml")
              or json.dumps(n.get("params", {})).count("ci.yaml")]
    assert others == [], f"the server said something about YAML that is not skaffold's: {others}"
    assert not [n for n in lsp.notifications if n["method"] in ("window/showMessage", "window/logMessage")
                and n["params"].get("type") in (1, 2)], lsp.notifications
    assert "Traceback" not in stderr, stderr

    # `check`, and the debug bridge's launch.json editing (json-five, which needs regex)
    r = subprocess.run([bare, "-m", "skaffold_ls", "check", "--format", "json", "skaffold.yaml"],
                       cwd=ws, env=env, capture_output=True, text=True, check=False)
    assert "unknown-key" in [d["code"] for d in json.loads(r.stdout)], r.stdout + r.stderr
    if native.is_dir():
        (ws / "skaffold.yaml").write_text(SKAFFOLD.replace("    dockr: {}\n", ""))
        (ws / "Dockerfile").write_text("FROM golang:1.22 AS b\nCOPY main.go .\nRUN go build -o /app main.go\n"
                                       "FROM alpine\nENV GOTRACEBACK=single\nCOPY --from=b /app .\nCMD [\"./app\"]\n")
        (ws / ".vscode").mkdir()
        (ws / ".vscode" / "launch.json").write_text(LAUNCH_JSON)
        r = subprocess.run([bare, "-m", "skaffold_ls", "launch-config", "--write"], cwd=ws, env=env,
                           capture_output=True, text=True, check=False)
        assert r.returncode == 0, r.stdout + r.stderr
        written = (ws / ".vscode" / "launch.json").read_text()
        assert "// mine" in written and '"skaffold: app"' in written, written

    # where every module came from: nothing from the interpreter's own site-packages, and a
    # compiled module only from native/<this interpreter's tag>
    imports = [ln.split("\t") for ln in audit_log.read_text().splitlines()]
    names = {n for n, _ in imports}
    assert {"skaffold_ls", "pygls", "yaml"} <= names and "json" not in names, "the audit records all but the stdlib"
    allowed = [str(p) + os.sep for p in path] + [str(audit_dir) + os.sep]
    outside = sorted({(n, o) for n, o in imports if not o.startswith(tuple(allowed))})
    assert outside == [], f"imported from outside the bundle: {outside}"
    loaded = sorted({(n, o) for n, o in imports if o.endswith(COMPILED)})
    if native.is_dir():
        assert {n for n, _ in loaded} >= {"yaml._yaml", "regex._regex"}, loaded  # libyaml and regex in use
        wrong = [(n, o) for n, o in loaded if not o.startswith(str(native) + os.sep)
                 or not o.endswith(ext_suffix)]
        assert wrong == [], f"compiled modules not built for {tag}: {wrong}"
    else:
        assert loaded == [], f"the universal bundle loaded compiled modules: {loaded}"

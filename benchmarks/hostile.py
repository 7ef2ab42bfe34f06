#!/usr/bin/env python3
"""The hostile set: input an attacker or a careless user would give skaffold-ls.

Each case runs through the real entry points (`skaffold-ls check` as a subprocess and,
where it applies, `skaffold-ls serve` driven by a raw LSP client) and prints one table
row: case, result, wall time, peak RSS of the skaffold-ls process (from wait4 / VmHWM).
A case passes when skaffold-ls ends in a diagnostic or a clear message within its
deadline, without a traceback, and the server keeps answering. Exit status 1 when any
case fails.

    python3 benchmarks/hostile.py                 # every case (~2 minutes)
    python3 benchmarks/hostile.py --only fifo     # cases whose name contains "fifo"
    python3 benchmarks/hostile.py --json out.json

Every subprocess runs with a 2 GB address-space limit, so a case that would read
/dev/zero fails fast instead of taking the machine's memory.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import queue
import resource
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PROJECTS = ROOT / "tests" / "fixtures" / "projects"
PY = sys.executable
DEADLINE = 60.0
MEMORY_LIMIT = 2 << 30
HEAD = "apiVersion: skaffold/v4beta14\nkind: Config\n"
GOOD = HEAD + """\
build:
  artifacts:
  - image: app
    docker:
      dockerfile: Dockerfile
manifests:
  rawYaml:
  - k8s/*.yaml
deploy:
  kubectl: {}
"""


@dataclass
class Row:
    case: str
    ok: bool
    result: str
    seconds: float
    peak_rss_mb: float


class Failed(Exception):
    pass


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise Failed(message)


def _limits(fsize: int | None = None) -> Callable[[], None]:
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))
        if fsize is not None:  # a "full disk": writes past fsize bytes fail with EFBIG
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
    return apply


@dataclass
class Run:
    returncode: int
    stdout: str
    stderr: str
    seconds: float
    peak_rss_kb: int


def run_cli(*args: str, cwd: Path | None = None, fsize: int | None = None, timeout: float = DEADLINE) -> Run:
    """`skaffold-ls ARGS` with its own wall time and peak RSS (wait4's rusage of that child)."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen([PY, "-m", "skaffold_ls", *args], stdout=out, stderr=err, cwd=cwd,
                                preexec_fn=_limits(fsize))
        deadline = started + timeout
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = -9
                raise Failed(f"still running after {timeout:.0f} s (killed)")
            time.sleep(0.01)
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        return Run(proc.returncode, out.read().decode("utf-8", "replace"), err.read().decode("utf-8", "replace"),
                   time.perf_counter() - started, usage.ru_maxrss)


def frame(message: dict[str, Any]) -> bytes:
    body = json.dumps({"jsonrpc": "2.0", **message}).encode("utf-8")
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


class Server:
    """`skaffold-ls serve` over stdio; requests from the server are answered at once."""

    def __init__(self, env: dict[str, str] | None = None, settings: Any = None):
        self.started = time.perf_counter()
        self.proc = subprocess.Popen([PY, "-m", "skaffold_ls", "serve"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     env={**os.environ, **(env or {})}, preexec_fn=_limits())
        self.settings = settings
        self.inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.seen: list[dict[str, Any]] = []
        self.lock = threading.Lock()
        self.peak_kb = 0
        self.stderr_text = ""
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._drain_stderr, daemon=True).start()

    def _drain_stderr(self) -> None:
        assert self.proc.stderr is not None
        data = self.proc.stderr.read()
        self.stderr_text = data.decode("utf-8", "replace")

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            n = None
            while True:
                line = out.readline()
                if not line:
                    self.inbox.put(None)
                    return
                if line.lower().startswith(b"content-length:"):
                    n = int(line.split(b":")[1])
                if line == b"\r\n":
                    break
            message = json.loads(out.read(n or 0))
            if "id" in message and "method" in message:
                result = [self.settings for _ in message["params"].get("items", [])] \
                    if message["method"] == "workspace/configuration" else None
                self.send({"id": message["id"], "result": result})
            self.inbox.put(message)

    def send_bytes(self, data: bytes) -> None:
        assert self.proc.stdin is not None
        with self.lock:
            self.proc.stdin.write(data)
            self.proc.stdin.flush()

    def send(self, message: dict[str, Any]) -> None:
        self.send_bytes(frame(message))

    def wait(self, matches: Callable[[dict[str, Any]], bool], timeout: float = 20) -> dict[str, Any]:
        deadline = time.perf_counter() + timeout
        checked = 0
        while True:
            for m in self.seen[checked:]:
                if matches(m):
                    return m
            checked = len(self.seen)
            left = deadline - time.perf_counter()
            if left <= 0:
                raise Failed(f"no answer within {timeout:.0f} s")
            try:
                m = self.inbox.get(timeout=left)
            except queue.Empty:
                continue
            if m is None:
                raise Failed("the server exited")
            self.seen.append(m)

    def answer(self, request_id: Any, timeout: float = 20) -> dict[str, Any]:
        return self.wait(lambda m: m.get("id") == request_id and "method" not in m, timeout)

    def published(self, uri: str, matches: Callable[[list[dict[str, Any]]], bool] = lambda d: True,
                  timeout: float = 30) -> list[dict[str, Any]]:
        m = self.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                      and m["params"]["uri"] == uri and matches(m["params"]["diagnostics"]), timeout)
        diagnostics: list[dict[str, Any]] = m["params"]["diagnostics"]
        return diagnostics

    def initialize(self, options: Any = None, capabilities: dict[str, Any] | None = None) -> None:
        params: dict[str, Any] = {"processId": None, "rootUri": None, "capabilities": capabilities or {}}
        if options is not None:
            params["initializationOptions"] = options
        self.send({"id": "init", "method": "initialize", "params": params})
        self.answer("init")
        self.send({"method": "initialized", "params": {}})

    def open(self, uri: str, text: str) -> None:
        self.send({"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": text}}})

    def hover(self, request_id: Any, uri: str, line: int = 2, character: int = 2) -> None:
        self.send({"id": request_id, "method": "textDocument/hover", "params": {
            "textDocument": {"uri": uri}, "position": {"line": line, "character": character}}})

    def sample_rss(self) -> None:
        with contextlib.suppress(OSError), open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    self.peak_kb = max(self.peak_kb, int(line.split()[1]))

    def stop(self) -> None:
        self.send({"id": "bye", "method": "shutdown"})
        self.answer("bye")
        self.sample_rss()  # after pygls answered: with the fast start, it is imported after the first publish
        self.send({"method": "exit"})
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            raise Failed("did not exit after shutdown + exit") from None
        time.sleep(0.05)
        expect(self.proc.returncode == 0, f"exit status {self.proc.returncode}")
        expect("Traceback" not in self.stderr_text, f"traceback in the server log: {self.stderr_text[-500:]}")

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def still_answers(self, tmp: Path) -> None:
        """A fresh document still gets its diagnostics and a hover."""
        uri = (tmp / "after" / "skaffold.yaml").as_uri()
        self.open(uri, GOOD)
        self.published(uri)
        self.hover("alive", uri)
        expect(self.answer("alive").get("result") is not None, "no hover on a good document afterwards")


# ---------------------------------------------------------------------------
# Inputs


def alias_bomb() -> str:
    lines = [HEAD.rstrip("\n"), "x0: &x0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"x{i}: &x{i} [{', '.join([f'*x{i - 1}'] * 9)}]" for i in range(1, 10)]
    return "\n".join(lines) + "\nbuild:\n  artifacts: *x9\n"


def merge_fan_out(levels: int = 40) -> str:
    lines = [HEAD.rstrip("\n"), "a0: &a0 {k0: v}"]
    lines += [f"a{i}: &a{i} {{<<: [*a{i - 1}, *a{i - 1}], k{i}: v}}" for i in range(1, levels + 1)]
    return "\n".join(lines) + f"\nbuild:\n  artifacts:\n  - image: x\n    <<: *a{levels}\n"


CR_ONLY = ("apiVersion: skaffold/v4beta14\rkind: Config\rbuild:\r  artifacts:\r  - image: app\r    docker:\r"
           "      dockerfile: Dockerfile\r  tagPolicy:\r    gitComit: {}\r")

FILE_CASES: dict[str, tuple[Callable[[], str | bytes], str]] = {
    "alias bomb (billion laughs)": (alias_bomb, "alias-bomb"),
    "merge-key fan-out <<: [*a, *a] x40": (merge_fan_out, "alias-bomb"),
    "flow nesting 10,000 deep": (lambda: HEAD + "build: " + "[" * 10_000 + "]" * 10_000 + "\n", "too-deep"),
    "block nesting 10,000 deep": (lambda: HEAD + "build:\n  artifacts:\n  " + "- " * 10_000 + "x\n", "too-deep"),
    "5 MB file": (lambda: HEAD + "build:\n  artifacts:\n" + "".join(
        f"  - image: app{i}\n    context: src/{i}\n" for i in range(120_000)), "file-too-large"),
    "NUL bytes": (lambda: HEAD + "build:\n  artifacts:\x00\x00\n", "binary-content"),
    "invalid UTF-8": (lambda: HEAD.encode() + b"metadata:\n  name: caf\xe9\xff\n", "not-utf8"),
    "!!python/object payload": (lambda: HEAD + "metadata: !!python/object/apply:os.system ['touch /tmp/pwned']\n",
                                "wrong-type"),
    "ports 70000 / -5 / 20 digits": (lambda: HEAD + "portForward:\n- resourceType: service\n  resourceName: a\n"
                                     "  port: 70000\n  localPort: -5\n- resourceType: service\n  resourceName: b\n"
                                     "  port: 99999999999999999999\n  localPort: 99999999999999999999\n",
                                     "number-out-of-range"),
}


def case_file(name: str, make: Callable[[], str | bytes], code: str, tmp: Path) -> tuple[str, int, float]:
    data = make()
    f = tmp / "skaffold.yaml"
    f.write_bytes(data.encode() if isinstance(data, str) else data)
    r = run_cli("check", "--format", "json", str(f))
    expect("Traceback" not in r.stderr, r.stderr[-400:])
    codes = [x["code"] for x in json.loads(r.stdout)]
    expect(code in codes, f"expected {code}, got {codes}")
    if "python/object" in name:
        expect(not Path("/tmp/pwned").exists(), "the payload ran")
    return f"check: {code}, exit {r.returncode}", r.peak_rss_kb, r.seconds


def case_file_in_server(make: Callable[[], str | bytes], code: str, tmp: Path, srv: Server) -> None:
    data = make()
    if isinstance(data, bytes):
        return  # editors send text; invalid UTF-8 never reaches a server
    uri = (tmp / "srv" / code / "skaffold.yaml").as_uri()
    srv.open(uri, data)
    diags = srv.published(uri, timeout=60)
    expect(code in [d["code"] for d in diags] or code == "not-utf8", f"server: no {code}")


# ---------------------------------------------------------------------------
# File system


def case_fifo(tmp: Path) -> tuple[str, int, float]:
    special = tmp / "a" / "skaffold.yaml"
    special.parent.mkdir()
    os.mkfifo(special)
    r = run_cli("check", str(special))
    expect(r.returncode == 2 and "named pipe" in r.stderr, r.stderr)
    r2 = run_cli("check", str(tmp))
    expect(r2.returncode == 2 and "named pipe" in r2.stderr, r2.stderr)
    return "check: skipped with a message, exit 2", max(r.peak_rss_kb, r2.peak_rss_kb), r.seconds + r2.seconds


def case_dev_zero(tmp: Path) -> tuple[str, int, float]:
    link = tmp / "skaffold.yaml"
    link.symlink_to("/dev/zero")
    r = run_cli("check", str(link))
    expect(r.returncode == 2 and "character device" in r.stderr, r.stderr[-400:])
    return "check: skipped with a message, exit 2", r.peak_rss_kb, r.seconds


def _loop_tree(tmp: Path) -> Path:
    (tmp / "svc" / "k8s" / "apps").mkdir(parents=True)
    (tmp / "svc" / "skaffold.yaml").write_text(GOOD.replace("k8s/*.yaml", "k8s/**/*.yaml"))
    (tmp / "svc" / "Dockerfile").write_text("FROM scratch\n")
    (tmp / "svc" / "k8s" / "apps" / "app.yaml").write_text("apiVersion: v1\nkind: Service\nmetadata: {name: app}\n")
    (tmp / "svc" / "k8s" / "up").symlink_to("../..")
    (tmp / "svc" / "k8s" / "apps" / "again").symlink_to("../../k8s")
    return tmp / "svc"


def case_glob_loop(tmp: Path) -> tuple[str, int, float]:
    _loop_tree(tmp)
    r = run_cli("check", "--format", "json", str(tmp / "**" / "skaffold.yaml"))
    expect(r.returncode in (0, 1) and "Traceback" not in r.stderr, r.stderr[-400:])
    files = {x["file"] for x in json.loads(r.stdout)}
    expect(files <= {str(tmp / "svc" / "skaffold.yaml")}, f"files: {files}")
    return f"check: ended, exit {r.returncode}", r.peak_rss_kb, r.seconds


def case_manifest_glob_loop(tmp: Path) -> tuple[str, int, float]:
    svc = _loop_tree(tmp)
    r = run_cli("check", "--format", "json", str(svc / "skaffold.yaml"))
    codes = [x["code"] for x in json.loads(r.stdout)]
    expect("no-manifests-match" not in codes and "Traceback" not in r.stderr, f"{codes} {r.stderr[-300:]}")
    return f"check: ended, {len(codes)} finding(s)", r.peak_rss_kb, r.seconds


def case_absolute_glob(tmp: Path) -> tuple[str, int, float]:
    # Manifest globs are Go's filepath.Glob (`**` is `*`), so breadth comes from depth: /usr/*/*/*/*/
    # lists ~40,000 entries on a Debian machine, past the 20,000 one glob may visit.
    (tmp / "skaffold.yaml").write_text(GOOD.replace("k8s/*.yaml", "/usr/*/*/*/*/*.yaml"))
    r = run_cli("check", "--format", "json", str(tmp / "skaffold.yaml"))
    codes = [x["code"] for x in json.loads(r.stdout)]
    expect("glob-too-broad" in codes, f"{codes}")
    r2 = run_cli("check", "/usr/**/skaffold.yaml")
    expect(r2.returncode == 2 and "stopped after looking at" in r2.stderr, r2.stderr)
    return "glob-too-broad; check: capped, exit 2", max(r.peak_rss_kb, r2.peak_rss_kb), r.seconds + r2.seconds


def case_control_names(tmp: Path) -> tuple[str, int, float]:
    for name in (b"clear\x1b[2J", b"two\nlines", b"byte\xff"):
        folder = os.path.join(os.fsencode(tmp), name)
        os.mkdir(folder)
        with open(os.path.join(folder, b"skaffold.yaml"), "w") as f:
            f.write(HEAD + "biuld: {}\n")
    r = run_cli("check", "--schema-only", str(tmp))
    expect(len(r.stdout.splitlines()) == 3 and "\x1b" not in r.stdout and "Traceback" not in r.stderr, r.stdout)
    return "check: names escaped, 3 lines", r.peak_rss_kb, r.seconds


def case_cr_only(tmp: Path) -> tuple[str, int, float]:
    f = tmp / "skaffold.yaml"
    f.write_text(CR_ONLY, newline="")
    r = run_cli("check", "--schema-only", "--format", "json", str(f))
    (finding,) = json.loads(r.stdout)
    srv = Server()
    try:
        srv.initialize({"checks": {"enabled": False}})
        srv.open(f.as_uri(), CR_ONLY)
        (diag,) = srv.published(f.as_uri())
        srv.stop()
    finally:
        srv.kill()
    check_at = (finding["line"] - 1, finding["column"] - 1)
    server_at = (diag["range"]["start"]["line"], diag["range"]["start"]["character"])
    expect(check_at == server_at == (8, 4), f"check {check_at}, server {server_at}")
    return "check and server: line 9 col 5", max(r.peak_rss_kb, srv.peak_kb), r.seconds


# ---------------------------------------------------------------------------
# Writes


def case_fix_disk_full(tmp: Path) -> tuple[str, int, float]:
    f = tmp / "skaffold.yaml"
    original = (HEAD + "build:\n  artifacts:\n  - image: a\n    contxt: .\n" + "# " + "x" * 200_000 + "\n").encode()
    f.write_bytes(original)
    r = run_cli("fix", "--action", "rename-key", "--apply", str(f), fsize=100_000)
    expect(r.returncode == 2 and "Traceback" not in r.stderr, r.stderr[-400:])
    expect(f.read_bytes() == original and sorted(p.name for p in tmp.iterdir()) == ["skaffold.yaml"],
           "the file changed or a temporary file was left")
    return "fix --apply: file whole, exit 2", r.peak_rss_kb, r.seconds


def case_fix_read_only(tmp: Path) -> tuple[str, int, float]:
    f = tmp / "skaffold.yaml"
    f.write_text(HEAD + "build:\n  artifacts:\n  - image: a\n    contxt: .\n")
    f.chmod(0o444)
    r = run_cli("fix", "--action", "rename-key", "--apply", str(f))
    f.chmod(0o644)
    expect(r.returncode == 2 and "read-only" in r.stderr and "Traceback" not in r.stderr, r.stderr)
    return "fix --apply: refused, exit 2", r.peak_rss_kb, r.seconds


def case_launch_json_writers(tmp: Path) -> tuple[str, int, float]:
    import json5  # type: ignore[import-untyped]

    started = time.perf_counter()
    lost = 0
    peak = 0
    projects = []
    for i in range(4):  # the Go guide's project four times, each building its own image: one entry each
        dest = tmp / f"app{i}"
        shutil.copytree(PROJECTS / "go-guide", dest, ignore=shutil.ignore_patterns("expected"))
        for f in (dest / "skaffold.yaml", dest / "k8s" / "pod.yaml"):
            f.write_text(f.read_text().replace("skaffold-example", f"app{i}"))
        projects.append(dest)
    for round_ in range(3):
        target = tmp / f"r{round_}" / "launch.json"
        procs = []
        for project in projects:
            procs.append(subprocess.Popen([PY, "-m", "skaffold_ls", "launch-config", "--write", "--workspace",
                                           str(project), "--launch-json", str(target)],
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                          preexec_fn=_limits()))
        for p in procs:
            _, _status, usage = os.wait4(p.pid, 0)
            peak = max(peak, usage.ru_maxrss)
        lost += 4 - len(json5.loads(target.read_text())["configurations"])
        mode = target.stat().st_mode & 0o777
    expect(lost == 0, f"{lost} entries lost")
    return f"4 writers x 3 rounds: 0 lost, mode {mode:o}", peak, time.perf_counter() - started


def case_launch_json_full_disk(tmp: Path) -> tuple[str, int, float]:
    target = tmp / "ws" / ".vscode" / "launch.json"
    target.parent.mkdir(parents=True)
    original = '{"version": "0.2.0", "configurations": [{"name": "mine", "type": "node", "request": "launch"}]}\n'
    target.write_text(original + " " * 3000)
    r = run_cli("launch-config", "--write", "--workspace", str(PROJECTS / "go-guide"), "--launch-json", str(target),
                fsize=2000)
    expect(r.returncode == 2 and str(target) in r.stderr and target.read_text() == original + " " * 3000,
           r.stderr[-400:])
    return "launch-config --write: names the file, file whole", r.peak_rss_kb, r.seconds


# ---------------------------------------------------------------------------
# The server


def case_requests(tmp: Path, env: dict[str, str]) -> tuple[str, int, float]:
    srv = Server(env)
    try:
        uri = (tmp / "skaffold.yaml").as_uri()
        srv.hover(1, uri)
        expect(srv.answer(1)["error"]["code"] == -32002, "before initialize")
        srv.send_bytes(b"Content-Length: 99999999999\r\n\r\n{}")
        srv.initialize()
        srv.open(uri, GOOD)
        bad = {2: {"line": -1, "character": 0}, 3: {"line": 2**31, "character": 0}, 4: "x",
               5: {"line": "a", "character": 0}}
        for request_id, position in bad.items():
            srv.send({"id": request_id, "method": "textDocument/hover",
                      "params": {"textDocument": {"uri": uri}, "position": position}})
        for request_id in bad:
            expect(srv.answer(request_id)["error"]["code"] == -32602, f"request {request_id}")
        srv.still_answers(tmp)
        srv.send({"id": 9, "method": "shutdown"})
        srv.answer(9)
        srv.hover(10, uri)
        expect(srv.answer(10)["error"]["code"] == -32600, "after shutdown")
        srv.sample_rss()
        srv.send({"method": "exit"})
        srv.proc.wait(timeout=10)
        expect("MemoryError" not in srv.stderr_text, "MemoryError")
        answers = [m["id"] for m in srv.seen if "id" in m and "method" not in m]
        expect(len(answers) == len(set(answers)), f"answered twice: {answers}")
    finally:
        srv.kill()
    return "every request answered once", srv.peak_kb, time.perf_counter() - srv.started


def case_hovers_on_fan_out(tmp: Path) -> tuple[str, int, float]:
    srv = Server()
    try:
        srv.initialize()
        uri = (tmp / "fan" / "skaffold.yaml").as_uri()
        srv.open(uri, merge_fan_out())
        srv.published(uri, timeout=60)
        for i in range(4):
            srv.hover(f"h{i}", uri, line=3 + 10 * i, character=5)
        srv.still_answers(tmp)
        for i in range(4):
            srv.answer(f"h{i}", timeout=30)
        srv.stop()
    finally:
        srv.kill()
    return "4 hovers + another document answered", srv.peak_kb, time.perf_counter() - srv.started


def case_server_inputs(tmp: Path) -> tuple[str, int, float]:
    srv = Server()
    try:
        srv.initialize()
        for make, code in FILE_CASES.values():
            case_file_in_server(make, code, tmp, srv)
            srv.sample_rss()
        uri = (tmp / "surrogate" / "skaffold.yaml").as_uri()
        body = json.dumps({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "yaml", "version": 1, "text": HEAD + "metadata:\n  name: a\ud800b\n"}}})
        srv.send_bytes(b"Content-Length: %d\r\n\r\n" % len(body.encode()) + body.encode())
        srv.published(uri)
        srv.still_answers(tmp)
        srv.stop()
    finally:
        srv.kill()
    return "every file case + a lone surrogate: diagnostics", srv.peak_kb, time.perf_counter() - srv.started


def case_settings_race(tmp: Path, env: dict[str, str]) -> tuple[str, int, float]:
    started = time.perf_counter()
    peak = 0
    caps = {"workspace": {"configuration": True, "didChangeWatchedFiles": {"dynamicRegistration": True}}}
    for run in range(4):
        folder = tmp / f"run{run}"
        folder.mkdir()
        (folder / "skaffold.yaml").write_text(GOOD)
        srv = Server(env, settings={"checks": {"enabled": True}})
        try:
            srv.initialize(capabilities=caps)
            srv.send({"method": "workspace/didChangeConfiguration",
                      "params": {"settings": {"skaffold": {"checks": {"enabled": True}}}}})
            srv.open((folder / "skaffold.yaml").as_uri(), GOOD)
            srv.published((folder / "skaffold.yaml").as_uri(),
                          lambda d: "no-manifests-match" in [x["code"] for x in d], timeout=20)
            srv.stop()
            peak = max(peak, srv.peak_kb)
        finally:
            srv.kill()
    return "checks published, 4 of 4 runs", peak, time.perf_counter() - started


def case_client_vanishes(tmp: Path) -> tuple[str, int, float]:
    """The client reads up to the answer to `shutdown`, then closes both pipes and goes
    (no reader thread here: closing a pipe another thread reads would deadlock the client)."""
    started = time.perf_counter()
    peak = 0
    for _ in range(3):
        with tempfile.TemporaryFile() as err:
            proc = subprocess.Popen([PY, "-m", "skaffold_ls", "serve"], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=err, preexec_fn=_limits())
            assert proc.stdin is not None and proc.stdout is not None
            messages = [{"id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None,
                                                                      "capabilities": {}}},
                        {"method": "initialized", "params": {}}]
            messages += [{"method": "textDocument/didOpen", "params": {"textDocument": {
                "uri": (tmp / f"d{i}" / "skaffold.yaml").as_uri(), "languageId": "yaml", "version": 1,
                "text": GOOD}}} for i in range(5)]
            messages.append({"id": "bye", "method": "shutdown"})
            proc.stdin.write(b"".join(frame(m) for m in messages))
            proc.stdin.flush()
            received = b""
            while b'"id": "bye"' not in received:
                chunk = os.read(proc.stdout.fileno(), 65536)
                if not chunk:
                    break
                received += chunk
            with contextlib.suppress(OSError), open(f"/proc/{proc.pid}/status") as f:
                peak = max([peak] + [int(line.split()[1]) for line in f if line.startswith("VmHWM:")])
            proc.stdout.close()
            proc.stdin.close()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise Failed("the server did not exit") from None
            err.seek(0)
            log = err.read().decode("utf-8", "replace")
            expect("Traceback" not in log and "BrokenPipe" not in log, log[-400:])
    return "exits quietly, 3 of 3 runs", peak, time.perf_counter() - started


def case_random_edits(tmp: Path) -> tuple[str, int, float]:
    import random

    rng = random.Random(14)
    path = tmp / "skaffold.yaml"
    text = GOOD + "profiles:\n- name: dev\n  patches:\n  - op: replace\n    path: /build/artifacts/0/image\n" \
        "    value: dev\n"
    srv = Server()
    try:
        srv.initialize({"checks": {"enabled": False}})
        uri = path.as_uri()
        srv.open(uri, text)
        srv.published(uri)
        pieces = [":", " ", "-", "\n", "\n  ", "[", "]", "{", "}", "&a ", "*a", "<<: ", "x", "", "😀", "#"]
        for version in range(2, 502):
            lines = text.split("\n")
            line = rng.randrange(len(lines))
            start = rng.randrange(len(lines[line]) + 1)
            end = min(len(lines[line]), start + rng.randrange(4))
            piece = rng.choice(pieces)
            units = [len(lines[line][:c].encode("utf-16-le")) // 2 for c in (start, end)]
            srv.send({"method": "textDocument/didChange", "params": {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"range": {"start": {"line": line, "character": units[0]},
                                              "end": {"line": line, "character": units[1]}}, "text": piece}]}})
            lines[line] = lines[line][:start] + piece + lines[line][end:]
            text = "\n".join(lines)
        last = srv.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                        and m["params"].get("version") == 501, timeout=60)
        srv.stop()
    finally:
        srv.kill()
    path.write_text(text)
    r = run_cli("check", "--schema-only", "--format", "json", str(path))
    fresh = sorted((x["line"] - 1, x["code"]) for x in json.loads(r.stdout))
    served = sorted((d["range"]["start"]["line"], d["code"]) for d in last["params"]["diagnostics"])
    expect(fresh == served, f"server {served[:5]}... vs check {fresh[:5]}...")
    return f"500 edits: final = fresh check ({len(fresh)} findings)", srv.peak_kb, time.perf_counter() - srv.started


# ---------------------------------------------------------------------------


def cases() -> list[tuple[str, Callable[[Path], tuple[str, int, float]]]]:
    out: list[tuple[str, Callable[[Path], tuple[str, int, float]]]] = []
    for name, (make, code) in FILE_CASES.items():
        out.append((name, lambda tmp, name=name, make=make, code=code: case_file(name, make, code, tmp)))
    out += [
        ("same inputs through the server", case_server_inputs),
        ("4 hovers on the merge fan-out", case_hovers_on_fan_out),
        ("FIFO named skaffold.yaml (named, in a folder)", case_fifo),
        ("skaffold.yaml -> /dev/zero", case_dev_zero),
        ("check 'dir/**/skaffold.yaml' with symlink loops", case_glob_loop),
        ("manifest glob k8s/**/*.yaml with symlink loops", case_manifest_glob_loop),
        ("manifest glob /usr/*/*/*/*/*.yaml, check '/usr/**/...'", case_absolute_glob),
        ("file names with ESC, newline, byte 0xff", case_control_names),
        ("CR-only line endings", case_cr_only),
        ("fix --apply on a full disk (RLIMIT_FSIZE)", case_fix_disk_full),
        ("fix --apply on a read-only file", case_fix_read_only),
        ("4 launch-config --write at once", case_launch_json_writers),
        ("launch-config --write on a full disk", case_launch_json_full_disk),
        ("bad requests, Content-Length 99,999,999,999", lambda tmp: case_requests(tmp, {})),
        ("  the same without the fast start", lambda tmp: case_requests(tmp, {"SKAFFOLD_LS_NO_FAST_START": "1"})),
        ("settings right after initialized (Neovim)", lambda tmp: case_settings_race(tmp, {})),
        ("  the same without the fast start",
         lambda tmp: case_settings_race(tmp, {"SKAFFOLD_LS_NO_FAST_START": "1"})),
        ("client gone after shutdown", case_client_vanishes),
        ("500 random edits vs a fresh check", case_random_edits),
    ]
    return out


def _one_line(text: str, limit: int = 160) -> str:
    """A table cell: the last lines of a message (a traceback's end says most), on one line."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else "…" + flat[-limit:]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", help="run the cases whose name contains this text")
    ap.add_argument("--json", metavar="FILE", help="also write the rows as JSON")
    args = ap.parse_args()
    rows: list[Row] = []
    print("| case | result | time | peak RSS |\n|---|---|---|---|", flush=True)
    for name, fn in cases():
        if args.only and args.only.lower() not in name.lower():
            continue
        tmp = Path(tempfile.mkdtemp(prefix="skaffold-ls-hostile-"))
        started = time.perf_counter()
        try:
            result, peak_kb, seconds = fn(tmp)
            row = Row(name, True, result, seconds, peak_kb / 1024)
        except Failed as e:
            row = Row(name, False, f"FAILED: {_one_line(str(e))}", time.perf_counter() - started, 0.0)
        except Exception as e:  # a broken case is a failed case, and the others still run
            row = Row(name, False, f"FAILED: {type(e).__name__}: {_one_line(str(e))}",
                      time.perf_counter() - started, 0.0)
        finally:
            with contextlib.suppress(OSError):
                for p in tmp.rglob("*"):
                    with contextlib.suppress(OSError):
                        p.chmod(0o755) if p.is_dir() and not p.is_symlink() else None
                shutil.rmtree(tmp, ignore_errors=True)
        rows.append(row)
        rss = f"{row.peak_rss_mb:.0f} MB" if row.peak_rss_mb else "–"
        print(f"| {name} | {row.result} | {row.seconds:.2f} s | {rss} |", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps([r.__dict__ for r in rows], indent=2) + "\n")
    failed = [r for r in rows if not r.ok]
    print(f"\n{len(rows) - len(failed)} of {len(rows)} cases held", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())

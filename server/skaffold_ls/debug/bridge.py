"""The debug bridge: `skaffold debug` → events → joined forwards → launch.json + report.

Single-threaded core: reader threads (skaffold stdout/stderr, the `/v2/events` stream) and
signal handlers only put items on a queue; the main loop handles them in order, so
launch.json and stdout have exactly one writer.

The imports inside methods are deliberate: skaffold is spawned first, and what the bridge
needs after that is imported then (measured with `python -X importtime`: debug.mapping with
the configuration model ~160 ms, debug.events ~90 ms, json5's loader ~110 ms; the spawn
itself needs ~45 ms of runner and launchjson).
"""

from __future__ import annotations

import json
import os
import queue
import re
import signal
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from skaffold_ls.debug.launchjson import LaunchJsonError, read_launch_json, upsert_launch_json
from skaffold_ls.debug.runner import (
    RunnerError,
    SkaffoldProcess,
    debug_argv,
    find_skaffold,
    free_port,
    port_is_free,
    user_rpc_port,
)

if TYPE_CHECKING:  # the modules themselves are imported after skaffold is spawned (start-up time)
    from skaffold_ls.config.debugging import DebugModel
    from skaffold_ls.config.project import Project
    from skaffold_ls.debug.events import EventStream, Joiner, Ready, Started, Terminated
    from skaffold_ls.debug.mapping import SourceMapping

# Keys of our launch.json entries that we own; any other key the user adds survives updates.
MANAGED_KEYS = (
    "name", "type", "request", "mode", "debugAdapter", "host", "port", "substitutePath", "connect",
    "pathMappings", "address", "localRoot", "remoteRoot", "hostName", "processId", "pipeTransport",
    "sourceFileMap", "presentation",
)

_PHASES: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^(Generating tags|Checking cache|Building \[|Starting build)"), "build"),
    (re.compile(r"^(Tags used in deployment|Starting deploy)"), "deploy"),
    (re.compile(r"^Waiting for deployments to stabilize"), "waiting"),
    (re.compile(r"^(Deployments stabilized|Press Ctrl\+C to exit)"), "running"),
]


def pod_stem(pod: str) -> str:
    """`web-6d4b7c9f8d-x2x9q` → `web`, `db-0` → `db`: stable across pod replacement."""
    for pat in (r"^(.+)-[a-z0-9]{6,10}-[a-z0-9]{5}$", r"^(.+)-[a-z0-9]{5}$", r"^(.+)-\d+$"):
        m = re.match(pat, pod)
        if m:
            return m.group(1)
    return pod


@dataclass
class Entry:
    name: str
    key: tuple[str, str, str]
    pod: str
    container: str
    namespace: str
    runtime: str
    config: dict[str, Any]
    active: bool


class Emitter:
    """Writes the human report or the `--json` event stream (docs/debug-bridge.md)."""

    def __init__(self, json_mode: bool, out: TextIO | None = None, err: TextIO | None = None) -> None:
        self.json_mode = json_mode
        self.out = out or sys.stdout
        self.err = err or sys.stderr
        self.lock = threading.Lock()
        self.broken = False

    def _json(self, obj: dict[str, Any]) -> None:
        self._write(self.out, json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n")

    def human(self, text: str, stream: str = "stdout") -> None:
        self._write(self.out if stream == "stdout" else self.err, text + "\n")

    def _write(self, f: TextIO, text: str) -> None:
        with self.lock:
            if self.broken:
                return
            try:
                f.write(text)
                f.flush()
            except (BrokenPipeError, ValueError, OSError):
                self.broken = True  # the editor went away: the bridge stops skaffold

    def status(self, phase: str, message: str, **extra: Any) -> None:
        if self.json_mode:
            self._json({"event": "status", "phase": phase, "message": message, **extra})

    def log(self, stream: str, text: str) -> None:
        if self.json_mode:
            self._json({"event": "log", "stream": stream, "text": text})
        else:
            self.human(text, stream)

    def note(self, text: str) -> None:
        """Our own informational line (a `log` on stderr in JSON mode)."""
        if self.json_mode:
            self._json({"event": "log", "stream": "stderr", "text": "skaffold-ls: " + text})
        else:
            self.human("[skaffold-ls] " + text, "stderr")

    def ready(self, payload: dict[str, Any]) -> None:
        if self.json_mode:
            self._json({"event": "ready", **payload})
        else:
            m = payload.get("mapping") or ""
            self.human(
                f"[skaffold-ls] ready: \"{payload['name']}\" — {payload['runtime']} debugger of pod/{payload['pod']} "
                f"({payload['container']}) on 127.0.0.1:{payload['localPort']}; {m}; written to {payload['launchJson']}"
            )

    def terminated(self, name: str, pod: str, container: str, reason: str) -> None:
        if self.json_mode:
            self._json({"event": "terminated", "name": name, "pod": pod, "container": container, "reason": reason})
        else:
            self.human(f"[skaffold-ls] terminated: \"{name}\" (pod/{pod}, {container}): {reason}; "
                       "its launch.json entry is hidden until the container is back")

    def error(self, message: str, detail: str | None = None, name: str | None = None) -> None:
        if self.json_mode:
            self._json({"event": "error", "message": message, "detail": detail, "name": name})
        else:
            self.human("skaffold-ls: error: " + message + (f"\n{detail}" if detail else ""), "stderr")

    def exit(self, code: int) -> None:
        if self.json_mode:
            self._json({"event": "exit", "code": code})


class Bridge:
    def __init__(
        self,
        workspace: Path,
        skaffold_args: Sequence[str] = (),
        launch_json: Path | None = None,
        skaffold: str | None = None,
        json_mode: bool = False,
        out: TextIO | None = None,
        err: TextIO | None = None,
        forward_timeout: float = 10.0,
        env: dict[str, str] | None = None,
    ) -> None:
        self.workspace = workspace.resolve()
        self.launch_json = (launch_json or self.workspace / ".vscode" / "launch.json").absolute()
        self.skaffold_args = list(skaffold_args)
        self.skaffold = skaffold
        self.emit = Emitter(json_mode, out, err)
        self.forward_timeout = forward_timeout
        self.dlv_timeout = 5.0
        self.env = env
        self.q: queue.Queue[tuple[str, Any]] = queue.Queue()
        self.joiner: Joiner | None = None
        self.entries: dict[str, Entry] = {}
        self.names: dict[tuple[str, str, str], str] = {}
        self.pending: list[tuple[float, Ready]] = []
        self.phase = ""
        self.tail: list[str] = []
        self.runner: SkaffoldProcess | None = None
        self.events: EventStream | None = None
        self._project: Project | None = None
        self._project_error: str | None = None
        self._mappings: dict[tuple[str, str, str], SourceMapping] = {}
        self._overrides: dict[str, dict[str, Any]] = {}
        self._model: DebugModel | None = None  # the project's build, for `FROM ${ALIAS}` bases
        self.spawned_at: float | None = None

    # ------------------------------------------------------------------ setup

    def _fail(self, message: str, code: int, detail: str | None = None) -> int:
        self.emit.error(message, detail)
        self.emit.exit(code)
        return code

    def run(self) -> int:
        try:
            skaffold = find_skaffold(self.skaffold)
        except RunnerError as e:
            return self._fail(str(e), 127)
        try:
            read_launch_json(self.launch_json)
        except (LaunchJsonError, OSError, UnicodeDecodeError) as e:
            return self._fail(str(e), 2)
        try:
            port = user_rpc_port(self.skaffold_args)
        except ValueError:
            return self._fail("--rpc-http-port must be a number", 2)
        args = list(self.skaffold_args)
        if port is not None:
            if not port_is_free(port):
                return self._fail(f"port {port} (--rpc-http-port) is busy on 127.0.0.1; pick another or leave it out", 2)
            args = [a for i, a in enumerate(args) if not (a.startswith("--rpc-http-port") or
                                                          (i > 0 and args[i - 1] == "--rpc-http-port"))]
        else:
            port = free_port()
        self.runner = SkaffoldProcess(debug_argv(skaffold, port, args), self.workspace, self.env)
        try:
            proc = self.runner.start()
        except RunnerError as e:
            return self._fail(str(e), 127)
        self.spawned_at = time.monotonic()
        from skaffold_ls.debug.events import EventStream, Joiner  # after the spawn: start-up time (~90 ms)

        self.joiner = Joiner()
        self.emit.status("starting", "started " + " ".join(self.runner.argv[1:]),
                         pid=proc.pid, spawnedAt=round(time.time(), 6))
        for name, stream in (("stdout", proc.stdout), ("stderr", proc.stderr)):
            threading.Thread(target=self._pump, args=(name, stream), name=f"skaffold-{name}", daemon=True).start()
        self.events = EventStream(port, lambda ev: self.q.put(("event", ev)), self.runner.alive,
                                  on_error=lambda m: self.q.put(("events-error", m)))
        self.events.start()
        self._load_project()
        return self._loop()

    def _load_project(self) -> None:
        # imported while skaffold builds, not before it is spawned: start-up time (mapping ~160 ms)
        from skaffold_ls.config.debugging import DebugModel
        from skaffold_ls.config.project import describe_problem, load_project, parse_skaffold_args
        from skaffold_ls.debug.mapping import derive_mapping, load_overrides

        opts = parse_skaffold_args(self.skaffold_args)
        path = Path(opts.filename) if opts.filename else Path("skaffold.yaml")
        if not path.is_absolute():
            path = self.workspace / path
        self._overrides = load_overrides(self.workspace)
        project = load_project(path, opts.profiles, opts.modules, command="debug", kube_context=opts.kube_context)
        problems = [describe_problem(p, self.workspace) for p in project.errors()]
        problems += [f"{p}:{f.range.start.line + 1}: {f.message}" for p, f in project.syntax_findings()]
        if problems:
            self._project_error = problems[0]
            self.emit.note(f"warning: {problems[0]}; source mappings may fall back to the containers' workingDir")
        if not project.configs:
            return
        self._project = project
        self._model = DebugModel(project.artifacts)
        # warm caches and imports now, while skaffold builds, so a portEvent is answered fast
        for art in self._project.artifacts:
            derive_mapping(art, self.workspace, None, None, self._overrides, self._model)
        from json5.loader import ModelLoader  # noqa: F401
    def _pump(self, name: str, stream: Any) -> None:
        for raw in iter(stream.readline, b""):
            self.q.put((name, raw.decode("utf-8", "replace").rstrip("\r\n")))
        self.q.put(("eof", name))

    # ------------------------------------------------------------------ main loop

    def _loop(self) -> int:
        assert self.runner is not None
        old_handlers: dict[int, Any] = {}
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                old_handlers[sig] = signal.signal(sig, lambda s, _f: self.q.put(("signal", s)))
        open_streams = {"stdout", "stderr"}
        stopper: threading.Thread | None = None
        interrupts = 0
        try:
            while open_streams or self.runner.alive():
                try:
                    kind, item = self.q.get(timeout=0.05)
                except queue.Empty:
                    self._check_pending()
                    continue
                if kind in ("stdout", "stderr"):
                    self._skaffold_line(kind, item)
                elif kind == "eof":
                    open_streams.discard(item)
                elif kind == "event":
                    self._event(item)
                elif kind == "dlv-ready":
                    ready, t_event, verdict = item
                    if self.joiner is not None and ready.container.key in self.joiner.containers:
                        self._ready(ready, t_event, first=False, dlv_checked=verdict)
                elif kind == "events-error":
                    self.emit.note(f"event stream: {item}")
                elif kind == "signal":
                    interrupts += 1
                    if stopper is None:
                        self.emit.note("stopping skaffold (it cleans up its deployments and port-forwards)…")
                        stopper = threading.Thread(target=self.runner.stop, kwargs={"log": self.emit.note}, daemon=True)
                        stopper.start()
                    elif interrupts >= 2:
                        self.emit.note("second interrupt: terminating skaffold now")
                        threading.Thread(target=self.runner.stop, kwargs={"interrupt_grace": 0.0, "term_grace": 2.0},
                                         daemon=True).start()
                self._check_pending()
                if self.emit.broken and stopper is None:
                    stopper = threading.Thread(target=self.runner.stop, daemon=True)
                    stopper.start()
            self.runner.proc.wait() if self.runner.proc else None
            self.runner.reap_group()
            # drain events already received before skaffold exited
            while True:
                try:
                    kind, item = self.q.get_nowait()
                except queue.Empty:
                    break
                if kind == "event":
                    self._event(item)
        except BaseException:
            # never leave skaffold running behind a crashed bridge
            self.runner.stop(interrupt_grace=10.0, term_grace=3.0)
            raise
        finally:
            for signum, h in old_handlers.items():
                signal.signal(signum, h)
            if self.events:
                self.events.close()
        code = self.runner.exit_code()
        if code != 0 and not self.runner.stop_requested:
            self.emit.error(f"skaffold exited with status {code}", "\n".join(self.tail[-20:]) or None)
        self._deactivate_all()
        self.emit.exit(code)
        return code

    def _skaffold_line(self, stream: str, text: str) -> None:
        self.tail.append(text)
        del self.tail[:-50]
        self.emit.log(stream, text)
        plain = re.sub(r"\x1b\[[0-9;]*m", "", text).strip()
        for pat, phase in _PHASES:
            if pat.search(plain):
                self._set_phase(phase, plain)
                break

    def _set_phase(self, phase: str, message: str) -> None:
        if phase != self.phase:
            self.phase = phase
            self.emit.status(phase, message)

    def _event(self, ev: dict[str, Any]) -> None:
        from skaffold_ls.debug.events import Ready, Started, Terminated

        t0 = time.monotonic()
        assert self.joiner is not None
        for outcome in self.joiner.feed(ev):
            if isinstance(outcome, Ready):
                self._ready(outcome, t0, first=True)
            elif isinstance(outcome, Terminated):
                self._terminated(outcome)
            elif isinstance(outcome, Started):
                self._started_without_port(outcome)

    # ------------------------------------------------------------------ outcomes

    def _name_for(self, namespace: str, pod: str, container: str, artifact: str) -> str:
        from skaffold_ls.debug.mapping import NAME_PREFIX

        key = (namespace, pod_stem(pod), container)
        if key in self.names:
            return self.names[key]
        base = NAME_PREFIX + (artifact or container)
        taken = set(self.names.values())
        name = base if base not in taken else f"{base} ({key[1]}/{container})"
        self.names[key] = name
        return name

    def _mapping(self, artifact: str, runtime: str, working_dir: str) -> SourceMapping:
        from skaffold_ls.debug.mapping import derive_mapping

        key = (artifact, runtime, working_dir)
        if key not in self._mappings:
            art = self._project.artifact(artifact) if self._project is not None else None
            self._mappings[key] = derive_mapping(art, self.workspace, runtime or None, working_dir or None,
                                                 self._overrides, self._model)
            for w in self._mappings[key].warnings:
                self.emit.note("warning: " + w)
        return self._mappings[key]

    def _ready(self, r: Ready, t0: float, first: bool, dlv_checked: str | None = None) -> None:
        from skaffold_ls.debug.mapping import make_configuration, normalize_runtime, vscode_path
        from skaffold_ls.debug.netcheck import listening

        c, f = r.container, r.forward
        state = listening(f.local_port)
        if state is False:
            if first:
                self.pending.append((time.monotonic() + self.forward_timeout, r))
                return
            self._forward_failed(r)
            return
        runtime = normalize_runtime(c.runtime)
        if runtime == "go" and f.port_name == "dlv" and dlv_checked is None:
            threading.Thread(target=self._wait_dlv_running, args=(r, t0), daemon=True).start()
            return
        name = self._name_for(c.namespace, c.pod, c.container, c.artifact)
        mapping = self._mapping(c.artifact, runtime or "", c.working_dir)
        runtime = runtime or mapping.runtime
        if runtime is None or runtime == "netcore":
            self.emit.error(f"unsupported debug runtime {c.runtime!r} for pod/{c.pod} ({c.container})", None, name)
            return
        host = f.address if f.address and f.address not in ("0.0.0.0", "::") else "127.0.0.1"
        config = make_configuration(name, runtime, f.local_port, mapping, self.workspace, host=host)
        self.entries[name] = Entry(name, (c.namespace, pod_stem(c.pod), c.container), c.pod, c.container,
                                   c.namespace, runtime, config, True)
        if not self._write([config]):
            return
        maps = "; ".join(f"{vscode_path(m.local, self.workspace)} → {m.remote}" for m in mapping.maps) or "no mapping needed"
        self.emit.ready({
            "name": name,
            "configuration": config,
            "pod": c.pod,
            "container": c.container,
            "namespace": c.namespace,
            "runtime": runtime,
            "localPort": f.local_port,
            "launchJson": str(self.launch_json),
            "artifact": c.artifact,
            "portName": f.port_name,
            "mapping": f"source map {maps} ({mapping.how})",
            "confidence": mapping.confidence,
            "latencyMs": round((time.monotonic() - t0) * 1000, 2),
            **({"delve": dlv_checked} if dlv_checked else {}),
        })

    def _wait_dlv_running(self, r: Ready, t0: float) -> None:
        """Report a Delve container only once its target runs (see dlvcheck.py)."""
        from skaffold_ls.debug.dlvcheck import dlv_running

        host = r.forward.address if r.forward.address not in ("", "0.0.0.0", "::") else "127.0.0.1"
        deadline = time.monotonic() + self.dlv_timeout
        polls = 0
        while True:
            state = dlv_running(host, r.forward.local_port, timeout=0.5)
            polls += 1
            if state is not False or time.monotonic() >= deadline:
                break  # running, not Delve / no answer (proceed), or halted by someone else
            time.sleep(0.05)
        verdict = {True: "running", None: "unknown"}.get(state, "halted")
        self.q.put(("dlv-ready", (r, t0, f"{verdict} after {polls} poll(s)")))

    def _check_pending(self) -> None:
        if not self.pending:
            return
        from skaffold_ls.debug.netcheck import listening

        now = time.monotonic()
        still: list[tuple[float, Ready]] = []
        for deadline, r in self.pending:
            if listening(r.forward.local_port):
                self._ready(r, now, first=False)
            elif now >= deadline:
                self._forward_failed(r)
            else:
                still.append((deadline, r))
        self.pending = still

    def _forward_failed(self, r: Ready) -> None:
        c, f = r.container, r.forward
        name = self._name_for(c.namespace, c.pod, c.container, c.artifact)
        self.emit.error(
            f"port-forward of pod/{c.pod} ({c.container}) port {f.port_name} to {f.address}:{f.local_port} is not "
            "listening; the forward failed (see skaffold's output)", None, name)
        self._hide(name)

    def _hide(self, name: str) -> None:
        entry = self.entries.get(name)
        if entry is None or not entry.active:
            return
        entry.active = False
        self._write([{**entry.config, "presentation": {"hidden": True}}])

    def _terminated(self, t: Terminated) -> None:
        c = t.container
        self.pending = [(d, r) for d, r in self.pending if r.container.key != c.key]
        name = self._name_for(c.namespace, c.pod, c.container, c.artifact)
        entry = self.entries.get(name)
        if entry is not None and entry.pod == c.pod:
            self._hide(name)
        self.emit.terminated(name, c.pod, c.container, t.reason)

    def _started_without_port(self, s: Started) -> None:
        from skaffold_ls.debug.mapping import make_configuration, normalize_runtime

        c = s.container
        if normalize_runtime(c.runtime) != "netcore":
            return
        name = self._name_for(c.namespace, c.pod, c.container, c.artifact)
        mapping = self._mapping(c.artifact, "netcore", c.working_dir)
        config = make_configuration(name, "netcore", None, mapping, self.workspace, pod=c.pod,
                                    namespace=c.namespace, container=c.container)
        self.entries[name] = Entry(name, (c.namespace, pod_stem(c.pod), c.container), c.pod, c.container,
                                   c.namespace, "netcore", config, True)
        if self._write([config]):
            self.emit.note(f"wrote \"{name}\" (coreclr over kubectl exec, no port-forward) to {self.launch_json}")

    def _deactivate_all(self) -> None:
        active = [e for e in self.entries.values() if e.active]
        for e in active:
            e.active = False
        if active:
            self._write([{**e.config, "presentation": {"hidden": True}} for e in active])

    def _write(self, configs: list[dict[str, Any]]) -> bool:
        from skaffold_ls.debug.mapping import COMPOUND_NAME

        compound = {"name": COMPOUND_NAME, "configurations": [e.name for e in self.entries.values() if e.active],
                    "stopAll": True}
        try:
            upsert_launch_json(self.launch_json, configs, [compound], managed_keys=MANAGED_KEYS,
                               workspace=self.workspace)
        except (LaunchJsonError, OSError) as e:
            self.emit.error(str(e), None, configs[0].get("name") if configs else None)
            return False
        return True


def run_bridge(
    workspace: Path,
    skaffold_args: Sequence[str],
    launch_json: Path | None = None,
    skaffold: str | None = None,
    json_mode: bool = False,
    forward_timeout: float = 10.0,
) -> int:
    env = dict(os.environ)
    return Bridge(workspace, skaffold_args, launch_json, skaffold, json_mode, forward_timeout=forward_timeout, env=env).run()

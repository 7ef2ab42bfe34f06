"""`skaffold-ls attach`: port-forward the debug ports of pods already running under `skaffold debug`.

Pods are found with the `kubernetes` Python client by the `debug.cloud.google.com/config`
annotation that `skaffold debug` puts on every debuggable pod (container name →
`{artifact, runtime, workingDir, ports}`). Each debug port gets a local listener on
127.0.0.1 (unless the user asks for another address); every accepted connection opens its own
`kubernetes.stream.portforward` WebSocket to the pod and relays bytes both ways, as
`kubectl port-forward` does, so no kubectl is needed. Pods are re-listed periodically: when a
pod is replaced (same workload, new name) the listener keeps its local port and retargets the
new pod; launch.json and the event stream say so.
"""

from __future__ import annotations

import contextlib
import json
import queue
import signal
import socket
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from skaffold_ls.config.debugging import DebugModel
from skaffold_ls.debug.bridge import MANAGED_KEYS, Emitter, pod_stem
from skaffold_ls.debug.events import DEBUG_PORT_NAMES
from skaffold_ls.debug.launchjson import LaunchJsonError, read_launch_json, upsert_launch_json

if TYPE_CHECKING:
    from skaffold_ls.config.project import Project
from skaffold_ls.debug.mapping import (
    COMPOUND_NAME,
    NAME_PREFIX,
    SourceMapping,
    derive_mapping,
    load_overrides,
    make_configuration,
    normalize_runtime,
    vscode_path,
)

ANNOTATION = "debug.cloud.google.com/config"


class AttachError(Exception):
    pass


@dataclass
class Target:
    namespace: str
    pod: str
    container: str
    artifact: str
    runtime: str
    working_dir: str
    port_name: str
    remote_port: int

    @property
    def key(self) -> tuple[str, str, str, str]:
        return (self.namespace, pod_stem(self.pod), self.container, self.port_name)


def debug_targets(pods: Sequence[Any]) -> list[Target]:
    """Debug ports of running pods that carry skaffold's debug annotation."""
    out: list[Target] = []
    for pod in pods:
        meta = pod.metadata
        ann = (meta.annotations or {}).get(ANNOTATION) if meta else None
        if not ann or (pod.status and pod.status.phase != "Running") or (meta and meta.deletion_timestamp):
            continue
        try:
            cfg = json.loads(ann)
        except ValueError:
            continue
        if not isinstance(cfg, dict):
            continue
        for container, spec in sorted(cfg.items()):
            if not isinstance(spec, dict):
                continue
            ports = spec.get("ports") or {}
            for name, num in ports.items():
                if name not in DEBUG_PORT_NAMES:
                    continue
                out.append(Target(meta.namespace, meta.name, container, str(spec.get("artifact") or container),
                                  str(spec.get("runtime") or ""), str(spec.get("workingDir") or ""), name, int(num)))
    return out


class Forwarder:
    """A local listener relaying each connection through its own pod port-forward."""

    def __init__(self, api: Any, target: Target, address: str, local_port: int | None, log: Any) -> None:
        self.api = api
        self.target = target
        self.log = log
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        port = local_port if local_port is not None else target.remote_port
        try:
            self.sock.bind((address, port))
        except OSError:
            self.sock.bind((address, 0))
        self.sock.listen(8)
        self.address = address
        self.local_port = int(self.sock.getsockname()[1])
        self.closed = threading.Event()
        threading.Thread(target=self._accept, name=f"forward-{self.local_port}", daemon=True).start()

    def _accept(self) -> None:
        while not self.closed.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(conn, self.target), daemon=True).start()

    def _relay(self, conn: socket.socket, target: Target) -> None:
        from kubernetes.stream import portforward

        try:
            pf = portforward(self.api.connect_get_namespaced_pod_portforward, target.pod, target.namespace,
                             ports=str(target.remote_port))
            remote = pf.socket(target.remote_port)
            remote.setblocking(True)
        except Exception as e:
            self.log(f"port-forward to pod/{target.pod} port {target.remote_port} failed: {e}")
            conn.close()
            return

        def pipe(src: Any, dst: Any) -> None:
            try:
                while True:
                    data = src.recv(65536)
                    if not data:
                        break
                    dst.sendall(data)
            except OSError:
                pass
            finally:
                for s in (src, dst):
                    with contextlib.suppress(OSError):
                        s.shutdown(socket.SHUT_RDWR)

        t = threading.Thread(target=pipe, args=(conn, remote), daemon=True)
        t.start()
        pipe(remote, conn)
        t.join(5)
        conn.close()
        with contextlib.suppress(Exception):
            pf.close()

    def close(self) -> None:
        self.closed.set()
        with contextlib.suppress(OSError):
            self.sock.close()


class Attacher:
    def __init__(
        self,
        workspace: Path,
        launch_json: Path | None = None,
        context: str | None = None,
        namespace: str | None = None,
        kubeconfig: str | None = None,
        address: str = "127.0.0.1",
        json_mode: bool = False,
        poll_interval: float = 2.0,
        skaffold_file: Path | None = None,
        profiles: Sequence[str] = (),
        out: TextIO | None = None,
    ) -> None:
        self.workspace = workspace.resolve()
        self.launch_json = (launch_json or self.workspace / ".vscode" / "launch.json").absolute()
        self.context = context
        self.namespace = namespace
        self.kubeconfig = kubeconfig
        self.address = address
        self.emit = Emitter(json_mode, out)
        self.poll_interval = poll_interval
        self.skaffold_file = skaffold_file
        self.profiles = list(profiles)
        self.forwarders: dict[tuple[str, str, str, str], Forwarder] = {}
        self.names: dict[tuple[str, str, str], str] = {}
        self.configs: dict[str, dict[str, Any]] = {}
        self.active: set[str] = set()
        self.stop = threading.Event()
        self._project: Project | None = None
        self._model: DebugModel | None = None  # the project's build, for `FROM ${ALIAS}` bases
        self._api: Any = None
        self._mappings: dict[tuple[str, str, str], SourceMapping] = {}

    def _connect(self) -> tuple[Any, str]:
        from kubernetes import client, config

        try:
            config.load_kube_config(config_file=self.kubeconfig, context=self.context)
        except Exception as e:
            raise AttachError(f"cannot load the Kubernetes configuration: {e}") from e
        ns = self.namespace
        if ns is None:
            try:
                _, active = config.list_kube_config_contexts(config_file=self.kubeconfig)
                ctx = active
                if self.context:
                    contexts, _ = config.list_kube_config_contexts(config_file=self.kubeconfig)
                    ctx = next((c for c in contexts if c["name"] == self.context), active)
                ns = (ctx.get("context") or {}).get("namespace") or "default"
            except Exception:
                ns = "default"
        return client.CoreV1Api(), ns

    def _list(self, api: Any, ns: str) -> list[Any]:
        return list(api.list_namespaced_pod(ns, _request_timeout=10).items)

    def _name_for(self, t: Target) -> str:
        key = (t.namespace, pod_stem(t.pod), t.container)
        if key not in self.names:
            base = NAME_PREFIX + (t.artifact or t.container)
            self.names[key] = base if base not in self.names.values() else f"{base} ({key[1]}/{t.container})"
        return self.names[key]

    def _mapping(self, t: Target) -> SourceMapping:
        key = (t.artifact, t.runtime, t.working_dir)
        if key not in self._mappings:
            art = self._project.artifact(t.artifact) if self._project is not None else None
            self._mappings[key] = derive_mapping(art, self.workspace, t.runtime or None, t.working_dir or None,
                                                 load_overrides(self.workspace), self._model)
        return self._mappings[key]

    def _load_project(self) -> None:
        # once the cluster has answered: a dead cluster is reported without loading the config model
        from skaffold_ls.config.project import describe_problem, load_project

        path = self.skaffold_file or self.workspace / "skaffold.yaml"
        if not path.exists():
            return
        project = load_project(path, self.profiles, command="debug")
        for problem in project.errors()[:1]:
            self.emit.note(f"warning: {describe_problem(problem, self.workspace)}; "
                           "source mappings may fall back to the containers' workingDir")
        if project.configs:
            self._project = project
            self._model = DebugModel(project.artifacts)

    def _write(self, configs: list[dict[str, Any]]) -> bool:
        compound = {"name": COMPOUND_NAME, "configurations": sorted(self.active), "stopAll": True}
        try:
            upsert_launch_json(self.launch_json, configs, [compound], managed_keys=MANAGED_KEYS,
                               workspace=self.workspace)
        except (LaunchJsonError, OSError) as e:
            self.emit.error(str(e))
            return False
        return True

    def _ready(self, t: Target, fwd: Forwarder) -> None:
        name = self._name_for(t)
        mapping = self._mapping(t)
        runtime = normalize_runtime(t.runtime) or mapping.runtime
        if runtime is None or runtime == "netcore":
            self.emit.error(f"unsupported debug runtime {t.runtime!r} for pod/{t.pod} ({t.container})", None, name)
            return
        cfg = make_configuration(name, runtime, fwd.local_port, mapping, self.workspace, host=self.address)
        self.configs[name] = cfg
        self.active.add(name)
        if not self._write([cfg]):
            return
        maps = "; ".join(f"{vscode_path(m.local, self.workspace)} → {m.remote}" for m in mapping.maps) or "no mapping needed"
        self.emit.ready({
            "name": name, "configuration": cfg, "pod": t.pod, "container": t.container, "namespace": t.namespace,
            "runtime": runtime, "localPort": fwd.local_port, "launchJson": str(self.launch_json),
            "artifact": t.artifact, "portName": t.port_name,
            "mapping": f"source map {maps} ({mapping.how})", "confidence": mapping.confidence,
        })

    def _gone(self, key: tuple[str, str, str, str], reason: str) -> None:
        fwd = self.forwarders.pop(key)
        fwd.close()
        name = self._name_for(fwd.target)
        self.active.discard(name)
        if name in self.configs:
            self._write([{**self.configs[name], "presentation": {"hidden": True}}])
        self.emit.terminated(name, fwd.target.pod, fwd.target.container, reason)

    def sync(self, targets: list[Target]) -> None:
        by_key = {t.key: t for t in targets}
        for key in list(self.forwarders):
            if key not in by_key:
                self._gone(key, "pod deleted")
        for key, t in by_key.items():
            fwd = self.forwarders.get(key)
            if fwd is None:
                try:
                    fwd = Forwarder(self._api, t, self.address, None, self.emit.note)
                except OSError as e:
                    self.emit.error(f"cannot listen on {self.address} for pod/{t.pod} port {t.port_name}: {e}",
                                    None, self._name_for(t))
                    continue
                self.forwarders[key] = fwd
                self._ready(t, fwd)
            elif fwd.target.pod != t.pod:
                old = fwd.target
                fwd.target = t  # new connections go to the replacement pod; the local port stays
                self.emit.terminated(self._name_for(old), old.pod, old.container, f"pod replaced by {t.pod}")
                self._ready(t, fwd)

    def run(self) -> int:
        try:
            read_launch_json(self.launch_json)
        except (LaunchJsonError, OSError, UnicodeDecodeError) as e:
            self.emit.error(str(e))
            self.emit.exit(2)
            return 2
        try:
            self._api, ns = self._connect()
            pods = self._list(self._api, ns)
        except AttachError as e:
            return self._fatal(str(e))
        except Exception as e:
            return self._fatal(f"cannot reach the Kubernetes API server: {_short(e)}")
        self._load_project()
        targets = debug_targets(pods)
        if not targets:
            self.emit.note(f"no pods with the {ANNOTATION} annotation are running in namespace {ns}; "
                           "is `skaffold debug` running? (waiting for some; Ctrl+C to stop)")
        q: queue.Queue[int] = queue.Queue()
        old: dict[int, Any] = {}
        if threading.current_thread() is threading.main_thread():
            for sig in (signal.SIGINT, signal.SIGTERM):
                old[sig] = signal.signal(sig, lambda s, _f: q.put(s))
        try:
            self.sync(targets)
            while True:
                try:
                    q.get(timeout=self.poll_interval)
                    break
                except queue.Empty:
                    pass
                try:
                    self.sync(debug_targets(self._list(self._api, ns)))
                except Exception as e:
                    self.emit.note(f"listing pods failed ({_short(e)}); retrying")
        finally:
            for signum, h in old.items():
                signal.signal(signum, h)
            for key in list(self.forwarders):
                self.forwarders.pop(key).close()
            if self.active:
                self._write([{**self.configs[n], "presentation": {"hidden": True}} for n in sorted(self.active)])
                self.active.clear()
        self.emit.exit(0)
        return 0

    def _fatal(self, message: str) -> int:
        self.emit.error(message)
        self.emit.exit(1)
        return 1


def _short(e: Exception) -> str:
    text = str(e).strip().splitlines()
    reason = getattr(e, "reason", None)
    if reason is not None and not isinstance(reason, str):
        return str(reason).splitlines()[0]
    return text[0] if text else type(e).__name__


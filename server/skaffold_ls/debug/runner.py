"""Spawning and stopping `skaffold debug`.

skaffold runs in its own session (process group) so that a terminal's Ctrl+C reaches only
the bridge, which then stops skaffold in order: SIGINT (skaffold cleans up its deployments
and port-forwards), SIGTERM after a grace period, SIGKILL after another; finally anything
left in skaffold's process group (e.g. `kubectl port-forward` children) is killed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

NOT_FOUND = "skaffold not found on PATH; install it or pass --skaffold"


class RunnerError(Exception):
    pass


def find_skaffold(explicit: str | None) -> str:
    if explicit:
        p = Path(explicit)
        if p.is_file() and os.access(p, os.X_OK):
            return str(p.resolve())
        found = shutil.which(explicit)
        if found:
            return found
        raise RunnerError(f"--skaffold {explicit}: not an executable file")
    found = shutil.which("skaffold")
    if not found:
        raise RunnerError(NOT_FOUND)
    return found


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def port_is_free(port: int, host: str = "127.0.0.1") -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        try:
            s.bind((host, port))
        except OSError:
            return False
    return True


def debug_argv(skaffold: str, rpc_http_port: int, args: Sequence[str]) -> list[str]:
    return [skaffold, "debug", "--port-forward=user,debug", f"--rpc-http-port={rpc_http_port}", *args]


def user_rpc_port(args: Sequence[str]) -> int | None:
    for i, a in enumerate(args):
        if a.startswith("--rpc-http-port="):
            return int(a.split("=", 1)[1])
        if a == "--rpc-http-port" and i + 1 < len(args):
            return int(args[i + 1])
    return None


def _interrupt_when_parent_dies() -> None:
    """In the child: SIGINT (skaffold's clean shutdown) if the bridge dies without stopping it."""
    try:
        import ctypes  # in the forked child only, before exec: nothing else of ours runs there

        ctypes.CDLL(None).prctl(1, int(signal.SIGINT))  # PR_SET_PDEATHSIG
    except Exception:
        pass


class SkaffoldProcess:
    def __init__(self, argv: list[str], cwd: Path, env: dict[str, str] | None = None) -> None:
        self.argv = argv
        self.cwd = cwd
        self.env = env
        self.proc: subprocess.Popen[bytes] | None = None
        self._stopping = threading.Lock()
        self.stop_requested = False

    def start(self) -> subprocess.Popen[bytes]:
        try:
            self.proc = subprocess.Popen(
                self.argv,
                cwd=str(self.cwd),
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                start_new_session=True,
                preexec_fn=_interrupt_when_parent_dies if sys.platform.startswith("linux") else None,
            )
        except OSError as e:
            raise RunnerError(f"cannot start {self.argv[0]}: {e.strerror or e}") from e
        return self.proc

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc else None

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def _signal_group(self, sig: int) -> None:
        if self.proc is None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self.proc.pid, sig)

    def stop(self, interrupt_grace: float = 20.0, term_grace: float = 5.0,
             log: Callable[[str], None] | None = None) -> int | None:
        """Interrupt, then terminate, then kill; returns skaffold's exit status."""
        if self.proc is None:
            return None
        self.stop_requested = True
        with self._stopping:
            for sig, grace in ((signal.SIGINT, interrupt_grace), (signal.SIGTERM, term_grace), (signal.SIGKILL, 5.0)):
                if self.proc.poll() is not None:
                    break
                if log and sig != signal.SIGINT:
                    log(f"skaffold did not stop; sending {signal.Signals(sig).name}")
                # only the leader: skaffold stops its own children (kubectl) on SIGINT
                try:
                    self.proc.send_signal(sig) if sig == signal.SIGINT else self._signal_group(sig)
                except ProcessLookupError:
                    break
                try:
                    self.proc.wait(grace)
                except subprocess.TimeoutExpired:
                    continue
            self.reap_group()
        return self.proc.returncode

    def reap_group(self) -> None:
        """Kill whatever is left in skaffold's process group once skaffold itself is gone."""
        if self.proc is None or self.proc.poll() is None:
            return
        deadline = time.monotonic() + 2.0
        sent_term = False
        while time.monotonic() < deadline:
            try:
                os.killpg(self.proc.pid, 0)
            except (ProcessLookupError, PermissionError):
                return
            if not sent_term:
                self._signal_group(signal.SIGTERM)
                sent_term = True
            time.sleep(0.05)
        self._signal_group(signal.SIGKILL)

    def exit_code(self) -> int:
        if self.proc is None or self.proc.returncode is None:
            return 1
        rc = self.proc.returncode
        return 128 - rc if rc < 0 else rc

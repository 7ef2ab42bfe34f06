"""The join of debuggingContainerEvent with portEvent (real v2 JSON shapes, FACTS §b)."""

from __future__ import annotations

from typing import Any

from skaffold_ls.debug.bridge import pod_stem
from skaffold_ls.debug.events import Joiner, Ready, Started, Terminated


def dce(pod: str, container: str = "web", status: str = "Started", ports: dict[str, int] | None = None,
        runtime: str = "go") -> dict[str, Any]:
    return {"timestamp": "2026-01-01T00:00:00Z", "debuggingContainerEvent": {
        "id": "", "task_id": "", "status": status, "podName": pod, "containerName": container, "namespace": "default",
        "artifact": "img", "runtime": runtime, "workingDir": "/", "debugPorts": {"dlv": 56268} if ports is None else ports}}


def pe(pod: str, container: str = "web", port_name: str = "dlv", local: int = 56268, remote: int = 56268) -> dict[str, Any]:
    return {"timestamp": "2026-01-01T00:00:00Z", "portEvent": {
        "id": "", "task_id": "PortForward-1", "localPort": local, "podName": pod, "containerName": container,
        "namespace": "default", "portName": port_name, "resourceType": "pod", "resourceName": pod,
        "address": "127.0.0.1", "targetPort": {"type": 0, "intVal": remote, "strVal": ""}}}


def test_container_then_port_and_port_then_container() -> None:
    for events in ([dce("a-1"), pe("a-1")], [pe("a-1"), dce("a-1")]):
        j = Joiner()
        out = [o for e in events for o in j.feed(e)]
        assert len(out) == 1 and isinstance(out[0], Ready)
        assert out[0].forward.local_port == 56268 and out[0].container.runtime == "go"


def test_replayed_events_do_not_repeat_ready() -> None:
    j = Joiner()
    evs = [dce("a-1"), pe("a-1")]
    assert len([o for e in evs + evs for o in j.feed(e)]) == 1


def test_no_join_across_pods_containers_or_port_names() -> None:
    j = Joiner()
    assert j.feed(dce("a-1", "web")) == []
    assert j.feed(pe("b-1", "web")) == []  # another pod
    assert j.feed(pe("a-1", "sidecar")) == []  # another container
    assert j.feed(pe("a-1", "web", port_name="http", remote=8080)) == []  # a user port, not a debug port
    assert len(j.feed(pe("a-1", "web"))) == 1


def test_join_by_container_port_number_when_port_name_missing() -> None:
    j = Joiner()
    j.feed(dce("a-1", ports={"dap": 5678}, runtime="python"))
    out = j.feed(pe("a-1", port_name="", local=5679, remote=5678))
    assert len(out) == 1 and isinstance(out[0], Ready) and out[0].forward.port_name == "dap"


def test_terminated_and_restart_same_pod() -> None:
    j = Joiner()
    j.feed(dce("a-1"))
    j.feed(pe("a-1"))
    out = j.feed(dce("a-1", status="Terminated"))
    assert len(out) == 1 and isinstance(out[0], Terminated)
    assert j.feed(pe("a-1", local=56269)) == []  # forward for a container that is gone
    out = j.feed(dce("a-1"))
    assert len(out) == 1 and isinstance(out[0], Ready) and out[0].forward.local_port == 56269


def test_netcore_has_no_port() -> None:
    out = Joiner().feed(dce("a-1", ports={}, runtime="netcore"))
    assert len(out) == 1 and isinstance(out[0], Started)


def test_pod_stem() -> None:
    assert pod_stem("web-6d4b7c9f8d-x2x9q") == "web"
    assert pod_stem("my-app-7f9c6d8b5-aaaaa") == "my-app"
    assert pod_stem("job-abcde") == "job"
    assert pod_stem("db-0") == "db"
    assert pod_stem("plain") == "plain"

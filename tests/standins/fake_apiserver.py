"""Stand-in Kubernetes API server (aiohttp) for the `attach` tests: no cluster exists here.

Serves what the `kubernetes` Python client needs: discovery, `GET .../pods` (label
selectors), `GET .../pods/{name}` (404 as a real `Status`), and pod port-forward as a
WebSocket speaking `v4.channel.k8s.io` (per port: data channel 2i and error channel 2i+1;
the server first sends `[channel, port_lo, port_hi]` on both, then `[channel] + bytes`),
relayed to local TCP ports standing in for the pods' container ports.

Fixture JSON: {"pods": [<Pod objects>], "portmap": {"<ns>/<pod>/<containerPort>": <local tcp port>}}
`PUT /_standin/fixture` with a new fixture replaces it (a pod replaced by its controller).

usage: python fake_apiserver.py PORT FIXTURE.json   (prints "listening" when ready)
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sys
from typing import Any

from aiohttp import WSMsgType, web


def selector_matches(selector: str, labels: dict[str, str]) -> bool:
    if not selector:
        return True
    for term in selector.split(","):
        if "!=" in term:
            k, v = term.split("!=", 1)
            if labels.get(k.strip()) == v.strip():
                return False
        elif "=" in term:
            k, v = term.replace("==", "=").split("=", 1)
            if labels.get(k.strip()) != v.strip():
                return False
        elif term.strip() not in labels:
            return False
    return True


def status(code: int, reason: str, message: str) -> web.Response:
    return web.json_response({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Failure",
                              "message": message, "reason": reason, "code": code}, status=code)


def make_app(fixture: dict[str, Any]) -> web.Application:
    app = web.Application()
    state = {"fixture": fixture}

    def pods() -> list[dict[str, Any]]:
        return state["fixture"]["pods"]

    async def api_versions(request: web.Request) -> web.Response:
        return web.json_response({"kind": "APIVersions", "versions": ["v1"],
                                  "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": request.host}]})

    async def api_groups(request: web.Request) -> web.Response:
        return web.json_response({"kind": "APIGroupList", "apiVersion": "v1", "groups": []})

    async def api_v1(request: web.Request) -> web.Response:
        return web.json_response({"kind": "APIResourceList", "groupVersion": "v1", "resources": [
            {"name": "pods", "singularName": "pod", "namespaced": True, "kind": "Pod", "verbs": ["get", "list"]},
            {"name": "pods/portforward", "singularName": "", "namespaced": True, "kind": "PodPortForwardOptions",
             "verbs": ["create", "get"]}]})

    async def version(request: web.Request) -> web.Response:
        return web.json_response({"major": "1", "minor": "30", "gitVersion": "v1.30.0-standin", "platform": "linux/amd64"})

    async def list_pods(request: web.Request) -> web.Response:
        ns = request.match_info.get("ns")
        sel = request.query.get("labelSelector", "")
        items = [p for p in pods() if (ns is None or p["metadata"].get("namespace") == ns)
                 and selector_matches(sel, p["metadata"].get("labels", {}))]
        return web.json_response({"kind": "PodList", "apiVersion": "v1", "metadata": {"resourceVersion": "1"},
                                  "items": items})

    def find(ns: str, name: str) -> dict[str, Any] | None:
        for p in pods():
            if p["metadata"]["name"] == name and p["metadata"].get("namespace") == ns:
                return p
        return None

    async def get_pod(request: web.Request) -> web.Response:
        p = find(request.match_info["ns"], request.match_info["name"])
        if p is None:
            return status(404, "NotFound", f'pods "{request.match_info["name"]}" not found')
        return web.json_response(p)

    async def put_fixture(request: web.Request) -> web.Response:
        state["fixture"] = await request.json()
        return web.json_response({"ok": True})

    async def portforward(request: web.Request) -> web.StreamResponse:
        ns, name = request.match_info["ns"], request.match_info["name"]
        if find(ns, name) is None:
            return status(404, "NotFound", f'pods "{name}" not found')
        ports = [int(p) for v in request.query.getall("ports", []) for p in v.split(",") if p]
        if not ports:
            return status(400, "BadRequest", "at least one port must be specified")
        ws = web.WebSocketResponse(protocols=("v4.channel.k8s.io",))
        await ws.prepare(request)
        writers: dict[int, asyncio.StreamWriter] = {}
        tasks: list[asyncio.Task[None]] = []

        async def pump(channel: int, reader: asyncio.StreamReader) -> None:
            try:
                while True:
                    data = await reader.read(65536)
                    if not data:
                        break
                    await ws.send_bytes(bytes([channel]) + data)
            finally:
                await ws.close()

        for ix, port in enumerate(ports):
            data_ch, err_ch = ix * 2, ix * 2 + 1
            prefix = port.to_bytes(2, "little")
            await ws.send_bytes(bytes([data_ch]) + prefix)
            await ws.send_bytes(bytes([err_ch]) + prefix)
            target = state["fixture"].get("portmap", {}).get(f"{ns}/{name}/{port}")
            try:
                if target is None:
                    raise OSError("no such port")
                reader, writer = await asyncio.open_connection("127.0.0.1", int(target))
            except OSError:
                await ws.send_bytes(bytes([err_ch]) + (
                    f"error forwarding port {port} to pod {name}: dial tcp4 127.0.0.1:{port}: connect: "
                    "connection refused").encode())
                continue
            writers[data_ch] = writer
            tasks.append(asyncio.create_task(pump(data_ch, reader)))
        async for msg in ws:
            if msg.type == WSMsgType.BINARY and msg.data:
                w = writers.get(msg.data[0])
                if w is not None and len(msg.data) > 1:
                    w.write(msg.data[1:])
                    await w.drain()
            elif msg.type in (WSMsgType.CLOSE, WSMsgType.ERROR):
                break
        for w in writers.values():
            w.close()
        for t in tasks:
            t.cancel()
        return ws

    app.router.add_get("/api", api_versions)
    app.router.add_get("/apis", api_groups)
    app.router.add_get("/api/v1", api_v1)
    app.router.add_get("/version", version)
    app.router.add_get("/api/v1/pods", list_pods)
    app.router.add_get("/api/v1/namespaces/{ns}/pods", list_pods)
    app.router.add_get("/api/v1/namespaces/{ns}/pods/{name}", get_pod)
    app.router.add_get("/api/v1/namespaces/{ns}/pods/{name}/portforward", portforward)
    app.router.add_put("/_standin/fixture", put_fixture)
    return app


async def _main(port: int, fixture_path: str) -> None:
    with open(fixture_path) as f:
        fixture = json.load(f)
    runner = web.AppRunner(make_app(fixture))
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    print("listening", flush=True)
    await asyncio.Event().wait()


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(_main(int(sys.argv[1]), sys.argv[2]))

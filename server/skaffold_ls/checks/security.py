"""A debugger port forwarded on a non-loopback address is remote code execution for
anyone on the network. Code: debug-port-exposed (warning; fix: loopback-address)."""

from __future__ import annotations

import ipaddress

from skaffold_ls.checks.context import CheckContext
from skaffold_ls.config.activation import profiles_of
from skaffold_ls.core.findings import Finding, Severity

DEBUG_PORTS = {56268: "dlv (Go)", 5678: "debugpy (Python)", 9229: "node --inspect", 5005: "JDWP (Java)"}


def is_loopback(address: str) -> bool:
    a = address.strip().strip("[]")
    if a.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(a).is_loopback
    except ValueError:
        return False


def _port(value: str | None) -> int | None:
    return int(value) if value is not None and value.isdigit() else None


def check_debug_ports(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for doc in ctx.configs():
        assert doc.value is not None
        sections = [doc.value] + [p for _n, p in profiles_of(doc.value)]
        for cfg in sections:
            forwards = cfg.get("portForward")
            for item in forwards.items if forwards else []:
                addr = item.get("address")
                if addr is None or addr.text is None or is_loopback(addr.text):
                    continue
                ports = {p for p in (_port(item.text_at("port")), _port(item.text_at("localPort"))) if p}
                hit = sorted(p for p in ports if p in DEBUG_PORTS)
                if not hit:
                    continue
                port = hit[0]
                out.append(Finding(
                    "debug-port-exposed", Severity.WARNING,
                    f"port {port} is the {DEBUG_PORTS[port]} debugger port, forwarded on `{addr.text}`: anyone who "
                    "reaches this machine can attach and run code in the container. Use 127.0.0.1",
                    addr.range, {"port": port, "address": addr.text}))
    return out

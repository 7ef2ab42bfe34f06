"""A debugger port forwarded on a non-loopback address is remote code execution for
anyone on the network. Code: debug-port-exposed (warning; fix: loopback-address)."""

from __future__ import annotations

import ipaddress

from skaffold_ls.checks.common import skaffold_docs
from skaffold_ls.core.analysis import CHECKS, CheckContext
from skaffold_ls.core.findings import Finding, Severity
from skaffold_ls.core.textedit import mapping_of, sequence_of
from skaffold_ls.core.yamldoc import Scalar, deref
from skaffold_ls.model_helpers import config_sections, scalar

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
    for doc in skaffold_docs(ctx):
        root = doc.root_mapping()
        if root is None:
            continue
        for _section, cfg in config_sections(root):
            pf = sequence_of(cfg.get("portForward"))
            for item in pf.items if pf else []:
                m = mapping_of(item)
                if m is None:
                    continue
                addr = deref(m.get("address"))
                if not isinstance(addr, Scalar) or addr.is_null or is_loopback(addr.value):
                    continue
                ports = {p for p in (_port(scalar(m.get("port"))), _port(scalar(m.get("localPort")))) if p}
                hit = sorted(p for p in ports if p in DEBUG_PORTS)
                if not hit:
                    continue
                port = hit[0]
                out.append(Finding(
                    "debug-port-exposed", Severity.WARNING,
                    f"port {port} is the {DEBUG_PORTS[port]} debugger port, forwarded on `{addr.value}`: anyone who "
                    "reaches this machine can attach and run code in the container. Use 127.0.0.1",
                    addr.range, {"port": port, "address": addr.value}))
    return out


CHECKS.append(check_debug_ports)

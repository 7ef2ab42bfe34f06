"""Port numbers skaffold accepts in the config but cannot use. Code: invalid-port (warning).

skaffold loads `portForward[].port` and `localPort` of any size its decoder can hold
(`localPort` is a Go `int`; `port` an `IntOrString`, which keeps a number it cannot
parse as a port *name*), so these are not load errors; a number that overflows a Go
int is, and the schema phase reports it (`number-out-of-range`). What happens at run time:
- `localPort` outside 1-65535: skaffold cannot listen there, takes the port as
  unavailable and forwards to a random free port instead (its documented fallback);
  0 is the unset value (skaffold picks the port) and is fine;
- `port` outside 1-65535, or too long to be a number: no container port has it, so the
  forward fails when skaffold starts it.
"""

from __future__ import annotations

import re

from skaffold_ls.checks.context import CheckContext
from skaffold_ls.config.activation import profiles_of
from skaffold_ls.core.findings import Finding, Severity
from skaffold_ls.core.validate import fits_go_int, go_int

MAX_PORT = 65535
_NUMERIC = re.compile(r"^[-+]?[0-9][0-9_]*$")


def check_port_ranges(ctx: CheckContext) -> list[Finding]:
    out: list[Finding] = []
    for doc in ctx.configs():
        assert doc.value is not None
        int_keys = _plain_int_keys(ctx, doc.index)
        for cfg in [doc.value] + [p for _n, p in profiles_of(doc.value)]:
            forwards = cfg.get("portForward")
            for item in forwards.items if forwards else []:
                for key in ("port", "localPort"):
                    value = item.get(key)
                    text = value.text if value is not None else None
                    if value is None or text is None or not _NUMERIC.match(text.strip()):
                        continue  # a port name (`http`), a template, or not a number at all (the schema says)
                    message = _problem(key, text.strip(), key in int_keys)
                    if message is not None:
                        out.append(Finding("invalid-port", Severity.WARNING, message, value.range,
                                           {"key": key, "value": text.strip()}))
    return out


def _plain_int_keys(ctx: CheckContext, index: int) -> set[str]:
    """The PortForwardResource keys that are a Go `int` in this document's version (`port`
    was one until skaffold/v2beta9, an IntOrString from v2beta10; `localPort` always)."""
    info = next((i for i in ctx.documents if i.document.index == index), None)
    schema = info.schema.schema if info is not None else None
    definition = schema.definitions.get("PortForwardResource") if schema is not None else None
    if definition is None:
        return {"localPort"}
    return {k for k, spec in definition.properties.items() if spec.kind == "integer"}


def _problem(key: str, text: str, plain_int: bool) -> str | None:
    if not fits_go_int(text):
        if plain_int:
            return None  # skaffold cannot load the config at all: number-out-of-range says so
        return (f"`port: {text}` is too long to be a number, so skaffold takes it as a port name, which no "
                f"container has: the forward fails (ports are 1-{MAX_PORT})")
    n = go_int(text)
    if n is None or 1 <= n <= MAX_PORT or (key == "localPort" and n == 0):
        return None
    if key == "localPort":
        return (f"`localPort: {text}` is not a port (1-{MAX_PORT}): skaffold cannot listen on it and forwards "
                "to a random free port instead")
    return f"`port: {text}` is not a port (1-{MAX_PORT}): the forward fails when skaffold starts it"

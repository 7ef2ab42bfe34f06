#!/usr/bin/env python3
"""skaffold-ls vs yaml-language-server, as an editor sees them.

Measures, as medians of repeated runs, for both servers:
- cold start → first diagnostics: spawn the server, initialize, open the ~60-line config
  (with one mistake) and wait for the diagnostics that report it;
- edit → diagnostics: toggle `push:` ↔ `pussh:` with an incremental didChange and wait
  for the publishDiagnostics that shows (or no longer shows) the error, on the ~60-line
  and on a generated ~5,000-line config;
- completion and hover latency on both files (skipped for a server that does not offer them);
- peak RSS (VmHWM) of the server process after the 5,000-line edits.

yaml-language-server is associated with skaffold's v4beta14 JSON schema through
`workspace/configuration` (`yaml.schemas`), as VS Code's YAML extension would do it.
Install it once: `npm ci --prefix benchmarks/node`.

    python3 benchmarks/lsp_bench.py [--runs 7] [--edits 21] [--server skaffold-ls|yaml-ls|both|all] [--cold-only]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from configs import BAD_KEY, EDIT_LINE, GOOD_KEY, large, small  # noqa: E402
from lspclient import LspClient, Published  # noqa: E402

SCHEMA = ROOT.parent / "shared" / "skaffold" / "schemas" / "v4beta14.json"
NICE = 0  # --nice: priority change for this process and both servers (same for both)
YAML_LS = HERE / "node" / "node_modules" / "yaml-language-server" / "bin" / "yaml-language-server"


def servers(schema: Path) -> dict[str, tuple[list[str], dict[str, Any]]]:
    node = shutil.which("node") or "node"
    return {
        "skaffold-ls": ([sys.executable, "-m", "skaffold_ls", "serve"], {"skaffold": {}}),
        # The same server with lsp/fast_start.py turned off: what the fast start is worth.
        "skaffold-ls, no fast start": (["env", "SKAFFOLD_LS_NO_FAST_START=1", sys.executable, "-m", "skaffold_ls",
                                        "serve"], {"skaffold": {}}),
        "yaml-language-server": ([node, str(YAML_LS), "--stdio"], {
            "yaml": {"schemas": {schema.as_uri(): ["skaffold*.yaml", "*.skaffold.yaml"]},
                     "validate": True, "hover": True, "completion": True,
                     "schemaStore": {"enable": False}},
            "http": {}, "editor": {"tabSize": 2},
        }),
    }


def make_project(root: Path, text: str, name: str = "skaffold.yaml") -> str:
    """A workspace where every path and image in the config exists, so checks do their real work."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "k8s").mkdir(exist_ok=True)
    images = []
    for line in text.splitlines():
        s = line.strip()
        if s.startswith("- image: "):
            images.append(s[len("- image: "):])
        elif s.startswith("context: "):
            d = root / s[len("context: "):]
            d.mkdir(parents=True, exist_ok=True)
            (d / "Dockerfile").write_text("FROM scratch\nCOPY . /app\n")
            (d / "go.mod").write_text("module example.com/app\n\ngo 1.19\n")
    docs = [f"apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d{i}\nspec:\n  template:\n    spec:\n"
            f"      containers:\n      - name: c\n        image: {img}\n" for i, img in enumerate(images)]
    (root / "k8s" / "deploy.yaml").write_text("---\n".join(docs))
    f = root / name
    f.write_text(text)
    return f.as_uri()


def with_error(text: str) -> str:
    lines = text.split("\n")
    lines[EDIT_LINE] = lines[EDIT_LINE].replace(GOOD_KEY + ":", BAD_KEY + ":", 1)
    return "\n".join(lines)


def on_edit_line(p: Published) -> bool:
    return any(d["range"]["start"]["line"] == EDIT_LINE and d.get("severity", 1) == 1 for d in p.diagnostics)


async def start_session(argv: list[str], settings: dict[str, Any], root: Path) -> LspClient:
    c = LspClient(argv, settings, cwd=str(root), nice=NICE)
    await c.start()
    await c.initialize(root.as_uri(), init_options=settings.get("skaffold"))
    return c


async def cold_start(argv: list[str], settings: dict[str, Any], root: Path, uri: str,
                     text: str) -> tuple[float, float]:
    """(wall seconds from spawn to the first diagnostics, server CPU seconds used by then)."""
    c = LspClient(argv, settings, cwd=str(root), nice=NICE)
    await c.start()
    try:
        await c.initialize(root.as_uri(), init_options=settings.get("skaffold"))
        c.open(uri, with_error(text))
        p = await c.wait_published(uri, 0, on_edit_line, timeout=60)
        return p.at - c.spawned_at, c.cpu_seconds()
    finally:
        await c.stop()


async def settle(c: LspClient, quiet_cpu: float = 0.005, window: float = 0.25, limit: float = 8.0) -> None:
    """Wait until the server is idle (under 5 ms of CPU in 250 ms): start-up work such as
    importing pygls after a fast first answer, schema loading or configuration pulls must
    not be billed to the first edits."""
    deadline = time.perf_counter() + limit
    before = c.cpu_seconds()
    while time.perf_counter() < deadline:
        await asyncio.sleep(window)
        now = c.cpu_seconds()
        if now - before < quiet_cpu:
            return
        before = now


async def edit_latencies(c: LspClient, uri: str, text: str, edits: int) -> list[float]:
    c.open(uri, text)
    await c.wait_published(uri, 0, lambda p: not on_edit_line(p), timeout=120)
    await settle(c)
    line = text.split("\n")[EDIT_LINE]
    col = line.index(GOOD_KEY)
    out = []
    version = 1
    broken = False
    for _ in range(edits):
        version += 1
        mark = len(c.published)
        old, new = (BAD_KEY, GOOD_KEY) if broken else (GOOD_KEY, BAD_KEY)
        t0 = time.perf_counter()
        c.change(uri, version, EDIT_LINE, col, col + len(old), new)
        broken = not broken
        want: Callable[[Published], bool] = on_edit_line if broken else (lambda p: not on_edit_line(p))
        p = await c.wait_published(uri, mark, want, timeout=120)
        out.append(p.at - t0)
        await asyncio.sleep(0.05)
    if broken:  # leave the file clean for the feature requests
        version += 1
        mark = len(c.published)
        c.change(uri, version, EDIT_LINE, col, col + len(BAD_KEY), GOOD_KEY)
        await c.wait_published(uri, mark, lambda p: not on_edit_line(p), timeout=120)
    return out


async def request_latencies(c: LspClient, method: str, params: dict[str, Any], n: int) -> list[float] | None:
    out = []
    for _ in range(n):
        t0 = time.perf_counter()
        try:
            result = await c.request(method, params, timeout=30)
        except Exception:
            return None
        out.append(time.perf_counter() - t0)
        if method == "textDocument/completion" and not result:
            return None
    return out


def supports(init_result: Any, capability: str) -> bool:
    return bool((init_result or {}).get("capabilities", {}).get(capability))


async def bench_server(name: str, argv: list[str], settings: dict[str, Any], args: argparse.Namespace,
                       tmp: Path) -> dict[str, Any]:
    res: dict[str, Any] = {}
    text60, text5k = small(), large()
    root = tmp / name.replace(" ", "_")
    uri60 = make_project(root / "p60", text60)
    uri5k = make_project(root / "p5k", text5k)
    print(f"[{name}] cold start x{args.runs}", file=sys.stderr)
    starts = [await cold_start(argv, settings, root / "p60", uri60, text60) for _ in range(args.runs)]
    res["cold_start"] = [wall for wall, _ in starts]
    res["cold_start_cpu"] = [cpu for _, cpu in starts]
    if args.cold_only:
        return res
    for label, proot, uri, text in (("60", root / "p60", uri60, text60), ("5000", root / "p5k", uri5k, text5k)):
        print(f"[{name}] edit→diagnostics on {label} lines x{args.edits}", file=sys.stderr)
        c = LspClient(argv, settings, cwd=str(proot), nice=NICE)
        await c.start()
        try:
            init = await c.initialize(proot.as_uri(), init_options=settings.get("skaffold"))
            cpu0 = c.cpu_seconds()
            res[f"edit_{label}"] = await edit_latencies(c, uri, text, args.edits)
            res[f"edit_cpu_{label}"] = (c.cpu_seconds() - cpu0) / args.edits
            # completion: keys of an artifact at the start of `context:` (line 10); hover on that key
            pos = {"line": 10, "character": 4}
            doc = {"textDocument": {"uri": uri}, "position": pos}
            if supports(init, "completionProvider"):
                res[f"completion_{label}"] = await request_latencies(c, "textDocument/completion", doc, args.edits)
            if supports(init, "hoverProvider"):
                res[f"hover_{label}"] = await request_latencies(
                    c, "textDocument/hover", {**doc, "position": {"line": 10, "character": 6}}, args.edits)
            res[f"rss_{label}_kb"] = c.peak_rss_kb()
        finally:
            await c.stop()
    return res


def node_version() -> str:
    import subprocess

    try:
        return subprocess.run(["node", "--version"], capture_output=True, text=True, timeout=10).stdout.strip()
    except OSError:
        return "?"


def med_ms(xs: list[float] | None) -> str:
    return "n/a" if not xs else f"{statistics.median(xs) * 1000:.0f} ms"


def table(results: dict[str, dict[str, Any]]) -> str:
    names = list(results)
    rows = [("cold start → first diagnostics", "cold_start"),
            ("edit → diagnostics, 60 lines", "edit_60"), ("edit → diagnostics, 5,000 lines", "edit_5000"),
            ("completion, 60 lines", "completion_60"), ("completion, 5,000 lines", "completion_5000"),
            ("hover, 60 lines", "hover_60"), ("hover, 5,000 lines", "hover_5000")]
    out = ["| measure (median) | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for label, key in rows:
        out.append(f"| {label} | " + " | ".join(med_ms(results[n].get(key)) for n in names) + " |")
    out.append("| server CPU until first diagnostics | " + " | ".join(
        med_ms(results[n].get("cold_start_cpu")) for n in names) + " |")
    for label, key in (("server CPU per edit, 60 lines", "edit_cpu_60"),
                       ("server CPU per edit, 5,000 lines", "edit_cpu_5000")):
        out.append(f"| {label} | " + " | ".join(
            f"{results[n][key] * 1000:.0f} ms" if key in results[n] else "n/a" for n in names) + " |")
    out.append("| peak RSS, 5,000-line session | " + " | ".join(
        f"{results[n].get('rss_5000_kb', 0) / 1024:.0f} MB" for n in names) + " |")
    return "\n".join(out)


async def main_async(args: argparse.Namespace) -> int:
    schema = Path(args.schema)
    all_servers = servers(schema)
    chosen = {"all": list(all_servers), "both": ["skaffold-ls", "yaml-language-server"],
              "skaffold-ls": ["skaffold-ls"], "yaml-ls": ["yaml-language-server"]}[args.server]
    if "yaml-language-server" in chosen:
        if not YAML_LS.exists():
            print(f"yaml-language-server not installed at {YAML_LS}: run `npm ci --prefix benchmarks/node`; "
                  "benchmarking skaffold-ls only", file=sys.stderr)
            chosen.remove("yaml-language-server")
        elif not schema.exists():
            print(f"schema {schema} not found (../shared absent?): benchmarking skaffold-ls only", file=sys.stderr)
            chosen.remove("yaml-language-server")
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory(prefix="lsp-bench-") as d:
        for name in chosen:
            argv, settings = all_servers[name]
            results[name] = await bench_server(name, argv, settings, args, Path(d))
    print(table(results))
    load = os.getloadavg()
    print(f"\n{os.cpu_count()} CPUs, load average {load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f} during the run"
          f"{f' (benchmark at niceness {os.nice(0)})' if os.nice(0) else ''}; "
          f"python {sys.version.split()[0]}, node {node_version()}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=7, help="cold starts per server (default 7)")
    p.add_argument("--edits", type=int, default=21, help="edits and requests per file (default 21)")
    p.add_argument("--server", choices=("both", "skaffold-ls", "yaml-ls", "all"), default="both",
                   help="both: skaffold-ls and yaml-language-server; all: also skaffold-ls without its fast start")
    p.add_argument("--cold-only", action="store_true", help="only the cold starts (no edits, completion, hover)")
    p.add_argument("--schema", default=str(SCHEMA), help="JSON schema for yaml-language-server")
    p.add_argument("--json", metavar="FILE", help="also write the raw timings as JSON")
    p.add_argument("--nice", type=int, default=0, metavar="N",
                   help="run the client and both servers at this niceness (e.g. -10 as root on a machine "
                        "busy with other work, so the numbers approach an idle machine's)")
    args = p.parse_args()
    if args.nice:
        global NICE
        os.nice(args.nice)
        NICE = 0  # children inherit the client's niceness
    return asyncio.run(main_async(args))


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""The VS Code extension's bundled server on a bare Python: what each bundle variant costs.

The VSIX runs `python -m skaffold_ls serve` from `bundled/` with the user's own interpreter
(Debian's /usr/bin/python3 here: no pygls, no PyYAML installed). This compares bundle
directories built by `vscode-extension/scripts/bundle_python.py` (e.g. the pure-Python
universal bundle against one with libyaml and regex compiled for this interpreter):

- cold start → first diagnostics (the ~60-line config with one mistake, as in lsp_bench.py),
  wall time and the server's CPU time;
- edit → diagnostics on the generated ~5,000-line config (where a YAML parser's speed shows);
- the first hover (loads the field descriptions, a 70 KB YAML file) and the first completion;
- what the server does with YAML that is not skaffold's (the extension sends it every YAML
  document): a 1,000-line Kubernetes manifest and a GitHub workflow opened and edited 20 times;
  the server's CPU for all of it, and every publishDiagnostics / log message it sent for them
  (expected: none).

    python3 benchmarks/vscode_bundle.py --python /usr/bin/python3 \\
        --bundle pure=/tmp/b/pure/bundled --bundle native=/tmp/b/native/bundled [--runs 7]

Each --bundle is NAME=DIR (the `bundled/` folder); PYTHONPATH is built from it exactly as the
extension builds it (src, native/<tag> when present, libs). Prints a Markdown table; --json
writes the raw numbers.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from configs import large, small  # noqa: E402
from lsp_bench import cold_start, edit_latencies, make_project, request_latencies, settle  # noqa: E402
from lspclient import LspClient  # noqa: E402


class RecordingClient(LspClient):
    """LspClient that also keeps window/logMessage and window/showMessage notifications."""

    def __init__(self, *a: Any, **kw: Any):
        super().__init__(*a, **kw)
        self.messages: list[dict[str, Any]] = []

    def received(self, msg: dict[str, Any]) -> None:
        if msg.get("method") in ("window/showMessageRequest", "window/logMessage", "window/showMessage"):
            self.messages.append(msg)


def python_path(bundle: Path, python: str) -> str:
    """The extension's PYTHONPATH (src/python.ts pythonPathFor): src, native/<tag> if present, libs."""
    tag = subprocess.run([python, "-c", "import sys; print('cp%d%d' % sys.version_info[:2])"],
                         capture_output=True, text=True, check=True).stdout.strip()
    parts = [bundle / "src"]
    if (bundle / "native" / tag).is_dir():
        parts.append(bundle / "native" / tag)
    parts.append(bundle / "libs")
    return os.pathsep.join(map(str, parts))


def probe_script() -> str | None:
    """The extension's interpreter probe (src/python.ts PROBE_SCRIPT), from its compiled output
    (`npm test` or `npm run compile` in vscode-extension/ writes out/)."""
    js = HERE.parent / "vscode-extension" / "out" / "src" / "python.js"
    if not js.is_file():
        return None
    r = subprocess.run(["node", "-e", f"process.stdout.write(require({json.dumps(str(js))}).PROBE_SCRIPT)"],
                       capture_output=True, text=True, check=False)
    return r.stdout if r.returncode == 0 else None


def probe_times(python: str, bundle: Path, runs: int) -> list[float]:
    """Wall time of the probe the extension runs before the first start (none once cached)."""
    script = probe_script()
    if script is None:
        return []
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        subprocess.run([python, "-c", script, str(bundle)], capture_output=True, check=True,
                       env={**os.environ, "PYTHONPATH": "", "PYTHONNOUSERSITE": "1"})
        out.append(time.perf_counter() - t0)
    return out


def zipped_size(bundle: Path) -> int:
    """Bytes of the bundle deflated, as it would sit in a VSIX (a zip)."""
    with tempfile.TemporaryFile() as f:
        with zipfile.ZipFile(f, "w", zipfile.ZIP_DEFLATED) as z:
            for p in sorted(bundle.rglob("*")):
                if p.is_file():
                    z.write(p, p.relative_to(bundle))
        return f.tell()


def k8s_manifest(lines: int = 1000) -> str:
    doc = ("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-{i}\n  labels:\n    app: web-{i}\n"
           "spec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web-{i}\n  template:\n"
           "    metadata:\n      labels:\n        app: web-{i}\n    spec:\n      containers:\n"
           "      - name: web\n        image: registry.example.com/web:{i}\n        ports:\n"
           "        - containerPort: 8080\n")
    out: list[str] = []
    i = 0
    while sum(d.count("\n") for d in out) < lines:
        out.append(doc.format(i=i))
        i += 1
    return "---\n".join(out)


WORKFLOW = """\
name: ci
on:
  push:
    branches: [main]
  pull_request:
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
    - uses: actions/checkout@v4
    - uses: actions/setup-python@v5
      with:
        python-version: "3.11"
    - run: pip install -e '.[test]'
    - run: pytest -q
"""


async def other_yaml(argv: list[str], root: Path, edits: int) -> dict[str, Any]:
    """Open a big Kubernetes manifest and a workflow, edit both: the server's CPU and what it said."""
    files = {"k8s/deploy.yaml": k8s_manifest(), ".github/workflows/ci.yaml": WORKFLOW}
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    c = RecordingClient(argv, {"skaffold": {}}, cwd=str(root))
    await c.start()
    try:
        await c.initialize(root.as_uri(), init_options={})
        await settle(c)
        cpu0 = c.cpu_seconds()
        t0 = time.perf_counter()
        for name, text in files.items():
            c.open((root / name).as_uri(), text)
        version = 1
        for _ in range(edits):
            version += 1
            for name in files:
                c.change((root / name).as_uri(), version, 1, 0, 0, "#")
            await asyncio.sleep(0.02)
        # the requests an editor sends for an open YAML file
        for name in files:
            doc = {"textDocument": {"uri": (root / name).as_uri()}}
            for method, extra in (("textDocument/documentSymbol", {}), ("textDocument/foldingRange", {}),
                                  ("textDocument/documentLink", {}),
                                  ("textDocument/hover", {"position": {"line": 2, "character": 3}}),
                                  ("textDocument/completion", {"position": {"line": 2, "character": 3}})):
                result = await c.request(method, {**doc, **extra}, timeout=30)
                if result not in (None, []):
                    c.messages.append({"unexpected": method, "result": result})
        await settle(c)
        wall = time.perf_counter() - t0
        cpu = c.cpu_seconds() - cpu0
        published = [p for p in c.published if not p.uri.endswith("skaffold.yaml")]
        return {"other_yaml_cpu": cpu, "other_yaml_wall": wall, "other_yaml_published": len(published),
                "other_yaml_nonempty": sum(1 for p in published if p.diagnostics), "other_yaml_messages": c.messages}
    finally:
        await c.stop()


async def bench(name: str, bundle: Path, python: str, runs: int, edits: int, tmp: Path) -> dict[str, Any]:
    os.environ["PYTHONPATH"] = python_path(bundle, python)
    os.environ["PYTHONNOUSERSITE"] = "1"
    argv = [python, "-m", "skaffold_ls", "serve"]
    settings: dict[str, Any] = {"skaffold": {}}
    res: dict[str, Any] = {"bundle_zipped": zipped_size(bundle), "probe": probe_times(python, bundle, runs)}
    root = tmp / name
    uri60 = make_project(root / "p60", small())
    text5k = large()
    uri5k = make_project(root / "p5k", text5k)
    print(f"[{name}] cold start x{runs}", file=sys.stderr)
    starts = [await cold_start(argv, settings, root / "p60", uri60, small()) for _ in range(runs)]
    res["cold_start"] = [w for w, _ in starts]
    res["cold_start_cpu"] = [c for _, c in starts]
    print(f"[{name}] first hover / completion, edits on 5,000 lines x{edits}", file=sys.stderr)
    c = LspClient(argv, settings, cwd=str(root / "p5k"))
    await c.start()
    try:
        await c.initialize((root / "p5k").as_uri(), init_options={})
        doc = {"textDocument": {"uri": uri5k}, "position": {"line": 10, "character": 6}}
        res["edit_5000"] = await edit_latencies(c, uri5k, text5k, edits)
        res["first_hover"] = await request_latencies(c, "textDocument/hover", doc, 1)
        res["first_completion"] = await request_latencies(
            c, "textDocument/completion", {**doc, "position": {"line": 10, "character": 4}}, 1)
    finally:
        await c.stop()
    print(f"[{name}] other YAML", file=sys.stderr)
    res.update(await other_yaml(argv, root / "other", edits))
    return res


def ms(xs: list[float] | None) -> str:
    return "—" if not xs else f"{statistics.median(xs) * 1000:.0f} ms"


def table(results: dict[str, dict[str, Any]]) -> str:
    names = list(results)
    rows = [
        ("bundle, deflated (as in a VSIX)", lambda r: f"{r['bundle_zipped'] / 1e6:.2f} MB"),
        ("interpreter probe, first window only (median)", lambda r: ms(r["probe"])),
        ("cold start → first diagnostics (median)", lambda r: ms(r["cold_start"])),
        ("  server CPU by then (median)", lambda r: ms(r["cold_start_cpu"])),
        ("edit → diagnostics, 5,000 lines (median)", lambda r: ms(r["edit_5000"])),
        ("first hover (loads descriptions)", lambda r: ms(r["first_hover"])),
        ("first completion", lambda r: ms(r["first_completion"])),
        ("other YAML: server CPU, 2 files opened + 20 edits each", lambda r: f"{r['other_yaml_cpu'] * 1000:.0f} ms"),
        ("other YAML: diagnostics published / log messages",
         lambda r: f"{r['other_yaml_published']} / {len(r['other_yaml_messages'])}"),
    ]
    out = ["| measure | " + " | ".join(names) + " |", "|---|" + "---|" * len(names)]
    for label, fn in rows:
        out.append(f"| {label} | " + " | ".join(fn(results[n]) for n in names) + " |")
    return "\n".join(out)


async def main_async(args: argparse.Namespace) -> int:
    results: dict[str, dict[str, Any]] = {}
    with tempfile.TemporaryDirectory() as d:
        for spec in args.bundle:
            name, _, path = spec.partition("=")
            # made absolute: the servers run in other folders, with PYTHONPATH built from it
            results[name] = await bench(name, Path(path).resolve(), args.python, args.runs, args.edits, Path(d))
    load = os.getloadavg()
    py = subprocess.run([args.python, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"\n{py} ({args.python}), {os.cpu_count()} CPUs, load average {load[0]:.1f}/{load[1]:.1f}\n")
    print(table(results))
    for name, r in results.items():
        for m in r["other_yaml_messages"]:
            print(f"[{name}] message about other YAML: {json.dumps(m)[:300]}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1))
    return 0


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--python", default="/usr/bin/python3", help="a bare interpreter (default /usr/bin/python3)")
    p.add_argument("--bundle", action="append", required=True, metavar="NAME=DIR")
    p.add_argument("--runs", type=int, default=7)
    p.add_argument("--edits", type=int, default=20)
    p.add_argument("--json", metavar="FILE")
    return asyncio.run(main_async(p.parse_args()))


if __name__ == "__main__":
    sys.exit(main())

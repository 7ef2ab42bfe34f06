#!/usr/bin/env python3
"""Fresh VS Code window → skaffold.yaml opened → first diagnostic drawn, in real VS Code.

Uses the end-to-end harness of tests/vscode (code-server 4.100.3 + headless Chromium, see
docs/vscode.md): for each run a new code-server with empty user data (no extension state, no
caches) installs the VSIX and opens a repository with skaffold.yaml (one mistake), N Kubernetes
manifests and a GitHub workflow. The user clicks skaffold.yaml in the explorer as soon as it is
shown; the clock stops when the error squiggle is drawn. Reported: click → squiggle, the
extension's share of it (its activation, from code-server's extension host log → squiggle; the
rest is VS Code starting its extension host), and window load (navigation) → squiggle. No LSP
trace, nothing else opened.

    python3 benchmarks/vscode_first_diagnostic.py [--runs 5] [--manifests 300] [--vsix FILE]

Without --vsix the VSIX is built from this checkout (`npm run package` in vscode-extension/).
Needs what the vscode tests need (scripts/install.sh --all, scripts/setup-code-server.sh).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.vscode import test_vscode_e2e as e2e  # noqa: E402


def activated_at(ud: Path) -> float | None:
    """When the extension host activated skaffold-ls (epoch seconds), from code-server's log of
    the newest window in this user-data folder."""
    logs = sorted(ud.glob("logs/*/exthost1/remoteexthost.log"))
    if not logs:
        return None
    for line in logs[-1].read_text(errors="replace").splitlines():
        if "_doActivateExtension skaffold-ls.skaffold-ls" in line:  # local time, ms
            return datetime.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S.%f").timestamp()
    return None


def build_vsix() -> Path:
    e2e._npm_ci(e2e.EXT)
    r = e2e._run(["npm", "run", "package"], e2e.EXT, 900, env={**os.environ, "PYTHON": sys.executable})
    if r.returncode != 0:
        raise SystemExit(f"npm run package failed:\n{e2e._tail(r.stdout + r.stderr, 40)}")
    return e2e.built_vsix()


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--manifests", type=int, default=300, help="Kubernetes manifests in the workspace (default 300)")
    p.add_argument("--vsix", type=Path, help="an existing VSIX (default: build one from this checkout)")
    p.add_argument("--json", metavar="FILE", help="also write the raw timings as JSON")
    p.add_argument("--keep", type=Path, metavar="DIR", help="keep each run's user data and logs under DIR")
    p.add_argument("--same-profile", action="store_true",
                   help="one user-data folder for all runs: the first window is fresh, the next ones reuse the "
                        "extension's cached interpreter probe (as a user's second window does)")
    args = p.parse_args()
    chromium = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    r = e2e._run([str(ROOT / "scripts" / "setup-code-server.sh"), str(e2e.CS_DIR)], ROOT, 900)
    if r.returncode != 0:
        raise SystemExit(f"setup-code-server.sh failed:\n{e2e._tail(r.stdout + r.stderr)}")
    e2e._npm_ci(e2e.HERE)
    vsix = args.vsix.resolve() if args.vsix else build_vsix()
    tools = e2e.Tools(chromium, e2e.CS_DIR / "node_modules" / ".bin" / "code-server", vsix, {})
    timings: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        d = args.keep.resolve() if args.keep else Path(tmp)
        for i in range(args.runs):
            run = Path(d) / f"run{i}"
            ws = run / "ws"
            e2e.project_workspace(ws, args.manifests)
            profile = Path(d) / "run0" / "cs" if args.same_profile else run / "cs"
            cs = e2e.CodeServer(tools, profile, {"skaffold.validation.outdatedApiVersion": "off"})
            if i == 0 or not args.same_profile:
                cs.root.mkdir(parents=True, exist_ok=True)
                cs.install()
            try:
                url = cs.start(ws)
                res = e2e.drive(tools, {"mode": "problems", "url": url, "out": str(run / "shot.png"),
                                        "file": "skaffold.yaml", "expect": "dockr"})
            finally:
                cs.stop()
            if not res.get("ok"):
                print(f"run {i} failed: {res.get('error')}\n{cs.extension_logs()}", file=sys.stderr)
                return 1
            timing: dict[str, float] = res["timing"]  # type: ignore[assignment]
            act = activated_at(cs.ud)
            if act is not None:  # the part that is the extension's: activation -> squiggle drawn
                shown = datetime.datetime.fromisoformat(str(timing["shownAt"]).replace("Z", "+00:00")).timestamp()
                timing["activationToDiagnosticMs"] = round((shown - act) * 1000)
            timings.append(timing)
            time.sleep(1)
    load = os.getloadavg()
    kind = "windows on one profile (the first fresh)" if args.same_profile else "fresh windows"
    print(f"\n{vsix.name}, {args.runs} {kind}, {args.manifests} manifests, "
          f"{os.cpu_count()} CPUs, load average {load[0]:.1f}/{load[1]:.1f}")
    for key in ("openToDiagnosticMs", "activationToDiagnosticMs", "loadToDiagnosticMs", "loadToOpenMs"):
        xs = [t[key] for t in timings if key in t]
        if not xs:
            continue
        print(f"  {key}: median {statistics.median(xs):.0f} ms  (runs: {', '.join(f'{x:.0f}' for x in xs)})")
    if args.json:
        Path(args.json).write_text(json.dumps(timings, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

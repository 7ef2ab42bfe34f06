"""`skaffold-ls doctor`: what it reports and its exit status, with stand-in tools on PATH and a
kubeconfig of our own (the cluster is never contacted); run directories from Makefiles and scripts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from skaffold_ls.config.paths import run_directory

CONFIG = "apiVersion: skaffold/v4beta14\nkind: Config\n"
HELM = CONFIG + "deploy:\n  helm:\n    releases:\n    - name: r\n      chartPath: chart\n"
KUBECONFIG = """\
apiVersion: v1
kind: Config
current-context: {ctx}
contexts:
- name: kind-dev
  context: {{cluster: kind-dev, user: u}}
- name: prod
  context: {{cluster: prod, user: u}}
clusters:
- name: kind-dev
  cluster: {{server: "https://127.0.0.1:40123"}}
- name: prod
  cluster: {{server: "https://k8s.example.com"}}
users:
- name: u
  user: {{token: x}}
"""
VERSIONS = {
    "skaffold": "v2.13.1",
    "kubectl": '{"clientVersion": {"major": "1", "minor": "30", "gitVersion": "v1.30.2"}}',
    "helm": "v3.15.2+g1a500d5",
    "dlv": "Delve Debugger\nVersion: 1.23.0\nBuild: $Id: x $",
}


def workspace(tmp_path: Path, files: dict[str, str]) -> Path:
    ws = tmp_path / "ws"
    for rel, text in files.items():
        (ws / rel).parent.mkdir(parents=True, exist_ok=True)
        (ws / rel).write_text(text, encoding="utf-8")
    return ws


def fake_tools(tmp_path: Path, names: list[str]) -> Path:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    for name in names:
        exe = bin_dir / name
        exe.write_text(f"#!/bin/sh\nprintf '%s\\n' '{VERSIONS[name]}'\n", encoding="utf-8")  # builtins only
        exe.chmod(0o755)
    return bin_dir


def doctor(ws: Path, tmp_path: Path, tools: list[str], ctx: str | None = "kind-dev",
           *args: str) -> tuple[int, dict[str, Any]]:
    env = {k: v for k, v in os.environ.items() if k != "KUBECONFIG"}
    env["PATH"] = str(fake_tools(tmp_path, tools))
    env["HOME"] = str(tmp_path / "home")
    if ctx is not None:
        (tmp_path / "kubeconfig").write_text(KUBECONFIG.format(ctx=ctx), encoding="utf-8")
        env["KUBECONFIG"] = str(tmp_path / "kubeconfig")
    r = subprocess.run([sys.executable, "-m", "skaffold_ls", "doctor", "--workspace", str(ws), "--json", *args],
                       capture_output=True, text=True, timeout=120, env=env)
    assert "Traceback" not in r.stderr, r.stderr
    return r.returncode, json.loads(r.stdout)


def items(report: dict[str, Any], section: str) -> dict[str, dict[str, Any]]:
    return {i["name"]: i for i in report["items"] if i["section"] == section}


def test_doctor_with_everything_there_exits_0_and_reports_versions(tmp_path: Path):
    ws = workspace(tmp_path, {"skaffold.yaml": HELM, "svc/skaffold.yaml": CONFIG})
    rc, report = doctor(ws, tmp_path, ["skaffold", "kubectl", "helm", "dlv"])
    assert rc == 0, report["missing"]
    assert report["missing"] == {} and report["ready"] == ["check", "serve", "fix", "launch-config", "debug",
                                                           "attach"]
    tools = items(report, "Tools on PATH")
    assert {n: t["version"] for n, t in tools.items()} == {"skaffold": "v2.13.1", "kubectl": "v1.30.2",
                                                           "helm": "v3.15.2+g1a500d5", "dlv": "1.23.0"}
    (ctx,) = items(report, "Kubernetes").values()
    assert ctx["extra"] == {"name": "kind-dev", "server": "https://127.0.0.1:40123", "local": True}
    model = items(report, "Schema model")["model"]
    assert model["ok"] and model["extra"]["versions"] >= 72 and model["extra"]["latest"].startswith("skaffold/")
    packages = items(report, "Python packages")
    assert packages["pygls"]["ok"] and packages["pygls"]["version"]
    assert sorted(items(report, "Workspace")) == ["skaffold.yaml", "svc/skaffold.yaml"]


def test_doctor_names_what_each_command_misses(tmp_path: Path):
    ws = workspace(tmp_path, {"skaffold.yaml": HELM})
    rc, report = doctor(ws, tmp_path, ["kubectl"], None)
    assert rc == 1
    assert report["missing"] == {"debug": ["skaffold", "helm", "kube context"], "attach": ["kube context"]}
    assert items(report, "Tools on PATH")["dlv"]["status"] == "note"  # optional: never fails the run
    # Only what `check` needs decides the status when the user says so.
    rc, report = doctor(ws, tmp_path, [], None, "--for", "check", "--for", "serve")
    assert rc == 0 and report["ready"] == ["check", "serve"]


def test_doctor_tells_a_remote_context_and_an_empty_workspace(tmp_path: Path):
    ws = workspace(tmp_path, {"README.md": "no configs here\n", "skaffold-rbac.yaml": "apiVersion: v1\n"})
    rc, report = doctor(ws, tmp_path, ["skaffold", "kubectl", "dlv"], "prod")
    (ctx,) = items(report, "Kubernetes").values()
    assert ctx["ok"] and ctx["extra"]["local"] is False and "registry" in ctx["detail"]
    assert report["missing"] == {"launch-config": ["configs"], "debug": ["configs"]} and rc == 1


def test_doctor_text_report_is_readable(tmp_path: Path):
    ws = workspace(tmp_path, {"skaffold.yaml": CONFIG})
    env = {**os.environ, "PATH": str(fake_tools(tmp_path, ["kubectl"])), "KUBECONFIG": str(tmp_path / "none")}
    r = subprocess.run([sys.executable, "-m", "skaffold_ls", "doctor", "--workspace", str(ws)], capture_output=True,
                       text=True, timeout=120, env=env)
    assert r.returncode == 1
    assert "[missing] skaffold not on PATH" in r.stdout
    assert "Not ready: debug (missing: skaffold, kube context)." in r.stdout
    assert "skaffold.yaml: runs in . (the config's folder)" in r.stdout


# ---------------------------------------------------------------------------
# run directories


def test_run_directories_follow_makefiles_and_scripts(tmp_path: Path):
    ws = workspace(tmp_path, {
        "deploy/skaffold.yaml": CONFIG,
        "svc/api/skaffold.yaml": CONFIG,
        "svc/web/web.skaffold.yaml": CONFIG,
        "alone/skaffold.yaml": CONFIG,
        "tools/other/skaffold.yaml": CONFIG,
        "Makefile": "dev:\n\tskaffold dev \\\n\t  -f deploy/skaffold.yaml --port-forward\n",
        "scripts/ci.sh": "#!/bin/sh\nSKAFFOLD_FILENAME=svc/api/skaffold.yaml skaffold build\n",
        "svc/Makefile": "web:\n\tcd web && skaffold run --filename=web.skaffold.yaml\n",
        "tools/Makefile": "# skaffold dev -f other/skaffold.yaml (a comment, not a command)\n",
    })
    got = {}
    for p in sorted(ws.rglob("*.y*ml")):
        rd = run_directory(p, ws)
        got[p.relative_to(ws).as_posix()] = (rd.path.relative_to(ws).as_posix(), rd.reason.split(" ", 1)[0])
    assert got == {
        "deploy/skaffold.yaml": (".", "Makefile:2"),
        "svc/api/skaffold.yaml": (".", "scripts/ci.sh:2"),
        "svc/web/web.skaffold.yaml": ("svc/web", "svc/Makefile:2"),
        "alone/skaffold.yaml": ("alone", "the"),
        "tools/other/skaffold.yaml": ("tools/other", "the"),
    }

"""Every action through `skaffold-ls fix` (a subprocess): the diff it prints, byte for byte,
and --apply writing the same files the pure API computes."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from skaffold_ls.actions import ACTION_NAMES

from .helpers import PROJECTS, apply_offer, expect, offer

KUBE = PROJECTS / "kubeconfig"
# (project, file, action, extra args)
CASES = [
    ("quickfix", "skaffold.yaml", "rename-key", []),
    ("quickfix", "skaffold.yaml", "remove-key", ["--line", "11"]),
    ("quickfix", "skaffold.yaml", "add-required", []),
    ("quickfix", "skaffold.yaml", "move-field", []),
    ("upgrade", "helm-strategy.v2beta29.yaml", "upgrade-latest", []),
    ("upgrade", "kubectl-kustomize.v2beta28.yaml", "upgrade-one-step", []),
    ("go-argfrom", "skaffold.yaml", "docker-to-ko", []),
    ("ko-app", "skaffold.yaml", "ko-to-docker", []),
    ("go-argfrom", "skaffold.yaml", "add-go-gcflags", []),
    ("ko-app", "skaffold.yaml", "remove-trimpath", []),
    ("go-apk", "skaffold.yaml", "exec-form-entrypoint", []),
    ("go-argfrom", "skaffold.yaml", "add-port-forward", []),
    ("helm-chart", "skaffold.yaml", "helm-debug-switch", []),
    ("ko-app", "skaffold.yaml", "set-local-push", []),
    ("ko-app", "skaffold.yaml", "add-ko-from-image", []),
    ("helm-chart", "skaffold.yaml", "loopback-address", []),
    ("go-argfrom", "skaffold.yaml", "add-runtime-env", []),
    ("go-argfrom", "skaffold.yaml", "go-debug-ldflags", []),
]


def test_every_action_has_a_cli_case() -> None:
    assert {c[2] for c in CASES} == set(ACTION_NAMES)


def fix(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KUBECONFIG": str(KUBE / "remote.yaml")}
    return subprocess.run([sys.executable, "-m", "skaffold_ls", "fix", *args], cwd=cwd, capture_output=True,
                          text=True, env=env, check=False)


@pytest.mark.parametrize(("project", "file", "action", "extra"), CASES)
def test_fix_prints_diff_and_applies(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, project: str, file: str,
                                     action: str, extra: list[str]) -> None:
    monkeypatch.setenv("KUBECONFIG", str(KUBE / "remote.yaml"))
    src = PROJECTS / project
    proc = fix(src, "--action", action, *extra, file)
    assert proc.returncode == 0, proc.stderr
    stem = Path(file).stem.replace(".", "-")
    expect(src / "expected" / "cli" / f"{stem}.{action}.diff", proc.stdout)
    # --apply on a copy gives the same files as the pure API
    work = tmp_path / project
    shutil.copytree(src, work, ignore=shutil.ignore_patterns("expected"))
    line = int(extra[1]) if extra[:1] == ["--line"] else None
    candidates = [o for o in _offers(work / file) if o.action.name == action and o.action.disabled_reason is None
                  and (line is None or (o.anchor is not None and o.anchor.start.line <= line - 1 <= o.anchor.end.line))]
    want = apply_offer(candidates[0], work / file)
    proc = fix(work, "--action", action, "--apply", *extra, file)
    assert proc.returncode == 0, proc.stderr
    for target, body in want.items():
        assert Path(target).read_text(encoding="utf-8") == body
    assert "wrote" in proc.stderr


def _offers(path: Path):  # type: ignore[no-untyped-def]
    from .helpers import all_offers

    return all_offers(path)


def test_all_repeats_until_done(tmp_path: Path) -> None:
    work = tmp_path / "q"
    shutil.copytree(PROJECTS / "quickfix", work, ignore=shutil.ignore_patterns("expected"))
    proc = fix(work, "--action", "remove-key", "--all", "--apply", "skaffold.yaml")
    assert proc.returncode == 0, proc.stderr
    text = (work / "skaffold.yaml").read_text(encoding="utf-8")
    assert "contxt" not in text and "bogus" not in text and "  manifests:" not in text


def test_list_and_refusals() -> None:
    proc = fix(PROJECTS / "quickfix", "--list", "skaffold.yaml")
    assert proc.returncode == 0
    assert "rename-key: Rename `contxt` to `context` (line 8)" in proc.stdout
    proc = fix(PROJECTS / "go-cgo", "--action", "docker-to-ko", "skaffold.yaml")
    assert proc.returncode == 1 and "cgo is required" in proc.stderr and proc.stdout == ""
    proc = fix(PROJECTS / "upgrade", "--action", "upgrade-latest", "kpt.v2beta29.yaml")
    assert proc.returncode == 1 and "deploy.kpt" in proc.stderr
    proc = fix(PROJECTS / "go-guide", "--action", "no-such-action", "skaffold.yaml")
    assert proc.returncode == 2
    proc = fix(PROJECTS / "go-guide", "--action", "ko-to-docker", "skaffold.yaml")
    assert proc.returncode == 1 and "not available" in proc.stderr
    proc = fix(PROJECTS, "--list", "missing.yaml")
    assert proc.returncode == 2


def test_refuses_to_overwrite_created_file(tmp_path: Path) -> None:
    work = tmp_path / "k"
    shutil.copytree(PROJECTS / "ko-app", work, ignore=shutil.ignore_patterns("expected"))
    (work / "Dockerfile").write_text("FROM scratch\n", encoding="utf-8")
    o = offer(work / "skaffold.yaml", "ko-to-docker")  # picks Dockerfile.ko instead
    assert work / "Dockerfile.ko" in o.action.edit.creates  # type: ignore[union-attr]


def test_bom_and_missing_final_newline_survive(tmp_path: Path) -> None:
    path = tmp_path / "skaffold.yaml"
    path.write_bytes(b"\xef\xbb\xbfapiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  artifacts:\n"
                     b"  - image: a\n    contxt: .")
    proc = fix(tmp_path, "--action", "rename-key", "skaffold.yaml")
    assert proc.stdout.endswith("+    context: .\n\\ No newline at end of file\n")
    proc = fix(tmp_path, "--action", "rename-key", "--apply", "skaffold.yaml")
    assert proc.returncode == 0
    assert path.read_bytes().endswith(b"  - image: a\n    context: .")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfapiVersion")

"""Checks beyond the schema on the fixture projects: codes, positions, severities, and
that each fix makes its finding go away."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from skaffold_ls.analysis import AnalysisOptions, analyze
from skaffold_ls.checks.security import is_loopback
from skaffold_ls.config.activation import go_regexp_error as re2_error
from skaffold_ls.config.kubecontext import KubeContext, current_context, is_local
from skaffold_ls.core.findings import Severity

from ..actions.helpers import PROJECTS, STORE, analysis_of, apply_offer, expect, offer

KUBE = PROJECTS / "kubeconfig"
MINE = {
    "missing-context", "missing-dockerfile", "missing-chart", "missing-values-file", "no-manifests-match",
    "missing-kustomize-path", "duplicate-artifact-image", "unreferenced-artifact-image", "ko-without-go-mod",
    "ko-default-base", "go-missing-gcflags", "go-trimpath", "shell-form-entrypoint", "python-debug-support",
    "liveness-probe-debug", "debug-port-exposed", "invalid-activation-regex", "activation-double-negation",
    "activation-negated-env-key", "profile-always-active", "images-not-pushed", "go-runtime-not-detected",
    "debug-runtime-not-detected", "debug-runtime-ambiguous", "go-stripped-binary", "go-optimised-build",
    "glob-too-broad", "invalid-port",
}


@pytest.fixture(autouse=True)
def remote_kubeconfig(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBECONFIG", str(KUBE / "remote.yaml"))


def codes(path: Path) -> list[tuple[int, str, str]]:
    a = analysis_of(path)
    return [(f.range.start.line + 1, f.code, f.severity.label) for f in a.findings]


def test_zoo_reports_every_problem_once() -> None:
    assert codes(PROJECTS / "checks-zoo" / "skaffold.yaml") == [
        (6, "missing-context", "warning"),
        (10, "missing-dockerfile", "warning"),
        (11, "duplicate-artifact-image", "error"),  # skaffold's validation refuses duplicate image names
        (13, "shell-form-entrypoint", "warning"),
        (13, "python-debug-support", "info"),
        (15, "unreferenced-artifact-image", "info"),  # builds for nothing: advice, nothing breaks
        (20, "no-manifests-match", "warning"),
        (22, "missing-kustomize-path", "warning"),
        (22, "missing-kustomize-path", "warning"),
        (26, "debug-port-exposed", "warning"),
        (35, "activation-negated-env-key", "warning"),
        (38, "activation-double-negation", "warning"),
        (41, "invalid-activation-regex", "warning"),
        (42, "invalid-activation-regex", "warning"),
        (46, "profile-always-active", "info"),
        (53, "missing-chart", "warning"),
        (54, "missing-values-file", "warning"),
    ]


@pytest.mark.parametrize("project", ["checks-zoo", "ko-app", "helm-chart", "go-argfrom", "go-guide", "go-apk"])
def test_check_output_matches_expected(project: str) -> None:
    """`skaffold-ls check --severity hint` output, byte for byte (run from the project folder)."""
    folder = PROJECTS / project
    env = {**os.environ, "KUBECONFIG": str(KUBE / "remote.yaml")}
    proc = subprocess.run([sys.executable, "-m", "skaffold_ls", "check", "--severity", "hint", "skaffold.yaml"],
                          cwd=folder, capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == (1 if " error " in proc.stdout else 0), proc.stderr
    expect(folder / "expected" / "check.txt", proc.stdout)


def test_by_default_check_prints_errors_and_warnings_only() -> None:
    folder = PROJECTS / "ko-app"
    env = {**os.environ, "KUBECONFIG": str(KUBE / "remote.yaml")}
    proc = subprocess.run([sys.executable, "-m", "skaffold_ls", "check", "skaffold.yaml"], cwd=folder,
                          capture_output=True, text=True, env=env, check=False)
    full = (folder / "expected" / "check.txt").read_text(encoding="utf-8").splitlines()
    assert proc.stdout.splitlines() == [line for line in full if " warning " in line or " error " in line]
    assert "note(s) below `warning` not shown" in proc.stderr


ONLY_ERRORS_WHEN_SKAFFOLD_REFUSES = {"duplicate-artifact-image"}


def test_severity_policy_and_schema_only_turns_checks_off() -> None:
    for project in ("checks-zoo", "ko-app", "helm-chart", "go-argfrom", "go-cgo", "no-gomod"):
        path = PROJECTS / project / "skaffold.yaml"
        text = path.read_text(encoding="utf-8")
        full = analyze(text, path, STORE)
        assert all(f.code in ONLY_ERRORS_WHEN_SKAFFOLD_REFUSES for f in full.findings
                   if f.code in MINE and f.severity == Severity.ERROR)
        only = analyze(text, path, STORE, AnalysisOptions(schema_only=True))
        assert not [f for f in only.findings if f.code in MINE]


def test_good_projects_are_quiet() -> None:
    # the user's guide's Dockerfile already declares and uses SKAFFOLD_GO_GCFLAGS
    assert [c for c in codes(PROJECTS / "go-guide" / "skaffold.yaml") if c[1] in MINE] == []
    # gcflags right, but distroless/base sets no Go env var: skaffold would not debug it at all
    assert [c for c in codes(PROJECTS / "go-monorepo" / "skaffold.yaml") if c[1] in MINE] == [
        (5, "go-runtime-not-detected", "warning")]


def test_ko_checks() -> None:
    found = codes(PROJECTS / "ko-app" / "skaffold.yaml")
    assert (8, "ko-default-base", "info") in found
    assert (13, "go-trimpath", "hint") in found  # launch-config maps the module path
    assert (16, "go-stripped-binary", "warning") in found  # ldflags -s -w: Delve cannot load the binary
    assert (18, "images-not-pushed", "warning") in found
    # the exec probe is not relaxed by skaffold, but Delve cannot start on this binary anyway
    assert "liveness-probe-debug" not in [c[1] for c in found]


def test_ko_without_go_mod(tmp_path: Path) -> None:
    (tmp_path / "skaffold.yaml").write_text(
        "apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  artifacts:\n  - image: x\n    ko:\n"
        "      fromImage: alpine\n", encoding="utf-8")
    assert [c for c in codes(tmp_path / "skaffold.yaml") if c[1] == "ko-without-go-mod"] == [
        (6, "ko-without-go-mod", "warning")]
    (tmp_path / ".ko.yaml").write_text("defaultBaseImage: alpine\n", encoding="utf-8")
    (tmp_path / "go.mod").write_text("module x\n", encoding="utf-8")
    assert [c for c in codes(tmp_path / "skaffold.yaml") if c[1] in MINE and c[1].startswith("ko")] == []


def test_cluster_context_from_kubeconfig(monkeypatch: pytest.MonkeyPatch) -> None:
    remote = current_context()
    assert remote == KubeContext("gke_shop_europe-west1_prod", "gke_shop_europe-west1_prod", "https://34.76.10.20")
    assert not is_local(remote)
    monkeypatch.setenv("KUBECONFIG", str(KUBE / "local.yaml"))
    local = current_context()
    assert local is not None and local.name == "dev" and is_local(local)  # 127.0.0.1 server
    assert [c for c in codes(PROJECTS / "ko-app" / "skaffold.yaml") if c[1] == "images-not-pushed"] == []
    for name in ("minikube", "kind-x", "k3d-dev", "docker-desktop", "rancher-desktop", "colima"):
        assert is_local(KubeContext(name, None, "https://10.0.0.1"))
    monkeypatch.setenv("KUBECONFIG", str(KUBE / "absent.yaml"))
    assert current_context() is None


def test_re2_rules() -> None:
    assert re2_error("prod-(eu|us)") is None
    assert re2_error(r"\p{Greek}+\z") is None  # RE2 syntax Python lacks: accepted
    assert re2_error("[[:alpha:]]+") is None
    assert re2_error("(?P<n>a)(?<m>b)") is None
    assert re2_error("(?=x)") and re2_error(r"(a)\1") and re2_error("a++") and re2_error("a(")


def test_loopback() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1") and is_loopback("127.0.1.1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.2") and not is_loopback("::")


@pytest.mark.parametrize(("project", "code", "action"), [
    ("ko-app", "images-not-pushed", "set-local-push"),
    ("ko-app", "go-trimpath", "remove-trimpath"),
    ("ko-app", "ko-default-base", "add-ko-from-image"),
    ("helm-chart", "debug-port-exposed", "loopback-address"),
    ("helm-chart", "liveness-probe-debug", "helm-debug-switch"),
    ("go-argfrom", "go-trimpath", "remove-trimpath"),
    ("go-argfrom", "go-runtime-not-detected", "add-runtime-env"),
    ("go-argfrom", "go-stripped-binary", "go-debug-ldflags"),
    ("ko-app", "go-stripped-binary", "go-debug-ldflags"),
])
def test_fix_removes_finding(tmp_path: Path, project: str, code: str, action: str) -> None:
    import shutil

    folder = tmp_path / project
    shutil.copytree(PROJECTS / project, folder, ignore=shutil.ignore_patterns("expected"))
    path = folder / "skaffold.yaml"
    assert code in [c[1] for c in codes(path)]
    o = offer(path, action)
    for target, body in apply_offer(o, path).items():
        Path(target).write_text(body, encoding="utf-8")
    assert code not in [c[1] for c in codes(path)]


def test_probes_in_kustomize_folders(tmp_path: Path) -> None:
    (tmp_path / "base").mkdir()
    (tmp_path / "skaffold.yaml").write_text(
        "apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  artifacts:\n  - image: app\n"
        "manifests:\n  kustomize:\n    paths: [base]\n", encoding="utf-8")
    # a Go image skaffold recognises (only debugged containers' probes matter)
    (tmp_path / "Dockerfile").write_text('FROM alpine\nENV GOTRACEBACK=single\nCMD ["/app"]\n', encoding="utf-8")
    (tmp_path / "base" / "kustomization.yaml").write_text("resources: [d.yaml]\n", encoding="utf-8")
    probe = "grpc: {port: 9000}"
    body = ("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n  template:\n    spec:\n"
            "      containers:\n      - name: app\n        image: app:v1\n        livenessProbe:\n          PROBE\n")
    (tmp_path / "base" / "d.yaml").write_text(body.replace("PROBE", probe), encoding="utf-8")
    assert [c for c in codes(tmp_path / "skaffold.yaml") if c[1] == "liveness-probe-debug"] == [
        (8, "liveness-probe-debug", "info")]
    # a paused process still accepts TCP; skaffold raises httpGet timeouts to 600 s: nothing to say
    for quiet in ("tcpSocket: {port: 80}", "httpGet: {port: 80}"):
        (tmp_path / "base" / "d.yaml").write_text(body.replace("PROBE", quiet), encoding="utf-8")
        assert [c for c in codes(tmp_path / "skaffold.yaml") if c[1] == "liveness-probe-debug"] == []


def test_helm_numbered_image_variables_count_as_references(tmp_path: Path) -> None:
    (tmp_path / "chart" / "templates").mkdir(parents=True)
    (tmp_path / "chart" / "Chart.yaml").write_text("apiVersion: v2\nname: c\nversion: 0.1.0\n", encoding="utf-8")
    (tmp_path / "Dockerfile").write_text("FROM alpine\n", encoding="utf-8")
    (tmp_path / "skaffold.yaml").write_text(
        "apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  artifacts:\n  - image: first\n  - image: second\n"
        "  - image: third\ndeploy:\n  helm:\n    releases:\n    - name: r\n      chartPath: chart\n"
        "      setValueTemplates:\n        a: \"{{.IMAGE_FULLY_QUALIFIED}}\"\n        b: \"{{.IMAGE_REPO2}}\"\n",
        encoding="utf-8")
    assert [c for c in codes(tmp_path / "skaffold.yaml") if c[1] == "unreferenced-artifact-image"] == [
        (7, "unreferenced-artifact-image", "info")]



MANIFEST_GLOB = """\
apiVersion: skaffold/v4beta14
kind: Config
manifests:
  rawYaml:
  - k8s/**/*.yaml
deploy:
  kubectl: {}
"""


def test_a_glob_that_reaches_too_many_entries_says_so(tmp_path: Path) -> None:
    """The glob stops at its entry cap; it used to say nothing (and no-manifests-match cannot be judged)."""
    from skaffold_ls.config.paths import MAX_GLOB_ENTRIES

    (tmp_path / "k8s").mkdir()
    for i in range(MAX_GLOB_ENTRIES + 1):
        (tmp_path / "k8s" / f"m{i}.txt").touch()
    (tmp_path / "skaffold.yaml").write_text(MANIFEST_GLOB)
    found = codes(tmp_path / "skaffold.yaml")
    assert (5, "glob-too-broad", "info") in found and "no-manifests-match" not in [c[1] for c in found]

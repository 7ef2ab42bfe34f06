"""`skaffold-ls config` on real projects (../shared/realrepos), against expectations written by hand
from skaffold's documented rules; each says why.

Small skaffold examples have their whole expected output in tests/fixtures/effective/*.yaml: the
exact stdout, with `#why:` lines (the reasons) and `#args:`, `#kubeconfig:`, `#exit:`, `#stderr:`
lines (how to run it) that are not part of the output. microservices-demo and bank-of-anthos are
checked inline, on what matters about them.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from skaffold_ls.cli import main
from tests.realrepos.realrepos import REALREPOS, require_realrepos

EXAMPLES = REALREPOS / "skaffold-examples"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "effective"
META = ("#why:", "#args:", "#kubeconfig:", "#exit:", "#stderr:")


def need(path: Path) -> Path:
    """`path` under ../shared/realrepos (skipped, saying why, when the real projects are absent)."""
    require_realrepos()
    assert path.exists(), f"{path} is missing from ../shared/realrepos"
    return path


@dataclass
class Fixture:
    args: list[str]
    expected: str
    exit: int = 0
    kubeconfig: str | None = None
    stderr: list[str] = field(default_factory=list)


def read_fixture(path: Path) -> Fixture:
    fx = Fixture([], "")
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#args:"):
            fx.args = line.removeprefix("#args:").split()
        elif line.startswith("#exit:"):
            fx.exit = int(line.removeprefix("#exit:"))
        elif line.startswith("#kubeconfig:"):
            fx.kubeconfig = line.removeprefix("#kubeconfig:").strip()
        elif line.startswith("#stderr:"):
            fx.stderr.append(line.removeprefix("#stderr: "))
        elif not line.startswith(META):
            out.append(line)
    fx.expected = "\n".join(out) + "\n"
    assert fx.args, f"{path.name} has no #args: line"
    return fx


def kubeconfig(tmp_path: Path, current: str | None) -> Path:
    """A kubeconfig whose current context is `current` (never contacted), or none at all."""
    path = tmp_path / "kubeconfig"
    if current is not None:
        path.write_text(f"apiVersion: v1\nkind: Config\ncurrent-context: {current}\n"
                        f"contexts: [{{name: {current}, context: {{cluster: c, user: u}}}}]\n"
                        "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:6443'}}]\n"
                        "users: [{name: u, user: {}}]\n", encoding="utf-8")
    return path


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """No kubeconfig and no stray variables from the machine running the tests."""
    monkeypatch.setenv("KUBECONFIG", str(kubeconfig(tmp_path, None)))
    for key in list(os.environ):
        if key.startswith("SKAFFOLD_"):
            monkeypatch.delenv(key)
    return monkeypatch


@pytest.mark.parametrize("fixture", sorted(FIXTURES.glob("*.yaml")), ids=lambda p: p.stem)
def test_skaffold_examples(fixture: Path, clean_env: pytest.MonkeyPatch, tmp_path: Path,
                           capsys: pytest.CaptureFixture[str]) -> None:
    fx = read_fixture(fixture)
    examples = need(EXAMPLES)
    clean_env.chdir(examples)
    if fx.kubeconfig:
        clean_env.setenv("KUBECONFIG", str(kubeconfig(tmp_path, fx.kubeconfig)))
    code = main(["config", *fx.args])
    out, err = capsys.readouterr()
    run_dir = (Path.cwd() / fx.args[0]).as_posix()  # as the CLI sees it: symlinks in ../shared resolved
    assert out.replace(run_dir, "{run_dir}") == fx.expected
    assert err.splitlines() == fx.stderr
    assert code == fx.exit


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(["config", *args])
    out, err = capsys.readouterr()
    return code, out, err


def configs(out: str) -> list[dict]:
    return [d for d in yaml.safe_load_all(out) if d is not None]


# -- microservices-demo ---------------------------------------------------------------------------

INVALID_PATH = ("skaffold.yaml:85:11: error patch-path-unresolved profile `debug`, patch 1: "
                "`invalid path: /build/artifacts/7/docker/dockerfile`")


@pytest.mark.parametrize("args", [["-p", "debug"], ["--command", "debug"]], ids=["-p debug", "skaffold debug"])
def test_microservices_demo_debug_is_skaffolds_invalid_path(args: list[str], clean_env: pytest.MonkeyPatch,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    # The debug profile patches /build/artifacts/7/docker/dockerfile; artifact 7 (from 0) is currencyservice,
    # which has no `docker` (profiles apply before defaults), so yaml-patch fails: `invalid path`. The profile
    # activates on `command: debug` too, so plain `skaffold debug` fails the same way.
    clean_env.chdir(need(REALREPOS / "microservices-demo"))
    code, out, err = run(args, capsys)
    assert code == 1
    assert err.startswith(INVALID_PATH)
    assert "# " + INVALID_PATH in out
    app, loadgen = configs(out)
    # What could be loaded is still printed: cartservice (index 8) keeps its own Dockerfile, the patch did nothing.
    assert app["build"]["artifacts"][8]["docker"] == {"dockerfile": "Dockerfile"}
    assert app["build"]["artifacts"][7] == {"image": "currencyservice", "context": "src/currencyservice",
                                            "docker": {"dockerfile": "Dockerfile"}}
    why = "(named with -p)" if args[0] == "-p" else "(on `skaffold debug`)"
    assert f"# active profiles: debug {why}" in out
    assert loadgen["metadata"]["name"] == "loadgenerator"


def test_microservices_demo_network_policies(clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # `add /manifests/kustomize/paths/1` on a one-item list appends (index = length). loadgenerator requires
    # `app` from the same file again (same profiles: not loaded twice), and the patch lands once.
    clean_env.chdir(need(REALREPOS / "microservices-demo"))
    code, out, err = run(["-p", "network-policies"], capsys)
    assert (code, err) == (0, "")
    app, _ = configs(out)
    assert app["manifests"]["kustomize"]["paths"] == ["kubernetes-manifests", "kustomize/components/network-policies"]
    assert "  - kustomize/components/network-policies  # profile network-policies, patch 1 (skaffold.yaml:94)" in out


def test_microservices_demo_plain(clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    clean_env.chdir(need(REALREPOS / "microservices-demo"))
    code, out, err = run([], capsys)
    assert (code, err) == (0, "")
    app, loadgen = configs(out)
    # Two configs in the file: loadgenerator's `requires: [{configs: [app]}]` (no path) is this same file.
    assert [app["metadata"]["name"], loadgen["metadata"]["name"]] == ["app", "loadgenerator"]
    # Both are skaffold/v3: skaffold upgrades them first; we keep their shape and say so.
    assert out.count("# note: apiVersion skaffold/v3 is older than skaffold/v4beta14") == 2
    # Two configs: skaffold adds no default renderer or deployer (both write their own anyway).
    assert app["deploy"] == {"kubectl": {}, "logs": {"prefix": "container"}}
    # useDockerCLI/useBuildkit are written; concurrency is the local default (11 artifacts).
    assert app["build"]["local"] == {"useDockerCLI": True, "useBuildkit": True, "concurrency": 1}
    assert "    concurrency: 1  # default" in out


# -- bank-of-anthos -------------------------------------------------------------------------------

BANK_ORDER = ["e2e-tests", "accounts-db", "contacts", "userservice", "accounts", "ledger-db", "balancereader",
              "ledgerwriter", "transactionhistory", "ledger", "frontend", "loadgenerator", "bank-of-anthos"]


def test_bank_of_anthos_requires_tree(clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    clean_env.chdir(need(REALREPOS / "bank-of-anthos"))
    code, out, err = run([], capsys)
    assert (code, err) == (0, "")
    by_name = {c["metadata"]["name"]: c for c in configs(out)}
    # Depth first, a dependency before the config requiring it, each config once (revisits with the same
    # profiles are skipped): e2e-tests comes first, through accounts' first `requires`.
    assert list(by_name) == BANK_ORDER
    assert "# config 1 of 13: e2e-tests (skaffold-e2e.yaml, document 1)\n# required by: accounts (src/accounts/skaffold.yaml)" in out
    # `skaffold dev` activates the `development` profiles (activation: command: dev) ...
    assert out.count("# active profiles: development (on `skaffold dev`)") == 8
    # ... but loadgenerator's has no activation.
    assert "# inactive profiles: development (no `activation`: only active when named)" in out
    # A required config's paths resolve against its own folder, shown from the run directory (the repo root).
    writer = by_name["ledgerwriter"]
    assert writer["build"]["artifacts"][0]["context"] == "."  # written `../../../`
    assert "    context: .  # from src/ledger/ledgerwriter/skaffold.yaml:29; written ../../../" in out
    assert writer["manifests"]["kustomize"]["paths"] == [
        "src/ledger/ledgerwriter/k8s/overlays/development", "iac/acm-multienv-cicd-anthos-autopilot/overlays/development"]
    assert writer["test"][0]["context"] == "src/ledger/ledgerwriter"
    assert writer["requires"][0]["path"] == "skaffold-e2e.yaml"
    # e2e-tests sits in the run directory itself: its paths read the same.
    assert by_name["e2e-tests"]["build"]["artifacts"][0]["context"] == ".github/workflows/ui-tests"
    # sha256 is written in the modules; only the aggregators get the gitCommit default.
    assert writer["build"]["tagPolicy"] == {"sha256": {}}
    assert by_name["bank-of-anthos"]["build"]["tagPolicy"] == {"gitCommit": {}}
    # Thirteen configs: no default renderer/deployer (runner.go setDefaultRendererAndDeployer).
    assert "manifests" not in by_name["bank-of-anthos"] and "kubectl" not in by_name["bank-of-anthos"]["deploy"]


def test_bank_of_anthos_under_skaffold_debug(clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # The manifests (and the databases' artifacts) live only in the `command: dev` profiles: under
    # `skaffold debug` the modules deploy with kubectl and nothing to render.
    clean_env.chdir(need(REALREPOS / "bank-of-anthos"))
    code, out, _ = run(["--command", "debug"], capsys)
    assert code == 0
    by_name = {c["metadata"]["name"]: c for c in configs(out)}
    assert "# active profiles: development" not in out
    db = by_name["accounts-db"]
    assert "manifests" not in db and "artifacts" not in db["build"] and db["deploy"]["kubectl"] == {}


def test_bank_of_anthos_profiles_propagate(clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # -p is propagated to every required config (--propagate-profiles defaults to true), so loadgenerator's
    # development profile is active too.
    clean_env.chdir(need(REALREPOS / "bank-of-anthos"))
    code, out, _ = run(["-p", "development", "--command", "run"], capsys)
    assert code == 0
    assert "# active profiles: development (named with -p (propagated))" in out
    assert "# active profiles: development (on `skaffold dev`)" not in out
    assert configs(out)[BANK_ORDER.index("loadgenerator")]["build"]["artifacts"][0]["image"] == "loadgenerator"


def test_bank_of_anthos_one_module(clean_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    # -m ledgerwriter: that config and what it requires; two configs, still no default renderer.
    clean_env.chdir(need(REALREPOS / "bank-of-anthos"))
    code, out, _ = run(["-m", "ledgerwriter"], capsys)
    assert code == 0
    assert [c["metadata"]["name"] for c in configs(out)] == ["e2e-tests", "ledger-db", "ledgerwriter"]

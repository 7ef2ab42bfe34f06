"""Debug helpers: Dockerfile gcflags/trimpath/exec form, ko flags, portForward, helm probe switch."""

from __future__ import annotations

from pathlib import Path

import pytest

from skaffold_ls.buildfiles.charts import probe_switch
from skaffold_ls.buildfiles.dockeredit import gcflags_edits
from skaffold_ls.buildfiles.dockertext import DockerfileText

from .helpers import PROJECTS, apply_offer, errors_in, expect, offer

KUBE = PROJECTS / "kubeconfig"


@pytest.fixture(autouse=True)
def remote_kubeconfig(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("KUBECONFIG", str(KUBE / "remote.yaml"))


@pytest.mark.parametrize("project", ["go-argfrom", "go-apk", "go-cgo"])
def test_add_go_gcflags(project: str) -> None:
    path = PROJECTS / project / "skaffold.yaml"
    out = apply_offer(offer(path, "add-go-gcflags"), path)
    dockerfile = PROJECTS / project / "Dockerfile"
    assert list(out) == [dockerfile]
    expect(PROJECTS / project / "expected" / "add-go-gcflags.Dockerfile", out[dockerfile])
    dt = DockerfileText(dockerfile, out[dockerfile], __import__("skaffold_ls.buildfiles", fromlist=["x"])
                        .parse_dockerfile_text(out[dockerfile]))
    build = dt.df.go_build_for()
    assert build is not None and "SKAFFOLD_GO_GCFLAGS" in dt.df.stage_of(build).args
    assert gcflags_edits(dt, build) == "the Dockerfile already declares and uses SKAFFOLD_GO_GCFLAGS"


def test_guide_dockerfile_needs_nothing() -> None:
    from .helpers import all_offers

    names = [o.action.name for o in all_offers(PROJECTS / "go-guide" / "skaffold.yaml")]
    assert "add-go-gcflags" not in names


def test_remove_trimpath_dockerfile_and_ko() -> None:
    path = PROJECTS / "go-argfrom" / "skaffold.yaml"
    out = apply_offer(offer(path, "remove-trimpath"), path)
    expect(PROJECTS / "go-argfrom" / "expected" / "remove-trimpath.Dockerfile", out[PROJECTS / "go-argfrom" / "Dockerfile"])
    ko = PROJECTS / "ko-app" / "skaffold.yaml"
    out = apply_offer(offer(ko, "remove-trimpath"), ko)
    expect(PROJECTS / "ko-app" / "expected" / "remove-trimpath.yaml", out[ko])
    assert errors_in(out[ko], ko) == []


def test_exec_form_entrypoint() -> None:
    path = PROJECTS / "go-apk" / "skaffold.yaml"
    out = apply_offer(offer(path, "exec-form-entrypoint"), path)
    text = out[PROJECTS / "go-apk" / "Dockerfile"]
    assert text.endswith('ENTRYPOINT ["/app", "--config", "/etc/app/config.yaml"]\n')


def test_add_port_forward() -> None:
    path = PROJECTS / "go-argfrom" / "skaffold.yaml"
    o = offer(path, "add-port-forward")
    assert o.action.title == "Forward port 8080 of deployment/shop to localhost:8080"
    out = apply_offer(o, path)[path]
    expect(PROJECTS / "go-argfrom" / "expected" / "add-port-forward.yaml", out)
    assert errors_in(out, path) == []
    # the new entry is not offered again
    from .helpers import all_offers

    assert "add-port-forward" not in [x.action.name for x in all_offers(path, out)]


def test_helm_debug_switch_only_when_chart_has_one(tmp_path: Path) -> None:
    chart = PROJECTS / "helm-chart" / "chart"
    assert probe_switch(chart) == ("debug", True)
    path = PROJECTS / "helm-chart" / "skaffold.yaml"
    out = apply_offer(offer(path, "helm-debug-switch"), path)[path]
    expect(PROJECTS / "helm-chart" / "expected" / "helm-debug-switch.yaml", out)
    assert errors_in(out, path) == []
    # a chart whose probes are not guarded by a value gets no such action
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "d.yaml").write_text("livenessProbe:\n  httpGet: {path: /}\n", encoding="utf-8")
    assert probe_switch(tmp_path) is None
    (tmp_path / "templates" / "d.yaml").write_text(
        "{{- if .Values.probes.enabled }}\nlivenessProbe:\n  httpGet: {path: /}\n{{- end }}\n", encoding="utf-8")
    assert probe_switch(tmp_path) == ("probes.enabled", False)


@pytest.mark.parametrize(("project", "name"), [
    ("ko-app", "set-local-push"), ("ko-app", "add-ko-from-image"), ("helm-chart", "loopback-address"),
])
def test_check_fixes(project: str, name: str) -> None:
    path = PROJECTS / project / "skaffold.yaml"
    out = apply_offer(offer(path, name), path)[path]
    expect(PROJECTS / project / "expected" / f"{name}.yaml", out)
    assert errors_in(out, path) == []


def test_helm_debug_profile_name_is_unique(tmp_path: Path) -> None:
    import shutil

    folder = tmp_path / "helm-chart"
    shutil.copytree(PROJECTS / "helm-chart", folder, ignore=shutil.ignore_patterns("expected"))
    path = folder / "skaffold.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "profiles:\n- name: debug-algo-ability-api-no-probes\n",
                    encoding="utf-8")
    out = apply_offer(offer(path, "helm-debug-switch"), path)[path]
    assert "- name: debug-algo-ability-api-no-probes-2\n" in out

"""The project the debug bridge and `launch-config` load: artifacts, profiles, modules, requires."""

from __future__ import annotations

from pathlib import Path

import pytest

from skaffold_ls.config.project import SkaffoldArgs, load_project, parse_skaffold_args
from tests.conftest import EXAMPLES, require_shared

BASE = """\
apiVersion: skaffold/v4beta14
kind: Config
metadata:
  name: app
.anchors:
  img: &img app
build:
  local:
    push: false
  tagPolicy:
    gitCommit: {variant: Tags}
  artifacts:
  - image: *img
    context: src
    docker:
      dockerfile: Dockerfile.dev
      buildArgs: {A: "1"}
  - image: lib
    ko:
      dir: lib
      flags: ["-trimpath"]
deploy:
  kubectl:
    flags: {global: ["--v=1"]}
profiles:
- name: cluster
  build:
    cluster: {namespace: ci}
    tagPolicy:
      sha256: {}
- name: only-app
  build:
    artifacts:
    - image: app
      runtimeType: golang
  deploy:
    kubectl:
      defaultNamespace: dev
- name: patched
  patches:
  - op: replace
    path: /build/artifacts/0/context
    value: other
  - op: add
    path: /build/artifacts/-
    value: {image: extra, buildpacks: {builder: b}}
- name: broken
  patches:
  - path: /build/nothing/0
    value: x
- name: auto-env
  activation:
  - env: DEBUG_ME=^yes$
    command: debug
  build:
    tagPolicy:
      dateTime: {}
---
apiVersion: skaffold/v4beta14
kind: Config
metadata:
  name: second
build:
  artifacts:
  - image: second
    jib: {}
"""


@pytest.fixture
def proj(tmp_path: Path) -> Path:
    (tmp_path / "skaffold.yaml").write_text(BASE)
    return tmp_path


def test_artifacts_and_builders(proj: Path) -> None:
    p = load_project(proj, env={})
    arts = {a.image: a for a in p.artifacts}
    assert list(arts) == ["app", "lib", "second"]
    app = arts["app"]
    assert app.builder == "docker" and app.context == proj / "src"
    assert app.dockerfile == proj / "src" / "Dockerfile.dev" and app.build_args == {"A": "1"}
    assert arts["lib"].builder == "ko" and arts["lib"].ko_trimpath is not None
    assert arts["second"].builder == "jib"


def test_profile_overlay_semantics(proj: Path) -> None:
    cfg = load_project(proj, ["cluster"], env={}).configs[0].value.plain()
    assert "local" not in cfg["build"] and cfg["build"]["cluster"] == {"namespace": "ci"}  # oneOf replaced
    assert cfg["build"]["tagPolicy"] == {"sha256": {}}  # tagger replaced wholesale
    assert len(cfg["build"]["artifacts"]) == 2  # untouched
    cfg = load_project(proj, ["only-app"], env={}).configs[0].value.plain()
    assert cfg["build"]["artifacts"] == [{"image": "app", "runtimeType": "golang"}]  # lists replace
    assert cfg["build"]["local"] == {"push": False}  # structs (build) merge
    # deploy.kubectl is a pointer in skaffold's Go types: the profile's replaces it whole
    assert cfg["deploy"]["kubectl"] == {"defaultNamespace": "dev"}


def test_patches_and_errors(proj: Path) -> None:
    p = load_project(proj, ["patched"], env={})
    arts = {a.image: a for a in p.artifacts}
    assert arts["app"].context == proj / "other"
    assert arts["extra"].builder == "buildpacks"
    (problem,) = load_project(proj, ["broken"], env={}).errors()
    assert "invalid path: /build/nothing/0" in problem.message and problem.range is not None
    assert problem.range.start.line + 1 == 49  # the `path:` of the patch


def test_modules_and_missing(proj: Path) -> None:
    assert [c.name for c in load_project(proj, modules=["second"], env={}).configs] == ["second"]
    (problem,) = load_project(proj, modules=["nope"], env={}).errors()
    assert "did not find any configs matching selection ['nope']" in problem.message


def test_auto_activation_and_negation(proj: Path) -> None:
    assert load_project(proj, env={"DEBUG_ME": "yes"}).configs[0].profiles == ["auto-env"]
    assert load_project(proj, env={"DEBUG_ME": "yes"}, command="dev").configs[0].profiles == []
    assert load_project(proj, ["-auto-env"], env={"DEBUG_ME": "yes"}).configs[0].profiles == []
    assert load_project(proj, ["cluster,only-app"], env={}).configs[0].profiles == ["cluster", "only-app"]


def test_requires_with_active_profiles(tmp_path: Path) -> None:
    (tmp_path / "svc").mkdir()
    (tmp_path / "svc" / "skaffold.yaml").write_text(
        "apiVersion: skaffold/v4beta14\nkind: Config\nmetadata: {name: svc}\n"
        "build: {artifacts: [{image: svc}]}\n"
        "profiles: [{name: ko, build: {artifacts: [{image: svc, ko: {}}]}}]\n")
    (tmp_path / "skaffold.yaml").write_text(
        "apiVersion: skaffold/v4beta14\nkind: Config\nmetadata: {name: root}\n"
        "requires: [{path: svc, activeProfiles: [{name: ko, activatedBy: [fast]}]}]\n"
        "profiles: [{name: fast}]\n")
    assert [a.builder for a in load_project(tmp_path, env={}).artifacts] == ["docker"]
    p = load_project(tmp_path, ["fast"], env={})
    assert [c.name for c in p.configs] == ["svc", "root"]  # dependencies first
    assert [(a.image, a.builder, a.context) for a in p.artifacts] == [("svc", "ko", tmp_path / "svc")]


def test_bad_yaml_and_missing_file(tmp_path: Path) -> None:
    (tmp_path / "skaffold.yaml").write_text("build: [\n")
    (_path, finding), = load_project(tmp_path).syntax_findings()
    assert finding.code == "yaml-syntax"
    (missing,) = load_project(tmp_path / "nope.yaml").errors()
    assert missing.code == "config-not-found" and "no such file" in missing.message


def test_parse_skaffold_args() -> None:
    got = parse_skaffold_args(["-p", "a,b", "--profile=c", "-f", "x.yaml", "-m", "m1", "--kube-context", "k", "--tail"])
    assert got == SkaffoldArgs("x.yaml", ["a", "b", "c"], ["m1"], "k")


def test_upstream_examples_load() -> None:
    """Every upstream example that needs no remote config loads and lists its artifacts."""
    root = require_shared(EXAMPLES)
    loaded = 0
    for f in sorted(root.glob("*/skaffold.yaml")):
        text = f.read_text()
        if "git:" in text or "googleCloudStorage" in text:
            continue
        project = load_project(f, env={})
        if any(p.code == "requires-missing" for p in project.errors()):
            continue  # a requires path into a folder not copied here
        assert project.errors() == [] and project.syntax_findings() == [], f
        for a in project.artifacts:
            assert a.image and a.builder in ("docker", "ko", "buildpacks", "jib", "bazel", "custom", "kaniko")
        loaded += 1
    assert loaded > 20

"""Profiles as skaffold applies them: activation, overlay by Go type, patches by yaml-patch rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from skaffold_ls.config.activation import RunContext, activated, describe_activation, profiles_of, regex_equal
from skaffold_ls.config.loader import apply_profiles
from skaffold_ls.config.sources import config_file
from skaffold_ls.config.values import Value
from skaffold_ls.core.yamldoc import parse


def config(text: str) -> Value:
    doc = config_file(parse(text), Path("/w/skaffold.yaml")).documents[0]
    assert doc.value is not None
    return doc.value


def applied(text: str, *names: str) -> tuple[dict, list[str]]:
    value, problems = apply_profiles(config(text), names, Path("/w/skaffold.yaml"))
    return value.plain(), [p.message for p in problems]


BASE = """\
apiVersion: skaffold/v4beta14
kind: Config
build:
  artifacts:
  - image: app
    docker: {dockerfile: Dockerfile}
  local: {push: false}
  tagPolicy: {sha256: {}}
manifests:
  rawYaml: [k8s/*.yaml]
deploy:
  kubectl: {defaultNamespace: dev, flags: {apply: [--force]}}
  statusCheck: true
  tolerateFailuresUntilDeadline: true
  logs: {prefix: container}
"""


def test_a_pointer_struct_is_replaced_whole_not_merged() -> None:
    # deploy.kubectl is a *KubectlDeploy: the profile's replaces it, defaultNamespace is gone.
    data, _ = applied(BASE + "profiles:\n- name: p\n  deploy:\n    kubectl: {flags: {apply: [--dry-run]}}\n", "p")
    assert data["deploy"]["kubectl"] == {"flags": {"apply": ["--dry-run"]}}


def test_structs_held_by_value_merge_field_by_field() -> None:
    # deploy is a struct: setting deploy.helm keeps deploy.kubectl (two deployers, as skaffold does).
    data, _ = applied(BASE + "profiles:\n- name: p\n  deploy:\n    helm: {releases: [{name: r, chartPath: c}]}\n",
                      "p")
    assert set(data["deploy"]) >= {"kubectl", "helm", "statusCheck", "logs"}


def test_one_of_groups_replace_the_whole_group() -> None:
    data, _ = applied(BASE + "profiles:\n- name: p\n  build:\n    googleCloudBuild: {projectId: x}\n"
                             "    tagPolicy: {gitCommit: {}}\n", "p")
    assert "local" not in data["build"] and data["build"]["googleCloudBuild"] == {"projectId": "x"}
    assert data["build"]["tagPolicy"] == {"gitCommit": {}}
    assert data["build"]["artifacts"][0]["image"] == "app"  # untouched fields stay


def test_go_zero_values_do_not_override() -> None:
    # An empty list, an empty string and false leave the config's value; *bool false does override.
    data, _ = applied(BASE + "profiles:\n- name: p\n  manifests: {rawYaml: []}\n"
                             "  deploy: {tolerateFailuresUntilDeadline: false, statusCheck: false, logs: {prefix: ''}}\n",
                      "p")
    assert data["manifests"]["rawYaml"] == ["k8s/*.yaml"]
    assert data["deploy"]["tolerateFailuresUntilDeadline"] is True
    assert data["deploy"]["statusCheck"] is False
    assert data["deploy"]["logs"]["prefix"] == "container"


def test_lists_replace() -> None:
    data, _ = applied(BASE + "profiles:\n- name: p\n  build:\n    artifacts: [{image: other}]\n", "p")
    assert [a["image"] for a in data["build"]["artifacts"]] == ["other"]


def test_patches_follow_the_overlay_and_each_other() -> None:
    data, problems = applied(BASE + """\
profiles:
- name: p
  build:
    artifacts: [{image: a}, {image: b, docker: {}}]
  patches:
  - {op: replace, path: /build/artifacts/1/docker, value: {dockerfile: Dockerfile.dev}}
  - {op: add, path: /build/artifacts/-, value: {image: c}}
  - {op: remove, path: /build/artifacts/0}
  - {op: copy, from: /deploy/kubectl, path: /deploy/copied}
""", "p")
    assert problems == []
    assert [a["image"] for a in data["build"]["artifacts"]] == ["b", "c"]
    assert data["build"]["artifacts"][0]["docker"] == {"dockerfile": "Dockerfile.dev"}
    assert data["deploy"]["copied"] == data["deploy"]["kubectl"]


@pytest.mark.parametrize(("patch", "reason"), [
    ("{op: replace, path: /build/artifacts/3/docker/dockerfile, value: x}", "has 1 item(s), no index 3"),
    ("{op: replace, path: /build/artifacts/0/ko/main, value: x}", "no `ko` under `/build/artifacts/0`"),
    ("{op: replace, path: /build/artifacts/0/context, value: x}", "no `context` under `/build/artifacts/0`"),
    ("{op: remove, path: /deploy/helm}", "no `helm` under `/deploy` to remove"),
    ("{op: add, path: /build/artifacts/5, value: {image: x}}", "cannot add at index 5"),
    ("{op: add, path: build/artifacts/0, value: {}}", "starts with `/`"),
    ("{op: frobnicate, path: /build}", "unknown op `frobnicate`"),
])
def test_a_patch_that_does_not_apply_is_skaffolds_invalid_path(patch: str, reason: str) -> None:
    _, problems = applied(BASE + f"profiles:\n- name: p\n  patches:\n  - {patch}\n", "p")
    assert len(problems) == 1 and reason in problems[0] and "invalid path" in problems[0]


def test_extended_key_value_path_step() -> None:
    data, problems = applied(BASE + "profiles:\n- name: p\n  patches:\n"
                                    "  - {op: add, path: /build/artifacts/image=app/context, value: svc}\n"
                                    "  - {op: replace, path: /build/artifacts/image=app/context, value: svc2}\n", "p")
    assert problems == [] and data["build"]["artifacts"][0]["context"] == "svc2"


def test_provenance_of_overlaid_and_patched_values() -> None:
    text = BASE + "profiles:\n- name: p\n  deploy:\n    kubeContext: kind\n  patches:\n" \
                  "  - {op: replace, path: /build/artifacts/0/docker/dockerfile, value: D2}\n"
    value, _ = apply_profiles(config(text), ["p"], Path("/w/skaffold.yaml"))
    ctx = value.at("deploy", "kubeContext")
    df = value.at("build", "artifacts", 0, "docker", "dockerfile")
    image = value.at("build", "artifacts", 0, "image")
    assert ctx is not None and ctx.origin.profile == "p" and ctx.origin.patch is None
    assert df is not None and (df.origin.profile, df.origin.patch) == ("p", 0)
    assert df.origin.describe(Path("/w")) == "profile p, patch 1 (skaffold.yaml:21)"
    assert image is not None and image.origin.profile is None and image.origin.describe(Path("/w")) == "skaffold.yaml:5"


def test_null_means_absent() -> None:
    v = config("apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  googleCloudBuild:\n  local: {}\n"
               "  artifacts:\n  - image: a\n    docker:\n")
    assert set(v.at("build").plain()) == {"local", "artifacts"}  # type: ignore[union-attr]
    assert v.at("build", "artifacts", 0).plain() == {"image": "a"}  # type: ignore[union-attr]


ACTIVATION = """\
apiVersion: skaffold/v4beta14
kind: Config
profiles:
- name: on-debug
  activation: [{command: debug}]
- name: prod-env
  activation: [{env: ENV=prod}]
- name: unset-env
  activation: [{env: ENV=}]
- name: not-kind
  activation: [{kubeContext: '!kind-.*'}]
- name: both
  requiresAllActivations: true
  activation: [{command: debug}, {env: ENV=prod}]
- name: manual
"""


@pytest.mark.parametrize(("run", "named", "expected"), [
    (RunContext(command="dev"), [], ["unset-env"]),
    (RunContext(command="debug", env={"ENV": "prod"}), [], ["on-debug", "prod-env", "both"]),
    (RunContext(command="debug", env={"ENV": "production"}), [], ["on-debug", "prod-env", "both"]),
    (RunContext(command="dev", kube_context="gke_x"), [], ["unset-env", "not-kind"]),
    (RunContext(command="dev", kube_context="kind-dev"), [], ["unset-env"]),
    (RunContext(command="debug"), [("manual", "-p"), ("-on-debug", "-p")], ["unset-env", "manual"]),
    (RunContext(command="debug", auto_activation=False), [("manual", "-p"), ("nope", "-p")], ["manual"]),
])
def test_activation(run: RunContext, named: list[tuple[str, str]], expected: list[str]) -> None:
    active, states = activated(config(ACTIVATION), named, run)
    assert active == expected
    assert [s.name for s in states if s.active] == [n for n, _ in profiles_of(config(ACTIVATION)) if n in expected]


def test_activation_reasons_say_why() -> None:
    _, states = activated(config(ACTIVATION), [], RunContext(command="dev", env={"ENV": "staging"}))
    why = {s.name: s.reason for s in states}
    assert why["on-debug"] == "command `debug` does not match `dev`"
    assert why["prod-env"] == "env `ENV=prod` does not hold (`ENV=staging`)"
    assert why["manual"] == "no `activation`: only active when named"
    assert "no current kube context" in why["not-kind"]


def test_describe_activation_for_code_lenses() -> None:
    described = {n: describe_activation(p) for n, p in profiles_of(config(ACTIVATION))}
    assert described == {
        "on-debug": "active on `skaffold debug`",
        "prod-env": "active when `ENV=prod`",
        "unset-env": "active when `ENV=`",
        "not-kind": "active outside kube context `kind-.*`",
        "both": "active on `skaffold debug` and when `ENV=prod`",
        "manual": "never active by itself (only with -p)",
    }


@pytest.mark.parametrize(("expected", "actual", "result"), [
    ("dev", "dev", True), ("de", "dev", True), ("^de$", "dev", False), ("!dev", "dev", False),
    ("!!dev", "dev", True), ("(?=x)", "(?=x)", True), ("(?=x)", "x", False), ("[", "[", True),
])
def test_regex_equal_is_skaffolds(expected: str, actual: str, result: bool) -> None:
    assert regex_equal(expected, actual) is result


def test_patches_never_change_the_document_they_patch() -> None:
    # The loader applies a config's profiles every time it is reached (and the editor on every
    # analysis, from documents cached by `Sources`): patching must copy, or an `add` lands twice.
    doc = config(BASE + "profiles:\n- name: p\n  patches:\n"
                        "  - {op: add, path: /manifests/rawYaml/1, value: extra/*.yaml}\n"
                        "  - {op: replace, path: /build/artifacts/0/docker/dockerfile, value: D2}\n"
                        "  - {op: move, from: /deploy/kubectl/defaultNamespace, path: /deploy/kubectl/ns}\n")
    before = doc.plain()
    for _ in range(2):
        value, problems = apply_profiles(doc, ["p"], Path("/w/skaffold.yaml"))
        assert problems == []
        assert value.at("manifests", "rawYaml").plain() == ["k8s/*.yaml", "extra/*.yaml"]  # type: ignore[union-attr]
        assert value.text_at("build", "artifacts", 0, "docker", "dockerfile") == "D2"
        assert value.text_at("deploy", "kubectl", "ns") == "dev"
    assert doc.plain() == before

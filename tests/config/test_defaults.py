"""skaffold's defaults (defaults.go `Set`, `SetDefaultRenderer`, `SetDefaultDeployer`), each marked as one."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from skaffold_ls.config.defaults import set_default_renderer_and_deployer, set_defaults
from skaffold_ls.config.sources import config_file
from skaffold_ls.config.values import Value, copy_value
from skaffold_ls.core.yamldoc import parse

HEAD = "apiVersion: skaffold/v4beta14\nkind: Config\n"


def config(text: str) -> Value:
    doc = config_file(parse(text), Path("/w/skaffold.yaml")).documents[0]
    assert doc.value is not None
    return copy_value(doc.value)


def defaulted(text: str) -> tuple[dict[str, Any], Value, list[str]]:
    value = config(HEAD + text)
    filled = set_defaults(value, Path("/w/skaffold.yaml"))
    return value.plain(), value, [p.code for p in filled.problems]


def is_default(value: Value, *path: str | int) -> bool:
    v = value.at(*path)
    assert v is not None, path
    return v.origin.default


def test_an_empty_config_gets_local_build_git_tagger_and_log_prefix() -> None:
    data, value, problems = defaulted("")
    # defaultToLocalBuild, setDefaultTagger, setDefaultLogsConfig; no artifacts: no local concurrency.
    assert data["build"] == {"local": {}, "tagPolicy": {"gitCommit": {}}}
    assert data["deploy"] == {"logs": {"prefix": "container"}}
    assert problems == []
    assert all(v.origin.default for p, v in value.walk() if p and p[0] in ("build", "deploy"))


def test_written_values_are_kept_and_not_marked() -> None:
    data, value, _ = defaulted("build:\n  tagPolicy: {sha256: {}}\n  googleCloudBuild: {projectId: p}\n"
                               "deploy:\n  logs: {prefix: auto}\n")
    assert data["build"]["tagPolicy"] == {"sha256": {}}
    assert "local" not in data["build"]  # a build environment is set: no local default
    assert data["deploy"]["logs"]["prefix"] == "auto" and not is_default(value, "deploy", "logs", "prefix")
    # Cloud Build's images are filled in (setDefaultCloudBuild*Image).
    assert data["build"]["googleCloudBuild"] == {
        "projectId": "p", "dockerImage": "gcr.io/cloud-builders/docker", "mavenImage": "gcr.io/cloud-builders/mvn",
        "gradleImage": "gcr.io/cloud-builders/gradle", "kanikoImage": "gcr.io/kaniko-project/executor:latest",
        "packImage": "gcr.io/k8s-skaffold/pack", "koImage": "gcr.io/k8s-skaffold/skaffold"}


def test_an_empty_string_takes_the_default_like_gos_value_or_default() -> None:
    data, _, _ = defaulted("build:\n  artifacts:\n  - image: a\n    context: ''\n    docker: {dockerfile: ''}\n")
    assert data["build"]["artifacts"][0]["context"] == "."
    assert data["build"]["artifacts"][0]["docker"] == {"dockerfile": "Dockerfile"}


def test_artifacts_get_context_docker_builder_and_local_concurrency() -> None:
    data, value, _ = defaulted("build:\n  artifacts:\n  - image: a\n  - image: b\n    ko: {}\n"
                               "  - image: c\n    requires: [{image: a}, {image: b, alias: B}]\n")
    a, b, c = data["build"]["artifacts"]
    assert a == {"image": "a", "context": ".", "docker": {"dockerfile": "Dockerfile"}}
    assert b == {"image": "b", "ko": {}, "context": "."}  # ko has no defaults in Set
    assert c["requires"] == [{"image": "a", "alias": "a"}, {"image": "b", "alias": "B"}]  # alias defaults to the image
    assert data["build"]["local"] == {"concurrency": 1}
    assert is_default(value, "build", "artifacts", 0, "docker") and not is_default(value, "build", "artifacts", 0, "image")


def test_under_build_cluster_artifacts_default_to_kaniko_with_its_defaults() -> None:
    data, _, _ = defaulted("build:\n  cluster: {namespace: ns}\n  artifacts:\n  - image: a\n"
                           "  - image: b\n    kaniko: {cache: {}, copyMaxRetries: 0}\n  - image: c\n    custom: {}\n")
    a, b, c = data["build"]["artifacts"]
    assert a["kaniko"] == {"image": "gcr.io/kaniko-project/executor:latest", "dockerfile": "Dockerfile",
                           "initImage": "gcr.io/k8s-skaffold/skaffold-helpers/busybox",
                           "digestFile": "/dev/termination-log", "copyMaxRetries": 3, "copyTimeout": "5m",
                           "buildContextCompressionLevel": 1}
    assert "docker" not in a
    # A pointer written as 0 stays 0; a cache gets cacheRunLayers.
    assert b["kaniko"]["copyMaxRetries"] == 0 and b["kaniko"]["cache"] == {"cacheRunLayers": True}
    # custom builds stay custom (and get their dependencies default).
    assert "kaniko" not in c and c["custom"] == {"dependencies": {"paths": ["."]}}
    assert data["build"]["cluster"] == {"namespace": "ns", "timeout": "20m", "pullSecretMountPath": "/secret"}


def test_cluster_namespace_is_not_looked_up_and_a_note_says_so() -> None:
    value = config(HEAD + "build:\n  cluster:\n    pullSecretPath: ~/key.json\n    randomDockerConfigSecret: true\n"
                          "    dockerConfig: {path: ~/.docker/config.json}\n")
    filled = set_defaults(value)
    cluster = value.at("build", "cluster")
    assert cluster is not None and "namespace" not in (cluster.mapping or {})
    assert any("namespace" in n for n in filled.notes)
    secret = cluster.get("pullSecretPath")
    assert secret is not None and secret.text == str(Path.home() / "key.json") and secret.written == "~/key.json"
    assert cluster.text_at("pullSecretName") == "kaniko-secret"
    assert cluster.text_at("dockerConfig", "secretName") == "docker-cfg<random UUID>"


def test_sync_defaults() -> None:
    data, _, _ = defaulted("build:\n  artifacts:\n  - {image: a, sync: {}}\n  - {image: b, jib: {}, sync: {}}\n"
                           "  - {image: c, buildpacks: {builder: x}}\n  - {image: d, sync: {manual: [{src: x, dest: y}]}}\n")
    a, b, c, d = data["build"]["artifacts"]
    assert a["sync"] == {"infer": ["**/*"]}
    assert b["sync"] == {"auto": True}
    assert c["sync"] == {"auto": True}  # buildpacks without sync: auto sync
    assert d["sync"] == {"manual": [{"src": "x", "dest": "y"}]}


def test_buildpacks_defaults() -> None:
    data, _, _ = defaulted("build:\n  artifacts:\n  - {image: a, buildpacks: {}}\n"
                           "  - {image: b, buildpacks: {buildpacks: [x]}}\n")
    a, b = data["build"]["artifacts"]
    assert a["buildpacks"] == {"projectDescriptor": "project.toml", "dependencies": {"paths": ["."]},
                               "builder": "gcr.io/buildpacks/builder:v1", "trustBuilder": True}
    assert "builder" not in b["buildpacks"]  # buildpacks named: no default builder


def test_helm_concurrency_and_port_forward() -> None:
    data, _, problems = defaulted("deploy:\n  helm:\n    releases: [{name: r, chartPath: c}]\n"
                                  "portForward:\n- {resourceType: service, resourceName: s, port: 8080}\n"
                                  "- {resourceType: service, resourceName: t, port: http, address: 0.0.0.0}\n")
    assert data["deploy"]["helm"]["concurrency"] == 1
    assert data["portForward"][0]["localPort"] == 8080 and data["portForward"][0]["address"] == "127.0.0.1"
    assert "localPort" not in data["portForward"][1] and data["portForward"][1]["address"] == "0.0.0.0"
    assert problems == []


def test_test_cases_get_their_context() -> None:
    data, _, _ = defaulted("test:\n- image: a\n  structureTests: [t.yaml]\n")
    assert data["test"][0]["context"] == "."


@pytest.mark.parametrize(("releases", "code"), [
    ("[{name: a, chartPath: c}, {name: a, chartPath: d}]", "helm-release-duplicate"),
    ("[{name: a, chartPath: c, dependsOn: [x]}, {name: b, chartPath: d}]", "helm-depends-on-unknown"),
    ("[{name: a, chartPath: c, dependsOn: [b]}, {name: b, chartPath: d, dependsOn: [a]}]", "helm-depends-on-cycle"),
])
def test_helm_release_graph_errors(releases: str, code: str) -> None:
    # setHelmDefaults builds helm.NewDependencyGraph for more than one release: these stop skaffold.
    _, _, problems = defaulted(f"deploy:\n  helm:\n    releases: {releases}\n")
    assert problems == [code]


def test_an_empty_port_forward_entry_is_skaffolds_error() -> None:
    _, _, problems = defaulted("portForward:\n-\n")
    assert problems == ["port-forward-empty"]


def test_wrong_types_are_left_alone() -> None:
    data, _, problems = defaulted("build: [1]\ndeploy: x\nportForward: {a: b}\ntest: 3\n")
    assert data == {"apiVersion": "skaffold/v4beta14", "kind": "Config", "build": [1], "deploy": "x",
                    "portForward": {"a": "b"}, "test": 3}
    assert problems == []


# -- the default renderer and deployer (one config only) ----------------------------------------


def lone(text: str, version: str = "skaffold/v4beta14") -> dict[str, Any]:
    value = config(f"apiVersion: {version}\nkind: Config\n" + text)
    set_default_renderer_and_deployer(value, version)
    return value.plain()


@pytest.mark.parametrize(("text", "manifests", "deploy"), [
    # Nothing rendered: k8s/*.yaml, then the kubectl deployer.
    ("", {"rawYaml": ["k8s/*.yaml"]}, {"kubectl": {}}),
    # rawYaml without kubectl or cloudrun: kubectl is added.
    ("manifests: {rawYaml: [a.yaml]}\n", {"rawYaml": ["a.yaml"]}, {"kubectl": {}}),
    ("manifests: {rawYaml: [a.yaml]}\ndeploy: {cloudrun: {}}\n", {"rawYaml": ["a.yaml"]}, {"cloudrun": {}}),
    # kustomize or helm renders: no rawYaml; the deployer still defaults to kubectl.
    ("manifests: {kustomize: {}}\n", {"kustomize": {}}, {"kubectl": {}}),
    ("manifests: {helm: {releases: []}}\n", {"helm": {"releases": []}}, {"kubectl": {}}),
    # deploy.helm renders and deploys itself.
    ("deploy: {helm: {releases: []}}\n", None, {"helm": {"releases": []}}),
    ("deploy: {docker: {images: [a]}}\n", None, {"docker": {"images": ["a"]}}),
    # kpt renders: neither rawYaml nor a kubectl for it, but still the default deployer.
    ("manifests: {kpt: [k]}\n", {"kpt": ["k"]}, {"kubectl": {}}),
])
def test_default_renderer_and_deployer(text: str, manifests: Any, deploy: Any) -> None:
    data = lone(text)
    assert data.get("manifests") == manifests
    assert data.get("deploy") == deploy


def test_before_v3_the_default_manifests_go_to_deploy_kubectl() -> None:
    # skaffold's v2beta29 upgrade moves deploy.kubectl.manifests to manifests.rawYaml.
    assert lone("", "skaffold/v2beta29") == {"apiVersion": "skaffold/v2beta29", "kind": "Config",
                                            "deploy": {"kubectl": {"manifests": ["k8s/*.yaml"]}}}
    assert lone("deploy: {kubectl: {flags: {}}}\n", "skaffold/v2beta10")["deploy"] == {
        "kubectl": {"flags": {}, "manifests": ["k8s/*.yaml"]}}
    assert lone("deploy: {kustomize: {}}\n", "skaffold/v2beta10")["deploy"] == {"kustomize": {}}

"""The effective configuration: profiles dropped, defaults in, a required config's paths as skaffold
resolves them, skaffold's errors at this stage, and the kube context read only when it matters."""

from __future__ import annotations

from pathlib import Path

from skaffold_ls.config.activation import RunContext
from skaffold_ls.config.effective import is_filepath_field, load_effective
from skaffold_ls.config.loader import LoadRequest
from skaffold_ls.config.sources import Sources

from .helpers import HEAD, write


def effective(root: Path, *profiles: str, run: RunContext | None = None, defaults: bool = True,
              reader=None, latest: str | None = None):  # type: ignore[no-untyped-def]
    request = LoadRequest(root / "skaffold.yaml", profiles, (), run or RunContext(), root)
    return load_effective(Sources(), request, latest, defaults, reader)


def test_profiles_are_applied_and_dropped(tmp_path: Path) -> None:
    write(tmp_path, {"skaffold.yaml": HEAD + "build:\n  artifacts: [{image: a}]\nprofiles:\n- name: p\n"
                                             "  patches: [{op: add, path: /build/artifacts/-, value: {image: b}}]\n"})
    eff = effective(tmp_path, "p", defaults=False)
    (cfg,) = eff.configs
    assert "profiles" not in (cfg.value.mapping or {})  # skaffold clears the section once applied
    assert [a.text_at("image") for a in cfg.value.at("build", "artifacts").items] == ["a", "b"]  # type: ignore[union-attr]
    added = cfg.value.at("build", "artifacts", 1, "image")
    assert added is not None and (added.origin.profile, added.origin.patch) == ("p", 0)


def test_a_required_configs_paths_resolve_against_its_folder_shown_from_the_run_directory(tmp_path: Path) -> None:
    write(tmp_path, {
        "skaffold.yaml": HEAD + "requires: [{path: svc}]\nbuild:\n  artifacts: [{image: root, context: web}]\n",
        "svc/skaffold.yaml": HEAD + """\
requires: [{path: ../lib/skaffold.yaml}]
build:
  artifacts:
  - image: svc
    context: ../
    kaniko: {contextSubPath: sub}
    hooks: {before: [{host: {command: [x], dir: scripts}}]}
manifests:
  rawYaml: [k8s/*.yaml, /abs/m.yaml, '']
  kustomize: {paths: [overlays/dev]}
  helm: {releases: [{name: r, chartPath: chart, valuesFiles: [v.yaml], setFiles: {k: f.txt}}]}
test: [{image: svc, structureTests: [t.yaml], custom: [{command: x, dependencies: {paths: ['**/*.go']}}]}]
""",
        "lib/skaffold.yaml": HEAD + "metadata: {name: lib}\n",
    })
    eff = effective(tmp_path, defaults=False)
    svc = next(c for c in eff.configs if c.file == tmp_path / "svc" / "skaffold.yaml")
    v = svc.value
    assert v.text_at("requires", 0, "path") == "lib/skaffold.yaml"
    assert v.text_at("build", "artifacts", 0, "context") == "."
    assert v.at("build", "artifacts", 0, "context").written == "../"  # type: ignore[union-attr]
    assert v.text_at("build", "artifacts", 0, "kaniko", "contextSubPath") == "svc/sub"
    assert v.text_at("build", "artifacts", 0, "hooks", "before", 0, "host", "dir") == "svc/scripts"
    assert [i.text for i in v.at("manifests", "rawYaml").items] == ["svc/k8s/*.yaml", "/abs/m.yaml", ""]  # type: ignore[union-attr]
    assert v.text_at("manifests", "kustomize", "paths", 0) == "svc/overlays/dev"
    release = v.at("manifests", "helm", "releases", 0)
    assert release is not None and release.plain() == {
        "name": "r", "chartPath": "svc/chart", "valuesFiles": ["svc/v.yaml"], "setFiles": {"k": "svc/f.txt"}}
    assert v.text_at("test", 0, "structureTests", 0) == "svc/t.yaml"
    # Not a `filepath` field: relative to the test's context, left as written.
    assert v.text_at("test", 0, "custom", 0, "dependencies", "paths", 0) == "**/*.go"
    # The root config's paths stay as written: skaffold resolves them against the run directory.
    root = next(c for c in eff.configs if c.loaded.is_root)
    assert root.value.text_at("build", "artifacts", 0, "context") == "web"
    # The resolved value keeps where it was written.
    ctx = v.at("build", "artifacts", 0, "context")
    assert ctx is not None and ctx.origin.file == tmp_path / "svc" / "skaffold.yaml" and ctx.origin.line == 7  # `context: ../` (1-based)


def test_filepath_fields() -> None:
    assert is_filepath_field(("deploy", "helm", "releases", 2, "valuesFiles", 0))
    assert is_filepath_field(("deploy", "hooks", "after", 0, "host", "dir"))
    assert is_filepath_field(("build", "artifacts", 0, "sync", "hooks", "before", 1, "host", "dir"))
    assert not is_filepath_field(("build", "artifacts", 0, "docker", "dockerfile"))  # relative to the context
    assert not is_filepath_field(("build", "artifacts", "x", "context"))


def test_defaults_are_filled_in_and_marked(tmp_path: Path) -> None:
    write(tmp_path, {"skaffold.yaml": HEAD + "build:\n  artifacts: [{image: a}]\n"})
    (cfg,) = effective(tmp_path).configs
    dockerfile = cfg.value.at("build", "artifacts", 0, "docker", "dockerfile")
    assert dockerfile is not None and dockerfile.origin.default and dockerfile.text == "Dockerfile"
    # A lone config: the default renderer and deployer.
    assert cfg.value.at("manifests", "rawYaml").plain() == ["k8s/*.yaml"]  # type: ignore[union-attr]
    assert cfg.value.at("deploy", "kubectl").plain() == {}  # type: ignore[union-attr]


def test_no_default_renderer_with_several_configs(tmp_path: Path) -> None:
    write(tmp_path, {"skaffold.yaml": HEAD + "metadata: {name: a}\n---\n" + HEAD + "metadata: {name: b}\n"})
    eff = effective(tmp_path)
    assert [c.name for c in eff.configs] == ["a", "b"]
    assert all(c.value.at("manifests") is None and c.value.at("deploy", "kubectl") is None for c in eff.configs)
    assert any("only when a single config" in n for n in eff.notes)


def test_an_older_api_version_gets_a_note(tmp_path: Path) -> None:
    write(tmp_path, {"skaffold.yaml": "apiVersion: skaffold/v4beta1\nkind: Config\n"})
    (cfg,) = effective(tmp_path, latest="skaffold/v4beta14").configs
    assert any("older than skaffold/v4beta14" in n for n in cfg.notes)
    write(tmp_path, {"skaffold.yaml": HEAD})
    assert effective(tmp_path, latest="skaffold/v4beta14").configs[0].notes == []


PROFILES = HEAD + """\
profiles:
- name: on-minikube
  activation: [{kubeContext: minikube}]
- name: staging
  deploy: {kubeContext: staging}
"""


def test_the_kube_context_is_read_only_when_a_profile_activates_on_one(tmp_path: Path) -> None:
    calls: list[int] = []

    def reader() -> str | None:
        calls.append(1)
        return "minikube"

    write(tmp_path, {"skaffold.yaml": HEAD + "profiles:\n- name: p\n  activation: [{command: dev}]\n"})
    eff = effective(tmp_path, reader=reader)
    assert calls == [] and eff.kube_context_note.startswith("not read")
    write(tmp_path, {"skaffold.yaml": PROFILES})
    eff = effective(tmp_path, reader=reader)
    assert calls == [1] and eff.kube_context_note == "minikube (current context in kubeconfig)"
    assert eff.configs[0].loaded.profiles == ["on-minikube"]


def test_profiles_activated_by_kubeconfig_contradicting_deploy_kube_context_stop_skaffold(tmp_path: Path) -> None:
    # profiles.go checkKubeContextConsistency: on-minikube was activated by the current context,
    # but staging makes deploy.kubeContext `staging`.
    write(tmp_path, {"skaffold.yaml": PROFILES})
    eff = effective(tmp_path, "staging", reader=lambda: "minikube")
    (problem,) = eff.problems
    assert problem.code == "kube-context-mismatch" and problem.fatal
    assert problem.range is not None and problem.range.start.line == 6  # `kubeContext: staging`
    assert '"on-minikube"' in problem.message and '"staging"' in problem.message
    # --kube-context takes precedence: no error.
    run = RunContext(kube_context="minikube", kube_context_from="--kube-context")
    assert effective(tmp_path, "staging", run=run).problems == []


def test_patch_errors_are_reported_and_the_rest_still_loads(tmp_path: Path) -> None:
    write(tmp_path, {"skaffold.yaml": HEAD + "build:\n  artifacts: [{image: a}]\nprofiles:\n- name: p\n  patches:\n"
                                             "  - {op: replace, path: /build/artifacts/3/context, value: x}\n"})
    eff = effective(tmp_path, "p")
    assert [p.code for p in eff.fatal] == ["patch-path-unresolved"]
    assert eff.configs[0].value.text_at("build", "artifacts", 0, "image") == "a"

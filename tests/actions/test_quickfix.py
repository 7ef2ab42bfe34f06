"""Quick fixes from schema diagnostics, applied through the pure API."""

from __future__ import annotations

from pathlib import Path

from .helpers import PROJECTS, all_offers, apply_offer, errors_in

HEAD = "apiVersion: skaffold/v4beta14\nkind: Config\n"


def fixes(tmp_path: Path, text: str, name: str) -> list[str]:
    """Each `name` action applied on its own to `text` (a file in tmp_path)."""
    path = tmp_path / "skaffold.yaml"
    path.write_text(text, encoding="utf-8")
    return [apply_offer(o, path, text)[path] for o in all_offers(path, text) if o.action.name == name]


def test_rename_to_suggestion_keeps_comments(tmp_path: Path) -> None:
    text = HEAD + "build:\n  artifacts:\n  - image: app  # main image\n    contxt: src  # the sources\n"
    [out] = fixes(tmp_path, text, "rename-key")
    assert out == text.replace("contxt:", "context:")
    assert errors_in(out) == []


def test_remove_unknown_key(tmp_path: Path) -> None:
    text = HEAD + "build:\n  artifacts:\n  - image: app\n    bogus:\n      deep: 1\n    context: .\n"
    [out] = fixes(tmp_path, text, "remove-key")
    assert out == HEAD + "build:\n  artifacts:\n  - image: app\n    context: .\n"
    text = HEAD + "build:\n  artifacts:\n  - xyzzy: 1\n    image: app\n"
    [out] = fixes(tmp_path, text, "remove-key")
    assert out == HEAD + "build:\n  artifacts:\n  - image: app\n"


def test_add_required_with_placeholder(tmp_path: Path) -> None:
    text = HEAD + "build:\n  artifacts:\n  - context: src\n    docker: {}\nprofiles:\n- activation:\n  - command: dev\n"
    outs = fixes(tmp_path, text, "add-required")
    assert len(outs) == 2
    assert HEAD + "build:\n  artifacts:\n  - context: src\n    docker: {}\n    image: CHANGE_ME\n" in outs[0] + outs[1]
    assert any("  name: CHANGE_ME\n" in o for o in outs)
    assert all(errors_in(o) for o in outs)  # one required key still missing in each
    text2 = "kind: Config\nbuild: {}\n"
    [out] = fixes(tmp_path, text2, "add-required")
    assert out.startswith("apiVersion: skaffold/v4beta14\nkind: Config\n")


def test_move_kubectl_manifests_on_a_current_version(tmp_path: Path) -> None:
    text = HEAD + "deploy:\n  kubectl:\n    manifests:  # old place\n    - k8s/*.yaml  # all\n"
    [out] = fixes(tmp_path, text, "move-field")
    assert out == HEAD + "manifests:\n  rawYaml:  # old place\n  - k8s/*.yaml  # all\ndeploy:\n  kubectl: {}\n"
    assert errors_in(out) == []


def test_move_helm_artifact_overrides(tmp_path: Path) -> None:
    text = HEAD + ("deploy:\n  helm:\n    releases:\n    - name: r\n      chartPath: c\n"
                   "      artifactOverrides:\n        image: app\n")
    [out] = fixes(tmp_path, text, "move-field")
    assert 'setValueTemplates:\n        image: "{{.IMAGE_FULLY_QUALIFIED_app}}"\n' in out
    assert errors_in(out) == []


def test_move_ko_platforms_and_rename_resource_filter_type(tmp_path: Path) -> None:
    text = ("apiVersion: skaffold/v2beta28\nkind: Config\nbuild:\n  artifacts:\n  - image: app\n    ko:\n"
            "      platforms: [linux/arm64]\n      main: ./cmd\n")
    [out] = fixes(tmp_path, text, "move-field")
    assert errors_in(out) == []
    assert "platforms: [linux/arm64]" in out and "ko:\n      main: ./cmd" in out
    text = ("apiVersion: skaffold/v2beta28\nkind: Config\nresourceSelector:\n  allow:\n"
            "  - type: Foo\n    image: [.*]\n")
    [out] = fixes(tmp_path, text, "rename-key")
    assert "groupKind: Foo" in out and errors_in(out) == []


def test_fixture_files_untouched() -> None:
    # the pure API never writes files
    before = (PROJECTS / "go-guide" / "skaffold.yaml").read_bytes()
    all_offers(PROJECTS / "go-guide" / "skaffold.yaml")
    assert (PROJECTS / "go-guide" / "skaffold.yaml").read_bytes() == before


def test_move_on_a_current_config_keeps_the_legacy_helm_deployer(tmp_path: Path) -> None:
    """On v4 `deploy.helm` is valid (the helm deployer): a move fix only touches what is gone."""
    text = HEAD + ("deploy:\n  kubectl:\n    manifests:\n    - k8s/*.yaml\n  helm:\n    releases:\n"
                   "    - name: r\n      chartPath: c\nprofiles:\n- name: p\n  patches:\n"
                   "  - op: replace\n    path: /deploy/helm/releases/0/chartPath\n    value: c2\n"
                   "  - op: add\n    path: /deploy/kubectl/manifests/-\n    value: extra.yaml\n")
    [out] = fixes(tmp_path, text, "move-field")
    assert "manifests:\n  rawYaml:\n  - k8s/*.yaml\n" in out
    assert "manifests:\n  helm" not in out and "  helm:\n    releases:\n    - name: r\n" in out
    assert "path: /deploy/helm/releases/0/chartPath" in out and "path: /manifests/rawYaml/-" in out
    assert out.count("op: ") == 2


def test_move_artifact_overrides_of_a_manifests_helm_release(tmp_path: Path) -> None:
    text = HEAD + ("manifests:\n  helm:\n    releases:\n    - name: r\n      chartPath: c\n"
                   "      artifactOverrides:\n        image: app\n      imageStrategy:\n        helm: {}\n")
    outs = fixes(tmp_path, text, "move-field")  # one per removed field, the same move
    assert len(outs) == 2 and outs[0] == outs[1]
    out = outs[0]
    assert "image.repository: \"{{.IMAGE_REPO_app}}\"" in out and "artifactOverrides" not in out
    assert errors_in(out) == []


def test_move_artifact_overrides_also_rewrites_a_deploy_helm_profile_patch(tmp_path: Path) -> None:
    """A current config whose profile patches the removed field: the patch moves with it
    (this path made the fix raise before; found in review)."""
    text = HEAD + ("deploy:\n  helm:\n    releases:\n    - name: r\n      chartPath: c\n"
                   "      artifactOverrides:\n        image: app\n"
                   "profiles:\n- name: p\n  patches:\n"
                   "  - op: replace\n    path: /deploy/helm/releases/0/artifactOverrides/image\n    value: other\n")
    outs = fixes(tmp_path, text, "move-field")
    assert outs
    out = outs[0]
    assert "artifactOverrides" not in out
    assert "path: /deploy/helm/releases/0/setValueTemplates/image" in out
    assert "{{.IMAGE_FULLY_QUALIFIED_other}}" in out

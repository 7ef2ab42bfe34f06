"""apiVersion upgrades: skaffold's transforms as minimal edits, comments kept, each step valid."""

from __future__ import annotations

from pathlib import Path

import pytest

from skaffold_ls.actions.text import Refused, Text
from skaffold_ls.actions.upgrade import upgrade, value_templates
from skaffold_ls.config.artifacts import sanitize_image as sanitize

from .helpers import PROJECTS, STORE, apply_offer, errors_in, expect, offer

UPGRADE = PROJECTS / "upgrade"
CASES = sorted(p.name for p in UPGRADE.glob("*.yaml") if "kpt" not in p.name)


@pytest.mark.parametrize("name", CASES)
def test_upgrade_latest_matches_expected_and_validates(name: str) -> None:
    src = UPGRADE / name
    result = upgrade(src.read_text(encoding="utf-8"), STORE)
    expect(UPGRADE / "expected" / name.replace(".yaml", ".latest.yaml"), result.text)
    assert errors_in(result.text) == []
    assert result.version == STORE.latest


@pytest.mark.parametrize("name", CASES)
def test_every_step_validates_against_its_target(name: str) -> None:
    text = (UPGRADE / name).read_text(encoding="utf-8")
    versions = STORE.known_versions()
    for _ in range(len(versions)):
        try:
            result = upgrade(text, STORE, one_step=True)
        except Refused as e:
            assert "nothing to upgrade" in str(e)
            break
        assert errors_in(result.text) == [], result.version
        for doc in Text(result.text).parsed.documents:
            v = doc.scalar_at("apiVersion")
            assert v is not None and v.value in versions
        text = result.text
    assert f"apiVersion: {STORE.latest}" in text


@pytest.mark.parametrize("name", CASES)
def test_comments_survive(name: str) -> None:
    src = (UPGRADE / name).read_text(encoding="utf-8")
    out = upgrade(src, STORE).text
    comments = [line.split("#", 1)[1] for line in src.splitlines() if "#" in line]
    for c in comments:
        assert c in out


def test_kpt_is_refused_like_skaffold() -> None:
    with pytest.raises(Refused, match=r"deploy\.kpt"):
        upgrade((UPGRADE / "kpt.v2beta29.yaml").read_text(encoding="utf-8"), STORE)


def test_upgrade_action_through_api(tmp_path: Path) -> None:
    src = UPGRADE / "helm-strategy.v2beta29.yaml"
    o = offer(src, "upgrade-latest")
    out = apply_offer(o, src)
    expect(UPGRADE / "expected" / "helm-strategy.v2beta29.latest.yaml", out[src])
    disabled = offer(UPGRADE / "kpt.v2beta29.yaml", "upgrade-latest")
    assert disabled.action.disabled_reason and "kpt" in disabled.action.disabled_reason


def test_one_step_goes_to_next_version() -> None:
    src = UPGRADE / "helm-strategy.v2beta29.yaml"
    o = offer(src, "upgrade-one-step")
    out = apply_offer(o, src)[src]
    assert "apiVersion: skaffold/v3alpha1" in out
    assert "setValueTemplates" in out and "artifactOverrides" not in out


def test_helm_templates_per_strategy() -> None:
    assert sanitize("gcr.io/p/app:v1") == "gcr_io_p_app_v1"
    assert value_templates("image", "a/b", "fqn") == {"image": "{{.IMAGE_FULLY_QUALIFIED_a_b}}"}
    assert value_templates("image", "a/b", "helm") == {
        "image.repository": "{{.IMAGE_REPO_a_b}}", "image.tag": "{{.IMAGE_TAG_a_b}}@{{.IMAGE_DIGEST_a_b}}"}
    assert list(value_templates("img", "a", "helm+explicitRegistry")) == [
        "img.registry", "img.repository", "img.tag"]


def test_upstream_configs_upgrade_or_refuse_with_a_reason() -> None:
    """skaffold's own example and integration configs (all versions): never a crash; a result
    always validates; refusals name the step."""
    from tests.conftest import EXAMPLES, TESTDATA, require_shared

    require_shared(TESTDATA)
    upgraded = 0
    for path in sorted([*TESTDATA.glob("*/*.yaml"), *EXAMPLES.glob("*/*.yaml")]):
        text = path.read_text(encoding="utf-8")
        try:
            result = upgrade(text, STORE)
        except Refused as e:
            assert "nothing to upgrade" in str(e) or "upgrading from skaffold/" in str(e), (path, e)
            continue
        assert errors_in(result.text) == [] or "schema error" in " ".join(result.notes), path
        upgraded += 1
    assert upgraded >= 20


def test_crlf_files_stay_crlf() -> None:
    src = (UPGRADE / "kubectl-kustomize.v2beta28.yaml").read_text(encoding="utf-8")
    out = upgrade(src.replace("\n", "\r\n"), STORE).text
    assert "\n" not in out.replace("\r\n", "")
    assert out.replace("\r\n", "\n") == (UPGRADE / "expected" / "kubectl-kustomize.v2beta28.latest.yaml").read_text(
        encoding="utf-8")


def test_flow_style_config_upgrades() -> None:
    src = ("apiVersion: skaffold/v2beta29\nkind: Config\ndeploy: {kubectl: {manifests: [k8s/*.yaml]}, "
           "helm: {releases: [{name: r, chartPath: c, artifactOverrides: {image: app}}]}}\n")
    out = upgrade(src, STORE).text
    assert errors_in(out) == []
    assert 'setValueTemplates: {image: "{{.IMAGE_FULLY_QUALIFIED_app}}"}' in out
    assert "rawYaml: [k8s/*.yaml]" in out

"""Hover: descriptions, types, defaults, versions, images and paths."""

from __future__ import annotations

from skaffold_ls.features.hover import hover
from tests.features.conftest import at, ws

HEAD = "apiVersion: skaffold/v4beta14\nkind: Config\n"


def md(text: str, path=None) -> str | None:
    ctx, pos = at(text, path)
    h = hover(ctx, pos)
    return h.markdown if h else None


def test_key_description_type_default_and_docs_link() -> None:
    text = md(HEAD + "build:\n  artifacts:\n  - image: a\n    docker:\n      docker§file: Dockerfile\n")
    assert text is not None
    assert text.startswith("**`dockerfile`** · string")
    assert "Default: `Dockerfile`" in text
    assert "Relative to the artifact's `context`" in text
    assert "https://skaffold.dev/docs/references/yaml/?version=v4beta14" in text


def test_required_enum_and_since_version() -> None:
    text = md(HEAD + "deploy:\n  logs:\n    pre§fix: container\n") or ""
    assert "Allowed: `container`, `podAndContainer`, `auto`, `none`" in text
    text = md(HEAD + "build:\n  artifacts:\n  - ima§ge: a\n") or ""
    assert "(required)" in text and "Available since `skaffold/v1alpha4`" in text


def test_one_of_group_is_named() -> None:
    text = md(HEAD + "build:\n  artifacts:\n  - image: a\n    k§o: {}\n") or ""
    assert "Only one of: `ko`" in text and "`docker`" in text


def test_removed_field_in_the_documents_version_says_when_it_existed() -> None:
    text = md(HEAD + "deploy:\n  kustom§ize: {}\n") or ""
    assert "is not part of `skaffold/v4beta14`" in text and "skaffold/v2beta29" in text


def test_old_version_link_and_until() -> None:
    text = md("apiVersion: skaffold/v2beta28\nkind: Config\ndeploy:\n  kust§omize: {}\n") or ""
    assert "?version=v2beta28" in text and "from `skaffold/v1alpha2` to `skaffold/v2beta29`" in text


def test_api_version_value() -> None:
    assert "the latest apiVersion" in (md("apiVersion: skaffold/v4be§ta14\nkind: Config\n") or "")
    assert "latest: `skaffold/v4beta14`" in (md("apiVersion: skaffold/v2be§ta28\nkind: Config\n") or "")


def test_image_reference_shows_the_artifact() -> None:
    text = HEAD + ("build:\n  artifacts:\n  - image: base\n    docker: {}\n  - image: app\n    ko: {}\n"
                   "    requires:\n    - image: ba§se\n")
    assert md(text) == "Image **`base`** is built by the artifact on line 5 (docker, context `.`)."
    assert "built with ko" in (md(HEAD + "build:\n  artifacts:\n  - image: a§pp\n    ko: {}\n") or "")


def test_image_from_a_required_config() -> None:
    web = ws("platform", "services", "web", "skaffold.yaml")
    text = md(web.read_text().replace("- image: base-image", "- image: base-im§age"), web) or ""
    assert "built by config `base`" in text


def test_template_value_names_its_artifact() -> None:
    led = ws("ledger", "skaffold.yaml")
    text = led.read_text().replace('"{{.IMAGE_REPO_ledger}}"', '"{{.IMAGE_REPO_led§ger}}"')
    assert "Image **`ledger`** is built by the artifact on line 7" in (md(text, led) or "")


def test_path_exists_or_not(shop) -> None:
    base = HEAD + "build:\n  artifacts:\n  - image: w\n    docker:\n      dockerfile: {}\n"
    assert md(base.format("tools/Docker§file"), shop) == "`tools/Dockerfile`: file exists."
    missing = md(base.format("nope/Docker§file"), shop) or ""
    assert missing.startswith("`nope/Dockerfile` does not exist")
    glob = md(HEAD + "manifests:\n  rawYaml:\n  - k8s/*.y§aml\n", shop) or ""
    assert glob == "`k8s/*.yaml` matches 2 files: `k8s/api.yaml`, `k8s/worker.yaml`."
    led = ws("ledger", "skaffold.yaml")
    chart = md(HEAD + "deploy:\n  helm:\n    releases:\n    - name: l\n      chartPath: charts/led§ger\n", led)
    assert chart == "`charts/ledger`: folder exists (a Helm chart)."


def test_profile_reference() -> None:
    plat = ws("platform", "skaffold.yaml")
    text = plat.read_text().replace("- name: local", "- name: lo§cal")
    assert "Profile **`local`**, defined in `services/web/skaffold.yaml` on line 17" in (md(text, plat) or "")
    text = plat.read_text().replace("activatedBy: [dev]", "activatedBy: [dev]").replace(
        "profiles:\n  - name: dev", "profiles:\n  - name: d§ev")
    assert md(text, plat) == "Profile **`dev`**, defined in this file on line 14."


def test_hover_on_broken_yaml_and_nothing_places() -> None:
    text = md(HEAD + "build:\n  artifacts:\n  - image: a\n    ko:\n      ma§in: ./cmd\n  bad: [\n")
    assert text is not None and "**`main`**" in text
    assert md(HEAD + "# a com§ment\n") is None
    ctx, pos = at("§")
    assert hover(ctx, pos) is None


def test_chart_values_in_set_values() -> None:
    led = ws("ledger", "skaffold.yaml")
    text = led.read_text().replace("        setValueTemplates:\n",
                                   "        setValues:\n          deb§ug: true\n          nope: 1\n        setValueTemplates:\n")
    assert md(text, led) == "Chart value **`debug`** of `charts/ledger`: default `false` (values.yaml, line 8)."
    assert md(text.replace("deb§ug", "debug").replace("nope", "no§pe"), led) == (
        "`nope` is not set in `charts/ledger/values.yaml`: the chart has no default for it.\n\n"
        "Profiles: profile `debug` removes it.")  # its patch replaces the whole setValues
    assert "line 2" in (md(led.read_text().replace("image.repository:", "image.repo§sitory:"), led) or "")


def test_required_config_names() -> None:
    plat = ws("platform", "skaffold.yaml")
    text = plat.read_text().replace("configs: [web]", "configs:\n      - w§eb")
    assert md(text, plat) == "Config **`web`**, defined in `services/web/skaffold.yaml` on line 4."
    text = plat.read_text().replace("configs: [web]", "configs:\n      - zz§z")
    assert md(text, plat) == "No config named `zzz` in the required file."


def test_deprecated_field_says_where_it_went() -> None:
    text = md(HEAD + "deploy:\n  kubectl:\n    remoteMani§fests: [x]\n") or ""
    assert "Deprecated since `skaffold/v4beta1`: moved to `manifests.remoteManifests`" in text


def test_patch_pointer_shows_what_it_names() -> None:
    base = HEAD + ("build:\n  artifacts:\n  - image: api\n    ko:\n      main: ./cmd/api\n"
                   "profiles:\n- name: dbg\n  patches:\n  - op: add\n    path: POINTER\n")
    assert md(base.replace("POINTER", "/build/artifacts/0/ko/m§ain")) == (
        "`/build/artifacts/0/ko/main` is `./cmd/api` (line 7), as profile `dbg` sees the config.")
    assert md(base.replace("POINTER", "/build/artifacts/0/ko/fromIm§age")) == (
        "`/build/artifacts/0/ko/fromImage` is not set; `op: add` creates it (its parent exists).")
    assert "leads nowhere" in (md(base.replace("POINTER", "/deploy/helm/rel§eases")) or "")


def test_field_newer_than_the_documents_version() -> None:
    text = md("apiVersion: skaffold/v2beta28\nkind: Config\nbuild:\n  artifacts:\n  - image: a\n    runtime§Type: go\n")
    assert (text or "").startswith("**`runtimeType`** is not part of `skaffold/v2beta28`: it exists since `skaffold/")


def test_nested_set_values_key() -> None:
    led = ws("ledger", "skaffold.yaml")
    text = led.read_text().replace("        setValueTemplates:\n", "        setValues:\n          image:\n"
                                   "            reposi§tory: x\n        setValueTemplates:\n")
    assert (md(text, led) or "").split("\n\n")[0] == (
        "Chart value **`image.repository`** of `charts/ledger`: default `ledger` (values.yaml, line 2).")


def test_effective_default_where_skaffold_differs_from_its_schema() -> None:
    text = md(HEAD + "deploy:\n  logs:\n    pre§fix: auto\n") or ""
    assert "Default: `container` (the schema says `auto`)" in text


def test_hover_says_what_each_profile_does_to_the_value() -> None:
    text = md(HEAD + "build:\n  artifacts:\n  - image: a\n    docker:\n      dockerfile: Docker§file\n"
                     "  local: {push: false}\ndeploy:\n  kubectl: {defaultNamespace: dev}\nprofiles:\n"
                     "- name: dbg\n  patches:\n  - {op: replace, path: /build/artifacts/0/docker/dockerfile, "
                     "value: Dockerfile.debug}\n- name: other\n  build:\n    tagPolicy: {sha256: {}}\n") or ""
    assert "Profiles: profile `dbg` replaces it with `Dockerfile.debug` (patch 1, line 14)." in text
    assert "`other`" not in text  # profiles that leave the value alone are not listed
    gone = md(HEAD + "build:\n  artifacts: [{image: a}]\n  local:\n    pu§sh: false\n"
                     "profiles:\n- name: gcb\n  build: {googleCloudBuild: {}}\n") or ""
    assert "profile `gcb` removes it" in gone  # a one-of group is replaced whole

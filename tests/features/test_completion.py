"""Completion as a pure function: keys, snippets, values, paths, references, starters."""

from __future__ import annotations

from skaffold_ls.features.completion import complete
from skaffold_ls.features.types import CompletionKind
from tests.features.conftest import at, ws

HEAD = "apiVersion: skaffold/v4beta14\nkind: Config\n"


def labels(text: str, path=None, workspace=None) -> list[str]:
    ctx, pos = at(text, path, workspace)
    return [i.label for i in complete(ctx, pos)]


def items(text: str, path=None, workspace=None):
    ctx, pos = at(text, path, workspace)
    return {i.label: i for i in complete(ctx, pos)}


# -- keys -----------------------------------------------------------------------


def test_root_keys_in_schema_order_without_present_ones() -> None:
    got = labels(HEAD + "§\n")
    assert got[:4] == ["metadata", "requires", "build", "test"]
    assert "apiVersion" not in got and "kind" not in got


def test_half_typed_key_is_replaced_and_schema_broken_yaml_survives() -> None:
    text = HEAD + "build:\n  artifacts:\n  - image: a\n    ko: {}\n  tag§\n"
    got = items(text)
    assert "tagPolicy" in got and "artifacts" not in got
    edit = got["tagPolicy"].edit_range
    assert edit is not None and (edit.start.col, edit.end.col) == (2, 5)
    # one-of: the build environment keys are offered while none is set
    assert {"local", "googleCloudBuild", "cluster"} <= set(got)


def test_build_environment_one_of_hides_others_once_set() -> None:
    got = labels(HEAD + "build:\n  local:\n    push: false\n  §\n")
    assert "local" not in got and "cluster" not in got and "googleCloudBuild" not in got
    assert "artifacts" in got


def test_builders_only_when_none_is_set() -> None:
    text = HEAD + "build:\n  artifacts:\n  - image: a\n    docker:\n      dockerfile: Dockerfile\n    §\n"
    got = labels(text)
    assert "context" in got and "ko" not in got and "docker" not in got
    got = labels(HEAD + "build:\n  artifacts:\n  - image: a\n    §\n")
    assert {"docker", "ko", "jib", "bazel", "buildpacks", "custom"} <= set(got)


def test_empty_line_in_list_item_of_profile() -> None:
    text = HEAD + "profiles:\n- name: dev\n  §\n"
    got = labels(text)
    assert "activation" in got and "build" in got and "name" not in got


def test_new_artifact_snippet_has_image_and_builder_choice(tmp_path) -> None:
    text = HEAD + "build:\n  artifacts:\n    - image: a\n      ko: {}\n    - §\n"
    it = items(text, tmp_path / "skaffold.yaml")["image"]
    assert it.snippet and it.insert_text is not None
    assert it.insert_text.startswith("image: $1\n")
    assert "${2|docker,bazel,ko," in it.insert_text


def test_builder_choice_puts_ko_first_in_a_go_module(shop) -> None:
    text = HEAD + "build:\n  artifacts:\n    - §\n"
    it = items(text, shop)["image"]
    assert "${2|ko,docker," in (it.insert_text or "")


def test_object_and_list_snippets_with_required_children() -> None:
    got = items(HEAD + "build:\n  artifacts:\n  - image: a\n    §\n")
    assert got["ko"].insert_text == "ko:\n  $0"
    assert got["bazel"].insert_text == "bazel:\n  target: $1\n  $0"
    assert got["platforms"].insert_text == "platforms:\n- $0"  # this document writes lists indentless
    root = items(HEAD + "§\n")
    assert root["profiles"].insert_text == "profiles:\n  - name: $1\n    $0"
    assert root["test"].insert_text == "test:\n  - image: $1\n    $0"


def test_snippet_continuation_lines_keep_the_item_indentation() -> None:
    # VS Code indents continuation lines like the line's own leading spaces;
    # the extra two spaces put them under the key, not under the dash.
    got = items(HEAD + "build:\n  artifacts:\n  - image: a\n  - §\n")
    assert got["sync"].insert_text == "sync:\n    $0"


def test_key_already_followed_by_colon_inserts_only_the_name() -> None:
    got = items(HEAD + "build:\n  arti§:\n")
    assert got["artifacts"].insert_text == "artifacts" and not got["artifacts"].snippet


def test_keys_of_the_documents_own_version() -> None:
    old = "apiVersion: skaffold/v2beta28\nkind: Config\ndeploy:\n  §\n"
    got = labels(old)
    assert "kustomize" in got and "kubectl" in got
    new = labels(HEAD + "deploy:\n  §\n")
    assert "kustomize" not in new and "cloudrun" in new


def test_boolean_and_enum_snippets() -> None:
    got = items(HEAD + "build:\n  local:\n    §\n")
    assert got["push"].insert_text is not None and "${1|" in got["push"].insert_text
    got = items(HEAD + "deploy:\n  logs:\n    §\n")
    assert got["prefix"].insert_text == "prefix: ${1|container,podAndContainer,auto,none|}$0"


def test_second_document_uses_its_own_schema() -> None:
    text = HEAD + "---\napiVersion: skaffold/v1beta2\nkind: Config\ndeploy:\n  §\n"
    got = labels(text)
    assert "kustomize" in got and "cloudrun" not in got


# -- values -----------------------------------------------------------------------


def test_api_version_latest_first_and_kind() -> None:
    got = items("apiVersion: §\n")
    names = list(got)
    assert names[0] == "skaffold/v4beta14" and names[-1] == "skaffold/v1alpha1"
    assert got["skaffold/v4beta14"].preselect
    assert labels("apiVersion: skaffold/v4beta14\nkind: §\n") == ["Config"]


def test_enum_and_boolean_values() -> None:
    assert labels(HEAD + "deploy:\n  logs:\n    prefix: §\n") == ["container", "podAndContainer", "auto", "none"]
    assert labels(HEAD + "build:\n  local:\n    push: §\n") == ["true", "false"]
    assert labels(HEAD + "build:\n  artifacts:\n  - image: a\n    jib:\n      type: m§\n") == ["maven", "gradle"]


def test_value_replaces_the_typed_word() -> None:
    ctx, pos = at(HEAD + "deploy:\n  logs:\n    prefix: po§d\n")
    it = complete(ctx, pos)[0]
    assert it.edit_range is not None and (it.edit_range.start.col, it.edit_range.end.col) == (12, 15)


# -- paths --------------------------------------------------------------------------


def test_dockerfile_relative_to_the_artifact_context(shop) -> None:
    text = HEAD + "build:\n  artifacts:\n  - image: w\n    context: tools\n    docker:\n      dockerfile: §\n"
    got = items(text, shop)
    assert "Dockerfile" in got and "tools/" not in got
    text = HEAD + "build:\n  artifacts:\n  - image: w\n    docker:\n      dockerfile: tools/§\n"
    got = items(text, shop)
    assert list(got) == ["tools/Dockerfile"]
    assert got["tools/Dockerfile"].kind == CompletionKind.FILE


def test_raw_yaml_globs_and_files(shop) -> None:
    got = items(HEAD + "manifests:\n  rawYaml:\n  - §\n", shop)
    assert "k8s/*.yaml" in got and "k8s/" in got
    assert "go.mod" not in got  # not YAML
    got = items(HEAD + "manifests:\n  rawYaml:\n  - k8s/§\n", shop)
    assert {"k8s/api.yaml", "k8s/worker.yaml"} <= set(got)


def test_chart_path_values_files_and_context() -> None:
    led = ws("ledger", "skaffold.yaml")
    text = HEAD + "deploy:\n  helm:\n    releases:\n    - name: x\n      chartPath: charts/§\n"
    got = items(text, led)
    assert got["charts/ledger/"].detail == "Helm chart" and got["charts/ledger/"].insert_text == "charts/ledger"
    text = HEAD + "deploy:\n  helm:\n    releases:\n    - name: x\n      valuesFiles:\n      - charts/ledger/§\n"
    assert "charts/ledger/values.yaml" in labels(text, led)
    got = items(HEAD + "build:\n  artifacts:\n  - image: a\n    context: §\n", ws("shop", "skaffold.yaml"))
    assert "cmd/" in got and "go.mod" not in got  # a folder only


def test_requires_path_and_kustomize_paths() -> None:
    plat = ws("platform", "skaffold.yaml")
    got = items(HEAD + "requires:\n- path: §\n", plat)
    assert got["base/"].detail == "folder with a skaffold.yaml"
    got = items(HEAD + "requires:\n- path: services/§\n", plat)
    assert {"services/web/", "services/api/"} <= set(got)
    got = items(HEAD + "manifests:\n  kustomize:\n    paths:\n    - §\n", plat)
    assert "base/" in got


# -- references ---------------------------------------------------------------------------


def test_artifact_requires_offers_other_images() -> None:
    text = HEAD + ("build:\n  artifacts:\n  - image: base\n    docker: {}\n  - image: app\n    requires:\n"
                   "    - image: §\n")
    got = labels(text)
    assert got == ["base"]


def test_set_value_templates_offer_image_templates() -> None:
    led = ws("ledger", "skaffold.yaml")
    text = HEAD + ("build:\n  artifacts:\n  - image: gcr.io/acme/ledger-api\n    ko: {}\ndeploy:\n  helm:\n"
                   "    releases:\n    - name: l\n      chartPath: charts/ledger\n      setValueTemplates:\n"
                   "        image.repository: §\n")
    got = complete(*at(text, led))
    assert got[0].label == "{{.IMAGE_REPO_gcr_io_acme_ledger_api}}"
    assert got[0].insert_text == '"{{.IMAGE_REPO_gcr_io_acme_ledger_api}}"'
    quoted = text.replace("image.repository: §", 'image.tag: "§"')
    got = complete(*at(quoted, led))
    assert got[0].label.startswith("{{.IMAGE_TAG_") and got[0].insert_text == got[0].label


def test_images_from_required_configs() -> None:
    web = ws("platform", "services", "web", "skaffold.yaml")
    text = HEAD + "requires:\n- path: ../../base\nbuild:\n  artifacts:\n  - image: web\n    requires:\n    - image: §\n"
    got = items(text, web)
    assert "base-image" in got and "artifact of base" in (got["base-image"].detail or "")


def test_active_profiles_from_the_required_config_and_activated_by_from_this_one() -> None:
    plat = ws("platform", "skaffold.yaml")
    text = HEAD + ("requires:\n- path: services/web\n  activeProfiles:\n  - name: §\n"
                   "profiles:\n- name: dev\n- name: prod\n")
    assert labels(text, plat) == ["local", "cloud"]
    text = HEAD + ("requires:\n- path: services/web\n  activeProfiles:\n  - name: local\n    activatedBy:\n"
                   "    - §\nprofiles:\n- name: dev\n- name: prod\n")
    assert labels(text, plat) == ["dev", "prod"]


def test_config_names_in_requires() -> None:
    plat = ws("platform", "skaffold.yaml")
    assert labels(HEAD + "requires:\n- path: services/web\n  configs:\n  - §\n", plat) == ["web", "web-assets"]
    assert labels(HEAD + "requires:\n- path: services/web\n  configs: [§]\n", plat) == []  # flow: no crash


def test_port_forward_types_and_names_from_manifests(shop) -> None:
    got = labels(HEAD + "portForward:\n- resourceType: §\n", shop)
    assert got[:3] == ["deployment", "service", "statefulset"] and "pod" in got
    got = labels(HEAD + "portForward:\n- resourceType: statefulset\n  resourceName: §\n", shop)
    assert got == ["shop-worker"]
    text = HEAD + "build:\n  artifacts:\n  - image: gcr.io/x/billing\nportForward:\n- resourceType: statefulset\n  resourceName: §\n"
    assert labels(text, shop) == ["shop-worker", "billing"]
    got = labels(HEAD + "portForward:\n- resourceType: service\n  resourceName: §\n", shop)
    assert got == ["shop-api"]


# -- starters -----------------------------------------------------------------------------


def test_starters_on_an_empty_file_filled_from_the_workspace() -> None:
    path = ws("starter", "skaffold.yaml")
    got = items("§", path)
    raw = got["skaffold: Go + ko + raw manifests"]
    assert raw.snippet and raw.insert_text is not None
    assert "    - image: hello\n      ko:\n        main: ./cmd/hello\n" in raw.insert_text
    assert "    - deploy/k8s/*.yaml\n" in raw.insert_text
    assert raw.insert_text.startswith("apiVersion: skaffold/v4beta14\nkind: Config\n")
    assert "github.com/acme/hello" in (raw.documentation or "")
    helm = got["skaffold: Go + ko + Helm chart"]
    assert "chartPath: ${2:charts/hello}" in (helm.insert_text or "")
    assert "apiVersion" in got  # plain keys are still there


def test_helm_starter_uses_the_chart_and_its_debug_value(tmp_path) -> None:
    led = ws("ledger", "skaffold.yaml")
    got = items("§", led.parent / "new-skaffold.yaml")
    helm = got["skaffold: Go + ko + Helm chart"]
    text = helm.insert_text or ""
    assert "chartPath: ${2:charts/ledger}" in text
    assert 'image.repository: "{{.IMAGE_REPO_ledger\\}}"' in text
    assert "- command: debug" in text and "debug: true" in text
    assert helm.preselect
    # the plain rendering of the starter is a valid config
    from skaffold_ls.features.starters import _plain
    from tests.features.conftest import ctx_for

    ctx = ctx_for(_plain(text), led)
    assert [f.code for f in ctx.analysis.findings if f.severity <= 2] == []


def test_no_starters_once_the_file_has_content() -> None:
    got = labels(HEAD + "§\n")
    assert not any(label.startswith("skaffold:") for label in got)


# -- robustness -------------------------------------------------------------------------------


def test_never_raises_on_odd_positions() -> None:
    ctx, _ = at("§apiVersion: skaffold/v4beta14\nkind: Config\nbuild: [\n")
    from skaffold_ls.core.findings import Pos

    for pos in [Pos(0, 0), Pos(0, 99), Pos(2, 8), Pos(9, 0), Pos(-1, 0)]:
        complete(ctx, pos)


def test_kubernetes_manifest_gets_nothing() -> None:
    assert labels("apiVersion: apps/v1\nkind: Deployment\n§\n") == []


# -- list items, chart values, Go packages, hints ------------------------------------------------


def test_empty_line_under_a_list_key_starts_an_item(shop) -> None:
    got = items(HEAD + "build:\n  artifacts:\n    §\n", shop)
    assert got["- image"].insert_text == "- image: $1\n  ${2|ko,docker,bazel,jib,kaniko,buildpacks,custom|}:\n    $0"
    got = items(HEAD + "manifests:\n  rawYaml:\n    §\n", shop)
    assert got["- k8s/*.yaml"].insert_text == "- k8s/*.yaml"


def test_set_values_keys_from_the_chart_values() -> None:
    led = ws("ledger", "skaffold.yaml")
    text = led.read_text().replace("        setValueTemplates:\n", "        setValues:\n          §\n"
                                   "        setValueTemplates:\n")
    got = items(text, led)
    assert list(got) == ["image.repository", "image.tag", "service.type", "service.port", "debug"]
    assert got["debug"].detail == "chart default: False"
    got = items(led.read_text().replace("          image.tag:", "          §\n          image.tag:"), led)
    assert list(got) == ["service.type", "service.port", "debug"]  # present ones are left out


def test_ko_main_offers_main_packages(shop) -> None:
    got = labels(HEAD + "build:\n  artifacts:\n  - image: a\n    ko:\n      main: §\n", shop)
    assert got == ["./cmd/api", "./cmd/worker"]


def test_value_hints_for_runtime_type_and_activation_command() -> None:
    assert "go" in labels(HEAD + "build:\n  artifacts:\n  - image: a\n    runtimeType: §\n")
    got = labels(HEAD + "profiles:\n- name: d\n  activation:\n  - command: §\n")
    assert got[:2] == ["dev", "debug"]


def test_crlf_documents() -> None:
    text = HEAD.replace("\n", "\r\n") + "build:\r\n  artifacts:\r\n  - image: a\r\n    §\r\n"
    got = labels(text)
    assert "context" in got and "ko" in got


def test_helm_starter_finds_a_chart_elsewhere_in_the_workspace(tmp_path) -> None:
    # the guide's layout: services beside a shared deployment/ folder holding the charts
    svc = tmp_path / "serviceA"
    (svc / "cmd" / "a").mkdir(parents=True)
    (svc / "go.mod").write_text("module example.com/servicea\n")
    (svc / "cmd" / "a" / "main.go").write_text("package main\nfunc main() {}\n")
    chart = tmp_path / "deployment" / "api" / "charts" / "algo"
    chart.mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: algo\nversion: 0.1.0\n")
    (chart / "values.yaml").write_text("image: nginx\ndebug: false\n")
    got = items("§", svc / "skaffold.yaml", workspace=tmp_path)
    helm = got["skaffold: Go + ko + Helm chart"].insert_text or ""
    assert "chartPath: ${2:../deployment/api/charts/algo}" in helm
    assert 'image: "{{.IMAGE_FULLY_QUALIFIED_servicea\\}}"' in helm  # one main package: the module's name
    assert "- image: servicea\n      ko:\n        main: ./cmd/a\n" in helm
    assert "debug: true" in helm


def test_api_version_and_kind_keys_insert_their_values() -> None:
    got = items("§\n")
    assert got["apiVersion"].insert_text == "apiVersion: ${1:skaffold/v4beta14}$0"
    assert got["kind"].insert_text == "kind: ${1:Config}$0"


def test_profile_patch_paths_follow_the_config() -> None:
    base = HEAD + ("build:\n  artifacts:\n  - image: api\n    ko:\n      main: ./cmd/api\n"
                   "profiles:\n- name: debug\n  patches:\n  - op: add\n    path: {}\n")
    got = items(base.format("§"))
    assert list(got)[:1] == ["/build"]
    got = items(base.format("/build/artifacts/§"))
    assert list(got) == ["/build/artifacts/0", "/build/artifacts/-"]
    assert got["/build/artifacts/0"].detail == "image api"
    got = items(base.format("/build/artifacts/0/ko/§"))
    assert next(iter(got)) == "/build/artifacts/0/ko/main"
    assert got["/build/artifacts/0/ko/fromImage"].detail == "not set: string (op: add)"
    assert items(base.format("/nope/§")) == {}
    assert labels(base.format("x").replace("op: add", "op: §")) == ["replace", "add", "remove", "move", "copy",
                                                                      "test"]


def test_snippets_follow_the_documents_indentation() -> None:
    four = HEAD + "deploy:\n    kubectl: {}\nbuild:\n    artifacts:\n        - image: a\n          ko: {}\n§\n"
    got = items(four)
    assert got["profiles"].insert_text == "profiles:\n    - name: $1\n      $0"
    assert got["metadata"].insert_text == "metadata:\n    $0"
    indentless = HEAD + "build:\n  artifacts:\n  - image: a\n    ko: {}\n§\n"
    got = items(indentless)
    assert got["profiles"].insert_text == "profiles:\n- name: $1\n  $0"
    assert got["metadata"].insert_text == "metadata:\n  $0"


def test_configs_and_profiles_of_the_same_file(tmp_path) -> None:
    text = (HEAD + "metadata:\n  name: app\nrequires:\n- configs: [db]\n  activeProfiles:\n  - name: §\n---\n"
            + HEAD + "metadata:\n  name: db\nprofiles:\n- name: local-db\n---\n" + HEAD + "metadata:\n  name: cache\n")
    assert labels(text, tmp_path / "skaffold.yaml") == ["local-db"]
    text = HEAD + "metadata:\n  name: app\nrequires:\n- configs:\n  - §\n---\n" + HEAD + "metadata:\n  name: db\n"
    assert labels(text, tmp_path / "skaffold.yaml") == ["db"]  # not itself


def test_dockerfile_context_read_from_text_when_the_model_stops_early(shop) -> None:
    # `bui` (no colon) is a syntax error above the cursor: the model ends there
    text = HEAD + ("build:\n  artifacts:\n  - image: w\n    bui\n    context: tools\n    docker:\n"
                   "      dockerfile: §\n")
    assert labels(text, shop) == ["Dockerfile"]
    text = HEAD + ("build:\n  artifacts:\n  - context: tools\n    bui\n    docker:\n      dockerfile: §\n")
    assert labels(text, shop) == ["Dockerfile"]


def test_right_after_a_colon_or_a_dash() -> None:
    got = items("apiVersion:§\n")
    assert got["skaffold/v4beta14"].insert_text == " skaffold/v4beta14"
    assert labels(HEAD + "build:\n  artifacts:\n  -§\n") == []  # wait for the space
    assert labels(HEAD + "build:\n  artifacts:\n  - image: a\nportForward:\n- resourceName: x-§\n") == ["a"]


def test_profile_patch_paths_see_the_profiles_own_sections() -> None:
    text = HEAD + ("build:\n  artifacts:\n  - image: a\n  - image: b\ndeploy:\n  helm: {releases: []}\n"
                   "profiles:\n- name: p\n  build:\n    artifacts:\n    - image: only\n  deploy:\n    kubectl: {}\n"
                   "  patches:\n  - op: add\n    path: POINTER\n")
    got = items(text.replace("POINTER", "/build/artifacts/§"))
    assert list(got) == ["/build/artifacts/0", "/build/artifacts/-"]  # the profile's list replaces
    assert got["/build/artifacts/0"].detail == "image only"
    got = labels(text.replace("POINTER", "/deploy/§"))
    assert got[:2] == ["/deploy/kubectl", "/deploy/helm"]  # mappings merge


def test_port_forward_names_come_from_the_configs_own_manifests(shop) -> None:
    # only k8s/worker.yaml is this config's: the Deployment in api.yaml is not offered
    text = HEAD + "manifests:\n  rawYaml:\n  - k8s/worker.yaml\nportForward:\n- resourceType: §\n"
    got = labels(text, shop)
    assert got[0] == "statefulset" and "deployment" in got  # the usual kinds stay available
    text = HEAD + "manifests:\n  rawYaml:\n  - k8s/worker.yaml\nportForward:\n- resourceName: §\n"
    assert labels(text, shop) == ["shop-worker"]


def test_key_items_carry_description_and_default() -> None:
    got = items(HEAD + "build:\n  artifacts:\n  - image: a\n    docker:\n      §\n")
    doc = got["dockerfile"].documentation or ""
    assert doc.endswith("Default: `Dockerfile`") and len(doc) > 40
    assert got["dockerfile"].detail == "string"
    assert items(HEAD + "build:\n  artifacts:\n  - §\n")["image"].detail == "string (required)"


def test_new_artifact_image_offers_images_the_manifests_use(shop) -> None:
    text = HEAD + "build:\n  artifacts:\n  - image: shop-api\n  - image: §\nmanifests:\n  rawYaml:\n  - k8s/*.yaml\n"
    got = items(text, shop)
    assert list(got) == ["shop-worker"] and got["shop-worker"].detail == "used by StatefulSet shop-worker in worker.yaml"


def test_raw_manifests_starter_forwards_the_first_container_port(tmp_path) -> None:
    (tmp_path / "go.mod").write_text("module example.com/web\n")
    (tmp_path / "main.go").write_text("package main\nfunc main() {}\n")
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "web.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n"
        "      containers:\n      - name: web\n        image: web\n        ports:\n        - containerPort: 8080\n")
    raw = items("§", tmp_path / "skaffold.yaml")["skaffold: Go + ko + raw manifests"].insert_text or ""
    assert raw.endswith("deploy:\n  kubectl: {}\nportForward:\n  - resourceType: deployment\n"
                        "    resourceName: web\n    port: 8080\n$0")
    assert "    - image: web\n      ko: {}\n" in raw and "    - k8s/*.yaml\n" in raw


def test_port_forward_ports_of_the_named_resource(shop) -> None:
    base = HEAD + "portForward:\n- resourceType: {}\n  resourceName: shop-api\n  port: §\n"
    assert labels(base.format("deployment"), shop) == ["8080"]
    assert labels(base.format("service"), shop) == ["80"]


def test_starter_names_artifacts_like_the_manifests_images(shop) -> None:
    raw = items("§", shop.parent / "new-skaffold.yaml")["skaffold: Go + ko + raw manifests"].insert_text or ""
    assert "    - image: shop-api\n      ko:\n        main: ./cmd/api\n" in raw
    assert "    - image: shop-worker\n      ko:\n        main: ./cmd/worker\n" in raw
    assert "  - resourceType: deployment\n    resourceName: shop-api\n    port: 8080\n" in raw


def test_set_values_nested_keys() -> None:
    led = ws("ledger", "skaffold.yaml")
    text = led.read_text().replace("        setValueTemplates:\n", "        setValues:\n          image:\n"
                                   "            §\n        setValueTemplates:\n")
    assert labels(text, led) == ["repository", "tag"]

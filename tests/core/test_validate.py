"""Validation messages, ranges and skaffold's Go-decoder leniency."""

from __future__ import annotations

from skaffold_ls.analysis import AnalysisOptions, analyze
from skaffold_ls.core.findings import Severity
from skaffold_ls.schema.store import SchemaStore

STORE = SchemaStore()


def findings(text: str, outdated: bool = False):
    return analyze(text, None, STORE, AnalysisOptions(outdated_api_version=outdated, schema_only=True)).findings


def errors(text: str):
    return [f for f in findings(text) if f.is_error]


def only(text: str, code: str):
    found = [f for f in findings(text) if f.code == code]
    assert len(found) == 1, [(f.code, f.message) for f in findings(text)]
    return found[0]


def test_unknown_key_points_at_the_key_and_suggests():
    f = only("apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  artifacts:\n  - image: a\n    dokcer: {}\n",
             "unknown-key")
    assert (f.range.start.line, f.range.start.col, f.range.end.col) == (5, 4, 10)
    assert f.data and f.data["suggestion"] == "docker"
    assert "Did you mean `docker`" in f.message and "build.artifacts[0]" in f.message


def test_mistake_inside_artifact_gives_one_message_not_a_cascade():
    text = ("apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  artifacts:\n  - image: a\n"
            "    ko:\n      fromImage: alpine\n      mian: ./cmd/app\n")
    errs = errors(text)
    assert len(errs) == 1
    assert errs[0].code == "unknown-key" and errs[0].data["suggestion"] == "main"
    assert errs[0].range.start.line == 7


def test_both_docker_and_ko():
    text = ("apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  artifacts:\n  - image: a\n"
            "    docker: {}\n    ko: {}\n")
    f = only(text, "one-of-conflict")
    assert f.range.start.line == 6 and "builder" in f.message and "`docker`" in f.message


def test_wrong_type_and_enum_point_at_the_value():
    text = ("apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  local:\n    push: maybe\n"
            "deploy:\n  logs:\n    prefix: containr\n")
    push = only(text, "wrong-type")
    assert push.range.start.line == 4 and push.range.start.col == 10
    prefix = only(text, "invalid-enum")
    assert prefix.range.start.line == 7 and "Did you mean `container`" in prefix.message


def test_go_decoder_leniency():
    text = ("apiVersion: skaffold/v4beta14\nkind: Config\n"
            ".anchors: &base {DEBUG: 1}\n"              # anchor holder: ignored
            "build:\n  local:\n    push: yes\n"         # YAML 1.1 boolean into a bool
            "  artifacts:\n  - image: a\n    docker:\n"  # empty value accepted
            "      buildArgs:\n        DEBUG: 1\n"      # a number where a string is expected
            "        FLAG: on\n")
    assert errors(text) == []


def test_quoted_number_is_not_an_integer():
    text = ("apiVersion: skaffold/v4beta14\nkind: Config\nportForward:\n- resourceType: deployment\n"
            "  resourceName: web\n  port: 8080\n  localPort: \"9000\"\n")
    f = only(text, "wrong-type")
    assert f.range.start.line == 6


def test_duplicate_keys_are_errors():
    f = only("apiVersion: skaffold/v4beta14\nkind: Config\nkind: Config\n", "duplicate-key")
    assert f.range.start.line == 2 and "line 2" in f.message


def test_missing_and_unknown_api_version_and_kind():
    f = only("kind: Config\n", "missing-api-version")
    assert "skaffold/v4beta14" in f.message
    f = only("apiVersion: skaffold/v2beta30\nkind: Config\n", "unknown-api-version")
    assert "skaffold/v2beta29" in f.message and f.range.start.col == 12
    f = only("apiVersion: skaffold/v5\nkind: Config\n", "unknown-api-version")
    assert "skaffold/v4beta14" in f.message
    only("apiVersion: skaffold/v4beta14\n", "missing-kind")
    only("apiVersion: skaffold/v4beta14\nkind: Deployment\n", "unknown-kind")


def test_each_document_uses_its_own_version():
    text = ("apiVersion: skaffold/v2beta28\nkind: Config\ndeploy:\n  kubectl:\n    manifests: [k8s/*.yaml]\n"
            "---\n"
            "apiVersion: skaffold/v4beta14\nkind: Config\ndeploy:\n  kubectl:\n    manifests: [k8s/*.yaml]\n")
    errs = errors(text)
    assert [(e.range.start.line, e.code) for e in errs] == [(10, "removed-field")]


def test_moved_fields_say_where_they_went():
    f = only("apiVersion: skaffold/v3\nkind: Config\ndeploy:\n  kubectl:\n    manifests: [a.yaml]\n",
             "removed-field")
    assert "moved to `manifests.rawYaml`" in f.message and "skaffold/v3alpha1" in f.message
    f = only("apiVersion: skaffold/v4beta14\nkind: Config\ndeploy:\n  helm:\n    releases:\n    - name: x\n"
             "      chartPath: c\n      artifactOverrides:\n        image: app\n", "removed-field")
    assert "replaced by `setValueTemplates`" in f.message and "skaffold/v3alpha1" in f.message
    f = only("apiVersion: skaffold/v3\nkind: Config\ndeploy:\n  kustomize:\n    paths: [.]\n", "removed-field")
    assert "moved to `manifests.kustomize`" in f.message


def test_field_from_a_newer_version():
    f = only("apiVersion: skaffold/v4beta1\nkind: Config\nbuild:\n  artifacts:\n  - image: a\n"
             "    runtimeType: go\n", "field-not-yet-available")
    assert "added in skaffold/v4beta2" in f.message


def test_outdated_api_version_is_a_hint_and_can_be_turned_off():
    # currency is style: a hint, not in the editor's problem list (the precision policy)
    text = "apiVersion: skaffold/v2beta28\nkind: Config\n"
    f = [x for x in findings(text, outdated=True) if x.code == "outdated-api-version"]
    assert len(f) == 1 and f[0].severity is Severity.HINT and "skaffold/v4beta14" in f[0].message
    assert not [x for x in findings(text, outdated=False) if x.code == "outdated-api-version"]


def test_missing_required_key():
    f = only("apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  artifacts:\n  - context: .\n",
             "missing-required")
    assert f.data["key"] == "image" and f.range.start.line == 4


def test_profile_patches_are_checked():
    text = ("apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  artifacts:\n  - image: a\n"
            "profiles:\n- name: p\n  patches:\n  - op: replace\n    path: /build/artifacts/0/image\n    value: b\n"
            "  - op: replace\n    path: /build/artifacts/1/image\n    value: c\n"
            "  - op: frobnicate\n    path: /build\n")
    fs = analyze(text, None, STORE, AnalysisOptions(outdated_api_version=False)).findings
    codes = [(f.range.start.line, f.code) for f in fs]
    assert (12, "patch-path-unresolved") in codes
    assert (14, "invalid-patch-op") in codes
    assert not any(line == 9 for line, _ in codes)


def test_non_skaffold_yaml_gets_no_findings():
    analysis = analyze("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: x}\n", None, STORE)
    assert analysis.not_skaffold == "v1" and analysis.findings == []

"""The effective configuration as text: annotated YAML that reads back as the data, JSON with sources,
and the property that applying no profile gives the document itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skaffold_ls.config.activation import RunContext
from skaffold_ls.config.effective import Effective, EffectiveConfig, load_effective
from skaffold_ls.config.loader import LoadRequest, load
from skaffold_ls.config.sources import Sources
from skaffold_ls.config.values import Origin, Value, synthetic
from skaffold_ls.features.effective import (
    _Emitter,
    effective_config_text,
    render_json,
    render_yaml,
)

from .helpers import HEAD, write


def text_of(root: Path, *profiles: str, defaults: bool = True, fmt: str = "yaml", command: str = "dev") -> str:
    return effective_config_text(Sources(), root / "skaffold.yaml", profiles=profiles, run=RunContext(command=command),
                                 run_dir=root, defaults=defaults, fmt=fmt)


def body(text: str) -> list[str]:
    """The YAML lines of each config (header comments dropped)."""
    return [line for line in text.splitlines() if not line.startswith("#")]


# -- annotated YAML --------------------------------------------------------------------------------


def test_values_from_profiles_patches_and_defaults_say_so(tmp_path: Path) -> None:
    write(tmp_path, {"skaffold.yaml": HEAD + """\
build:
  artifacts:
  - image: app
    context: app
deploy:
  kubectl: {}
profiles:
- name: debug
  activation: [{command: debug}]
  patches:
  - op: add
    path: /build/artifacts/0/docker
    value: {dockerfile: Dockerfile.debug}
- name: gcb
  build:
    googleCloudBuild: {projectId: x}
"""})
    out = text_of(tmp_path, command="debug")
    assert "# active profiles: debug (on `skaffold debug`)" in out
    assert "# inactive profiles: gcb (no `activation`: only active when named)" in out
    lines = body(out)
    # The root document as written: no comment.
    assert "  - image: app" in lines and "    context: app" in lines
    assert "    docker:  # profile debug, patch 1 (skaffold.yaml:15)" in lines
    assert "      dockerfile: Dockerfile.debug  # profile debug, patch 1 (skaffold.yaml:15)" in lines
    assert "  tagPolicy:  # default" in lines and "    gitCommit: {}  # default" in lines
    assert "  kubectl: {}" in lines  # written: no comment, and no default deployer added
    assert yaml.safe_load(out)["build"]["artifacts"] == [
        {"image": "app", "context": "app", "docker": {"dockerfile": "Dockerfile.debug"}}]


def test_a_required_configs_values_say_which_file(tmp_path: Path) -> None:
    write(tmp_path, {"skaffold.yaml": HEAD + "requires: [{path: src/svc}]\n",
                     "src/svc/skaffold.yaml": HEAD + "metadata: {name: svc}\nbuild:\n  artifacts:\n"
                                                     "  - image: svc\n    context: ../..\n"})
    out = text_of(tmp_path)
    assert "# config 1 of 2: svc (src/svc/skaffold.yaml, document 1)" in out
    assert "# required by: (no metadata.name) (skaffold.yaml)" in out
    assert "  - image: svc  # from src/svc/skaffold.yaml:6" in out
    assert "    context: .  # from src/svc/skaffold.yaml:7; written ../.." in out
    assert "note: 2 configs: skaffold adds its default renderer and deployer" in out
    assert len(list(yaml.safe_load_all(out))) == 2


def test_strings_are_quoted_when_yaml_would_read_something_else(tmp_path: Path) -> None:
    write(tmp_path, {"skaffold.yaml": HEAD + """\
build:
  artifacts:
  - image: "yes"
    context: '8080'
    docker:
      buildArgs: {A: "1.10", B: "a #b", C: "{{.X}}", D: "x: y", E: "", F: "-trimpath", G: "127.0.0.1"}
      target: 'it''s'
  tagPolicy:
    envTemplate: {template: "multi\\nline\\n"}
deploy:
  kubectl: {flags: {global: ["--v=2"]}}
  statusCheckDeadlineSeconds: 0x1F
"""})
    out = text_of(tmp_path, defaults=False)
    lines = body(out)
    assert "  - image: 'yes'" in lines and "    context: '8080'" in lines
    assert "        A: '1.10'" in lines and "        B: 'a #b'" in lines and "        C: '{{.X}}'" in lines
    assert "        D: 'x: y'" in lines and "        E: ''" in lines and "        F: -trimpath" in lines
    assert "        G: 127.0.0.1" in lines and "      target: it's" in lines  # a quote inside a plain scalar is fine
    assert "      template: |" in lines and "        multi" in lines
    assert "  statusCheckDeadlineSeconds: 0x1F" in lines  # a number as written: Go decodes it by the field's type
    data = yaml.safe_load(out)
    assert data["build"]["artifacts"][0]["docker"]["buildArgs"] == {
        "A": "1.10", "B": "a #b", "C": "{{.X}}", "D": "x: y", "E": "", "F": "-trimpath", "G": "127.0.0.1"}
    assert data["build"]["tagPolicy"]["envTemplate"]["template"] == "multi\nline\n"


def test_header_reports_what_stops_skaffold(tmp_path: Path) -> None:
    write(tmp_path, {"skaffold.yaml": HEAD + "profiles:\n- name: p\n  patches: [{op: remove, path: /deploy/helm}]\n"})
    out = text_of(tmp_path, "p", "nope")
    assert "# skaffold.yaml:5:32: error patch-path-unresolved profile `p`, patch 1:" in out
    assert "# skaffold.yaml:1:1: error unknown-profile profile selection (nope) did not match" in out
    assert "# skaffold stops loading at the first error above" in out


# -- JSON --------------------------------------------------------------------------------------------


def plain_of(node: dict[str, Any]) -> Any:
    v = node["value"]
    if isinstance(v, dict):
        return {k: plain_of(c) for k, c in v.items()}
    if isinstance(v, list):
        return [plain_of(c) for c in v]
    return v


def test_json_gives_a_source_per_value(tmp_path: Path) -> None:
    write(tmp_path, {"skaffold.yaml": HEAD + "build:\n  artifacts: [{image: a}]\nprofiles:\n- name: p\n"
                                             "  patches: [{op: add, path: /build/artifacts/0/context, value: c}]\n"})
    data = json.loads(text_of(tmp_path, "p", fmt="json"))
    assert data["command"] == "dev" and data["problems"] == [] and data["runDirectory"] == tmp_path.as_posix()
    (cfg,) = data["configs"]
    assert cfg["profiles"] == [{"name": "p", "active": True, "reason": "named with -p"}]
    art = cfg["config"]["value"]["build"]["value"]["artifacts"]["value"][0]["value"]
    assert art["image"]["source"] == {"file": "skaffold.yaml", "line": 4, "column": 23, "profile": None,
                                      "patch": None, "default": False}
    assert art["context"]["source"]["profile"] == "p" and art["context"]["source"]["patch"] == 1
    assert art["docker"]["source"]["default"] is True and art["docker"]["source"]["file"] is None
    assert plain_of(cfg["config"])["build"]["artifacts"] == [
        {"image": "a", "context": "c", "docker": {"dockerfile": "Dockerfile"}}]


# -- properties ------------------------------------------------------------------------------------

# Strings YAML 1.1 (PyYAML) and 1.2 (Go, our reader) agree on when PyYAML writes them: a leading letter.
WORDS = st.from_regex(r"[a-zA-Z][a-zA-Z0-9_./-]{0,10}", fullmatch=True)
SCALARS = st.one_of(WORDS, st.integers(-10_000, 10_000), st.booleans())


def _tree(leaves: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.recursive(leaves, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                         st.dictionaries(WORDS, inner, max_size=3)), max_leaves=12)


ARTIFACT = st.fixed_dictionaries({"image": WORDS}, optional={
    "context": WORDS, "docker": st.fixed_dictionaries({}, optional={"dockerfile": WORDS, "target": WORDS}),
    "sync": st.fixed_dictionaries({}, optional={"infer": st.lists(WORDS, max_size=2)})})
DOCUMENT = st.fixed_dictionaries(
    {"apiVersion": st.just("skaffold/v4beta14"), "kind": st.just("Config")},
    optional={
        "metadata": st.fixed_dictionaries({"name": WORDS}, optional={"labels": st.dictionaries(WORDS, WORDS, max_size=2)}),
        "build": st.fixed_dictionaries({}, optional={"artifacts": st.lists(ARTIFACT, max_size=3),
                                                      "tagPolicy": st.just({"sha256": {}})}),
        "manifests": st.fixed_dictionaries({}, optional={"rawYaml": st.lists(WORDS, max_size=3)}),
        "deploy": st.fixed_dictionaries({}, optional={"kubectl": st.dictionaries(WORDS, _tree(SCALARS), max_size=2),
                                                       "statusCheck": st.booleans()}),
        "portForward": st.lists(st.fixed_dictionaries({"resourceType": WORDS, "port": st.integers(1, 65535)}),
                                max_size=2),
        # Profiles that nothing activates (no `activation`, not named): they must change nothing.
        "profiles": st.lists(st.fixed_dictionaries({"name": WORDS}, optional={
            "build": st.just({"artifacts": [{"image": "from-profile"}]}),
            "patches": st.just([{"op": "add", "path": "/build/artifacts/-", "value": {"image": "patched"}}])}),
            max_size=2, unique_by=lambda p: p["name"]),
    })


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=DOCUMENT)
def test_no_profile_gives_the_document_itself(tmp_path_factory: Any, document: dict[str, Any]) -> None:
    root = tmp_path_factory.mktemp("doc")
    write(root, {"skaffold.yaml": yaml.safe_dump(document, sort_keys=False)})
    expected = {k: v for k, v in document.items() if k != "profiles"}
    # The loader's value is the document (its profiles included, unapplied).
    (loaded,) = load(Sources(), LoadRequest(root / "skaffold.yaml", run_dir=root)).configs
    assert loaded.profiles == [] and loaded.value.plain() == document
    # Without defaults, the effective configuration printed and read back is the document, less `profiles`
    # (skaffold drops the section), with every value unannotated (all from the root document as written).
    out = text_of(root, defaults=False)
    assert yaml.safe_load(out) == expected
    assert not [line for line in body(out) if "#" in line]
    # With defaults, everything written is still there, unchanged: defaults only add (or fill Go's zero values).
    with_defaults = yaml.safe_load(text_of(root))
    _assert_contains(with_defaults, expected)


def _assert_contains(big: Any, small: Any) -> None:
    if isinstance(small, dict):
        assert isinstance(big, dict)
        for k, v in small.items():
            assert k in big
            _assert_contains(big[k], v)
    elif small == []:
        pass  # Go's zero value: an empty list is no list, and takes the default (`rawYaml: []`)
    elif isinstance(small, list):
        assert isinstance(big, list) and len(big) == len(small)
        for b, s in zip(big, small, strict=True):
            _assert_contains(b, s)
    else:
        assert big == small


# Any text at all, as keys and values: the emitter must quote (or block) it so YAML reads it back.
TEXT = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
ANY_SCALAR = st.one_of(TEXT, st.integers(), st.booleans(), st.none(),
                       st.floats(allow_nan=False, allow_infinity=True))
ANY_TREE = st.recursive(ANY_SCALAR, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                            st.dictionaries(TEXT, inner, max_size=4)), max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(data=st.dictionaries(TEXT, ANY_TREE, max_size=5))
def test_the_emitter_writes_yaml_that_reads_back_as_the_data(data: dict[str, Any]) -> None:
    value = synthetic(data, Origin(None, default=True))  # every line carries a `# default` comment
    loaded_cfg = _fake_config(value)
    lines: list[str] = []
    _Emitter(loaded_cfg, _FAKE_EFF, lines).mapping(value, 0)
    text = "\n".join(lines) + "\n"
    assert (yaml.safe_load(text) or {}) == data, text


def _fake_config(value: Value) -> EffectiveConfig:
    class _Loaded:
        is_root = True
        file = None

    return EffectiveConfig(_Loaded(), value)  # type: ignore[arg-type]


_FAKE_EFF = Effective(Path("/w/skaffold.yaml"), RunContext(), Path("/w"))


def test_render_functions_agree_with_the_text_api(tmp_path: Path) -> None:
    write(tmp_path, {"skaffold.yaml": HEAD + "build:\n  artifacts: [{image: a}]\n"})
    eff = load_effective(Sources(), LoadRequest(tmp_path / "skaffold.yaml", run_dir=tmp_path))
    assert render_yaml(eff) == text_of(tmp_path)
    assert json.dumps(render_json(eff), indent=2) + "\n" == text_of(tmp_path, fmt="json")


def test_profiles_a_requires_activates_and_a_conflicting_revisit(tmp_path: Path) -> None:
    # web requires lib with its `debug` profile; api requires lib without: skaffold refuses a config
    # reached twice with different profiles (parser/config.go checkRevisit).
    lib = HEAD + "metadata: {name: lib}\nprofiles:\n- name: debug\n  build: {tagPolicy: {sha256: {}}}\n"
    write(tmp_path, {
        "skaffold.yaml": HEAD + "metadata: {name: web}\nrequires:\n- path: lib\n  activeProfiles: [{name: debug}]\n"
                         "---\n" + HEAD + "metadata: {name: api}\nrequires:\n- path: lib\n",
        "lib/skaffold.yaml": lib})
    out = text_of(tmp_path)
    assert "# active profiles: debug (`activeProfiles` of the requiring config `web`)" in out
    assert "    sha256: {}  # profile debug (lib/skaffold.yaml:6)" in out
    assert "error requires-profile-conflict" in out and "# skaffold stops loading" in out

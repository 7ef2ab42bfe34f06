"""What skaffold loads: requires in its order, profiles through requires, where paths resolve."""

from __future__ import annotations

from pathlib import Path

from skaffold_ls.config.activation import RunContext
from skaffold_ls.config.artifacts import artifacts_of
from skaffold_ls.config.loader import LoadRequest, load
from skaffold_ls.config.sources import Sources

from .helpers import HEAD, write


def project(tmp_path: Path) -> Path:
    write(tmp_path, {
        "skaffold.yaml": HEAD + """metadata: {name: root}
requires:
- path: ./svc
  activeProfiles:
  - name: dbg
    activatedBy: [debug]
  - name: always
- configs: [local-dep]
build:
  artifacts: [{image: web, context: web}]
profiles:
- name: debug
  activation: [{command: debug}]
---
""" + HEAD + """metadata: {name: local-dep}
build:
  artifacts: [{image: tool}]
""",
        "svc/skaffold.yaml": HEAD + """metadata: {name: svc}
build:
  artifacts: [{image: svc, context: src}]
profiles:
- name: dbg
  build: {artifacts: [{image: svc-debug, context: src}]}
- name: always
  deploy: {kubeContext: k}
""",
    })
    return tmp_path / "skaffold.yaml"


def names(result) -> list[str | None]:  # type: ignore[no-untyped-def]
    return [c.name for c in result.configs]


def test_dependencies_come_first_and_resolve_paths_against_their_own_folder(tmp_path: Path) -> None:
    result = load(Sources(), LoadRequest(project(tmp_path), run_dir=tmp_path / "elsewhere"))
    assert result.problems == []
    assert names(result) == ["svc", "local-dep", "root"]  # local-dep is not loaded twice
    by_name = {c.name: c for c in result.configs}
    assert by_name["svc"].base_dir == tmp_path / "svc" and not by_name["svc"].is_root
    assert by_name["root"].base_dir == tmp_path / "elsewhere" and by_name["root"].is_root
    # a `requires` with no path names configs of the same file: still the root's run directory
    assert by_name["local-dep"].base_dir == tmp_path / "elsewhere" and by_name["local-dep"].is_root
    svc_art = artifacts_of(by_name["svc"].value, by_name["svc"].base_dir)[0]
    assert svc_art.context == tmp_path / "svc" / "src"


def test_active_profiles_reach_the_dependency_only_when_activated_by_holds(tmp_path: Path) -> None:
    root = project(tmp_path)
    dev = {c.name: c for c in load(Sources(), LoadRequest(root, run=RunContext(command="dev"))).configs}
    debug = {c.name: c for c in load(Sources(), LoadRequest(root, run=RunContext(command="debug"))).configs}
    assert dev["svc"].profiles == ["always"]
    assert debug["svc"].profiles == ["dbg", "always"]
    assert [a.image for a in artifacts_of(debug["svc"].value, None)] == ["svc-debug"]
    reason = {s.name: s.reason for s in debug["svc"].states}
    assert "activatedBy: debug" in reason["dbg"]


def test_cli_profiles_propagate_unless_told_not_to(tmp_path: Path) -> None:
    root = project(tmp_path)
    on = {c.name: c for c in load(Sources(), LoadRequest(root, profiles=("dbg",))).configs}
    off = {c.name: c for c in load(Sources(), LoadRequest(root, profiles=("dbg",), propagate_profiles=False)).configs}
    assert "dbg" in on["svc"].profiles and "dbg" not in off["svc"].profiles


def test_unknown_cli_profile_is_skaffolds_error(tmp_path: Path) -> None:
    result = load(Sources(), LoadRequest(project(tmp_path), profiles=("nope", "-debug")))
    assert [p.code for p in result.problems] == ["unknown-profile"]
    assert "(nope)" in result.problems[0].message


def test_modules_select_configs_with_what_they_require(tmp_path: Path) -> None:
    root = project(tmp_path)
    assert names(load(Sources(), LoadRequest(root, modules=("svc",)))) == ["svc"]
    assert names(load(Sources(), LoadRequest(root, modules=("root",)))) == ["svc", "local-dep", "root"]
    bad = load(Sources(), LoadRequest(root, modules=("nope",)))
    assert [p.code for p in bad.problems] == ["unknown-module"]


def test_missing_dependency_points_at_its_path(tmp_path: Path) -> None:
    write(tmp_path, {"skaffold.yaml": HEAD + "requires:\n- path: gone/skaffold.yaml\n"})
    result = load(Sources(), LoadRequest(tmp_path / "skaffold.yaml"))
    (problem,) = result.problems
    assert problem.code == "requires-missing" and problem.range is not None and problem.range.start.line == 3
    assert "no such file" in problem.message


def test_revisit_with_other_profiles_is_an_error_and_cycles_end(tmp_path: Path) -> None:
    write(tmp_path, {
        "skaffold.yaml": HEAD + "metadata: {name: a}\nrequires:\n- path: b\n  activeProfiles: [{name: x}]\n"
                                "- path: c\n",
        "b/skaffold.yaml": HEAD + "metadata: {name: b}\nrequires: [{path: ../c}]\nprofiles: [{name: x}]\n",
        "c/skaffold.yaml": HEAD + "metadata: {name: c}\nrequires: [{path: ../b}]\nprofiles: [{name: x}]\n",
    })
    result = load(Sources(), LoadRequest(tmp_path / "skaffold.yaml"))
    assert [p.code for p in result.problems] == ["requires-profile-conflict"]
    assert names(result) == ["c", "b", "a"]


def test_remote_dependencies_are_named_not_fetched(tmp_path: Path) -> None:
    write(tmp_path, {"skaffold.yaml": HEAD + "requires:\n- git: {repo: 'https://example.com/x.git', path: s.yaml}\n"})
    result = load(Sources(), LoadRequest(tmp_path / "skaffold.yaml"))
    assert [(r.kind, r.description) for r in result.remote] == [("git", "https://example.com/x.git")]
    assert result.problems == []


def test_open_buffers_win_over_the_disk(tmp_path: Path) -> None:
    root = project(tmp_path)
    svc = tmp_path / "svc" / "skaffold.yaml"
    edited = HEAD + "metadata: {name: svc}\nbuild:\n  artifacts: [{image: edited}]\n"
    sources = Sources(lambda p: edited if p == svc else None)
    by_name = {c.name: c for c in load(sources, LoadRequest(root)).configs}
    assert [a.image for a in artifacts_of(by_name["svc"].value, None)] == ["edited"]


def test_duplicate_names_across_files(tmp_path: Path) -> None:
    write(tmp_path, {"skaffold.yaml": HEAD + "metadata: {name: same}\nrequires: [{path: sub}]\n",
                     "sub/skaffold.yaml": HEAD + "metadata: {name: same}\n"})
    result = load(Sources(), LoadRequest(tmp_path / "skaffold.yaml"))
    assert [p.code for p in result.problems] == ["duplicate-config-name"]

"""Diagnostics for `requires`: missing files, unknown config names, cycles."""

from __future__ import annotations

from pathlib import Path

from tests.features.conftest import ctx_for, ws

HEAD = "apiVersion: skaffold/v4beta14\nkind: Config\n"


def findings(text: str, path: Path | None) -> list[tuple[str, str, int]]:
    a = ctx_for(text, path).analysis
    return [(f.code, f.message, f.range.start.line) for f in a.findings if f.code.startswith("requires-")]


def test_fixture_workspaces_are_clean() -> None:
    for parts in [("platform", "skaffold.yaml"), ("platform", "services", "web", "skaffold.yaml"),
                  ("shop", "skaffold.yaml"), ("ledger", "skaffold.yaml")]:
        p = ws(*parts)
        a = ctx_for(p.read_text(), p).analysis
        assert [f.code for f in a.findings if f.severity <= 2] == [], parts


def test_missing_file_and_unknown_config() -> None:
    plat = ws("platform", "skaffold.yaml")
    text = plat.read_text().replace("./base", "./basement").replace("configs: [web]", "configs: [web, webb]")
    got = findings(text, plat)
    assert [(c, line) for c, _, line in got] == [("requires-missing", 5), ("requires-unknown-config", 7)]
    assert "`./basement` not found" in got[0][1]
    assert got[1][1] == ("no config named `webb` in `services/web`; configs there: `web`, `web-assets`: skaffold "
                         "loads nothing for it, without a word")


def test_cycle_across_files_is_information() -> None:
    a = ws("platform", "loop", "a", "skaffold.yaml")
    got = findings(a.read_text(), a)
    assert got == [("requires-cycle", "`requires` cycle: `loop-a` → `loop-b` → `loop-a`; skaffold reads each "
                    "config once, so the dependency order around the cycle is undefined", 5)]


def test_cycle_inside_one_file_and_same_file_requires(tmp_path: Path) -> None:
    p = tmp_path / "skaffold.yaml"
    text = (HEAD + "metadata:\n  name: one\nrequires:\n- configs: [two]\n---\n"
            + HEAD + "metadata:\n  name: two\nrequires:\n- configs: [one]\n")
    got = findings(text, p)
    assert [c for c, _, _ in got] == ["requires-cycle", "requires-cycle"]
    ok = HEAD + "metadata:\n  name: one\nrequires:\n- configs: [two]\n---\n" + HEAD + "metadata:\n  name: two\n"
    assert findings(ok, p) == []
    assert [c for c, _, _ in findings(ok.replace("[two]", "[three]"), p)] == ["requires-unknown-config"]


def test_remote_and_unsaved_requires_are_left_alone() -> None:
    text = HEAD + "requires:\n- git:\n    repo: https://example.com/x.git\n- path: ./somewhere\n"
    assert findings(text, None) == []


def test_active_profiles_and_activated_by() -> None:
    plat = ws("platform", "skaffold.yaml")
    text = plat.read_text().replace("- name: local", "- name: locale").replace("activatedBy: [dev]",
                                                                               "activatedBy: [dev, prod]")
    a = ctx_for(text, plat).analysis
    codes = [(f.code, f.range.start.line, f.message) for f in a.findings
             if f.code in ("requires-unknown-profile", "activated-by-unknown-profile")]
    assert codes == [
        ("requires-unknown-profile", 9, "the required config has no profile `locale` (its profiles: `cloud`, "
         "`local`); skaffold skips it"),
        ("activated-by-unknown-profile", 10, "`activatedBy` names `prod`, which is not a profile of this config "
         "(its profiles: `dev`), so it never activates"),
    ]


def _codes(text: str, path: Path | None, *wanted: str) -> list[tuple[str, int]]:
    a = ctx_for(text, path).analysis
    return [(f.code, f.range.start.line) for f in a.findings if f.code in wanted]


def test_artifact_requires_image_must_be_built(tmp_path: Path) -> None:
    text = HEAD + ("build:\n  artifacts:\n  - image: base\n  - image: app\n    requires:\n    - image: base\n"
                   "      alias: BASE\n    - image: missing\n      alias: M\n")
    assert _codes(text, tmp_path / "skaffold.yaml", "unknown-required-image") == [("unknown-required-image", 9)]
    # an image built by a required config is fine
    web = ws("platform", "services", "web", "skaffold.yaml")
    assert _codes(web.read_text(), web, "unknown-required-image") == []
    # with a remote dependency we cannot know: no finding
    remote = text.replace("build:", "requires:\n- git:\n    repo: https://example.com/r.git\nbuild:")
    assert _codes(remote, tmp_path / "skaffold.yaml", "unknown-required-image") == []


def test_artifact_requires_cycle(tmp_path: Path) -> None:
    text = HEAD + ("build:\n  artifacts:\n  - image: a\n    requires:\n    - image: b\n  - image: b\n"
                   "    requires:\n    - image: a\n  - image: c\n    requires:\n    - image: a\n")
    got = ctx_for(text, tmp_path / "skaffold.yaml").analysis.findings
    cycles = [(f.range.start.line, f.message) for f in got if f.code == "artifact-requires-cycle"]
    assert cycles == [(6, "artifact dependency cycle: `a` → `b` → `a`; skaffold cannot order these builds"),
                      (9, "artifact dependency cycle: `b` → `a` → `b`; skaffold cannot order these builds")]

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
    assert got[1][1] == "no config named `webb` in `services/web`; configs there: `web`, `web-assets`"


def test_cycle_across_files_is_a_warning() -> None:
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

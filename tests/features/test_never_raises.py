"""Property: the editing features never raise, whatever prefix of a real config is being typed.

The corpus is skaffold's own examples (in ../shared, skipped clearly without it) and
the project's fixture workspaces (always present)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skaffold_ls.core.findings import Pos
from skaffold_ls.features.completion import complete
from skaffold_ls.features.folding import folding_ranges
from skaffold_ls.features.hover import hover
from skaffold_ls.features.links import document_links
from skaffold_ls.features.navigation import definition, references
from skaffold_ls.features.symbols import document_symbols
from tests.conftest import EXAMPLES, require_shared
from tests.features.conftest import WORKSPACES, ctx_for

OWN = sorted(WORKSPACES.rglob("skaffold*.yaml"))


def _corpus() -> list[Path]:
    return sorted(EXAMPLES.rglob("skaffold*.yaml")) if EXAMPLES.exists() else []


def _all_features_at(text: str, path: Path, pos: Pos) -> None:
    ctx = ctx_for(text, path, checks=False)
    for item in complete(ctx, pos):
        assert item.label
        if item.edit_range is not None:
            assert item.edit_range.start.line == item.edit_range.end.line == pos.line
            assert item.edit_range.start.col <= pos.col <= item.edit_range.end.col
    h = hover(ctx, pos)
    assert h is None or h.markdown
    definition(ctx, pos)
    references(ctx, pos)


def _end_of(text: str) -> Pos:
    lines = text.split("\n")
    return Pos(len(lines) - 1, len(lines[-1]))


@pytest.mark.parametrize("path", OWN, ids=lambda p: str(p.relative_to(WORKSPACES)))
def test_every_prefix_of_own_fixtures(path: Path) -> None:
    text = path.read_text()
    for cut in range(len(text) + 1):
        prefix = text[:cut]
        ctx = ctx_for(prefix, path, checks=False)
        pos = _end_of(prefix)
        complete(ctx, pos)
        hover(ctx, pos)
    _whole_file_features(text, path)


def _whole_file_features(text: str, path: Path) -> None:
    ctx = ctx_for(text, path, checks=False)
    document_symbols(ctx)
    folding_ranges(ctx)
    document_links(ctx)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_prefix_of_skaffold_examples(data: st.DataObject) -> None:
    files = _corpus()
    if not files:
        require_shared(EXAMPLES)
    path = data.draw(st.sampled_from(files))
    text = path.read_text(encoding="utf-8")
    cut = data.draw(st.integers(0, len(text)))
    prefix = text[:cut]
    # the cursor at the end (typing), or anywhere in the prefix
    lines = prefix.split("\n")
    line = data.draw(st.integers(0, len(lines) - 1))
    col = data.draw(st.integers(0, len(lines[line])))
    pos = data.draw(st.sampled_from([_end_of(prefix), Pos(line, col)]))
    _all_features_at(prefix, path, pos)
    _whole_file_features(prefix, path)


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("ab: -\n#'\"[]{}|>&*!§\t")), max_size=80),
       line=st.integers(0, 6), col=st.integers(0, 30))
def test_arbitrary_yamlish_text(text: str, line: int, col: int) -> None:
    text = "apiVersion: skaffold/v4beta14\nkind: Config\n" + text
    lines = text.split("\n")
    line = min(line + 2, len(lines) - 1)
    pos = Pos(line, min(col, len(lines[line])))
    _all_features_at(text, WORKSPACES / "shop" / "skaffold.yaml", pos)
    _whole_file_features(text, WORKSPACES / "shop" / "skaffold.yaml")


def test_every_line_prefix_of_every_example() -> None:
    """Deterministic sweep: each example cut at every line end and mid-line, cursor at the end."""
    files = _corpus()
    if not files:
        require_shared(EXAMPLES)
    count = 0
    for path in files:
        text = path.read_text(encoding="utf-8")
        offsets = []
        pos = 0
        for line in text.split("\n"):
            offsets += [pos + len(line) // 2, pos + len(line)]
            pos += len(line) + 1
        for cut in offsets:
            prefix = text[:cut]
            ctx = ctx_for(prefix, path, checks=False)
            end = _end_of(prefix)
            complete(ctx, end)
            hover(ctx, end)
            count += 1
    assert count > 1000

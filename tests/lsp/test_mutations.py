"""Property-based: mutated real configs never make analysis, conversion or features raise,
and every diagnostic range lies inside the document.

Sources: skaffold's own examples from ../shared (when present) plus our small fixtures
in tests/lsp/data, so the test also runs without ../shared.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skaffold_ls.analysis import Analysis, AnalysisOptions, analyze
from skaffold_ls.core.findings import Pos
from skaffold_ls.core.positions import UTF8, UTF16, UTF32, from_units, split_lines, to_units
from skaffold_ls.features import completion, folding, hover, lenses, links, navigation, symbols
from skaffold_ls.features.types import FeatureContext
from skaffold_ls.lsp import publish
from skaffold_ls.lsp.jsonsafe import json_safe
from skaffold_ls.schema.store import SchemaStore
from tests.conftest import EXAMPLES

DATA = Path(__file__).parent / "data"


@functools.cache
def sources() -> list[tuple[str, str]]:
    files = sorted(DATA.glob("*.yaml"))
    if EXAMPLES.is_dir():
        files += sorted(EXAMPLES.glob("*/skaffold*.yaml"))[:60]
    return [(f.name if f.parent == DATA else f.parent.name, f.read_text(encoding="utf-8")) for f in files]


@functools.cache
def store() -> SchemaStore:
    return SchemaStore()


SNIPPETS = [":", " ", "-", "- ", ": ", "\n", "\n  ", "  ", "\t", "[", "]", "{", "}", ",", "&a ", "*a", "<<: ",
            "!!str ", "|", ">-", "'", '"', "#", "%", "@", "`", "?", "---\n", "...\n", "😀", "é", "\r", "\r\n",
            "\u2028", "\x85", "\ufeff", "\x00", "\ud800", "apiVersion: skaffold/v1", "kind: Config",
            "build:", "artifacts:", "image: x", "docker: {}", "profiles:", "patches:", "op: move", "path: /x",
            "requires:", "- path: ../x", "~", "null", "yes", "0x1F", "1e3", "&", "*"]


@st.composite
def mutated(draw: st.DrawFn) -> str:
    _name, text = draw(st.sampled_from(sources()))
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["insert", "delete", "dup_line", "drop_line", "indent", "truncate", "swap"]))
        n = len(text)
        i = draw(st.integers(0, n))
        lines = text.split("\n")
        k = draw(st.integers(0, max(len(lines) - 1, 0)))
        if op == "insert":
            piece = draw(st.one_of(st.sampled_from(SNIPPETS), st.text(max_size=8)))
            text = text[:i] + piece + text[i:]
        elif op == "delete":
            j = draw(st.integers(i, min(n, i + 40)))
            text = text[:i] + text[j:]
        elif op == "dup_line":
            lines.insert(k, lines[k])
            text = "\n".join(lines)
        elif op == "drop_line":
            del lines[k]
            text = "\n".join(lines)
        elif op == "indent":
            lines[k] = draw(st.sampled_from(["  ", " ", "\t", "- "])) + lines[k]
            text = "\n".join(lines)
        elif op == "swap":
            m = draw(st.integers(0, max(len(lines) - 1, 0)))
            lines[k], lines[m] = lines[m], lines[k]
            text = "\n".join(lines)
        else:
            text = text[:i]
    return text


def assert_inside(text: str, analysis: Analysis) -> None:
    lines = split_lines(text)  # a lone "\r" breaks a line, as in LSP and libyaml
    for f in analysis.findings:
        s, e = f.range
        assert s <= e, f
        assert 0 <= s.line < len(lines) and 0 <= e.line < len(lines), f
        assert 0 <= s.col <= len(lines[s.line]) and 0 <= e.col <= len(lines[e.line]), (f, lines[e.line])


# Every editing feature: (function, takes a position).
FEATURES: list[tuple[Any, bool]] = [
    (completion.complete, True), (hover.hover, True), (navigation.definition, True),
    (navigation.references, True), (symbols.document_symbols, False), (links.document_links, False),
    (folding.folding_ranges, False), (lenses.profile_lenses, False),
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=mutated(), line=st.integers(0, 80), col=st.integers(0, 60))
def test_mutated_configs_never_raise_and_ranges_stay_inside(text: str, line: int, col: int):
    analysis = analyze(text, DATA / "skaffold.yaml", store(), AnalysisOptions())
    assert_inside(text, analysis)
    for enc in (UTF16, UTF8, UTF32):
        for f in analysis.findings:
            r = publish.diagnostic(f, analysis.parsed.lines, enc)["range"]
            assert (r["start"]["line"], r["start"]["character"]) <= (r["end"]["line"], r["end"]["character"])
            json_safe(f.data)
    ctx = FeatureContext(analysis=analysis, store=store(), workspace=DATA)
    lines = analysis.parsed.lines
    pos = Pos(min(line, len(lines) - 1), 0)
    pos = Pos(pos.line, min(col, len(lines[pos.line])))
    for fn, positional in FEATURES:
        fn(ctx, pos) if positional else fn(ctx)


@given(st.text(max_size=30), st.integers(0, 40))
def test_column_conversion_round_trips(line: str, col: int):
    col = min(col, len(line))
    for enc in (UTF16, UTF8, UTF32):
        assert from_units(line, to_units(line, col, enc), enc) == col


def test_column_conversion_examples():
    line = 'name: "😀😀", lables'
    assert to_units(line, 14, UTF16) == 16
    assert to_units(line, 14, UTF8) == 20
    assert from_units(line, 16, UTF16) == 14
    assert from_units(line, 9, UTF16) == 8  # the second emoji starts at unit 9
    assert from_units(line, 8, UTF16) == 8  # the middle of the first emoji rounds to the next character
    assert to_units("", 3, UTF16) == 3


@pytest.mark.skipif(not EXAMPLES.is_dir(), reason=f"upstream examples not found at {EXAMPLES} (../shared absent); "
                    "the mutation test above still runs on tests/lsp/data")
def test_examples_are_among_the_sources():
    assert len(sources()) > len(list(DATA.glob("*.yaml")))


@pytest.mark.asyncio
async def test_server_survives_random_incremental_edits(client, tmp_path):
    """The same kind of mutations, sent to the real server as incremental edits (seeded, so
    reproducible): every publish stays inside the document and the server keeps answering."""
    import random

    from lsprotocol import types

    from tests.lsp.conftest import edit, open_doc, wait_diagnostics

    rng = random.Random(20261126)
    _name, text = sources()[0]
    uri = (tmp_path / "skaffold.yaml").as_uri()
    pieces = [p for p in SNIPPETS if p != "\ud800"] + ["", "", "x"]  # the test client's JSON is strict UTF-8
    await wait_diagnostics(client, uri, after=open_doc(client, uri, text))
    lines = text.split("\n")
    for version in range(2, 62):
        line = rng.randrange(len(lines))
        start = rng.randrange(len(lines[line]) + 1)
        end = min(len(lines[line]), start + rng.randrange(4))
        piece = rng.choice(pieces)
        piece = piece.replace("\r", "")  # keep the line model simple for the expected text
        mark = edit(client, uri, version, (line, to_units(lines[line], start)), (line, to_units(lines[line], end)),
                    piece)
        new_line = lines[line][:start] + piece + lines[line][end:]
        lines[line:line + 1] = new_line.split("\n")
        p = await wait_diagnostics(client, uri, version=version, after=mark, timeout=30)
        for d in p.diagnostics:
            assert 0 <= d.range.start.line <= d.range.end.line < len(lines), (version, d)
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=0, character=0)))
    assert hover is None or hover.contents is not None

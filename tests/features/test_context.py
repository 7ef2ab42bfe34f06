"""The path at the cursor, read from indentation: complete and half-typed documents."""

from __future__ import annotations

import pytest

from skaffold_ls.core.findings import Pos
from skaffold_ls.features.context import cursor_at, document_bounds, present_keys, split_line
from tests.features.conftest import CARET


def cur(text: str):
    idx = text.index(CARET)
    before = text[:idx]
    pos = Pos(before.count("\n"), idx - (before.rfind("\n") + 1))
    return cursor_at((text[:idx] + text[idx + 1:]).split("\n"), pos)


DOC = """apiVersion: skaffold/v4beta14
kind: Config
build:
  artifacts:
  - image: a
    ko:
      main: ./cmd
{line}
"""


@pytest.mark.parametrize(("line", "mode", "path", "prefix"), [
    ("  - §", "key", ["build", "artifacts", 1], ""),
    ("  - ima§", "key", ["build", "artifacts", 1], "ima"),
    ("    con§", "key", ["build", "artifacts", 0], "con"),
    ("      fr§", "key", ["build", "artifacts", 0, "ko"], "fr"),
    ("  tag§", "key", ["build"], "tag"),
    ("bui§", "key", [], "bui"),
    ("§", "key", [], ""),
    ("      main: ./c§", "value", ["build", "artifacts", 0, "ko", "main"], "./c"),
    ("  - image: §", "value", ["build", "artifacts", 1, "image"], ""),
    ('    context: "sr§"', "value", ["build", "artifacts", 0, "context"], "sr"),
])
def test_cursor_paths(line: str, mode: str, path: list, prefix: str) -> None:
    c = cur(DOC.format(line=line))
    assert c is not None
    assert (c.mode, c.path, c.prefix) == (mode, path, prefix)


def test_nested_and_indentless_lists() -> None:
    text = """profiles:
- name: dev
  build:
    artifacts:
      - image: x
      - image: y
        §
"""
    c = cur(text)
    assert c is not None and c.path == ["profiles", 0, "build", "artifacts", 1]


def test_second_document_counts_from_its_marker() -> None:
    text = "apiVersion: skaffold/v4beta14\nkind: Config\n---\napiVersion: skaffold/v4beta14\nbu§\n"
    c = cur(text)
    assert c is not None and c.path == [] and c.doc_start == 3


def test_key_with_colon_replaces_whole_key() -> None:
    c = cur("build:\n  arti§facts:\n    - image: x\n")
    assert c is not None and c.has_colon and c.prefix == "arti"
    assert c.replace.start.col == 2 and c.replace.end.col == 11


def test_comment_and_marker_lines_give_nothing() -> None:
    assert cur("# a comm§ent\n") is None
    assert cur("---§\n") is None


def test_unicode_code_points() -> None:
    # columns are code points: the emoji is one column here (the LSP layer converts)
    c = cur('metadata:\n  labels:\n    team: "🚀 a§"\n')
    assert c is not None and c.prefix == "🚀 a" and c.replace.start.col == 11


def test_split_line() -> None:
    info = split_line("  - - key: value # c")
    assert info.dashes == [2, 4] and info.key == "key" and info.content == 6
    assert split_line("   # only a comment").blank
    assert split_line('  "quoted key": 1').key == "quoted key"
    assert split_line("  image: http://x").key == "image"


def test_present_keys_and_bounds() -> None:
    lines = ["a: 1", "b:", "  c: 1", "  d: 2", "e: 3", "---", "f: 1"]
    assert present_keys(lines, 2, 2, 0, 4) == {"d"}
    assert present_keys(lines, 0, 0, 0, 4) == {"b", "e"}
    assert document_bounds(lines, 6) == (6, 6)
    assert document_bounds(lines, 1) == (0, 4)


def test_item_value_from_text() -> None:
    from skaffold_ls.features.refs import item_value_from_text

    lines = ["build:", "  artifacts:", "  - image: a", "    context: one", "  - context: 'two' # c",
             "    docker:", "      dockerfile: x", "  - image: c", "    docker: {}"]
    assert item_value_from_text(lines, 3, ["build", "artifacts", 0], "context") == "one"
    assert item_value_from_text(lines, 6, ["build", "artifacts", 1], "context") == "two"
    assert item_value_from_text(lines, 8, ["build", "artifacts", 2], "context") is None

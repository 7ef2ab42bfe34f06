"""The YAML text-edit primitives: style kept, comments kept, flow and CRLF handled."""

from __future__ import annotations

import pytest

from skaffold_ls.core.findings import Pos, Range
from skaffold_ls.core.textedit import (
    EditError,
    Style,
    apply_text_edits,
    detect_style,
    diff_edits,
    ensure_path_edit,
    get_path,
    insert_pair,
    mapping_of,
    remove_item,
    remove_pair,
    render_scalar,
    sequence_of,
)
from skaffold_ls.core.yamldoc import parse
from skaffold_ls.features.types import TextEdit

TEXT = """\
apiVersion: skaffold/v4beta14  # keep me
kind: Config
build:
    artifacts:
        -   image: app   # the app
            context: .
deploy:
    kubectl: {}
"""


def test_detects_indentation_and_list_style() -> None:
    p = parse(TEXT)
    assert detect_style(TEXT, p.documents) == Style(unit=4, seq_indent=True, newline="\n")
    flush = "a:\n  b:\n  - 1\n"
    assert detect_style(flush, parse(flush).documents) == Style(2, False, "\n")
    crlf = "a:\r\n  b: 1\r\n"
    assert detect_style(crlf, parse(crlf).documents).newline == "\r\n"


def test_insert_follows_the_file_style_and_keeps_comments() -> None:
    p = parse(TEXT)
    root = p.documents[0].root_mapping()
    assert root is not None
    style = detect_style(TEXT, p.documents)
    edit = ensure_path_edit(p.lines, style, root, ["manifests", "rawYaml"], ["k8s/*.yaml"], before={0: ["deploy"]})
    out = apply_text_edits(TEXT, [edit])
    assert "manifests:\n    rawYaml:\n        - k8s/*.yaml\ndeploy:" in out
    assert "# keep me" in out and "# the app" in out
    art = mapping_of(get_path(root, ["build", "artifacts", 0]))
    assert art is not None
    out = apply_text_edits(TEXT, [insert_pair(p.lines, style, art, None, "ko", {"main": "./cmd"})])
    assert "            context: .\n            ko:\n                main: ./cmd\n" in out


def test_remove_pair_and_items() -> None:
    text = "a:\n  b: 1  # one\n  c:\n    - x\n    - y  # why\nd: 2\n"
    p = parse(text)
    root = p.documents[0].root_mapping()
    assert root is not None
    a = mapping_of(root.get("a"))
    assert a is not None
    assert apply_text_edits(text, [remove_pair(p.lines, a, a.pair("c"))]) == "a:\n  b: 1  # one\nd: 2\n"  # type: ignore[arg-type]
    seq = sequence_of(a.get("c"))
    assert seq is not None
    assert apply_text_edits(text, [remove_item(p.lines, seq, 0)]) == "a:\n  b: 1  # one\n  c:\n    - y  # why\nd: 2\n"
    only = "a:\n  b: 1\nd: 2\n"
    p2 = parse(only)
    r2 = p2.documents[0].root_mapping()
    m = mapping_of(r2.get("a"))  # type: ignore[union-attr]
    assert apply_text_edits(only, [remove_pair(p2.lines, m, m.pair("b"), r2.pair("a"))]) == "a: {}\nd: 2\n"  # type: ignore[union-attr,arg-type]


def test_flow_mappings_stay_flow() -> None:
    text = "a: {b: 1, c: [x, y]}\n"
    p = parse(text)
    root = p.documents[0].root_mapping()
    a = mapping_of(root.get("a"))  # type: ignore[union-attr]
    assert a is not None
    style = detect_style(text, p.documents)
    assert apply_text_edits(text, [insert_pair(p.lines, style, a, root.pair("a"), "d", {"e": [1]})]) == \
        "a: {b: 1, c: [x, y], d: {e: [1]}}\n"  # type: ignore[union-attr]
    assert apply_text_edits(text, [remove_pair(p.lines, a, a.pair("b"))]) == "a: {c: [x, y]}\n"  # type: ignore[arg-type]


def test_scalars_are_quoted_only_when_needed() -> None:
    assert render_scalar("k8s/*.yaml") == "k8s/*.yaml"
    assert render_scalar("{{.IMAGE_REPO_x}}") == '"{{.IMAGE_REPO_x}}"'
    assert render_scalar("true") == '"true"'
    assert render_scalar("a: b") == '"a: b"'
    assert render_scalar(True) == "true" and render_scalar(8080) == "8080"


def test_diff_edits_are_minimal_and_crlf_safe() -> None:
    old = "a: 1\r\nb: 2\r\nc: 3\r\n"
    new = "a: 1\r\nb: 20\r\nc: 3\r\n"
    edits = diff_edits(old, new)
    assert edits == [TextEdit(Range(Pos(1, 0), Pos(2, 0)), "b: 20\r\n")]
    assert apply_text_edits(old, edits) == new
    assert apply_text_edits("x", diff_edits("x", "x\ny")) == "x\ny"


def test_overlapping_edits_are_refused() -> None:
    with pytest.raises(EditError):
        apply_text_edits("abcdef", [TextEdit(Range(Pos(0, 0), Pos(0, 3)), "x"),
                                    TextEdit(Range(Pos(0, 2), Pos(0, 4)), "y")])

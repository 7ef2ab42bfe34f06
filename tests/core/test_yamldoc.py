"""The document model: ranges, partial models on syntax errors, and bad input."""

from __future__ import annotations

import time

import pytest

from skaffold_ls.core.findings import Pos
from skaffold_ls.core.yamldoc import (
    AliasBombError,
    Mapping,
    Scalar,
    check_alias_budget,
    deref,
    merged_pairs,
    parse,
    to_python,
)

BOMB = "".join(
    f"{chr(97 + i)}: &{chr(97 + i)} [{', '.join([f'*{chr(96 + i)}'] * 9) if i else ', '.join(['x'] * 9)}]\n"
    for i in range(10)
)


def test_ranges_are_code_points():
    pf = parse("a: 😀😀\nb: é\n")
    root = pf.documents[0].root
    assert isinstance(root, Mapping)
    b = root.pair("b")
    assert b is not None and b.value.range.start == Pos(1, 3)
    a = root.get("a")
    assert isinstance(a, Scalar) and a.range.end == Pos(0, 5)


def test_syntax_error_keeps_the_model_before_it():
    pf = parse("apiVersion: skaffold/v4beta14\nbuild:\n  artifacts:\n  - image: a\n    ko: [x\n")
    assert pf.findings and pf.findings[0].code == "yaml-syntax"
    doc = pf.documents[0]
    assert doc.complete is False
    data = to_python(doc.root)
    assert data["apiVersion"] == "skaffold/v4beta14"
    assert data["build"]["artifacts"][0]["image"] == "a"


def test_alias_bomb_is_refused_without_expanding():
    pf = parse(BOMB)
    start = time.perf_counter()
    finding = check_alias_budget(pf.documents[0])
    assert finding is not None and finding.code == "alias-bomb"
    assert time.perf_counter() - start < 1.0  # memoised: linear in what is written
    try:
        to_python(pf.documents[0].root)
    except AliasBombError:
        pass
    else:
        raise AssertionError("expansion past the budget must raise")


def test_merge_keys_apply_like_yaml_v3():
    pf = parse("base: &b {a: 1, b: 2}\nx:\n  <<: *b\n  b: 3\n")
    assert to_python(pf.documents[0].root)["x"] == {"a": 1, "b": 3}


def merge_fan_out(levels: int) -> str:
    """`<<: [*a, *a]` chained: level n stands for 2^n merged mappings, written in a few hundred bytes."""
    lines = ["a0: &a0 {k0: v}"]
    lines += [f"a{i}: &a{i} {{<<: [*a{i - 1}, *a{i - 1}], k{i}: v}}" for i in range(1, levels + 1)]
    return "\n".join(lines) + "\n"


def test_chained_merges_are_memoised_not_expanded(monkeypatch: pytest.MonkeyPatch):
    from skaffold_ls.core import yamldoc

    root = parse(merge_fan_out(40)).documents[0].root_mapping()
    assert root is not None
    top = deref(root.get("a40"))
    assert isinstance(top, Mapping)
    calls = 0
    real_deref = yamldoc.deref

    def counting_deref(node: yamldoc.Node | None, limit: int = 64) -> yamldoc.Node | None:
        nonlocal calls
        calls += 1
        if calls > 10_000:  # 2^40 without memoising; a few hundred with it
            raise AssertionError("merged_pairs expands merges instead of memoising them")
        return real_deref(node, limit)

    monkeypatch.setattr(yamldoc, "deref", counting_deref)
    keys = [p.key.value for p in merged_pairs(top) if isinstance(p.key, Scalar)]
    assert keys == [f"k{i}" for i in range(40, -1, -1)]  # own key first, then the sources', once each
    assert merged_pairs(top) is merged_pairs(top)  # kept on the node


def test_merges_stop_at_the_budget():
    root = parse(merge_fan_out(12)).documents[0].root_mapping()
    assert root is not None
    top = deref(root.get("a12"))
    assert isinstance(top, Mapping)
    keys = [p.key.value for p in merged_pairs(top, budget=5) if isinstance(p.key, Scalar)]
    assert keys[0] == "k12" and len(keys) < 13


def test_merge_fan_out_is_an_alias_bomb():
    doc = parse("apiVersion: skaffold/v4beta14\nkind: Config\n" + merge_fan_out(40)).documents[0]
    bomb = check_alias_budget(doc)
    assert bomb is not None and bomb.code == "alias-bomb"


def test_deep_nesting_and_binary_and_size_end_in_findings():
    assert parse("[" * 10_000 + "]" * 10_000).findings[0].code == "too-deep"
    assert parse("a: b\x00c\n").findings[0].code == "binary-content"
    big = "a: " + "x" * (5 * 1024 * 1024) + "\n"
    assert parse(big).findings[0].code == "file-too-large"
    deep_block = "".join(" " * i + f"k{i}:\n" for i in range(1000))
    assert parse(deep_block).findings[0].code == "too-deep"


def test_unicode_line_separators_do_not_shift_lines():
    # LSP counts lines at \n only; libyaml would also break at U+2028 / NEL.
    pf = parse("a: x\u2028y\nb: [\n")
    assert pf.findings[0].code == "yaml-syntax"
    assert pf.findings[0].range.start.line in (1, 2)
    doc = pf.documents[0]
    assert doc.scalar_at("a") is not None and doc.scalar_at("a").value == "x y"
    b = parse("a: 1\u2028\nb: 2\n").documents[0].root_mapping()
    assert b is not None and b.pair("b").key.range.start.line == 1

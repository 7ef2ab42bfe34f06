"""Outline (document symbols) and folding ranges."""

from __future__ import annotations

from skaffold_ls.features.folding import fold_lines, folding_ranges
from skaffold_ls.features.symbols import document_symbols
from skaffold_ls.features.types import Symbol, SymbolKind
from tests.features.conftest import ctx_for, ws


def tree(symbols: list[Symbol]) -> list:
    return [(s.name, s.detail, tree(s.children)) if s.children else (s.name, s.detail) for s in symbols]


def check_ranges(symbols: list[Symbol]) -> None:
    for s in symbols:
        assert s.range.start <= s.selection_range.start and s.selection_range.end <= s.range.end, s
        for c in s.children:
            assert s.range.start <= c.range.start and c.range.end <= s.range.end, (s.name, c.name)
        check_ranges(s.children)


def test_shop_outline() -> None:
    p = ws("shop", "skaffold.yaml")
    syms = document_symbols(ctx_for(p.read_text(), p))
    assert tree(syms) == [("shop", "skaffold/v4beta14", [
        ("build", None, [("artifacts", None, [("shop-api", "ko"), ("shop-worker", "docker")])]),
        ("manifests", None, [("rawYaml", "k8s/*.yaml")]),
        ("deploy", None, [("kubectl", None)]),
        ("portForward", None, [("deployment/shop-api", "port 8080")]),
        ("profiles", None, [
            ("dev", "auto: command=dev", [("build", None, [("artifacts", None, [("shop-api", "ko")])])]),
            ("staging", None, [("manifests", None, [("rawYaml", "k8s/api.yaml")])]),
        ]),
    ])]
    assert syms[0].kind == SymbolKind.MODULE
    assert syms[0].selection_range.start.line == 3  # metadata.name
    check_ranges(syms)


def test_multi_config_file_and_helm_releases() -> None:
    p = ws("platform", "services", "web", "skaffold.yaml")
    syms = document_symbols(ctx_for(p.read_text(), p))
    assert [s.name for s in syms] == ["web", "web-assets"]
    assert tree(syms[0].children)[0] == ("requires", None, [("../../base", None)])
    assert tree(syms[1].children) == [("build", None, [("artifacts", None, [("web-assets", "docker (default)")])]),
                                      ("manifests", None, [("rawYaml", "k8s/assets.yaml")])]
    led = ws("ledger", "skaffold.yaml")
    syms = document_symbols(ctx_for(led.read_text(), led))
    deploy = next(c for c in syms[0].children if c.name == "deploy")
    assert tree(deploy.children) == [("helm", None, [("ledger", "charts/ledger")])]
    check_ranges(syms)


def test_outline_of_broken_and_unnamed_documents() -> None:
    text = "apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  artifacts:\n  - image: a\n    ko: {}\n  x: [\n"
    syms = document_symbols(ctx_for(text))
    assert syms and syms[0].name == "config"
    assert document_symbols(ctx_for("- a\n- b\n")) == []
    assert document_symbols(ctx_for("")) == []


def test_folding_blocks_lists_and_indentless_lists() -> None:
    lines = [
        "build:",            # 0
        "  artifacts:",      # 1
        "  - image: a",      # 2
        "    ko:",           # 3
        "      main: .",     # 4
        "  # comment",       # 5
        "  - image: b",      # 6
        "deploy:",           # 7
        "  kubectl: {}",     # 8
        "---",               # 9
        "profiles:",         # 10
        "- name: x",         # 11
        "  build: {}",       # 12
    ]
    got = {(f.start_line, f.end_line) for f in fold_lines(lines)}
    assert {(0, 6), (1, 6), (2, 4), (3, 4), (7, 8), (10, 12), (11, 12)} <= got
    assert all(f.end_line < 9 or f.start_line > 9 for f in fold_lines(lines))


def test_folding_on_half_typed_file() -> None:
    ctx = ctx_for("build:\n  artifacts:\n  - image: a\n    bui\n")
    assert (0, 3) in {(f.start_line, f.end_line) for f in folding_ranges(ctx)}

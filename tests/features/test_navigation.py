"""Document links, go to definition, find references, and `requires` across files."""

from __future__ import annotations

import os

from skaffold_ls.core.findings import Pos
from skaffold_ls.features.links import document_links
from skaffold_ls.features.navigation import definition, references
from tests.features.conftest import at, ctx_for, ws

HEAD = "apiVersion: skaffold/v4beta14\nkind: Config\n"


def link_map(path) -> dict[str, str]:
    ctx = ctx_for(path.read_text(), path)
    out = {}
    for link in document_links(ctx):
        line = ctx.lines[link.range.start.line]
        assert link.target.is_absolute() and ".." not in link.target.parts
        out[line[link.range.start.col:link.range.end.col]] = os.path.relpath(link.target, path.parent.resolve())
    return out


def test_links_for_path_fields() -> None:
    # `context: .` of the docker artifact opens the Dockerfile it builds from
    assert link_map(ws("shop", "skaffold.yaml")) == {".": "tools/Dockerfile", "tools/Dockerfile": "tools/Dockerfile",
                                                     "k8s/api.yaml": "k8s/api.yaml"}
    assert link_map(ws("ledger", "skaffold.yaml")) == {"charts/ledger": "charts/ledger/Chart.yaml",
                                                       "charts/ledger/values.yaml": "charts/ledger/values.yaml"}
    assert link_map(ws("platform", "skaffold.yaml")) == {
        "./base": "base/skaffold.yaml", "services/web": "services/web/skaffold.yaml",
        "services/api/skaffold.yaml": "services/api/skaffold.yaml"}
    # a glob matching one file links to it
    assert link_map(ws("platform", "services", "web", "skaffold.yaml")) == {
        "../../base": "../../base/skaffold.yaml", "k8s/w*.yaml": "k8s/web.yaml", "k8s/assets.yaml": "k8s/assets.yaml"}


def test_dockerfile_link_is_relative_to_the_context(shop) -> None:
    text = HEAD + "build:\n  artifacts:\n  - image: w\n    context: tools\n    docker:\n      dockerfile: Dockerfile\n"
    links = document_links(ctx_for(text, shop))
    assert [os.path.relpath(lk.target, shop.parent.resolve()) for lk in links] == ["tools/Dockerfile"] * 2
    ko = HEAD + "build:\n  artifacts:\n  - image: a\n    context: .\n    ko: {}\n"
    assert [lk.target.name for lk in document_links(ctx_for(ko, shop))] == ["go.mod"]


def test_definition_of_image_references() -> None:
    text = HEAD + ("build:\n  artifacts:\n  - image: base\n    docker: {}\n  - image: app\n    ko: {}\n"
                   "    requires:\n    - image: ba§se\n")
    ctx, pos = at(text, ws("shop", "skaffold.yaml"))
    [loc] = definition(ctx, pos)
    assert loc.path == ws("shop", "skaffold.yaml") and loc.range.start == Pos(4, 11)


def test_definition_across_requires() -> None:
    web = ws("platform", "services", "web", "skaffold.yaml")
    ctx, pos = at(web.read_text().replace("- image: base-image", "- image: base-im§age"), web)
    [loc] = definition(ctx, pos)
    assert loc.path == ws("platform", "base", "skaffold.yaml").resolve() and loc.range.start.line == 6


def test_definition_of_required_path_config_name_and_profiles() -> None:
    plat = ws("platform", "skaffold.yaml")
    text = plat.read_text()
    ctx, pos = at(text.replace("path: services/web", "path: services/w§eb"), plat)
    [loc] = definition(ctx, pos)
    assert loc.path == ws("platform", "services", "web", "skaffold.yaml").resolve()
    ctx, pos = at(text.replace("configs: [web]", "configs:\n      - w§eb"), plat)
    [loc] = definition(ctx, pos)
    assert loc.path.name == "skaffold.yaml" and loc.range.start == Pos(3, 8)
    ctx, pos = at(text.replace("- name: local", "- name: lo§cal"), plat)
    [loc] = definition(ctx, pos)
    assert loc.path == ws("platform", "services", "web", "skaffold.yaml").resolve() and loc.range.start.line == 16
    ctx, pos = at(text.replace("activatedBy: [dev]", "activatedBy:\n          - d§ev"), plat)
    [loc] = definition(ctx, pos)
    assert loc.path == plat and ctx.lines[loc.range.start.line].strip() == "- name: dev"


def test_definition_of_template_and_path_values() -> None:
    led = ws("ledger", "skaffold.yaml")
    ctx, pos = at(led.read_text().replace("{{.IMAGE_TAG_ledger}}", "{{.IMAGE_TAG_led§ger}}"), led)
    [loc] = definition(ctx, pos)
    assert loc.range.start == Pos(6, 13)
    ctx, pos = at(led.read_text().replace("chartPath: charts/ledger", "chartPath: charts/le§dger"), led)
    [loc] = definition(ctx, pos)
    assert loc.path.name == "Chart.yaml"


def test_no_definition_on_keys_or_unknown_images() -> None:
    ctx, pos = at(HEAD + "build:\n  artifacts:\n  - ima§ge: a\n")
    assert definition(ctx, pos) == []
    ctx, pos = at(HEAD + "test:\n- image: nob§ody\n", ws("shop", "skaffold.yaml"))
    assert definition(ctx, pos) == []


def test_references_of_an_image_in_the_config_and_the_manifests() -> None:
    shop = ws("shop", "skaffold.yaml")
    text = shop.read_text().replace("- image: shop-api\n      ko", "- image: shop-a§pi\n      ko", 1)
    ctx, pos = at(text, shop)
    locs = references(ctx, pos)
    got = [(str(loc.path.relative_to(shop.parent)), loc.range.start.line) for loc in locs]
    assert got == [("skaffold.yaml", 6), ("skaffold.yaml", 28), ("k8s/api.yaml", 13)]
    without = references(ctx, pos, include_declaration=False)
    assert [(loc.path.name, loc.range.start.line) for loc in without] == [("api.yaml", 13)]


def test_references_include_templates_and_requires() -> None:
    led = ws("ledger", "skaffold.yaml")
    ctx, pos = at(led.read_text().replace("- image: ledger", "- image: led§ger"), led)
    lines = [loc.range.start.line for loc in references(ctx, pos) if loc.path == led]
    assert lines == [6, 17, 18]
    text = HEAD + ("build:\n  artifacts:\n  - image: base\n    docker: {}\n  - image: app\n    requires:\n"
                   "    - image: ba§se\ntest:\n- image: base\n")
    ctx, pos = at(text, ws("shop", "skaffold.yaml"))
    assert [loc.range.start.line for loc in references(ctx, pos)] == [4, 8, 10]


def test_definition_of_a_set_values_key_opens_the_chart_values() -> None:
    led = ws("ledger", "skaffold.yaml")
    ctx, pos = at(led.read_text().replace("image.tag:", "image.t§ag:"), led)
    [loc] = definition(ctx, pos)
    assert loc.path.name == "values.yaml" and loc.range.start == Pos(2, 2)


def test_definition_of_a_patch_pointer(tmp_path) -> None:
    text = HEAD + ("build:\n  artifacts:\n  - image: api\n    ko:\n      main: ./cmd/api\n"
                   "profiles:\n- name: dbg\n  patches:\n  - op: replace\n    path: /build/artifacts/0/ko/ma§in\n")
    ctx, pos = at(text, tmp_path / "skaffold.yaml")
    [loc] = definition(ctx, pos)
    assert loc.range.start == Pos(6, 12)


def test_references_in_configs_that_require_this_one() -> None:
    base = ws("platform", "base", "skaffold.yaml")
    ctx, pos = at(base.read_text().replace("- image: base-image", "- image: base-im§age"), base,
                  workspace=ws("platform"))
    got = [(os.path.relpath(loc.path, ws("platform").resolve()), loc.range.start.line)
           for loc in references(ctx, pos)]
    assert got == [("base/skaffold.yaml", 6), ("services/web/skaffold.yaml", 10)]

"""End to end through `skaffold-ls serve` (pytest-lsp): each editing capability on the
fixture workspaces, with the client's UTF-16 columns."""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.features.conftest import ws
from tests.lsp.conftest import CONFIG, open_doc, start, wait_diagnostics

# One server for the module: these tests only read, and each (re)opens its documents.
pytestmark = pytest.mark.asyncio(loop_scope="module")
_open: set[str] = set()


@pytest_lsp.fixture(config=CONFIG, scope="module")
async def client(lsp_client: LanguageClient):
    await start(lsp_client)
    yield
    await asyncio.wait_for(lsp_client.shutdown_session(), 10)


def reopen(lsp: LanguageClient, uri: str, text: str) -> int:
    if uri in _open:
        lsp.text_document_did_close(types.DidCloseTextDocumentParams(text_document=doc_id(uri)))
    _open.add(uri)
    return open_doc(lsp, uri, text)


def doc_id(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


def pos(line: int, character: int) -> types.Position:
    return types.Position(line=line, character=character)


async def opened(lsp: LanguageClient, path, text: str | None = None) -> tuple[str, types.PublishDiagnosticsParams]:
    uri = path.as_uri()
    p = await wait_diagnostics(lsp, uri, after=reopen(lsp, uri, path.read_text() if text is None else text))
    return uri, p


async def complete(lsp: LanguageClient, uri: str, line: int, character: int) -> list[types.CompletionItem]:
    result = await lsp.text_document_completion_async(types.CompletionParams(
        text_document=doc_id(uri), position=pos(line, character)))
    if result is None:
        return []
    return list(result.items if isinstance(result, types.CompletionList) else result)


async def test_completion_half_typed_key_with_snippet(client: LanguageClient) -> None:
    shop = ws("shop", "skaffold.yaml")
    text = shop.read_text().replace("      ko:\n        main: ./cmd/api\n",
                                    "      ko:\n        main: ./cmd/api\n    - \n", 1)
    uri, _ = await opened(client, shop, text)
    items = {i.label: i for i in await complete(client, uri, 9, 6)}
    image = items["image"]
    assert image.insert_text_format == types.InsertTextFormat.Snippet
    assert isinstance(image.text_edit, types.TextEdit)
    assert image.text_edit.new_text.startswith("image: $1\n  ${2|ko,docker,")
    assert image.text_edit.range.start == pos(9, 6)


async def test_completion_of_values_paths_and_references(client: LanguageClient) -> None:
    shop = ws("shop", "skaffold.yaml")
    text = shop.read_text().replace("dockerfile: tools/Dockerfile", "dockerfile: tools/")
    uri, _ = await opened(client, shop, text)
    assert [i.label for i in await complete(client, uri, 12, 26)] == ["tools/Dockerfile"]
    names = [i.label for i in await complete(client, uri, 20, 26)]
    assert names == ["shop-api", "shop-worker"]  # the deployment in k8s/api.yaml, then artifact names


async def test_completion_after_an_emoji_converts_columns(client: LanguageClient) -> None:
    shop = ws("shop", "skaffold.yaml")
    text = shop.read_text().replace("deploy:\n  kubectl: {}\n", "deploy:\n  kubectl: {}\n  statusCheck: 😀\n")
    uri, _ = await opened(client, shop, text)
    # the emoji is one code point but two UTF-16 units: the cursor after it is character 17
    items = await complete(client, uri, 18, 17)
    assert [i.label for i in items] == ["true", "false"]
    edit = items[0].text_edit
    assert isinstance(edit, types.TextEdit)
    assert (edit.range.start, edit.range.end) == (pos(18, 15), pos(18, 17))


async def test_starters_on_an_empty_file(client: LanguageClient) -> None:
    path = ws("starter", "skaffold.yaml")
    uri, _ = await opened(client, path, "")
    items = {i.label: i for i in await complete(client, uri, 0, 0)}
    raw = items["skaffold: Go + ko + raw manifests"]
    new_text = raw.text_edit.new_text if isinstance(raw.text_edit, types.TextEdit) else raw.insert_text
    assert new_text is not None and "main: ./cmd/hello" in new_text and "deploy/k8s/*.yaml" in new_text
    assert isinstance(raw.documentation, types.MarkupContent)
    assert "github.com/acme/hello" in raw.documentation.value


async def test_hover_utf16_range_and_image_artifact(client: LanguageClient) -> None:
    shop = ws("shop", "skaffold.yaml")
    text = shop.read_text().replace("- image: shop-worker", '- image: "😀worker"').replace(
        "portForward:", 'test:\n  - image: "😀worker"\nportForward:')
    uri, _ = await opened(client, shop, text)
    h = await client.text_document_hover_async(types.HoverParams(text_document=doc_id(uri), position=pos(19, 14)))
    assert h is not None and isinstance(h.contents, types.MarkupContent)
    assert "is built by the artifact on line 10 (docker" in h.contents.value
    # `"😀worker"`: the value starts after the quote; the emoji is two UTF-16 units
    assert h.range is not None and (h.range.start.character, h.range.end.character) == (12, 20)
    h = await client.text_document_hover_async(types.HoverParams(text_document=doc_id(uri), position=pos(8, 10)))
    assert h is not None and "**`main`**" in h.contents.value  # type: ignore[union-attr]
    assert "?version=v4beta14" in h.contents.value  # type: ignore[union-attr]


async def test_outline_and_folding(client: LanguageClient) -> None:
    web = ws("platform", "services", "web", "skaffold.yaml")
    uri, _ = await opened(client, web)
    syms = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc_id(uri)))
    assert syms is not None
    assert [s.name for s in syms] == ["web", "web-assets"]  # type: ignore[union-attr]
    folds = await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=doc_id(uri)))
    assert folds is not None and any(f.start_line == 6 for f in folds)


async def test_links_open_dockerfile_chart_and_required_configs(client: LanguageClient) -> None:
    plat = ws("platform", "skaffold.yaml")
    uri, _ = await opened(client, plat)
    links = await client.text_document_document_link_async(types.DocumentLinkParams(text_document=doc_id(uri)))
    targets = sorted(lk.target or "" for lk in links or [])
    root = plat.parent.resolve()
    assert targets == sorted((root / p).as_uri() for p in (
        "base/skaffold.yaml", "services/web/skaffold.yaml", "services/api/skaffold.yaml"))


async def test_definition_across_files_and_references(client: LanguageClient) -> None:
    web = ws("platform", "services", "web", "skaffold.yaml")
    uri, _ = await opened(client, web)
    locs = await client.text_document_definition_async(types.DefinitionParams(
        text_document=doc_id(uri), position=pos(10, 18)))
    assert isinstance(locs, list) and len(locs) == 1
    loc = locs[0]
    assert isinstance(loc, types.Location)
    assert loc.uri == ws("platform", "base", "skaffold.yaml").resolve().as_uri() and loc.range.start.line == 6
    refs = await client.text_document_references_async(types.ReferenceParams(
        text_document=doc_id(uri), position=pos(8, 13),
        context=types.ReferenceContext(include_declaration=True)))
    got = sorted((r.uri.rsplit("/", 2)[-2:][-1], r.range.start.line) for r in refs or [])
    assert got == [("skaffold.yaml", 8), ("web.yaml", 7)]


async def with_code(lsp: LanguageClient, path, text: str, code: str) -> list[types.Diagnostic]:
    """The diagnostics once the checks beyond the schema (published second) include `code`."""
    uri = path.as_uri()
    mark = reopen(lsp, uri, text)
    published: list[types.PublishDiagnosticsParams] = lsp.published  # type: ignore[attr-defined]
    for _ in range(1000):
        for p in published[mark:]:
            if p.uri == uri and any(d.code == code for d in p.diagnostics):
                return list(p.diagnostics)
        await asyncio.sleep(0.01)
    return []


async def test_requires_diagnostics(client: LanguageClient) -> None:
    a = ws("platform", "loop", "a", "skaffold.yaml")
    diags = await with_code(client, a, a.read_text(), "requires-cycle")
    assert [d.code for d in diags] == ["requires-cycle"]
    plat = ws("platform", "skaffold.yaml")
    diags = await with_code(client, plat, plat.read_text().replace("./base", "./nowhere"), "requires-missing")
    missing = [d for d in diags if d.code == "requires-missing"]
    assert len(missing) == 1 and missing[0].range.start == pos(5, 10)


async def test_completion_of_references_across_configs(client: LanguageClient) -> None:
    plat = ws("platform", "skaffold.yaml")
    text = plat.read_text().replace("- name: local", "- name: ").replace("configs: [web]", "configs:\n      - ")
    uri, _ = await opened(client, plat, text)
    lines = text.split("\n")
    name_line = next(i for i, line in enumerate(lines) if line.strip() == "- name:")
    cfg_line = next(i for i, line in enumerate(lines) if line.strip() == "-")
    assert [i.label for i in await complete(client, uri, name_line, len(lines[name_line]))] == ["local", "cloud"]
    assert [i.label for i in await complete(client, uri, cfg_line, len(lines[cfg_line]))] == ["web", "web-assets"]
    led = ws("ledger", "skaffold.yaml")
    text = led.read_text().replace('image.repository: "{{.IMAGE_REPO_ledger}}"', "image.repository: ")
    uri, _ = await opened(client, led, text)
    items = await complete(client, uri, 17, 28)
    assert items[0].label == "{{.IMAGE_REPO_ledger}}"
    assert isinstance(items[0].text_edit, types.TextEdit)
    assert items[0].text_edit.new_text == '"{{.IMAGE_REPO_ledger}}"'


async def test_helm_values_and_patch_pointers_through_the_server(client: LanguageClient) -> None:
    led = ws("ledger", "skaffold.yaml")
    uri, _ = await opened(client, led)
    lines = led.read_text().split("\n")
    ptr = next(i for i, line in enumerate(lines) if "path: /deploy/helm/releases/0/setValues" in line)
    h = await client.text_document_hover_async(types.HoverParams(text_document=doc_id(uri), position=pos(ptr, 20)))
    assert h is not None and "is not set; `op: add` creates it" in h.contents.value  # type: ignore[union-attr]
    locs = await client.text_document_definition_async(types.DefinitionParams(
        text_document=doc_id(uri), position=pos(17, 12)))  # `image.repository` in setValueTemplates
    assert isinstance(locs, list) and len(locs) == 1
    assert locs[0].uri.endswith("charts/ledger/values.yaml") and locs[0].range.start == pos(1, 2)  # type: ignore[union-attr]

"""Which documents are ours, and documents not waiting for each other."""

from __future__ import annotations

import asyncio

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.conftest import GOOD, codes, edit, open_doc, uri_for, wait_diagnostics

pytestmark = pytest.mark.asyncio


@pytest.mark.parametrize("name", ["skaffold.yaml", "skaffold-dev.yaml", "skaffold.yml", "app.skaffold.yaml"])
async def test_recognised_by_name(client: LanguageClient, tmp_path, name: str):
    uri = uri_for(tmp_path, name)
    p = await wait_diagnostics(client, uri, after=open_doc(client, uri, "kind: Config\n"))
    assert codes(p.diagnostics) == ["missing-api-version"]


async def test_recognised_by_content(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path, "deploy/pipeline.yaml")
    text = "# CI pipeline\napiVersion: skaffold/v4beta14\nkind: Config\nbiuld: {}\n"
    p = await wait_diagnostics(client, uri, after=open_doc(client, uri, text))
    assert codes(p.diagnostics) == ["unknown-key"]


async def test_other_yaml_is_ignored(client: LanguageClient, tmp_path):
    other = uri_for(tmp_path, "values.yaml")
    open_doc(client, other, "replicas: [1, 2\nimage: {\n")  # broken YAML, but not ours
    ours = uri_for(tmp_path)
    await wait_diagnostics(client, ours, after=open_doc(client, ours, GOOD))
    await asyncio.sleep(0.2)
    assert not [p for p in client.published if p.uri == other]  # type: ignore[attr-defined]


async def test_kubernetes_manifest_named_like_skaffold_gets_nothing(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path, "skaffold-rbac.yaml")
    text = "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: skaffold\n"
    p = await wait_diagnostics(client, uri, after=open_doc(client, uri, text))
    assert len(p.diagnostics) == 0


async def test_document_becomes_ours_when_its_content_says_so(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path, "config.yaml")
    open_doc(client, uri, "foo: bar\n")
    p = await wait_diagnostics(client, uri, version=2,
                               after=edit(client, uri, 2, (0, 0), (1, 0),
                                          "apiVersion: skaffold/v4beta14\nkind: Config\nbiuld: {}\n"))
    assert codes(p.diagnostics) == ["unknown-key"]
    # and stops being ours: the diagnostics are withdrawn
    p = await wait_diagnostics(client, uri, version=3, after=edit(client, uri, 3, (0, 0), (3, 0), "foo: bar\n"))
    assert len(p.diagnostics) == 0


def huge_config(artifacts: int) -> str:
    head = "apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  artifacts:\n"
    art = ("  - image: app{i}\n    context: src/{i}\n    docker:\n      dockerfile: Dockerfile\n"
           "      buildArgs:\n        A: \"1\"\n")
    return head + "".join(art.format(i=i) for i in range(artifacts)) + "biuld: {}\n"


async def test_huge_document_does_not_delay_a_small_one(client: LanguageClient, tmp_path):
    big = uri_for(tmp_path, "big/skaffold.yaml")
    small = uri_for(tmp_path, "small/skaffold.yaml")
    mark = open_doc(client, big, huge_config(12_000))  # ~1.4 MB, seconds of analysis
    open_doc(client, small, "kind: Config\n")
    p_small = await wait_diagnostics(client, small, after=mark, timeout=30)
    assert codes(p_small.diagnostics) == ["missing-api-version"]
    p_big = await wait_diagnostics(client, big, after=mark, timeout=60)
    assert codes(p_big.diagnostics) == ["unknown-key"]
    order = [p.uri for p in client.published[mark:]]  # type: ignore[attr-defined]
    assert order.index(small) < order.index(big), order
    # edits of the small one keep flowing while the big one is re-analysed
    mark = edit(client, big, 2, (0, 0), (0, 0), "# edited\n")
    p = await wait_diagnostics(client, small, version=2,
                               after=edit(client, small, 2, (0, 0), (0, 0), "apiVersion: skaffold/v4beta14\n"))
    assert len(p.diagnostics) == 0
    await wait_diagnostics(client, big, version=2, after=mark, timeout=60)
    order = [(p.uri, p.version) for p in client.published[mark:]]  # type: ignore[attr-defined]
    assert order.index((small, 2)) < order.index((big, 2)), order


async def test_features_not_registered_do_not_break_requests(client: LanguageClient, tmp_path):
    """Whatever is (not yet) wired, a request for a closed/unknown document answers without crashing."""
    caps = client.init_result.capabilities  # type: ignore[attr-defined]
    if caps.hover_provider:
        r = await client.text_document_hover_async(types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri_for(tmp_path, "nope.yaml")),
            position=types.Position(line=0, character=0)))
        assert r is None


async def test_check_warnings_survive_typing_elsewhere(client: LanguageClient, tmp_path):
    """Check findings (here: a patch path that does not resolve) stay visible while typing."""
    from tests.lsp.test_settings import PATCHED, wait_until

    uri = uri_for(tmp_path)
    open_doc(client, uri, PATCHED)
    await wait_until(client, uri, lambda c: c == ["patch-path-unresolved"])
    mark = edit(client, uri, 2, (0, 0), (0, 0), "# a comment\n")
    p = await wait_diagnostics(client, uri, version=2, after=mark)
    assert codes(p.diagnostics) == ["patch-path-unresolved"]  # carried over, shifted
    assert p.diagnostics[0].range.start.line == 10


async def test_files_changing_on_disk_rerun_the_checks(client: LanguageClient, tmp_path):
    from tests.lsp.test_settings import wait_until

    text = "apiVersion: skaffold/v4beta14\nkind: Config\nbuild:\n  artifacts:\n  - image: app\n    context: web\n"
    (tmp_path / "skaffold.yaml").write_text(text)
    uri = uri_for(tmp_path)
    open_doc(client, uri, text)
    await wait_until(client, uri, lambda c: "missing-context" in c)
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "Dockerfile").write_text("FROM scratch\n")
    client.workspace_did_change_watched_files(types.DidChangeWatchedFilesParams(changes=[types.FileEvent(
        uri=(tmp_path / "web" / "Dockerfile").as_uri(), type=types.FileChangeType.Created)]))
    await wait_until(client, uri, lambda c: "missing-context" not in c and "missing-dockerfile" not in c)


@pytest.mark.parametrize("folder", ["My Projects", "shop,v2", "ünï cødé", "100%"])
async def test_a_path_that_needs_percent_encoding_is_served(client: LanguageClient, tmp_path, folder: str):
    """Clients send `file:///My%20Projects/...` (VS Code encodes spaces, commas, non-ASCII); pygls
    keys its documents by the decoded URI. The server used to look them up by the encoded one:
    after the fast start's first answer such a document got nothing more (no diagnostics after an
    edit, no hover)."""
    (tmp_path / folder).mkdir()
    path = tmp_path / folder / "skaffold.yaml"
    path.write_text(GOOD)
    uri = path.as_uri()
    assert "%" in uri
    await wait_diagnostics(client, uri, after=open_doc(client, uri, GOOD))
    p = await wait_diagnostics(client, uri, version=2, after=edit(client, uri, 2, (2, 0), (2, 5), "biuld"))
    assert p.uri == uri and "unknown-key" in codes(p.diagnostics)
    hover = await client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri=uri), position=types.Position(line=1, character=1)))
    assert hover is not None

"""Diagnostics end to end: open, incremental change, versions, close, position encodings."""

from __future__ import annotations

import asyncio

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient, client_capabilities

from tests.lsp.conftest import CONFIG, GOOD, codes, edit, open_doc, start, uri_for, wait_diagnostics

pytestmark = pytest.mark.asyncio

EMOJI = """\
apiVersion: skaffold/v4beta14
kind: Config
metadata: {name: "😀😀", lables: {a: b}}
"""


async def test_open_publishes_version_stamped_diagnostics(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    mark = open_doc(client, uri, GOOD.replace("build:", "biuld:"), version=7)
    p = await wait_diagnostics(client, uri, after=mark)
    assert p.version == 7
    assert codes(p.diagnostics) == ["unknown-key"]
    d = p.diagnostics[0]
    assert d.source == "skaffold-ls"
    assert d.severity == types.DiagnosticSeverity.Error
    assert d.range == types.Range(start=types.Position(line=2, character=0), end=types.Position(line=2, character=5))
    assert d.data["suggestion"] == "build"  # rides along for the quick fix


async def test_clean_file_publishes_empty_list(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    p = await wait_diagnostics(client, uri, after=open_doc(client, uri, GOOD))
    assert len(p.diagnostics) == 0 and p.version == 1


async def test_incremental_changes_republish_with_each_version(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    await wait_diagnostics(client, uri, after=open_doc(client, uri, GOOD))
    # "build:" -> "biuld:" on line 2 (replace "ui" by "iu")
    p = await wait_diagnostics(client, uri, version=2, after=edit(client, uri, 2, (2, 1), (2, 3), "iu"))
    assert codes(p.diagnostics) == ["unknown-key"]
    assert p.diagnostics[0].range.start == types.Position(line=2, character=0)
    # insert a line above: the diagnostic moves down with it
    p = await wait_diagnostics(client, uri, version=3, after=edit(client, uri, 3, (2, 0), (2, 0), "# note\n"))
    assert p.diagnostics[0].range.start.line == 3
    # fix it again
    p = await wait_diagnostics(client, uri, version=4, after=edit(client, uri, 4, (3, 1), (3, 3), "ui"))
    assert len(p.diagnostics) == 0


async def test_burst_of_edits_ends_with_the_latest_version(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    await wait_diagnostics(client, uri, after=open_doc(client, uri, GOOD))
    mark = len(client.published)  # type: ignore[attr-defined]
    for v in range(2, 12):  # type "xxxxxxxxxx" at the end of line 1 (kind: Configxxxx...)
        edit(client, uri, v, (1, 12 + v - 2), (1, 12 + v - 2), "x")
    p = await wait_diagnostics(client, uri, version=11, after=mark)
    assert codes(p.diagnostics) == ["unknown-kind"] or "kind" in p.diagnostics[0].message
    versions = [q.version for q in client.published[mark:] if q.uri == uri]  # type: ignore[attr-defined]
    assert versions == sorted(versions)  # never an older version after a newer one


async def test_close_clears_diagnostics(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    p = await wait_diagnostics(client, uri, after=open_doc(client, uri, "kind: Config\n"))
    assert len(p.diagnostics) > 0
    mark = len(client.published)  # type: ignore[attr-defined]
    client.text_document_did_close(types.DidCloseTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=uri)))
    p = await wait_diagnostics(client, uri, after=mark)
    assert len(p.diagnostics) == 0
    assert len(client.diagnostics[uri]) == 0


async def test_emoji_line_points_at_the_right_utf16_column(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    p = await wait_diagnostics(client, uri, after=open_doc(client, uri, EMOJI))
    (d,) = p.diagnostics
    assert d.code == "unknown-key"
    # `lables` is at code point 23; each emoji before it takes two UTF-16 units.
    assert d.range == types.Range(start=types.Position(line=2, character=25),
                                  end=types.Position(line=2, character=31))
    line = EMOJI.splitlines()[2]
    utf16 = line.encode("utf-16-le")
    assert utf16[2 * 25:2 * 31].decode("utf-16-le") == "lables"


async def test_incremental_edit_after_an_emoji_uses_utf16_columns(client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    await wait_diagnostics(client, uri, after=open_doc(client, uri, EMOJI))
    # fix the typo using UTF-16 columns: "lables" at 25..31
    p = await wait_diagnostics(client, uri, version=2, after=edit(client, uri, 2, (2, 25), (2, 31), "labels"))
    assert len(p.diagnostics) == 0


@pytest_lsp.fixture(config=CONFIG)
async def utf8_client(lsp_client: LanguageClient):
    caps = client_capabilities("neovim")
    caps.general = types.GeneralClientCapabilities(
        position_encodings=[types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16])
    result = await start(lsp_client, caps)
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf8
    yield
    await asyncio.wait_for(lsp_client.shutdown_session(), 10)


async def test_utf8_position_encoding_when_negotiated(utf8_client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    p = await wait_diagnostics(utf8_client, uri, after=open_doc(utf8_client, uri, EMOJI))
    (d,) = p.diagnostics
    # each emoji is 4 UTF-8 bytes: 23 + 2 * 3
    assert d.range.start == types.Position(line=2, character=29)
    assert d.range.end == types.Position(line=2, character=35)


async def test_server_advertises_incremental_sync_and_utf16(client: LanguageClient):
    caps = client.init_result.capabilities  # type: ignore[attr-defined]
    sync = caps.text_document_sync
    kind = sync.change if isinstance(sync, types.TextDocumentSyncOptions) else sync
    assert kind == types.TextDocumentSyncKind.Incremental
    assert caps.position_encoding in (None, types.PositionEncodingKind.Utf16)


async def test_incremental_edit_below_a_form_feed_lands_on_the_right_line(client: LanguageClient, tmp_path):
    """pygls splits lines at form feeds (and U+2028...) too; LSP clients do not."""
    uri = uri_for(tmp_path)
    text = "# page one\x0cpage two\napiVersion: skaffold/v4beta14\nkind: Config\nbiuld: {}\n"
    p = await wait_diagnostics(client, uri, after=open_doc(client, uri, text))
    assert codes(p.diagnostics) == ["yaml-syntax"]  # a form feed is not printable YAML
    await wait_diagnostics(client, uri, version=2, after=edit(client, uri, 2, (3, 0), (3, 5), "build"))
    p = await wait_diagnostics(client, uri, version=3, after=edit(client, uri, 3, (0, 10), (0, 11), " "))
    assert len(p.diagnostics) == 0  # both edits landed where the client meant them

"""Editing features and code actions through LSP: the wiring and the position conversion.

What each feature returns is tested where it is written (tests/features, tests/actions);
here we check that each is advertised and reaches the client, in the client's units.
"""

from __future__ import annotations

import pytest
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.lsp.conftest import open_doc, uri_for, wait_diagnostics

pytestmark = pytest.mark.asyncio

TEXT = """\
apiVersion: skaffold/v4beta14
kind: Config
metadata:
  name: "😀 shop"
build:
  artifacts:
  - image: shop/web
    context: web
    docker:
      dockerfile: Dockerfile
manifests:
  rawYaml:
  - k8s/deployment.yaml
profiles:
- name: dev
  build:
    artifacts:
    - image: shop/web
      context: web
"""


def caps(client: LanguageClient) -> types.ServerCapabilities:
    return client.init_result.capabilities  # type: ignore[attr-defined]


def doc_id(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


@pytest.fixture
def project(tmp_path):
    (tmp_path / "web").mkdir()
    (tmp_path / "web" / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / "k8s").mkdir()
    (tmp_path / "k8s" / "deployment.yaml").write_text(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n"
        "      containers:\n      - name: web\n        image: shop/web\n")
    return tmp_path


async def opened(client: LanguageClient, project, text: str = TEXT) -> str:
    uri = uri_for(project)
    await wait_diagnostics(client, uri, after=open_doc(client, uri, text))
    return uri


async def test_completion_of_keys_with_trigger_characters(client: LanguageClient, project):
    c = caps(client).completion_provider
    assert c is not None
    assert set(c.trigger_characters or []) == {":", " ", "-", "/"}
    text = TEXT + "deploy:\n  \n"
    uri = await opened(client, project, text)
    line = text.count("\n") - 1
    result = await client.text_document_completion_async(types.CompletionParams(
        text_document=doc_id(uri), position=types.Position(line=line, character=2)))
    items = result.items if isinstance(result, types.CompletionList) else result
    labels = {i.label for i in items or []}
    assert {"kubectl", "helm"} <= labels, labels


async def test_hover_after_an_emoji_uses_utf16(client: LanguageClient, project):
    assert caps(client).hover_provider
    uri = await opened(client, project)
    h = await client.text_document_hover_async(types.HoverParams(
        text_document=doc_id(uri), position=types.Position(line=4, character=2)))
    assert h is not None and isinstance(h.contents, types.MarkupContent) and h.contents.value
    h2 = await client.text_document_hover_async(types.HoverParams(
        text_document=doc_id(uri), position=types.Position(line=3, character=3)))
    assert h2 is not None and h2.range is not None and h2.range.start.line == 3


async def test_document_symbols(client: LanguageClient, project):
    assert caps(client).document_symbol_provider
    uri = await opened(client, project)
    syms = await client.text_document_document_symbol_async(types.DocumentSymbolParams(text_document=doc_id(uri)))
    assert syms
    names = []

    def walk(ss):
        for s in ss:
            names.append(s.name)
            r, sel = s.range, s.selection_range
            assert (r.start.line, r.start.character) <= (sel.start.line, sel.start.character)
            assert (sel.end.line, sel.end.character) <= (r.end.line, r.end.character)
            walk(s.children or [])

    walk(syms)
    assert any("shop/web" in n for n in names), names


async def test_folding_ranges(client: LanguageClient, project):
    assert caps(client).folding_range_provider
    uri = await opened(client, project)
    folds = await client.text_document_folding_range_async(types.FoldingRangeParams(text_document=doc_id(uri)))
    assert any(f.start_line == 4 for f in folds or []), folds


async def test_document_links_point_at_files(client: LanguageClient, project):
    assert caps(client).document_link_provider
    uri = await opened(client, project)
    links = await client.text_document_document_link_async(types.DocumentLinkParams(text_document=doc_id(uri)))
    targets = {lk.target for lk in links or []}
    assert (project / "web" / "Dockerfile").as_uri() in targets, targets


async def test_definition_of_a_profile_artifact_image(client: LanguageClient, project):
    assert caps(client).definition_provider
    uri = await opened(client, project)
    locs = await client.text_document_definition_async(types.DefinitionParams(
        text_document=doc_id(uri), position=types.Position(line=17, character=14)))
    assert locs is not None  # an answer, in whichever shape the feature chooses


async def test_quick_fix_for_an_unknown_key(client: LanguageClient, project):
    assert caps(client).code_action_provider
    text = TEXT.replace("manifests:", "manifets:")
    uri = uri_for(project)
    p = await wait_diagnostics(client, uri, after=open_doc(client, uri, text))
    diag = next(d for d in p.diagnostics if d.code == "unknown-key")
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=doc_id(uri), range=diag.range,
        context=types.CodeActionContext(diagnostics=[diag], only=[types.CodeActionKind.QuickFix])))
    assert actions, "no quick fix"
    fix = next(a for a in actions if isinstance(a, types.CodeAction) and a.edit is not None)
    edits = fix.edit.changes[uri] if fix.edit.changes else fix.edit.document_changes[0].edits
    assert any("manifests" in e.new_text for e in edits), edits


PROFILED = """\
apiVersion: skaffold/v4beta14
kind: Config
build:
  artifacts:
  - image: shop/web
    context: web
profiles:
- name: dbg
  activation: [{command: debug}]
  build:
    artifacts:
    - image: shop/web-debug
      context: web
- name: manual
"""


async def test_code_lenses_say_when_each_profile_activates_and_show_its_config(client: LanguageClient, project):
    uri = await opened(client, project, PROFILED)
    assert caps(client).code_lens_provider is not None
    lenses = await client.text_document_code_lens_async(types.CodeLensParams(text_document=doc_id(uri)))
    assert [(lens.range.start.line, lens.command.title) for lens in lenses or [] if lens.command] == [
        (7, "active on `skaffold debug`"), (13, "never active by itself (only with -p)")]
    dbg = lenses[0].command  # type: ignore[index]
    assert dbg is not None and dbg.command in caps(client).execute_command_provider.commands  # type: ignore[union-attr]
    # What the lens runs: the effective configuration with that profile, as `skaffold-ls config` prints it.
    text = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=dbg.command, arguments=dbg.arguments))
    assert isinstance(text, str) and "image: shop/web-debug" in text and "profile dbg" in text
    plain = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=dbg.command, arguments=[uri]))
    assert "image: shop/web\n" in plain and "shop/web-debug" not in plain
    # `skaffold debug` activates dbg by itself.
    on_debug = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command=dbg.command, arguments=[uri, [], "debug"]))
    assert "image: shop/web-debug" in on_debug
    names = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="skaffold.listProfiles", arguments=[uri]))
    assert names == ["dbg", "manual"]


async def test_a_command_without_its_document_is_answered_with_nothing(client: LanguageClient, project):
    await opened(client, project, PROFILED)
    result = await client.workspace_execute_command_async(types.ExecuteCommandParams(
        command="skaffold.showEffectiveConfig", arguments=[]))
    assert result is None

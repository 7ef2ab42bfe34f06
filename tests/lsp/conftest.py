"""pytest-lsp helpers: start `skaffold-ls serve` as a subprocess and talk LSP to it."""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

SERVER_COMMAND = [sys.executable, "-m", "skaffold_ls", "serve"]
CONFIG = ClientServerConfig(server_command=SERVER_COMMAND)

GOOD = """\
apiVersion: skaffold/v4beta14
kind: Config
build:
  artifacts:
  - image: app
    docker:
      dockerfile: Dockerfile
manifests:
  rawYaml:
  - k8s/*.yaml
deploy:
  kubectl: {}
"""


def uri_for(tmp: Path | str, name: str = "skaffold.yaml") -> str:
    return (Path(tmp) / name).as_uri()


def track(client: LanguageClient) -> list[types.PublishDiagnosticsParams]:
    """Record every publishDiagnostics (pytest-lsp keeps only the latest list, without versions)."""
    published: list[types.PublishDiagnosticsParams] = []
    fm = client.protocol.fm
    original = fm.features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS]

    def record(params: types.PublishDiagnosticsParams) -> None:
        original(params)
        published.append(params)

    fm.features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = record
    client.published = published  # type: ignore[attr-defined]
    return published


async def start(client: LanguageClient, capabilities: types.ClientCapabilities | None = None,
                init_options: Any = None) -> types.InitializeResult:
    track(client)
    if types.CLIENT_REGISTER_CAPABILITY not in client.protocol.fm.features:
        # Real editors accept registrations (the server asks to watch Dockerfiles, manifests...).
        registered = []

        def register_capability(params: types.RegistrationParams) -> None:
            registered.extend(params.registrations)

        client.feature(types.CLIENT_REGISTER_CAPABILITY)(register_capability)
        client.registrations = registered  # type: ignore[attr-defined]
    result = await client.initialize_session(types.InitializeParams(
        capabilities=capabilities or client_capabilities("visual-studio-code"),
        initialization_options=init_options,
        workspace_folders=None,
    ))
    client.init_result = result  # type: ignore[attr-defined]
    return result


async def wait_diagnostics(client: LanguageClient, uri: str, version: int | None = None,
                           after: int = 0, timeout: float = 15.0) -> types.PublishDiagnosticsParams:
    """The first publishDiagnostics for `uri` (with `version`, if given) at or after index `after`."""
    published: list[types.PublishDiagnosticsParams] = client.published  # type: ignore[attr-defined]
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        for p in published[after:]:
            if p.uri == uri and (version is None or p.version == version):
                return p
        if loop.time() > deadline:
            seen = [(p.uri, p.version, len(p.diagnostics)) for p in published]
            raise AssertionError(f"no publishDiagnostics for {uri} version {version}; got {seen}")
        await asyncio.sleep(0.01)


def open_doc(client: LanguageClient, uri: str, text: str, version: int = 1) -> int:
    """Send didOpen; returns the index in `client.published` to wait from."""
    mark = len(client.published)  # type: ignore[attr-defined]
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="yaml", version=version, text=text)))
    return mark


def edit(client: LanguageClient, uri: str, version: int, start: tuple[int, int], end: tuple[int, int],
         text: str) -> int:
    """Send one incremental change replacing start..end (client units) with text."""
    mark = len(client.published)  # type: ignore[attr-defined]
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
        content_changes=[types.TextDocumentContentChangePartial(
            range=types.Range(start=types.Position(line=start[0], character=start[1]),
                              end=types.Position(line=end[0], character=end[1])),
            text=text)]))
    return mark


def codes(diags: Sequence[types.Diagnostic]) -> list[str]:
    return [str(d.code) for d in diags]


@pytest_lsp.fixture(config=CONFIG)
async def client(lsp_client: LanguageClient):
    await start(lsp_client)
    yield
    await asyncio.wait_for(lsp_client.shutdown_session(), 10)

"""Settings from initializationOptions, workspace/configuration and didChangeConfiguration."""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.conftest import UPSTREAM_SCHEMAS
from tests.lsp.conftest import CONFIG, codes, open_doc, start, uri_for, wait_diagnostics

pytestmark = pytest.mark.asyncio

OLD = "apiVersion: skaffold/v2beta10\nkind: Config\n"
PATCHED = """\
apiVersion: skaffold/v4beta14
kind: Config
build:
  artifacts:
  - image: app
profiles:
- name: dev
  patches:
  - op: replace
    path: /build/artifacts/3/image
    value: other
"""


async def wait_until(client: LanguageClient, uri: str, pred: Callable[[list[str]], bool],
                     timeout: float = 10) -> types.PublishDiagnosticsParams:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while loop.time() < deadline:
        mine = [p for p in client.published if p.uri == uri]  # type: ignore[attr-defined]
        if mine and pred(codes(mine[-1].diagnostics)):
            return mine[-1]
        await asyncio.sleep(0.02)
    raise AssertionError(f"diagnostics for {uri} never matched; last: {client.diagnostics.get(uri)}")


def _fixture(init_options: object = None, configuration: dict[str, object] | None = None):
    @pytest_lsp.fixture(config=CONFIG)
    async def fixture(lsp_client: LanguageClient):
        if configuration is not None:
            lsp_client.set_configuration(configuration)
        await start(lsp_client, init_options=init_options)
        yield
        await asyncio.wait_for(lsp_client.shutdown_session(), 10)

    return fixture


default_client = _fixture()
no_outdated_init = _fixture({"validation": {"outdatedApiVersion": False}})
warning_outdated_wrapped = _fixture({"settings": {"validation": {"outdatedApiVersion": "warning"}}})
schema_only_dotted = _fixture({"skaffold": {"checks.enabled": False}})
tiny_max = _fixture({"maxFileSize": 64})
no_outdated_pulled = _fixture(configuration={"skaffold": {"validation": {"outdatedApiVersion": "off"}}})


async def test_defaults_report_outdated_api_version_as_a_hint(default_client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    p = await wait_diagnostics(default_client, uri, after=open_doc(default_client, uri, OLD))
    assert codes(p.diagnostics) == ["outdated-api-version"]
    assert p.diagnostics[0].severity == types.DiagnosticSeverity.Hint


async def test_initialization_options_turn_outdated_off(no_outdated_init: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    p = await wait_diagnostics(no_outdated_init, uri, after=open_doc(no_outdated_init, uri, OLD))
    assert len(p.diagnostics) == 0


async def test_wrapped_settings_change_the_severity(warning_outdated_wrapped: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    p = await wait_diagnostics(warning_outdated_wrapped, uri, after=open_doc(warning_outdated_wrapped, uri, OLD))
    assert p.diagnostics[0].severity == types.DiagnosticSeverity.Warning


async def test_checks_enabled_false_means_schema_only(schema_only_dotted: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    p = await wait_diagnostics(schema_only_dotted, uri, after=open_doc(schema_only_dotted, uri, PATCHED))
    assert len(p.diagnostics) == 0


async def test_checks_run_by_default(default_client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    open_doc(default_client, uri, PATCHED)
    # schema diagnostics come first, the checks beyond the schema right after
    await wait_until(default_client, uri, lambda c: "patch-path-unresolved" in c)


async def test_max_file_size(tiny_max: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    p = await wait_diagnostics(tiny_max, uri, after=open_doc(tiny_max, uri, PATCHED))
    assert codes(p.diagnostics) == ["file-too-large"]


async def test_workspace_configuration_is_pulled(no_outdated_pulled: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    open_doc(no_outdated_pulled, uri, OLD)
    await wait_until(no_outdated_pulled, uri, lambda c: c == [])


async def test_did_change_configuration_rereads_settings(default_client: LanguageClient, tmp_path):
    uri = uri_for(tmp_path)
    p = await wait_diagnostics(default_client, uri, after=open_doc(default_client, uri, OLD))
    assert codes(p.diagnostics) == ["outdated-api-version"]
    default_client.set_configuration({"skaffold": {"validation": {"outdatedApiVersion": False}}})
    default_client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await wait_until(default_client, uri, lambda c: c == [])
    default_client.set_configuration({"skaffold": {"validation": {"outdatedApiVersion": True}}})
    default_client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
    await wait_until(default_client, uri, lambda c: c == ["outdated-api-version"])


@pytest.fixture
def schema_dir(tmp_path: Path) -> Path:
    src = UPSTREAM_SCHEMAS / "v4beta14.json"
    if not src.exists():
        pytest.skip(f"upstream schema not found at {src} (../shared absent)")
    d = tmp_path / "schemas"
    d.mkdir()
    shutil.copy(src, d / "v9beta1.json")  # a version only the override folder knows
    return d


async def test_schemas_directory_adds_versions(default_client: LanguageClient, schema_dir: Path, tmp_path):
    uri = uri_for(tmp_path)
    text = "apiVersion: skaffold/v9beta1\nkind: Config\nbiuld: {}\n"
    p = await wait_diagnostics(default_client, uri, after=open_doc(default_client, uri, text))
    assert "unknown-api-version" in codes(p.diagnostics)
    default_client.workspace_did_change_configuration(types.DidChangeConfigurationParams(
        settings={"skaffold": {"schemas": {"directory": str(schema_dir)}}}))
    await wait_until(default_client, uri, lambda c: c == ["unknown-key"])

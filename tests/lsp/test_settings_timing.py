"""Settings changes re-run everything for every open document, whatever the timing.

The sequence Neovim sends with `settings = {...}`: `initialized`, at once
`workspace/didChangeConfiguration`, then `didOpen`, and every `workspace/configuration`
answered the moment it arrives. The checks beyond the schema must end up published,
with and without the fast start, run after run.

It failed in most runs when the checks registered themselves on first use: the settings
made a second analysis start checks while the first run was still importing them, and
the second run found the list empty and published "no findings" as the checks' result.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from tests.lsp.conftest import GOOD
from tests.lsp.rawclient import NO_FAST_START, RawClient

RUNS = 5
CAPABILITIES = {"workspace": {"configuration": True, "didChangeConfiguration": {"dynamicRegistration": False},
                              "didChangeWatchedFiles": {"dynamicRegistration": True}},
                "textDocument": {"publishDiagnostics": {"versionSupport": True}}}
# (initializationOptions, the settings the client holds): unchanged, and checks turned on late.
SETTINGS: list[tuple[Any, dict[str, Any]]] = [
    (None, {"validation": {"outdatedApiVersion": "warning"}}),
    ({"checks": {"enabled": False}}, {"checks": {"enabled": True}}),
]


def checks_codes(message: dict[str, Any]) -> set[str]:
    return {d["code"] for d in message["params"]["diagnostics"]} & {"no-manifests-match", "missing-dockerfile"}


@pytest.mark.parametrize("fast", [True, False], ids=["fast-start", "no-fast-start"])
@pytest.mark.parametrize("case", range(len(SETTINGS)))
def test_checks_appear_when_settings_come_right_after_initialized(tmp_path: Path, fast: bool, case: int):
    init_options, settings = SETTINGS[case]
    for run in range(RUNS):
        folder = tmp_path / f"run{run}"
        folder.mkdir()
        (folder / "skaffold.yaml").write_text(GOOD)  # its Dockerfile and k8s/*.yaml do not exist
        uri = (folder / "skaffold.yaml").as_uri()
        client = RawClient({} if fast else NO_FAST_START, settings=settings, answer_at_once=True)
        try:
            client.initialize(capabilities=CAPABILITIES, options=init_options)
            client.send({"method": "workspace/didChangeConfiguration", "params": {"settings": {"skaffold": settings}}})
            client.send({"method": "textDocument/didOpen", "params": {"textDocument": {
                "uri": uri, "languageId": "yaml", "version": 1, "text": GOOD}}})
            client.wait(lambda m, uri=uri: m.get("method") == "textDocument/publishDiagnostics"
                        and m["params"]["uri"] == uri and bool(checks_codes(m)), timeout=20)
            client.drain(1.0)  # and nothing later takes them back
            last = [m for m in client.seen if m.get("method") == "textDocument/publishDiagnostics"][-1]
            assert checks_codes(last) == {"no-manifests-match", "missing-dockerfile"}, (run, client.seen)
            assert client.stop() == 0
        finally:
            client.kill()


@pytest.mark.asyncio
async def test_checks_made_under_older_settings_are_never_published(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Checks still running when the settings change finish after the re-analysis has begun:
    their results (made with the old settings) used to be published and kept."""
    import threading

    from skaffold_ls import checks
    from skaffold_ls.lsp import publish
    from skaffold_ls.lsp.handlers import create_server
    from tests.lsp.inprocess import InProcessClient

    checks_release, analysis_release = threading.Event(), threading.Event()
    calls = {"analyze": 0}
    real_analyze = publish.analyze

    def blocking_check(ctx: object) -> list[object]:
        checks_release.wait(30)
        return []

    def analyze(*args: object, **kwargs: object) -> object:
        calls["analyze"] += 1
        if calls["analyze"] == 2:  # the re-analysis is still running when the old checks end
            analysis_release.wait(30)
        return real_analyze(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(checks, "ALL", [blocking_check, *checks.ALL])
    monkeypatch.setattr(publish, "analyze", analyze)
    server = create_server()
    client = InProcessClient(server)
    try:
        await client.initialize()
        (tmp_path / "skaffold.yaml").write_text(GOOD)
        uri = (tmp_path / "skaffold.yaml").as_uri()
        client.open(uri, GOOD)
        await client.diagnostics(uri)
        await asyncio.sleep(0.2)  # the checks are running, held in blocking_check
        server.apply_settings({"validation": {"outdatedApiVersion": "warning"}}, "test")
        server.reanalyse_all()
        await asyncio.sleep(0.2)  # the re-analysis is running, held in analyze
        mark = len(client.received)
        checks_release.set()
        await asyncio.sleep(0.5)
        late = [m for m in client.received[mark:] if m.get("method") == "textDocument/publishDiagnostics"]
        assert late == [], late  # nothing from the checks started under the old settings
        analysis_release.set()
        await client.wait(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                          and checks_codes(m) == {"no-manifests-match", "missing-dockerfile"})
    finally:
        checks_release.set()
        analysis_release.set()
        server.pool.shutdown(wait=True)
        server.checks_pool.shutdown(wait=True)

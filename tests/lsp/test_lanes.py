"""A document that is slow to work on holds one worker thread at most: the other
documents keep getting diagnostics and hovers, and requests about the slow one are
answered in bounded time or when cancelled (`lsp/lanes.py`)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from skaffold_ls.features import hover as hover_module
from skaffold_ls.features.types import FeatureContext, Hover
from skaffold_ls.lsp.handlers import create_server
from tests.lsp.conftest import GOOD, uri_for
from tests.lsp.inprocess import InProcessClient


@pytest.fixture
def release(monkeypatch: pytest.MonkeyPatch) -> Iterator[threading.Event]:
    """Hover on a document in a folder named `slow` blocks until the event is set."""
    event = threading.Event()
    real_hover = hover_module.hover

    def slow_hover(ctx: FeatureContext, pos: object) -> Hover | None:
        if ctx.analysis.path is not None and ctx.analysis.path.parent.name == "slow":
            event.wait(30)
        return real_hover(ctx, pos)  # type: ignore[arg-type]

    monkeypatch.setattr(hover_module, "hover", slow_hover)
    yield event
    event.set()


@pytest.mark.asyncio
async def test_a_slow_document_holds_one_worker_and_the_others_still_get_answers(
        release: threading.Event, tmp_path: Path):
    server = create_server(workers=2)
    client = InProcessClient(server)
    try:
        await client.initialize()
        slow = uri_for(tmp_path, "slow/skaffold.yaml")
        client.open(slow, GOOD)
        await client.diagnostics(slow)
        for request_id in range(10, 14):  # more hovers than workers, each blocked in the feature
            client.hover(request_id, slow)
        await asyncio.sleep(0.2)

        other = uri_for(tmp_path, "other/skaffold.yaml")
        client.open(other, GOOD)
        await client.diagnostics(other, timeout=5)
        client.hover(20, other)
        assert (await client.answer(20, timeout=5))["result"] is not None

        client.send({"method": "$/cancelRequest", "params": {"id": 13}})
        assert (await client.answer(13, timeout=5))["error"]["code"] == -32800  # RequestCancelled

        release.set()
        for request_id in range(10, 13):
            await client.answer(request_id)
    finally:
        release.set()
        server.pool.shutdown(wait=True)
        server.checks_pool.shutdown(wait=True)


@pytest.mark.asyncio
async def test_a_request_about_a_slow_document_is_answered_in_bounded_time(
        release: threading.Event, tmp_path: Path):
    server = create_server(workers=2)
    server.request_timeout = 0.5
    client = InProcessClient(server)
    try:
        await client.initialize()
        slow = uri_for(tmp_path, "slow/skaffold.yaml")
        client.open(slow, GOOD)
        await client.diagnostics(slow)
        client.hover(10, slow)
        client.hover(11, slow)  # waits for the first one's lane, times out too
        assert (await client.answer(10, timeout=5))["result"] is None
        assert (await client.answer(11, timeout=5))["result"] is None
        assert not release.is_set()
    finally:
        release.set()
        server.pool.shutdown(wait=True)
        server.checks_pool.shutdown(wait=True)

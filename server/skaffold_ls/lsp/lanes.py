"""One lane per document: its work runs on at most one worker thread at a time.

Analyses and features run on a shared thread pool. Without lanes, a document that
is slow to analyse (a hostile file, a bug) could take every worker: four hovers on
it, each waiting for its own thread, and no other document got diagnostics or
hover any more. With lanes, one document's jobs queue behind each other, so it
holds at most one worker and the others keep theirs.

A Python thread cannot be stopped, so a lane is released when its job really
ends, not when the request waiting for it gives up: a request that times out or
is cancelled is answered at once, while the job it started finishes (or not) on
its one thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class DocumentLanes:
    def __init__(self, pool: ThreadPoolExecutor):
        self.pool = pool
        self._locks: dict[str, asyncio.Lock] = {}

    async def run(self, key: str, fn: Callable[..., T], *args: Any) -> T:
        """fn(*args) on the pool once no other job of `key` runs. Cancelling the caller
        (a timeout, $/cancelRequest) stops the wait, never the job once started."""
        lock = self._locks.setdefault(key, asyncio.Lock())
        await lock.acquire()
        loop = asyncio.get_running_loop()
        try:
            job: Future[T] = self.pool.submit(functools.partial(fn, *args))
        except BaseException:  # the pool is shut down: nothing runs, nothing holds the lane
            lock.release()
            raise

        def release(_: Future[T]) -> None:
            with contextlib.suppress(RuntimeError):  # the loop closed at exit: nobody waits any more
                loop.call_soon_threadsafe(lock.release)

        job.add_done_callback(release)
        return await asyncio.wrap_future(job)

    def busy(self, key: str) -> bool:
        lock = self._locks.get(key)
        return lock is not None and lock.locked()

    def forget(self, key: str) -> None:
        """Drop an idle lane (the document closed); a busy one is kept until its job ends."""
        lock = self._locks.get(key)
        if lock is not None and not lock.locked():
            del self._locks[key]

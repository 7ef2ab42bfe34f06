"""The first code-action requests, made at once from two worker threads, get the same actions.

The providers register when their modules are imported on first use. The flag saying
"loaded" was set before that import finished, so a second thread arriving meanwhile saw
no provider at all and answered "no actions" (the same pattern made the first checks of
a document come back empty when settings arrived right after `initialized`).
"""

from __future__ import annotations

import subprocess
import sys
import textwrap


def test_concurrent_first_requests_get_the_same_actions():
    # A fresh interpreter: the providers must not be imported yet.
    script = textwrap.dedent("""
        import threading
        from tests.actions.helpers import PROJECTS, all_offers
        path = PROJECTS / "checks-zoo" / "skaffold.yaml"
        counts = []
        barrier = threading.Barrier(2)
        def run():
            barrier.wait()
            counts.append(len(all_offers(path)))
        threads = [threading.Thread(target=run) for _ in range(2)]
        [t.start() for t in threads]
        [t.join() for t in threads]
        print(counts[0], counts[1])
    """)
    for _ in range(3):
        r = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
        assert r.returncode == 0, r.stderr
        first, second = map(int, r.stdout.split())
        assert first == second and first > 0, r.stdout

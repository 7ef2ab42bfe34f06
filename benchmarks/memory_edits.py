#!/usr/bin/env python3
"""Server memory over many edits: RSS must stay flat.

pygls 2.1.1 keeps a future per incoming notification (see server/skaffold_ls/lsp/protocol.py);
before the work-around the server grew ~2 MB per 1,000 `didChange` (44.7 → 66 MB over 10,000).

Opens the ~60-line config and sends `--edits` incremental didChange notifications
(toggling `push:` ↔ `pussh:`), in bursts of `--burst` followed by a wait for the
diagnostics of the last version (as typing with pauses would). After each 1,000 edits
(and once warmed up), prints the server's RSS; at the end the growth from the first
sample to the last, which should be within ±5 MB.

    python3 benchmarks/memory_edits.py [--edits 10000] [--burst 50]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from configs import BAD_KEY, EDIT_LINE, GOOD_KEY, small  # noqa: E402
from lspclient import LspClient  # noqa: E402


def rss_kb(pid: int) -> int:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


async def run(edits: int, burst: int, every: int) -> list[tuple[int, int]]:
    samples: list[tuple[int, int]] = []
    with tempfile.TemporaryDirectory(prefix="skaffold-ls-mem-") as tmp:
        path = Path(tmp) / "skaffold.yaml"
        text = small()
        path.write_text(text, encoding="utf-8")
        (Path(tmp) / "Dockerfile").write_text("FROM scratch\n")
        client = LspClient([sys.executable, "-m", "skaffold_ls", "serve"], {"skaffold": {}}, cwd=tmp)
        await client.start()
        try:
            await client.initialize(Path(tmp).as_uri())
            uri = path.as_uri()
            client.open(uri, text)
            await client.wait_published(uri, 0, lambda p: True)
            await asyncio.sleep(1.0)  # start-up work (configuration pull, first checks) done
            line = text.split("\n")[EDIT_LINE]
            col = line.index(GOOD_KEY)
            version = 1
            samples.append((0, rss_kb(client.pid)))
            current = GOOD_KEY
            for n in range(1, edits + 1):
                new = BAD_KEY if current == GOOD_KEY else GOOD_KEY
                version += 1
                client.change(uri, version, EDIT_LINE, col, col + len(current), new)
                current = new
                if n % burst == 0 or n == edits:
                    mark = len(client.published)
                    await client.wait_published(uri, mark, lambda p, v=version: p.version == v)
                if n % every == 0:
                    await asyncio.sleep(0.5)  # let the checks of the last version finish
                    samples.append((n, rss_kb(client.pid)))
                    print(f"{n:>7,} edits  RSS {samples[-1][1] / 1024:6.1f} MB", flush=True)
        finally:
            await client.stop()
    return samples


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--edits", type=int, default=10_000)
    ap.add_argument("--burst", type=int, default=50, help="edits sent before waiting for their diagnostics")
    ap.add_argument("--every", type=int, default=1_000, help="sample RSS after this many edits")
    args = ap.parse_args()
    started = time.perf_counter()
    samples = asyncio.run(run(args.edits, args.burst, args.every))
    first, last = samples[0][1], samples[-1][1]
    # The first 1,000 edits warm caches up (imports of the features, the checks' file caches):
    # growth is measured from the first sample after them.
    base = samples[1][1] if len(samples) > 2 else first
    print(f"\nRSS after start-up {first / 1024:.1f} MB; after {samples[1][0]:,} edits {base / 1024:.1f} MB; "
          f"after {samples[-1][0]:,} edits {last / 1024:.1f} MB; "
          f"growth since the first {samples[1][0]:,}: {(last - base) / 1024:+.1f} MB "
          f"({time.perf_counter() - started:.0f} s)")
    return 0 if abs(last - base) <= 5 * 1024 else 1


if __name__ == "__main__":
    raise SystemExit(main())

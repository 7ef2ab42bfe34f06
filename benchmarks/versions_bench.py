#!/usr/bin/env python3
"""Does the apiVersion change the cost? (issue: every skaffold apiVersion, offline)

Measures, as medians of repeated runs:
- validation of a generated ~5,000-line config written for each of several
  apiVersions (same shape: artifacts with an image, a docker builder and build args);
- cold start: a new `skaffold-ls check` process on a small file of each version
  (interpreter start, imports, loading the schema model, first diagnostics).

    python3 benchmarks/versions_bench.py [--runs 9]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from skaffold_ls.analysis import AnalysisOptions, analyze  # noqa: E402
from skaffold_ls.schema.store import SchemaStore  # noqa: E402

VERSIONS = ["skaffold/v1beta2", "skaffold/v1beta13", "skaffold/v2beta28", "skaffold/v3", "skaffold/v4beta14"]


def config(version: str, store: SchemaStore, artifacts: int) -> str:
    schema = store.get(version)
    assert schema is not None
    image_key = "image" if "image" in schema.definitions["Artifact"].properties else "imageName"
    head = f"apiVersion: {version}\nkind: Config\nbuild:\n  artifacts:\n"
    one = (f"  - {image_key}: registry.example.com/team/svc{{i}}\n    context: services/svc{{i}}\n"
           "    docker:\n      dockerfile: Dockerfile\n      buildArgs:\n        VERSION: \"1.{i}\"\n"
           "        MODE: release\n        DEBUG: 0\n")
    return head + "".join(one.format(i=i) for i in range(artifacts))


def median_ms(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    store = SchemaStore()
    options = AnalysisOptions(outdated_api_version=False, schema_only=True)
    print(f"{'apiVersion':22} {'lines':>6} {'validate (ms)':>14} {'errors':>6} {'cold check (ms)':>16}")
    with tempfile.TemporaryDirectory() as tmp:
        for version in VERSIONS:
            text = config(version, store, 625)
            errors = sum(f.is_error for f in analyze(text, None, store, options).findings)
            warm = median_ms(lambda text=text: analyze(text, None, store, options), args.runs)
            small = Path(tmp) / f"skaffold-{version.split('/')[1]}.yaml"
            small.write_text(config(version, store, 3))
            cmd = [sys.executable, "-m", "skaffold_ls", "check", "--no-outdated", str(small)]
            cold = median_ms(lambda cmd=cmd: subprocess.run(cmd, capture_output=True, check=True), args.runs)
            print(f"{version:22} {len(text.splitlines()):>6} {warm:>14.1f} {errors:>6} {cold:>16.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""Regenerate schemas/model/skaffold-model.json from skaffold's published JSON schemas.

    python3 schemas/build_model.py [--upstream ../shared/skaffold/schemas]

Only facts are taken: definition and property names, types, enums, defaults,
required keys, one-of groups, key order and which versions have what. Upstream's
description texts are not read (ours are in schemas/model/descriptions.yaml).
The output is deterministic, so a re-run on the same input changes nothing.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from skaffold_ls.schema.jsonschema_import import import_schema  # noqa: E402
from skaffold_ls.schema.versioned import build_versioned  # noqa: E402
from skaffold_ls.schema.versions import PREFIX, sort_key  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--upstream", type=Path, default=ROOT.parent / "shared/skaffold/schemas")
    parser.add_argument("--out", type=Path, default=ROOT / "schemas/model/skaffold-model.json")
    args = parser.parse_args()
    files = sorted(args.upstream.glob("v*.json"), key=lambda p: sort_key(p.stem))
    if not files:
        print(f"no v*.json schemas under {args.upstream}", file=sys.stderr)
        return 2
    schemas = [import_schema(PREFIX + f.stem, json.loads(f.read_text())) for f in files]
    model = build_versioned(schemas)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(model, indent=None, separators=(",", ":"), sort_keys=False) + "\n")
    print(f"wrote {args.out} ({len(schemas)} versions, {len(model['definitions'])} definitions, "
          f"{args.out.stat().st_size} bytes)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

#!/usr/bin/env python3
"""Copy the Python side of skaffold-ls into vscode-extension/bundled/ for the VSIX.

Offline: the dependencies are copied from the distributions installed in the Python that runs
this script (``pip install -e '.[test]'`` in the repository installs them), file by file from
their RECORD, dist-info included so ``importlib.metadata`` keeps working.

Layout (the extension builds PYTHONPATH from it, see src/python.ts):
  bundled/src/skaffold_ls/            the package (server/skaffold_ls), schemas in skaffold_ls/schemas
                                      (the same place the wheel puts schemas/model)
  bundled/libs/                       pure-Python dependencies (any Python >= 3.10)
  bundled/native/<SOABI>/             dependencies with compiled code (rpds-py for jsonschema,
                                      regex for json-five), usable only by a Python with that SOABI;
                                      another Python must have them installed itself (the extension
                                      says so, with the pip command).
``kubernetes`` and ``debugpy`` are not bundled: only ``skaffold-ls attach`` needs kubernetes
(pip install kubernetes), and debugpy runs inside the user's container, not here.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import re
import shutil
import sys
import sysconfig
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent  # vscode-extension/
REPO = HERE.parent
ROOTS = ["pygls", "lsprotocol", "PyYAML", "jsonschema", "dockerfile-parse", "json-five"]
# Compiled, but with a pure-Python fallback: keep in libs (the .so is simply not loaded elsewhere).
OPTIONAL_NATIVE = {"pyyaml"}
NOT_BUNDLED = {"kubernetes", "debugpy"}


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def closure(roots: list[str]) -> tuple[list[md.Distribution], list[str]]:
    seen: dict[str, md.Distribution] = {}
    missing: list[str] = []
    todo = list(roots)
    while todo:
        name = todo.pop()
        key = norm(name)
        if key in seen or key in NOT_BUNDLED:
            continue
        try:
            dist = md.distribution(name)
        except md.PackageNotFoundError:
            missing.append(name)
            continue
        seen[key] = dist
        for req in dist.requires or []:
            if re.search(r"extra\s*==", req):
                continue
            dep = re.match(r"[A-Za-z0-9_.\-]+", req)
            if not dep:
                continue
            marker = req.split(";", 1)[1] if ";" in req else ""
            try:
                md.distribution(dep.group(0))
            except md.PackageNotFoundError:
                if marker:  # e.g. exceptiongroup; python_version < '3.11' on a newer Python
                    missing.append(f"{dep.group(0)} (conditional: {marker.strip()})")
                    continue
            todo.append(dep.group(0))
    return sorted(seen.values(), key=lambda d: norm(d.metadata["Name"])), missing


def is_native(dist: md.Distribution) -> bool:
    return any(str(f).endswith((".so", ".pyd", ".dylib")) for f in dist.files or [])


def copy_dist(dist: md.Distribution, dest: Path) -> int:
    n = 0
    for f in dist.files or []:
        rel = Path(str(f))
        if (rel.parts and rel.parts[0] == "..") or "__pycache__" in rel.parts or rel.suffix == ".pyc":
            continue
        src = Path(str(dist.locate_file(f)))
        if not src.is_file():
            continue
        out = dest / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, out)
        n += 1
    return n


def copy_tree(src: Path, dest: Path) -> None:
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".pytest_cache"))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=HERE / "bundled")
    args = ap.parse_args()
    out: Path = args.out
    if out.exists():
        shutil.rmtree(out)
    src = out / "src"
    pkg = REPO / "server" / "skaffold_ls"
    if not (pkg / "__init__.py").is_file():
        print(f"bundle_python: {pkg} not found", file=sys.stderr)
        return 1
    copy_tree(pkg, src / "skaffold_ls")
    model = REPO / "schemas" / "model"
    if model.is_dir():
        copy_tree(model, src / "skaffold_ls" / "schemas")
    else:
        print(f"bundle_python: warning: {model} does not exist; no schemas bundled", file=sys.stderr)

    dists, missing = closure(ROOTS)
    soabi = sysconfig.get_config_var("SOABI") or f"py{sys.version_info[0]}{sys.version_info[1]}"
    hard = [m for m in missing if "conditional" not in m]
    if hard:
        print(f"bundle_python: not installed in {sys.executable}: {', '.join(hard)} "
              f"(run: pip install -e '.[test]' in the repository)", file=sys.stderr)
        return 1
    for dist in dists:
        name = norm(dist.metadata["Name"])
        native = is_native(dist) and name not in OPTIONAL_NATIVE
        dest = out / "native" / soabi if native else out / "libs"
        n = copy_dist(dist, dest)
        print(f"  {dist.metadata['Name']} {dist.version}: {n} files -> {dest.relative_to(out)}")
    for m in missing:
        print(f"  skipped {m}")
    (out / "README.txt").write_text(
        "Generated by vscode-extension/scripts/bundle_python.py; see the docstring there.\n"
        f"Built with {sys.executable} ({sys.version.split()[0]}, SOABI {soabi}).\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

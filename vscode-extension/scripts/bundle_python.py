#!/usr/bin/env python3
"""Copy the Python side of skaffold-ls into vscode-extension/bundled/ for one VSIX target.

    python3 scripts/bundle_python.py --target linux-x64      # or linux-arm64, darwin-x64, darwin-arm64,
                                                             # win32-x64, universal (default: universal)

Layout (the extension builds PYTHONPATH from it, see src/python.ts):
  bundled/src/skaffold_ls/   the package (server/skaffold_ls), schemas in skaffold_ls/schemas
                             (the same place the wheel puts schemas/model)
  bundled/libs/              pure-Python dependencies for every Python >= 3.10, copied from the
                             distributions installed in the Python running this script
                             (`pip install -e '.[test]'`), dist-info included. PyYAML without its
                             compiled libyaml binding (its pure-Python parser is the fallback).
                             Dependencies that only older Pythons need (exceptiongroup for 3.10)
                             are fetched as pure wheels from PyPI.
  bundled/native/cp3XX/      per-platform targets only: the platform's wheels of the compiled
                             dependencies for CPython 3.10-3.13 (`pip download --only-binary=:all:
                             --platform ... --python-version ...` from PyPI, no GitHub): PyYAML
                             with libyaml (4x faster diagnostics on big files) and regex (json-five
                             needs it; the debug bridge edits launch.json with json-five). The
                             extension puts native/<tag> ahead of libs for a matching interpreter.
  bundled/manifest.json      what went where (read by tests/vscode/test_bundle.py)

Not bundled: `kubernetes` (only `skaffold-ls attach` needs it), `debugpy` (it runs in the user's
container) and `jsonschema` with its compiled `rpds-py` (only the corpus tests use it; the server
never imports it). Any other dependency with compiled code fails the build: it would work only on
the machine that built the VSIX.
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import json
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

try:
    from packaging.markers import Marker
    from packaging.requirements import Requirement
    from packaging.specifiers import SpecifierSet
    from packaging.version import Version
except ImportError:  # pip always carries a copy
    from pip._vendor.packaging.markers import Marker  # type: ignore[no-redef]
    from pip._vendor.packaging.requirements import Requirement  # type: ignore[no-redef]
    from pip._vendor.packaging.specifiers import SpecifierSet  # type: ignore[no-redef]
    from pip._vendor.packaging.version import Version  # type: ignore[no-redef]

HERE = Path(__file__).resolve().parent.parent  # vscode-extension/
REPO = HERE.parent
# What `skaffold-ls serve` and `skaffold-ls debug` import (checked by tests/vscode/test_bundle.py).
ROOTS = ["pygls", "lsprotocol", "PyYAML", "dockerfile-parse", "json-five"]
NOT_BUNDLED = {"kubernetes", "debugpy", "jsonschema"}
# Compiled dependencies: per-platform wheels in native/<tag>. PyYAML also goes to libs, pure.
NATIVE = ["PyYAML", "regex"]
PURE_FALLBACK = {"pyyaml"}
PYTHONS = ["3.10", "3.11", "3.12", "3.13"]
# vsce --target -> pip --platform (pip also accepts the older tags these imply: manylinux2014,
# macOS 10.x). VS Code itself needs glibc 2.28 / macOS 11 / Windows 10.
PLATFORMS = {
    "linux-x64": "manylinux_2_17_x86_64",
    "linux-arm64": "manylinux_2_17_aarch64",
    "darwin-x64": "macosx_11_0_x86_64",
    "darwin-arm64": "macosx_11_0_arm64",
    "win32-x64": "win_amd64",
}
TARGETS = ["universal", *PLATFORMS]
COMPILED = (".so", ".pyd", ".dylib")


def norm(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def applies(req: Requirement, python: str) -> bool:
    """Does this requirement apply on CPython `python` (no extras)?"""
    if req.marker is None:
        return True
    env = {"python_version": python, "python_full_version": f"{python}.0", "extra": "",
           "implementation_name": "cpython", "platform_python_implementation": "CPython"}
    return Marker(str(req.marker)).evaluate(env)


def closure(roots: list[str], pythons: list[str]) -> tuple[list[md.Distribution], list[Requirement]]:
    """Installed distributions the roots need on any of `pythons`, and the requirements not
    installed here (conditional on an older Python, e.g. exceptiongroup; fetched as wheels)."""
    seen: dict[str, md.Distribution] = {}
    fetch: dict[str, Requirement] = {}
    todo = [Requirement(r) for r in roots]
    while todo:
        req = todo.pop()
        key = norm(req.name)
        if key in seen or key in NOT_BUNDLED:
            continue
        try:
            dist = md.distribution(req.name)
        except md.PackageNotFoundError:
            if req.marker is None:
                raise SystemExit(f"bundle_python: {req.name} is not installed in {sys.executable} "
                                 "(run: pip install -e '.[test]' in the repository)") from None
            fetch[key] = req
            continue
        seen[key] = dist
        for r in dist.requires or []:
            dep = Requirement(r)
            if any(applies(dep, py) for py in pythons):
                todo.append(dep)
    return sorted(seen.values(), key=lambda d: norm(d.metadata["Name"])), list(fetch.values())


def compiled_files(dist: md.Distribution) -> list[str]:
    return [str(f) for f in dist.files or [] if str(f).endswith(COMPILED)]


def copy_dist(dist: md.Distribution, dest: Path, skip_compiled: bool = False) -> int:
    n = 0
    for f in dist.files or []:
        rel = Path(str(f))
        if (rel.parts and rel.parts[0] == "..") or "__pycache__" in rel.parts or rel.suffix == ".pyc":
            continue
        if skip_compiled and rel.name.endswith(COMPILED):
            continue
        src = Path(str(dist.locate_file(f)))
        if not src.is_file():
            continue
        if rel.name == "RECORD" and skip_compiled:
            continue  # it would list the binding we left out
        out = dest / rel
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(src, out)
        n += 1
    return n


def copy_tree(src: Path, dest: Path) -> None:
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache", ".pytest_cache"))


def pip_download(reqs: list[str], dest: Path, python: str, platform: str | None) -> list[Path]:
    """Wheels only (`--only-binary=:all:`), no dependencies, for CPython `python` on `platform`
    (None: pure wheels). From PyPI (or whatever pip is configured with); reuses files in dest."""
    dest.mkdir(parents=True, exist_ok=True)
    cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check", "--no-deps",
           "--only-binary=:all:", "--python-version", python, "--implementation", "cp", "-d", str(dest), *reqs]
    if platform:
        cmd[cmd.index("--implementation"):cmd.index("--implementation")] = [
            "--platform", platform, "--abi", "cp" + python.replace(".", "")]
    r = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if r.returncode != 0:
        raise SystemExit(f"bundle_python: pip download failed for {' '.join(reqs)} (Python {python}, "
                         f"{platform or 'pure'}):\n{r.stderr[-2000:]}")
    # dest may also hold other versions (earlier builds): per name, the newest that fits the request
    best: dict[str, tuple[Version, Path]] = {}
    for q in map(Requirement, reqs):
        for whl in dest.glob("*.whl"):
            name, version = whl.name.split("-")[:2]
            if norm(name) == norm(q.name) and q.specifier.contains(version, prereleases=False) \
                    and wheel_fits(whl, python, platform):
                if norm(name) not in best or Version(version) > best[norm(name)][0]:
                    best[norm(name)] = (Version(version), whl)
    return [whl for _, whl in best.values()]


def wheel_fits(whl: Path, python: str, platform: str | None) -> bool:
    """Tag check of a wheel file name: {name}-{ver}(-{build})?-{py}-{abi}-{plat}.whl"""
    py, abi, plat = whl.name[:-4].split("-")[-3:]
    cp = "cp" + python.replace(".", "")
    if platform is None:
        return plat == "any"
    return cp in py.split(".") and abi in (cp, "abi3") and plat != "any"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=HERE / "bundled")
    ap.add_argument("--target", choices=TARGETS, default="universal")
    ap.add_argument("--pythons", default=",".join(PYTHONS), help=f"CPython versions (default {','.join(PYTHONS)})")
    ap.add_argument("--wheelhouse", type=Path, default=HERE / "build" / "wheels",
                    help="where downloaded wheels are kept between builds (default build/wheels)")
    args = ap.parse_args()
    pythons = [p.strip() for p in args.pythons.split(",") if p.strip()]
    out: Path = args.out
    if out.exists():
        shutil.rmtree(out)
    manifest: dict[str, object] = {"target": args.target, "pythons": pythons, "builtWith": sys.version.split()[0],
                                   "libs": {}, "native": {}}

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

    # libs: pure Python, one copy for every interpreter
    dists, fetch = closure(ROOTS, pythons)
    native_names = {norm(n) for n in NATIVE}
    libs = out / "libs"
    libs_manifest: dict[str, str] = {}
    for dist in dists:
        name, version = dist.metadata["Name"], dist.version
        key = norm(name)
        requires_python = dist.metadata.get("Requires-Python")
        compiled = compiled_files(dist)
        if compiled and key not in native_names:
            print(f"bundle_python: {name} {version} contains compiled code ({compiled[0]}): it would run only on "
                  "this machine's Python. Add it to NATIVE (per-platform wheels) or find a pure-Python "
                  "alternative.", file=sys.stderr)
            return 1
        if key in native_names and key not in PURE_FALLBACK:
            print(f"  {name} {version}: compiled -> native/<tag> only")
            continue
        if requires_python:
            too_new = [py for py in pythons if not SpecifierSet(requires_python).contains(py)]
            if too_new:
                print(f"bundle_python: {name} {version} requires Python {requires_python}, not {', '.join(too_new)}; "
                      "install a version that supports all of them (or change --pythons)", file=sys.stderr)
                return 1
        n = copy_dist(dist, libs, skip_compiled=bool(compiled))
        libs_manifest[name] = version
        print(f"  {name} {version}: {n} files -> libs{' (pure-Python part)' if compiled else ''}")
    for req in fetch:
        py = next(p for p in pythons if applies(req, p))
        for whl in pip_download([str(Requirement(f"{req.name}{req.specifier}"))], args.wheelhouse / "pure", py, None):
            with zipfile.ZipFile(whl) as z:
                z.extractall(libs)
            libs_manifest[whl.name.split("-")[0]] = whl.name.split("-")[1]
            print(f"  {whl.name}: -> libs (needed by Python {req.marker})")
    manifest["libs"] = libs_manifest

    # native/<tag>: the target platform's wheels of the compiled dependencies, per Python
    if args.target != "universal":
        platform = PLATFORMS[args.target]
        pins = []
        for name in NATIVE:
            try:  # the newest release not newer than the one tested here that has a wheel for this Python
                pins.append(f"{name}<={md.version(name)}")
            except md.PackageNotFoundError:
                pins.append(name)
        for py in pythons:
            tag = "cp" + py.replace(".", "")
            dest = out / "native" / tag
            wheels = pip_download(pins, args.wheelhouse / args.target / py, py, platform)
            if len(wheels) != len(NATIVE):
                print(f"bundle_python: expected wheels of {', '.join(NATIVE)} for {args.target} Python {py}, "
                      f"got {[w.name for w in wheels]}", file=sys.stderr)
                return 1
            got = {}
            for whl in wheels:
                with zipfile.ZipFile(whl) as z:
                    z.extractall(dest)
                got[whl.name.split("-")[0]] = whl.name
            manifest["native"][tag] = got  # type: ignore[index]
            print(f"  native/{tag}: {', '.join(sorted(got.values()))}")
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    (out / "README.txt").write_text(
        "Generated by vscode-extension/scripts/bundle_python.py; see the docstring there.\n"
        f"Target {args.target}, CPython {', '.join(pythons)}; built with {sys.executable} ({sys.version.split()[0]}).\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())

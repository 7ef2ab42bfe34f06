"""`skaffold-ls check`: the language server's diagnostics, for CI and terminals."""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import sys
from pathlib import Path
from typing import Any

from skaffold_ls import __version__
from skaffold_ls.analysis import Analysis, AnalysisOptions, Workspace, analyze
from skaffold_ls.config.paths import find_workspace_root
from skaffold_ls.config.recognition import is_skaffold_name
from skaffold_ls.config.sources import Sources
from skaffold_ls.core import fsutil
from skaffold_ls.core.findings import Finding, Range, Severity
from skaffold_ls.core.printable import printable
from skaffold_ls.core.yamldoc import too_large_finding
from skaffold_ls.reports import formats
from skaffold_ls.schema.store import SchemaStore

_LEVELS = {"error": Severity.ERROR, "warning": Severity.WARNING, "info": Severity.INFORMATION,
           "hint": Severity.HINT}


class UsageError(Exception):
    pass


_SKIPPED_DIRS = frozenset({".git", "node_modules"})


def expand_paths(paths: list[str], notes: list[str] | None = None) -> list[Path]:
    """The files to check. Folder walks do not follow directory symlinks, globs enter each
    real folder once, and both stop after fsutil.MAX_WALK_ENTRIES entries (with a note)."""
    out: list[Path] = []
    notes = notes if notes is not None else []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            try:
                listing = fsutil.walk_files(p, skip_dir=_SKIPPED_DIRS.__contains__, onerror=_raise)
            except OSError as e:
                raise UsageError(f"cannot read directory {raw}: {e.strerror or e}") from e
            found = [f for f in listing.paths if is_skaffold_name(f.name)]
            if not found:
                raise UsageError(f"no skaffold*.yaml files under {raw}{_cut_short(listing)}")
            if listing.truncated:
                notes.append(f"{raw}: stopped after looking at {listing.limit:,} entries; "
                             "files further down were not checked")
            out.extend(found)
        elif p.exists() or p.is_symlink():
            out.append(p)
        elif glob.has_magic(raw):
            listing = fsutil.glob_paths(raw)
            matches = [m for m in listing.paths if not m.is_dir()]
            if not matches:
                raise UsageError(f"no files match {raw}{_cut_short(listing)}")
            if listing.truncated:
                notes.append(f"{raw}: stopped after looking at {listing.limit:,} entries; "
                             "files further down were not checked")
            out.extend(matches)
        else:
            raise UsageError(f"no such file: {raw}")
    return out


def _cut_short(listing: fsutil.Listing) -> str:
    return f" (stopped after looking at {listing.limit:,} entries)" if listing.truncated else ""


def _raise(e: OSError) -> None:
    raise e


def read_text(path: Path, max_bytes: int) -> str:
    """The file as text, or a UsageError that says why not. The type and size are checked
    before reading: a FIFO would block, /dev/zero never ends."""
    try:
        data = fsutil.read_bytes(path, max_bytes)
    except fsutil.NotRegularFileError as e:
        raise UsageError(f"{path}: {e.strerror}; skipped") from e
    except fsutil.FileTooLargeError as e:
        raise _TooLarge(e.size) from e
    except OSError as e:
        raise UsageError(f"cannot read {path}: {e.strerror or e}") from e
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise _NotText(e.start) from e


class _TooLarge(Exception):
    def __init__(self, size: int):
        self.size = size


class _NotText(Exception):
    def __init__(self, offset: int):
        self.offset = offset


def run(args: argparse.Namespace) -> int:
    # A file name with bytes that are not UTF-8 must not end the run with UnicodeEncodeError.
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(AttributeError, ValueError):
            stream.reconfigure(errors="backslashreplace")  # type: ignore[union-attr]
    store = SchemaStore(Path(args.schema_dir) if args.schema_dir else None)
    if args.schema_dir and not Path(args.schema_dir).is_dir():
        print(f"skaffold-ls: --schema-dir {args.schema_dir} is not a directory", file=sys.stderr)
        return 2
    options = AnalysisOptions(outdated_api_version=not args.no_outdated, schema_only=args.schema_only)
    # Text and GitHub annotations show errors and warnings unless asked for more; JSON and SARIF carry everything.
    threshold = _LEVELS[args.severity or ("hint" if args.format in ("json", "sarif") else "warning")]
    run_dir = Path(args.run_dir).resolve() if args.run_dir else None
    if run_dir is not None and not run_dir.is_dir():
        print(f"skaffold-ls: --run-dir {args.run_dir} is not a directory", file=sys.stderr)
        return 2
    sources = Sources()
    notes: list[str] = []
    try:
        files = expand_paths(args.paths, notes)
    except UsageError as e:
        print(f"skaffold-ls: {printable(str(e))}", file=sys.stderr)
        return 2
    for note in notes:
        print(f"skaffold-ls: {printable(note)}", file=sys.stderr)
    errors = 0
    hidden = 0
    io_problem = False
    report: list[dict[str, Any]] = []
    sarif_files: list[formats.FileReport] = []
    for path in files:
        try:
            text = read_text(path, options.max_file_bytes)
        except UsageError as e:
            print(f"skaffold-ls: {printable(str(e))}", file=sys.stderr)
            io_problem = True
            continue
        except _NotText as e:
            findings = [_not_utf8(e.offset)]
            lines: list[str] = []
            analysis = None
        except _TooLarge as e:
            findings = [too_large_finding(e.size, options.max_file_bytes)]
            lines = []
            analysis = None
        else:
            absolute = path.resolve()
            workspace = Workspace(root=find_workspace_root(absolute, Path.cwd().resolve()), run_dir=run_dir,
                                  sources=sources)
            analysis = analyze(text, absolute, store, options, workspace)
            if analysis.not_skaffold and str(path) in args.paths:
                print(f"skaffold-ls: {printable(path)}: not a skaffold config "
                      f"(apiVersion {printable(analysis.not_skaffold)}); skipped",
                      file=sys.stderr)
            findings = analysis.findings
            lines = analysis.parsed.lines
        for f in findings:
            if f.severity > threshold:
                hidden += 1
                continue
            errors += f.is_error
            if args.format == "json":
                report.append(_json(path, f, lines))
            elif args.format == "github":
                print(formats.github_command(path, f))
            elif args.format == "sarif":
                pass  # written once, after every file
            else:
                # One line per finding, whatever the file is called or the YAML holds: a name with
                # a newline or an escape sequence would forge lines or rewrite the terminal.
                print(f"{printable(path)}:{f.range.start.line + 1}:{f.range.start.col + 1}: "
                      f"{f.severity.label} {f.code} {printable(f.message)}")
        if args.format == "sarif":
            sarif_files.append(_sarif_file(path, lines, findings, threshold, analysis, store))
    if args.format == "json":
        json.dump(report, sys.stdout, indent=2)
        print()
    elif args.format == "sarif":
        json.dump(_sarif_log(sarif_files), sys.stdout, indent=2)
        print()
    elif not errors and not io_problem:
        more = f" ({hidden} note(s) below `{args.severity or 'warning'}` not shown; `--severity hint` shows all)" \
            if hidden else ""
        print(f"skaffold-ls: {len(files)} file(s) checked, no errors{more}", file=sys.stderr)
    if io_problem:
        return 2
    return 1 if errors else 0


def _not_utf8(offset: int) -> Finding:
    return Finding("not-utf8", Severity.ERROR,
                   f"file is not UTF-8 text (invalid byte at offset {offset}); skaffold reads UTF-8 YAML",
                   Range.of(0, 0, 0, 1))


def _json(path: Path, f: Finding, lines: list[str]) -> dict[str, Any]:
    return {
        "file": str(path),
        "line": f.range.start.line + 1,
        "column": f.range.start.col + 1,
        "endLine": f.range.end.line + 1,
        "endColumn": f.range.end.col + 1,
        "severity": f.severity.label,
        "code": f.code,
        "message": f.message,
        "data": f.data,
    }


def _sarif_file(path: Path, lines: list[str], findings: list[Finding], threshold: Severity,
                analysis: Analysis | None, store: SchemaStore) -> formats.FileReport:
    # Lazy: the code actions (~0.1 s of imports) and the rules (importlib.metadata, ~40 ms)
    # are only needed for SARIF.
    from skaffold_ls.reports import fixes as sarif_fixes
    from skaffold_ls.reports import rules

    kept = [f for f in findings if f.severity <= threshold]
    fixes = {} if analysis is None else sarif_fixes.fixes_for(analysis, store, kept, rules.load())
    return formats.FileReport(path, lines, kept, fixes)


def _sarif_log(files: list[formats.FileReport]) -> dict[str, Any]:
    from skaffold_ls.reports import rules  # lazy: see _sarif_file

    docs_uri = rules.doc_url()
    tool = formats.SarifTool("skaffold-ls", __version__, information_uri=docs_uri, docs_uri=docs_uri)
    return formats.sarif_log(files, tool, rules.load())

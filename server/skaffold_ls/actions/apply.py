"""`skaffold-ls fix`: every code action without an editor (diff, or --apply)."""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from skaffold_ls.actions import ACTION_NAMES, Offer, offers, whole
from skaffold_ls.analysis import analyze
from skaffold_ls.core import fsutil
from skaffold_ls.core.findings import Pos, Range
from skaffold_ls.core.printable import printable
from skaffold_ls.core.textedit import apply_text_edits
from skaffold_ls.features.types import FeatureContext
from skaffold_ls.schema.store import SchemaStore

MAX_REPEAT = 200


def _offers(path: Path, text: str, store: SchemaStore, line: int | None) -> list[Offer]:
    analysis = analyze(text, path, store)
    ctx = FeatureContext(analysis, store, path.parent)
    rng = whole(ctx)
    diagnostics = analysis.findings
    if line is not None:
        rng = Range(Pos(line - 1, 0), Pos(line - 1, 10**6))
        diagnostics = [f for f in diagnostics if f.range.start.line <= line - 1 <= f.range.end.line]
    return offers(ctx, rng, diagnostics)


_BOM = "\ufeff"
_had_bom: set[Path] = set()


def _read(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        _had_bom.add(path)
    return data.decode("utf-8-sig")


def _write_all(files: dict[Path, str]) -> str | None:
    """Write every file or none: each to a temporary file beside it first (a full disk
    stops here, with nothing changed), then each renamed into place. Symlinks are written
    through, modes and a BOM kept; a read-only file is refused. The error, or None."""
    for p in files:
        if fsutil.is_read_only(p):
            return f"{_shown(p)} is read-only; nothing was written"
    pending: list[fsutil.PendingWrite] = []
    try:
        for p, text in files.items():
            data = ((_BOM if p in _had_bom else "") + text).encode("utf-8")
            pending.append(fsutil.PendingWrite(p, data))
    except OSError as e:
        for w in pending:
            w.discard()
        return f"cannot write {_shown(Path(e.filename or p))}: {e.strerror or e}; nothing was written"
    for w in pending:
        try:
            w.commit()
        except OSError as e:
            return f"cannot write {_shown(w.path)}: {e.strerror or e}"
        print(f"skaffold-ls: wrote {_shown(w.path)}", file=sys.stderr)
    return None


def _diff(old: str, new: str, a: str, b: str) -> None:
    """A unified diff `patch` accepts (with the no-newline marker)."""
    for line in difflib.unified_diff(old.splitlines(keepends=True), new.splitlines(keepends=True), a, b):
        sys.stdout.write(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n")


def run(args: argparse.Namespace) -> int:
    path = Path(args.file).resolve()
    if not path.is_file():
        print(f"skaffold-ls: no such file: {printable(args.file)}", file=sys.stderr)
        return 2
    store = SchemaStore(Path(args.schema_dir) if args.schema_dir else None)
    try:
        text = _read(path)
    except (OSError, UnicodeDecodeError) as e:
        print(f"skaffold-ls: cannot read {printable(args.file)}: {printable(str(e))}", file=sys.stderr)
        return 2
    found = _offers(path, text, store, args.line)
    if args.list:
        for o in found:
            a = o.action
            state = f"  [unavailable: {a.disabled_reason}]" if a.disabled_reason else ""
            where = f" (line {o.anchor.start.line + 1})" if o.anchor is not None else ""
            print(f"{a.name}: {a.title}{where}{state}")
        if not found:
            print("skaffold-ls: no actions for this file", file=sys.stderr)
        return 0
    name = args.action
    if name not in ACTION_NAMES:
        print(f"skaffold-ls: unknown action {name!r}; known: {', '.join(ACTION_NAMES)}", file=sys.stderr)
        return 2
    contents: dict[Path, str] = {path: text}
    created: dict[Path, str] = {}
    applied = 0
    current = text
    for _ in range(MAX_REPEAT if args.all else 1):
        mine = [o for o in found if o.action.name == name]
        usable = [o for o in mine if o.action.disabled_reason is None and o.action.edit is not None]
        if not usable:
            if applied:
                break
            if mine:
                print(f"skaffold-ls: {name}: {mine[0].action.disabled_reason}", file=sys.stderr)
            else:
                print(f"skaffold-ls: action {name} is not available here (see --list)", file=sys.stderr)
            return 1
        offer = usable[0]
        edit = offer.action.edit
        assert edit is not None
        print(f"skaffold-ls: {offer.action.title}", file=sys.stderr)
        for note in offer.notes:
            print(f"  note: {note}", file=sys.stderr)
        only_here = True
        for target, edits in edit.changes.items():
            target = Path(target)
            if target not in contents:
                try:
                    contents[target] = _read(target)
                except (OSError, UnicodeDecodeError) as e:
                    print(f"skaffold-ls: cannot read {_shown(target)}: {printable(str(e))}", file=sys.stderr)
                    return 2
            contents[target] = apply_text_edits(contents[target], edits)
            only_here = only_here and target == path
        for target, body in edit.creates.items():
            created[Path(target)] = body
            only_here = False
        applied += 1  # noqa: SIM113
        if contents[path] == current or not only_here:
            break
        current = contents[path]
        found = _offers(path, current, store, None if args.all else args.line)
    changed = {p: t for p, t in contents.items() if t != (_read(p) if p.exists() else "")}
    if args.apply:
        for p in created:
            if p.exists():
                print(f"skaffold-ls: {_shown(p)} exists; not overwritten", file=sys.stderr)
                return 1
        problem = _write_all({**changed, **created})
        if problem is not None:
            print(f"skaffold-ls: {problem}", file=sys.stderr)
            return 2
        return 0
    for p, t in changed.items():
        _diff(_read(p), t, f"a/{_shown(p)}", f"b/{_shown(p)}")
    for p, t in created.items():
        _diff("", t, "/dev/null", f"b/{_shown(p)}")
    return 0


def _shown(p: Path) -> str:
    """A file name fit for the terminal (control characters escaped: core/printable.py)."""
    return printable(_rel(p))


def _rel(p: Path) -> str:
    try:
        return p.relative_to(Path.cwd()).as_posix()
    except ValueError:
        return p.as_posix()

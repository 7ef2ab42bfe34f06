"""Multi-config workspaces: following `requires` across files, as skaffold does.

A `requires` entry names a file (or a folder meaning its skaffold.yaml) relative
to the config that declares it, and optionally the `configs` (metadata names) to
take from it; with no `path` (and no git/GCS source) it means the same file.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from skaffold_ls.analysis import Analysis
from skaffold_ls.core.findings import Range
from skaffold_ls.features import workspace as ws
from skaffold_ls.features.types import FeatureContext

_summaries: dict[int, tuple[Analysis, ws.ConfigFile]] = {}


def current_file(analysis: Analysis) -> ws.ConfigFile:
    """The summary of the file being edited, from its in-memory text (cached per analysis)."""
    hit = _summaries.get(id(analysis))
    if hit is not None and hit[0] is analysis:
        return hit[1]
    cf = ws.summarize(analysis.parsed, analysis.path)
    if len(_summaries) >= 8:  # each entry keeps a whole analysis alive: keep few
        _summaries.pop(next(iter(_summaries)))
    _summaries[id(analysis)] = (analysis, cf)
    return cf


def _same(a: Path | None, b: Path | None) -> bool:
    if a is None or b is None:
        return False
    try:
        return a.resolve() == b.resolve()
    except OSError:
        return a == b


@dataclass(slots=True)
class Target:
    """Where one `requires` entry leads."""

    file: Path | None  # None: the same (unsaved) file
    config: ws.ConfigFile | None  # None: the file does not exist or cannot be read
    docs: list[ws.ConfigDoc]
    missing_names: list[tuple[str, Range]]


def follow(analysis: Analysis, req: ws.Requirement, ignore_configs: bool = False) -> Target | None:
    """The configs one requires entry selects (None for remote sources)."""
    if req.remote:
        return None
    here = analysis.path
    cf: ws.ConfigFile | None
    if req.path is None or req.path == "":
        cf = current_file(analysis)
        file = here
    else:
        if here is None:
            return None
        file = ws.resolve_required(here.parent, req.path)
        cf = current_file(analysis) if _same(file, here) else ws.load_config(file)
    if cf is None:
        return Target(file, None, [], [])
    if ignore_configs or not req.configs:
        return Target(file, cf, list(cf.docs), [])
    docs = []
    missing = []
    for name, rng in req.configs:
        d = cf.doc_named(name)
        if d is None:
            missing.append((name, rng))
        elif d not in docs:
            docs.append(d)
    return Target(file, cf, docs, missing)


def _entry(ctx: FeatureContext, doc_index: int, entry_path: list[str | int]) -> ws.Requirement | None:
    cf = current_file(ctx.analysis)
    cd = next((d for d in cf.docs if d.index == doc_index), None)
    if cd is None or len(entry_path) < 2 or not isinstance(entry_path[1], int):
        return None
    i = entry_path[1]
    return cd.requires[i] if i < len(cd.requires) else None


def required_docs_for_entry(ctx: FeatureContext, doc: object, entry_path: list[str | int],
                            ignore_configs: bool = False) -> list[tuple[ws.ConfigFile, ws.ConfigDoc]]:
    info = getattr(doc, "info", None)
    if info is None:
        return []
    req = _entry(ctx, info.document.index, entry_path)
    if req is None:
        return []
    t = follow(ctx.analysis, req, ignore_configs)
    if t is None or t.config is None:
        return []
    own = info.document.index if t.config is current_file(ctx.analysis) else -1
    return [(t.config, d) for d in t.docs if d.index != own]


def required_docs(ctx: FeatureContext, doc: object, depth: int = 8) -> list[tuple[ws.ConfigFile, ws.ConfigDoc]]:
    """Every config this document requires, transitively (each once)."""
    info = getattr(doc, "info", None)
    if info is None:
        return []
    return transitive_requires(ctx.analysis, info.document.index, depth)[0]


def transitive_requires(analysis: Analysis, doc_index: int, depth: int = 8
                        ) -> tuple[list[tuple[ws.ConfigFile, ws.ConfigDoc]], bool]:
    """The configs document `doc_index` requires, transitively, and whether the set is
    complete (False when a remote or unreadable dependency hides some)."""
    cf = current_file(analysis)
    start = next((d for d in cf.docs if d.index == doc_index), None)
    if start is None:
        return [], False
    complete = True
    out: list[tuple[ws.ConfigFile, ws.ConfigDoc]] = []
    seen = {(str(analysis.path), start.index)}
    frontier: list[tuple[ws.ConfigFile, ws.ConfigDoc]] = [(cf, start)]
    while frontier and depth > 0:
        depth -= 1
        nxt = []
        for fcf, fdoc in frontier:
            for req in fdoc.requires:
                t = _follow_from(analysis, fcf, req)
                if t is None or t.config is None:
                    complete = False
                    continue
                for d in t.docs:
                    key = (str(t.config.path), d.index)
                    if key not in seen:
                        seen.add(key)
                        out.append((t.config, d))
                        nxt.append((t.config, d))
        frontier = nxt
    if frontier:
        complete = False  # deeper than we follow
    return out, complete


def _follow_from(analysis: Analysis, cf: ws.ConfigFile, req: ws.Requirement) -> Target | None:
    """Like `follow`, for an entry declared in `cf` (maybe another file)."""
    if cf.path is None or _same(cf.path, analysis.path):
        return follow(analysis, req)
    if req.remote:
        return None
    if not req.path:
        target_cf: ws.ConfigFile | None = cf
        file: Path | None = cf.path
    else:
        file = ws.resolve_required(cf.path.parent, req.path)
        target_cf = current_file(analysis) if _same(file, analysis.path) else ws.load_config(file)
    if target_cf is None:
        return Target(file, None, [], [])
    docs = [d for d in target_cf.docs if not req.configs or d.name in {n for n, _ in req.configs}]
    return Target(file, target_cf, docs, [])


def find_cycle(analysis: Analysis, doc_index: int, req_index: int, limit: int = 200) -> list[str] | None:
    """The chain of config names when following requires entry `req_index` of document
    `doc_index` leads back to that document; None otherwise."""
    cf = current_file(analysis)
    start = next((d for d in cf.docs if d.index == doc_index), None)
    if start is None or req_index >= len(start.requires):
        return None
    goal = (_key(cf), doc_index)
    first = _follow_from(analysis, cf, start.requires[req_index])
    if first is None or first.config is None:
        return None
    # depth-first search with explicit stack: (file summary, doc, chain so far)
    stack: list[tuple[ws.ConfigFile, ws.ConfigDoc, list[str]]] = [
        (first.config, d, [_label(cf, start), _label(first.config, d)]) for d in first.docs]
    seen: set[tuple[str, int]] = set()
    while stack and limit > 0:
        limit -= 1
        fcf, fdoc, chain = stack.pop()
        key = (_key(fcf), fdoc.index)
        if key == goal:
            return chain
        if key in seen:
            continue
        seen.add(key)
        for req in fdoc.requires:
            t = _follow_from(analysis, fcf, req)
            if t is None or t.config is None:
                continue
            for d in t.docs:
                stack.append((t.config, d, [*chain, _label(t.config, d)]))
    return None


def _key(cf: ws.ConfigFile) -> str:
    try:
        return str(cf.path.resolve()) if cf.path is not None else "<unsaved>"
    except OSError:
        return str(cf.path)


def _label(cf: ws.ConfigFile, d: ws.ConfigDoc) -> str:
    if d.name:
        return d.name
    name = cf.path.name if cf.path is not None else "this file"
    return f"{name}#{d.index + 1}" if len(cf.docs) > 1 else name

"""Where a `requires` entry leads, for editor features and checks (no profiles applied).

A `requires` entry names a file (or a folder meaning its `skaffold.yaml`) relative to the
config that declares it, and optionally the `configs` (metadata names) to take from it;
with no `path` (and no git/GCS source) it means the same file. `loader.py` follows these
to load a whole project; this module answers the local questions an editor asks (what
does this entry select, which configs does this one reach) without loading profiles.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from skaffold_ls.config.activation import profiles_of
from skaffold_ls.config.artifacts import artifacts_of
from skaffold_ls.config.loader import REMOTE_KINDS
from skaffold_ls.config.sources import ConfigDocument, ConfigFile, Sources, resolve_required_path
from skaffold_ls.config.values import Value


@dataclass(slots=True)
class RequiredTarget:
    """What one `requires` entry selects."""

    file: Path | None  # the file it names (None: the same, unsaved file)
    config: ConfigFile | None  # None: that file cannot be read
    docs: list[ConfigDocument] = field(default_factory=list)
    missing: list[Value] = field(default_factory=list)  # `configs` names that file lacks


def is_remote(entry: Value) -> bool:
    return any(entry.get(k) is not None for k in REMOTE_KINDS)


def entries(doc: ConfigDocument) -> list[Value]:
    """The document's `requires` entries (mappings only)."""
    requires = doc.value.get("requires") if doc.value is not None else None
    return [e for e in (requires.items if requires else []) if e.mapping is not None]


def follow(sources: Sources, file: ConfigFile, entry: Value, ignore_configs: bool = False) -> RequiredTarget | None:
    """The configs one entry of `file` selects; None for remote (git, GCS) entries."""
    if is_remote(entry):
        return None
    path_text = entry.text_at("path")
    if not path_text:
        target: ConfigFile | None = file
        where = file.path
    else:
        if file.path is None:
            return RequiredTarget(None, None)
        where = resolve_required_path(file.path, path_text)
        read = sources.read(where)
        target = read if isinstance(read, ConfigFile) else None
    if target is None:
        return RequiredTarget(where, None)
    wanted = entry.texts_at("configs")
    if ignore_configs or not wanted:
        return RequiredTarget(where, target, list(target.documents))
    docs: list[ConfigDocument] = []
    missing: list[Value] = []
    for v in wanted:
        doc = target.named(v.text or "")
        if doc is None:
            missing.append(v)
        elif doc not in docs:
            docs.append(doc)
    return RequiredTarget(where, target, docs, missing)


def required_by_entry(sources: Sources, file: ConfigFile, doc: ConfigDocument, index: int,
                      ignore_configs: bool = False) -> list[tuple[ConfigFile, ConfigDocument]]:
    """The configs entry `index` of `doc` selects (the document itself left out)."""
    items = entries(doc)
    if index >= len(items):
        return []
    target = follow(sources, file, items[index], ignore_configs)
    if target is None or target.config is None:
        return []
    return [(target.config, d) for d in target.docs if d is not doc]


def transitive(sources: Sources, file: ConfigFile, doc: ConfigDocument, depth: int = 8
               ) -> tuple[list[tuple[ConfigFile, ConfigDocument]], bool]:
    """Every config `doc` requires, transitively (each once), and whether that set is
    complete (False when a remote or unreadable dependency hides some, or it is deeper)."""
    complete = True
    out: list[tuple[ConfigFile, ConfigDocument]] = []
    seen = {(file.path, doc.index)}
    frontier = [(file, doc)]
    while frontier and depth > 0:
        depth -= 1
        nxt = []
        for f, d in frontier:
            for entry in entries(d):
                target = follow(sources, f, entry)
                if target is None or target.config is None:
                    complete = False
                    continue
                for found in target.docs:
                    key = (target.config.path, found.index)
                    if key not in seen:
                        seen.add(key)
                        out.append((target.config, found))
                        nxt.append((target.config, found))
        frontier = nxt
    if frontier:
        complete = False
    return out, complete


def path_back(sources: Sources, file: ConfigFile, start: ConfigDocument, goal: ConfigDocument,
              limit: int = 200) -> list[tuple[ConfigFile, ConfigDocument]] | None:
    """A `requires` path from `start` (in `file`) back to `goal`, both included, or None."""
    def key(f: ConfigFile, d: ConfigDocument) -> tuple[Path | None, int]:
        return f.path, d.index

    stack: list[list[tuple[ConfigFile, ConfigDocument]]] = [[(file, start)]]
    seen: set[tuple[Path | None, int]] = set()
    goal_key = (goal.file, goal.index)
    while stack and limit > 0:
        limit -= 1
        chain = stack.pop()
        f, d = chain[-1]
        if key(f, d) == goal_key:
            return chain
        if key(f, d) in seen:
            continue
        seen.add(key(f, d))
        for entry in entries(d):
            target = follow(sources, f, entry)
            if target is not None and target.config is not None:
                stack.extend([*chain, (target.config, n)] for n in target.docs)
    return None


def label(file: ConfigFile, doc: ConfigDocument) -> str:
    """A config's name for messages: `metadata.name`, else the file (and its position)."""
    if doc.name:
        return doc.name
    name = file.path.name if file.path is not None else "this file"
    return f"{name}#{doc.index + 1}" if len(file.documents) > 1 else name


def images(doc: ConfigDocument) -> dict[str, Value]:
    """The images the config's own artifacts build, with the `image:` value of each (first wins)."""
    out: dict[str, Value] = {}
    if doc.value is None:
        return out
    for art in artifacts_of(doc.value, None):
        v = art.value.get("image")
        if v is not None and v.text:
            out.setdefault(v.text, v)
    return out


def profile_names(doc: ConfigDocument) -> dict[str, Value]:
    """The config's profiles, with the `name:` value of each (first wins)."""
    out: dict[str, Value] = {}
    if doc.value is None:
        return out
    for name, profile in profiles_of(doc.value):
        v = profile.get("name")
        if v is not None:
            out.setdefault(name, v)
    return out

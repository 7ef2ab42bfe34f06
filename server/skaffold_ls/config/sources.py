"""Reading skaffold config files: the editor's open buffers first, then the disk.

Every reader of configurations (checks, editor features, the debug bridge, `config`)
goes through `Sources`, so they all see the same text through the same guarded
document model: regular files only, a size cap, alias budgets, no exceptions for bad
input (problems become findings where they are shown).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from skaffold_ls.config.values import Value, from_node
from skaffold_ls.core import fsutil
from skaffold_ls.core.findings import Range
from skaffold_ls.core.yamldoc import MAX_FILE_BYTES, AliasBombError, ParsedFile, YamlDocument, parse

# Open editor buffers: the text of a path when the editor holds it, else None.
BufferLookup = Callable[[Path], "str | None"]


@dataclass(slots=True)
class ConfigDocument:
    """One skaffold config (a `---` document of a file), as written."""

    file: Path | None
    index: int  # position among the file's YAML documents
    document: YamlDocument
    value: Value | None  # None when its aliases expand past the budget (an alias bomb)

    @property
    def name(self) -> str | None:
        return self.value.text_at("metadata", "name") if self.value is not None else None

    @property
    def label(self) -> str:
        """How messages name it: its `metadata.name`, else its position in the file."""
        return f"`{self.name}`" if self.name else f"config #{self.index + 1}"

    def profile_names(self) -> list[str]:
        profiles = self.value.get("profiles") if self.value is not None else None
        return [n for p in (profiles.items if profiles else []) if (n := p.text_at("name"))]


@dataclass(slots=True)
class ConfigFile:
    path: Path | None
    parsed: ParsedFile
    documents: list[ConfigDocument] = field(default_factory=list)

    def named(self, name: str) -> ConfigDocument | None:
        return next((d for d in self.documents if d.name == name), None)

    def names(self) -> list[str]:
        return [n for d in self.documents if (n := d.name)]


def config_file(parsed: ParsedFile, path: Path | None) -> ConfigFile:
    """A parsed file's skaffold documents (mappings that are not some other tool's YAML)."""
    out = ConfigFile(path, parsed)
    for doc in parsed.documents:
        root = doc.root_mapping()
        if root is None:
            continue
        api = doc.scalar_at("apiVersion")
        if api is not None and api.value and not api.value.startswith("skaffold/"):
            continue
        try:
            value: Value | None = from_node(root, path, top_level=True)
        except AliasBombError:
            value = None
        out.documents.append(ConfigDocument(path, doc.index, doc, value))
    return out


@dataclass(frozen=True, slots=True)
class ReadFailure:
    """Why a file could not be read, in words fit for a message."""

    reason: str


def read_regular_text(path: Path, max_bytes: int = MAX_FILE_BYTES) -> str | ReadFailure:
    """A regular file's text, checked before reading (`core/fsutil.py`: FIFOs and devices
    would block or never end, huge files would stall the editor), or why not in words."""
    try:
        return fsutil.read_text(path, max_bytes, errors="replace")
    except FileNotFoundError:
        return ReadFailure("no such file")
    except fsutil.FileTooLargeError as e:
        return ReadFailure(f"{e.size / 1_048_576:.1f} MB, over the {max_bytes / 1_048_576:.1f} MB limit")
    except IsADirectoryError:
        return ReadFailure("is a folder")
    except fsutil.NotRegularFileError as e:
        return ReadFailure(f"{e.strerror}: not read")
    except OSError as e:
        return ReadFailure(e.strerror or str(e))


class Sources:
    """Config files by path: open buffers first, then the disk (cached by mtime and size)."""

    def __init__(self, buffers: BufferLookup | None = None, max_bytes: int = MAX_FILE_BYTES):
        self._buffers = buffers
        self._max_bytes = max_bytes
        self._cache: dict[Path, tuple[object, ConfigFile]] = {}
        self._lock = threading.Lock()
        self.seen: dict[Path, ConfigFile] = {}  # every file read through this object (for reports)

    def read(self, path: Path) -> ConfigFile | ReadFailure:
        path = Path(os.path.abspath(path))
        text = self._buffers(path) if self._buffers is not None else None
        if text is not None:
            stamp: object = ("buffer", len(text), hash(text))
        else:
            try:
                st = os.stat(path)
                stamp = (st.st_mtime_ns, st.st_size, st.st_ino)
            except OSError:
                stamp = None
        with self._lock:
            hit = self._cache.get(path)
        if hit is not None and stamp is not None and hit[0] == stamp:
            self.seen[path] = hit[1]
            return hit[1]
        if text is None:
            read = read_regular_text(path, self._max_bytes)
            if isinstance(read, ReadFailure):
                return read
            text = read
        result = config_file(parse(text, max_bytes=self._max_bytes), path)
        with self._lock:
            if len(self._cache) > 1024:
                self._cache.clear()
            self._cache[path] = (stamp, result)
        self.seen[path] = result
        return result

    def pinned(self, path: Path, file: ConfigFile) -> Sources:
        """These sources, with `path` answered by `file` (a buffer already parsed)."""
        return _Pinned(self, Path(os.path.abspath(path)), file)

    def invalidate(self, path: Path | None = None) -> None:
        with self._lock:
            if path is None:
                self._cache.clear()
            else:
                self._cache.pop(Path(os.path.abspath(path)), None)


class _Pinned(Sources):
    """A view of other Sources where one path is answered from memory."""

    def __init__(self, base: Sources, path: Path, file: ConfigFile):
        super().__init__(base._buffers, base._max_bytes)
        self._cache = base._cache
        self._lock = base._lock
        self.seen = base.seen
        self._path = path
        self._file = file

    def read(self, path: Path) -> ConfigFile | ReadFailure:
        if Path(os.path.abspath(path)) == self._path:
            self.seen[self._path] = self._file
            return self._file
        return super().read(path)


def resolve_required_path(current: Path, value: str | None) -> Path:
    """Where a `requires[].path` leads (skaffold's `makeConfigPathAbsolute` + folder rule):
    relative to the requiring file's folder; a folder means its `skaffold.yaml`; empty
    means the requiring file itself."""
    if not value:
        return current
    target = Path(os.path.normpath(current.parent / value))
    if target.is_dir():
        return target / "skaffold.yaml"
    return target


def text_range(value: Value | None) -> Range | None:
    return value.range if value is not None else None

"""Safe file-system access: bounded walks and globs, reads that cannot block, atomic writes.

A skaffold.yaml names files and globs we do not control, and `check` is pointed at
folders we have never seen. The standard library's conveniences trust the tree too
much for that:
- `glob.glob(recursive=True)` follows directory symlinks, so a link to a parent
  (`k8s/up -> ..`) makes `k8s/**/*.yaml` run forever; `/usr/**/*.yaml` visits
  millions of entries. Here every real directory is entered once per pattern step
  and every walk stops after `max_entries` entries, saying so (`Listing.truncated`).
- `Path.read_text()` on a FIFO blocks until a writer comes; on `/dev/zero` it reads
  until memory runs out. Here the file type and size are checked before reading.
- `Path.write_text()` truncates first: a full disk leaves half a file. Here writes
  go to a temporary file beside the target, are fsynced, then renamed over it;
  `locked()` serialises writers that read, merge and write the same file.

No pygls here, and nothing above the core: everything may use it.
"""

from __future__ import annotations

import contextlib
import errno
import fnmatch
import os
import stat
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType

fcntl: ModuleType | None
try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: writers are not serialised there
    fcntl = None

# Directory entries one walk or glob may look at before it stops.
MAX_WALK_ENTRIES = 100_000
# Files read besides the config itself (Dockerfiles, go.mod, manifests...) are at most this big.
MAX_READ_BYTES = 8 * 1024 * 1024
_MAGIC = frozenset("*?[")


@dataclass(slots=True)
class Listing:
    """What a walk or glob found, sorted; `truncated` when it stopped at its entry limit."""

    paths: list[Path] = field(default_factory=list)
    truncated: bool = False
    limit: int = MAX_WALK_ENTRIES


class _Budget:
    __slots__ = ("left",)

    def __init__(self, entries: int):
        self.left = entries

    def spend(self) -> bool:
        """One more entry looked at; False once the budget is gone."""
        self.left -= 1
        return self.left >= 0


def _scandir(d: str, onerror: Callable[[OSError], None] | None = None) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(d) as it:
            return list(it)
    except OSError as e:
        if onerror is not None:
            onerror(e)
        return []


def list_dir(folder: Path) -> list[os.DirEntry[str]]:
    """A folder's entries ([] when it cannot be listed)."""
    return _scandir(str(folder))


def _dir_id(path: str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino) if stat.S_ISDIR(st.st_mode) else None


def has_magic(pattern: str) -> bool:
    return any(c in _MAGIC for c in pattern)


def walk_files(root: Path, *, skip_dir: Callable[[str], bool] | None = None, follow_symlinks: bool = False,
               max_entries: int | None = None, onerror: Callable[[OSError], None] | None = None) -> Listing:
    """Every file under `root`, sorted (regular files and whatever else is not a folder;
    callers read them with read_bytes/read_text, which refuse special files), looking at
    no more than `max_entries` entries (default MAX_WALK_ENTRIES).

    Directory symlinks are followed only with `follow_symlinks`, and then each real
    directory is entered once, so a link to a parent cannot loop. `skip_dir(name)`
    prunes folders by name (".git", "node_modules"...). A folder that cannot be listed is
    passed over, or given to `onerror` (which may raise)."""
    limit = MAX_WALK_ENTRIES if max_entries is None else max_entries
    out = Listing(limit=limit)
    budget = _Budget(limit)
    seen: set[tuple[int, int]] = set()
    root_id = _dir_id(str(root))
    if root_id is None:
        return out
    seen.add(root_id)
    stack = [str(root)]
    while stack:
        d = stack.pop()
        for entry in sorted(_scandir(d, onerror), key=lambda e: e.name, reverse=True):
            if not budget.spend():
                out.truncated = True
                out.paths.sort()
                return out
            try:
                is_dir = entry.is_dir()
                is_link = entry.is_symlink()
            except OSError:
                continue
            if not is_dir:
                out.paths.append(Path(entry.path))
                continue
            if (is_link and not follow_symlinks) or (skip_dir is not None and skip_dir(entry.name)):
                continue
            if follow_symlinks:
                ident = _dir_id(entry.path)
                if ident is None or ident in seen:
                    continue
                seen.add(ident)
            stack.append(entry.path)
    out.paths.sort()
    return out


def glob_paths(pattern: str, base: Path | None = None, *, max_entries: int | None = None) -> Listing:
    """The paths `glob.glob(pattern, recursive=True)` finds (relative patterns from `base`),
    with the same rules (`**` is zero or more folders; names starting with a dot match
    only patterns that start with one), but entering each real directory once per
    pattern step and looking at no more than `max_entries` entries (default MAX_WALK_ENTRIES)."""
    limit = MAX_WALK_ENTRIES if max_entries is None else max_entries
    out = Listing(limit=limit)
    if base is not None and not os.path.isabs(pattern):
        pattern = os.path.join(str(base), pattern)
    segments = pattern.split(os.sep)
    # The literal head ("/home/u/proj/k8s") is a plain path; matching starts after it.
    head: list[str] = []
    while len(segments) > 1 and not has_magic(segments[0]):
        head.append(segments.pop(0))
    start = os.sep.join(head) if head else os.curdir
    if head == [""]:
        start = os.sep
    if not has_magic(segments[0]):  # no magic at all: the path itself
        path = os.path.join(start, segments[0]) if head else segments[0]
        if os.path.lexists(path):
            out.paths.append(Path(path))
        return out
    budget = _Budget(limit)
    found: set[str] = set()
    entered: set[tuple[tuple[int, int], int]] = set()  # (real directory, pattern step)
    last = len(segments) - 1
    stack: list[tuple[str, int]] = [(start, 0)]
    while stack:
        d, i = stack.pop()
        seg = segments[i]
        if seg == "**":
            ident = _dir_id(d)
            if ident is None or (ident, i) in entered:
                continue
            entered.add((ident, i))
            if i < last:
                stack.append((d, i + 1))  # `**` as zero folders
            elif head or d != os.curdir:
                found.add(d)  # a trailing `**` matches the folder itself too, as in glob.glob
            for entry in _scandir(d):
                if not budget.spend():
                    out.truncated = True
                    stack.clear()
                    break
                if entry.name.startswith("."):
                    continue
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if i == last and not is_dir:
                    found.add(_joined(d, entry.name, head))
                if is_dir:
                    stack.append((_joined(d, entry.name, head), i))
        elif not has_magic(seg):
            path = _joined(d, seg, head)
            if not budget.spend():
                out.truncated = True
                break
            if i == last:
                if os.path.lexists(path):
                    found.add(path)
            elif os.path.isdir(path):
                stack.append((path, i + 1))
        else:
            hidden_ok = seg.startswith(".")
            for entry in _scandir(d):
                if not budget.spend():
                    out.truncated = True
                    stack.clear()
                    break
                if (entry.name.startswith(".") and not hidden_ok) or not fnmatch.fnmatchcase(entry.name, seg):
                    continue
                path = _joined(d, entry.name, head)
                if i == last:
                    found.add(path)
                else:
                    try:
                        if entry.is_dir():
                            stack.append((path, i + 1))
                    except OSError:
                        continue
    out.paths = sorted(Path(p) for p in found)
    return out


def _joined(d: str, name: str, head: list[str]) -> str:
    # A relative pattern with no literal head starts at "."; glob.glob gives "a/b", not "./a/b".
    return name if (not head and d == os.curdir) else os.path.join(d, name)


# ---------------------------------------------------------------------------
# Reading


class NotRegularFileError(OSError):
    """A FIFO, device, socket or folder where a file was expected: never opened for reading."""


class FileTooLargeError(OSError):
    """A file larger than the caller reads; `size` is what stat said (or what was read)."""

    def __init__(self, message: str, size: int):
        super().__init__(message)
        self.size = size


_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
          (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"))


def file_kind(mode: int) -> str:
    """What a non-regular file is, in words."""
    for test, name in _KINDS:
        if test(mode):
            return name
    return "not a regular file"


def read_bytes(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, checked before reading: a special file raises NotRegularFileError
    (a FIFO would block, /dev/zero never ends), a larger one FileTooLargeError."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise NotRegularFileError(errno.EINVAL, f"{file_kind(st.st_mode)}, not a regular file", str(path))
    if st.st_size > max_bytes:
        raise FileTooLargeError(f"{path}: {st.st_size:,} bytes, more than the {max_bytes:,} read", st.st_size)
    # O_NONBLOCK: if the path became a FIFO since the stat, opening it must not wait for a writer.
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise NotRegularFileError(errno.EINVAL, f"{file_kind(st.st_mode)}, not a regular file", str(path))
        chunks: list[bytes] = []
        total = 0
        while True:
            chunk = os.read(fd, min(1 << 20, max_bytes + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            if total > max_bytes:  # it grew while we read
                raise FileTooLargeError(f"{path}: more than the {max_bytes:,} bytes read", total)
        return b"".join(chunks)
    finally:
        os.close(fd)


def read_text(path: Path, max_bytes: int, errors: str = "strict") -> str:
    """read_bytes as UTF-8 text (a BOM is dropped)."""
    return read_bytes(path, max_bytes).decode("utf-8-sig", errors)


def is_regular_file(path: Path) -> bool:
    """True for a regular file (or a symlink to one): what can be read without blocking."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False


# ---------------------------------------------------------------------------
# Writing


def default_file_mode() -> int:
    """0666 minus the umask: the mode `open()` gives a new file (mkstemp would give 0600)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask


def write_through_target(path: Path) -> Path:
    """Where a write to `path` lands: the file a symlink (chain) points to, else `path`."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def is_read_only(path: Path) -> bool:
    """True when the file's mode has no write bit: the user asked for it not to change
    (checked from the mode, since root may write anything)."""
    try:
        return not stat.S_IMODE(os.stat(path).st_mode) & 0o222
    except OSError:
        return False


class PendingWrite:
    """New content written and fsynced beside the target, not yet in place: `commit()`
    renames it over the target, `discard()` removes it. Several files can be prepared
    first and committed together, so a full disk changes none of them."""

    def __init__(self, path: Path, data: bytes, prefix: str | None = None):
        self.path = path
        self.target = write_through_target(path)
        folder = self.target.parent
        try:
            mode = stat.S_IMODE(os.stat(self.target).st_mode)
        except FileNotFoundError:
            mode = default_file_mode()
        try:
            fd, self._tmp = tempfile.mkstemp(prefix=prefix or f".{self.target.name}.", suffix=".tmp",
                                             dir=str(folder))
        except OSError as e:
            raise OSError(e.errno, e.strerror or str(e), str(path)) from e
        try:
            try:
                view = memoryview(data)
                while view:
                    written = os.write(fd, view)
                    view = view[written:]
                os.fsync(fd)
                os.fchmod(fd, mode)
            finally:
                os.close(fd)
        except OSError as e:
            self.discard()
            raise OSError(e.errno, e.strerror or str(e), str(path)) from e
        except BaseException:
            self.discard()
            raise

    def commit(self) -> Path:
        """Put the new content in place (one rename); the file written."""
        try:
            os.replace(self._tmp, self.target)
        except OSError as e:
            self.discard()
            raise OSError(e.errno, e.strerror or str(e), str(self.path)) from e
        _fsync_dir(self.target.parent)
        return self.target

    def discard(self) -> None:
        with contextlib.suppress(OSError):
            os.unlink(self._tmp)


def write_atomic(path: Path, data: bytes, *, prefix: str | None = None) -> Path:
    """Replace the file's content all at once: write a temporary file beside it, fsync,
    rename over it. A full disk or a crash leaves the old file whole.

    A symlink is written through (its target is replaced, the link stays), the file
    keeps its mode (a new one gets 0666 minus the umask), and the folder is fsynced
    so the rename survives a crash. Errors are OSErrors whose filename is `path`.
    Returns the file written."""
    return PendingWrite(path, data, prefix).commit()


@contextlib.contextmanager
def locked(lock_file: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock (flock) on `lock_file` while the block runs: writers
    of the same file that all take it run one after the other.

    The lock file is removed on the way out, so none is left beside the user's file. That
    is safe because a writer that locked a file since removed (it waited on the old one)
    sees that the path no longer names what it locked, and starts over."""
    while True:
        fd = os.open(lock_file, os.O_RDWR | os.O_CREAT, 0o666)
        if fcntl is None:
            break
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            held, named = os.fstat(fd), os.stat(lock_file)
            if (held.st_dev, held.st_ino) == (named.st_dev, named.st_ino):
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            os.unlink(lock_file)
        os.close(fd)  # closing releases the lock


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a folder be opened or synced
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)

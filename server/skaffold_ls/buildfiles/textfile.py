"""Reading a build file a config names, without trusting it to be one.

A FIFO named Dockerfile blocks a plain read until a writer comes, a symlink to
/dev/zero never ends: the type and size are checked first. (`core/fsutil.py` does
the same for the rest of skaffold-ls; buildfiles imports nothing else of it.)
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

MAX_BUILD_FILE_BYTES = 8 * 1024 * 1024


def read_build_file(path: Path, errors: str = "strict") -> str:
    """The file as UTF-8 text (a BOM dropped); OSError for a special file or one over MAX_BUILD_FILE_BYTES."""
    st = os.stat(path)
    if not stat.S_ISREG(st.st_mode):
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    if st.st_size > MAX_BUILD_FILE_BYTES:
        raise OSError(errno.EFBIG, f"larger than {MAX_BUILD_FILE_BYTES:,} bytes", str(path))
    return path.read_bytes().decode("utf-8-sig", errors)

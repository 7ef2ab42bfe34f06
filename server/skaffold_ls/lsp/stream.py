"""The server's input stream, framed defensively (stdlib only: the fast start uses it too).

pygls reads a `Content-Length: N` header line, then `read(N)` bytes. With N =
99,999,999,999 that read asks for 100 GB at once and the process dies of
MemoryError; a header line that never ends grows without bound. `GuardedReader`
sits between the stream and pygls: header lines are read at most
MAX_HEADER_LINE bytes at a time, and a header announcing more than
MAX_MESSAGE_BYTES is refused (logged, never shown to pygls). The stream then
resynchronises on the next `Content-Length:`, even one glued to the end of the
refused body, so the messages after it are served as usual.
"""

from __future__ import annotations

import logging
import re
from typing import Any

log = logging.getLogger(__name__)

# Far above any real message (a didOpen of skaffold-ls's largest analysed file is a few MB).
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
MAX_HEADER_LINE = 8 * 1024
HEADER = b"Content-Length:"
# The header pygls accepts (pygls.io_.run_async).
CONTENT_LENGTH = re.compile(rb"^Content-Length: (\d+)\r\n$")


class GuardedReader:
    """`stdin` for pygls (`readline()` for headers, `read(n)` for bodies)."""

    def __init__(self, stream: Any, max_message_bytes: int = MAX_MESSAGE_BYTES):
        self._stream = stream
        self.max_message_bytes = max_message_bytes
        self.refused = 0  # messages refused so far

    def readline(self) -> bytes:
        while True:
            line: bytes = self._stream.readline(MAX_HEADER_LINE)
            if not line:
                return line
            at = line.find(HEADER)
            if at > 0:  # a header glued to the end of a body pygls did not read (a refused one)
                line = line[at:]
            m = CONTENT_LENGTH.match(line)
            if m is not None and int(m.group(1)) > self.max_message_bytes:
                self.refused += 1
                log.error("refusing a message of %s bytes (more than %s); skipping to the next message",
                          m.group(1).decode(), f"{self.max_message_bytes:,}")
                continue
            return line

    def read(self, n: int = -1) -> bytes:
        data: bytes = self._stream.read(n)
        return data

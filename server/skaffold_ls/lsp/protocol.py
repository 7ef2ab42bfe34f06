"""pygls' LSP protocol with what a client must be able to count on.

Every request gets exactly one answer. pygls 2.1.1 answers none when it cannot
structure a request (a negative line, params of the wrong type, a position past
2^31-1: the structuring error is raised out of the reading loop and only
logged), and drops every request after `shutdown` without a word; it also
handles requests that come before `initialize`. Here:
- a request whose params or id do not fit its type gets InvalidParams (-32602),
  one without "jsonrpc" InvalidRequest (-32600);
- before `initialize`, requests get ServerNotInitialized (-32002) and
  notifications other than `exit` are dropped, as the LSP specification says;
- after `shutdown`, requests get InvalidRequest; a second `initialize` too.

No future kept per notification. pygls 2.1.1 runs its built-in handlers for
didOpen/didChange/didClose... as generators and stores the future of each call in
`JsonRPCProtocol._request_futures` under a fresh uuid; only responses to requests
remove theirs (`_send_handler_result`), so one future (with its params) stays per
notification forever: ~2 MB per 1,000 edits. Here each future is removed when it
is done.

A client gone after `shutdown` is not an error: pygls logs every write to a closed
pipe as an exception with its traceback and re-raises it into whatever task was
publishing; here the writer turns the first one into one log line and drops
later writes (the reading loop ends by itself at the end of input).
"""

from __future__ import annotations

import contextlib
import logging
from concurrent.futures import Future
from typing import Any

from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInvalidParams,
    JsonRpcInvalidRequest,
    JsonRpcServerNotInitialized,
)
from pygls.protocol import LanguageServerProtocol

log = logging.getLogger(__name__)


class UnstructurableRequest:
    """A request pygls could not turn into its type: answered with `error` and nothing else."""

    __slots__ = ("error", "id", "method")

    def __init__(self, request_id: Any, method: Any, error: JsonRpcException):
        self.id = request_id
        self.method = method
        self.error = error


def _request_id(data: dict[str, Any]) -> int | str | None:
    """The id to answer with: JSON-RPC ids are strings or integers; anything else gets null."""
    value = data.get("id")
    if isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    return None


class ClientWriter:
    """The writer pygls sends through, for a client that may have gone away."""

    def __init__(self, writer: Any):
        self._writer = writer
        self.client_gone = False

    def write(self, data: bytes) -> Any:
        if self.client_gone:
            return None
        try:
            return self._writer.write(data)
        except (BrokenPipeError, ConnectionResetError):
            self.client_gone = True
            log.info("the client closed the connection; nothing more is sent")
            return None

    def close(self) -> Any:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # flushing to a client already gone
            return self._writer.close()
        return None


class SkaffoldProtocol(LanguageServerProtocol):
    def __init__(self, server: Any, converter: Any):
        super().__init__(server, converter)
        self.converter = converter  # lsprotocol's types <-> JSON, for the server's own messages
        self.initialize_received = False
        self.shutdown_received = False

    # -- every request answered once ------------------------------------------

    def structure_message(self, data: dict[str, Any]) -> Any:
        try:
            return super().structure_message(data)
        except JsonRpcException:
            if "id" in data and "method" in data and "result" not in data and "error" not in data:
                return UnstructurableRequest(_request_id(data), data.get("method"),
                                             JsonRpcInvalidParams(f"invalid params for {data.get('method')!r}"))
            if "id" in data and "method" not in data:  # an unreadable answer to our request: fail its future
                return types.ResponseErrorMessage(id=_request_id(data), error=types.ResponseError(
                    code=types.ErrorCodes.InvalidParams, message="unreadable response from the client"))
            raise

    def handle_message(self, message: Any) -> None:
        if isinstance(message, UnstructurableRequest):
            log.warning("answering request %r (%s) with an error: %s", message.id, message.method, message.error)
            self._answer_error(message.id, message.error)
            return
        if isinstance(message, dict):  # no "jsonrpc": pygls leaves it a plain dict and would only log it
            if "id" in message and "method" in message:
                self._answer_error(_request_id(message), JsonRpcInvalidRequest("not a JSON-RPC 2.0 request"))
            else:
                log.warning("ignoring a message that is not JSON-RPC 2.0: %.200r", message)
            return
        method = getattr(message, "method", None)
        is_request = method is not None and hasattr(message, "id")
        if method == types.INITIALIZE and is_request:
            if self.initialize_received or self.shutdown_received:
                self._answer_error(message.id, JsonRpcInvalidRequest("initialize was already received"))
                return
            self.initialize_received = True
        elif method is not None and method != types.EXIT:
            if not self.initialize_received:
                if is_request:
                    self._answer_error(message.id, JsonRpcServerNotInitialized(
                        f"{method} before initialize"))
                else:
                    log.warning("dropping %s: it came before initialize", method)
                return
            if self.shutdown_received and is_request:
                self._answer_error(message.id, JsonRpcInvalidRequest(f"{method} after shutdown"))
                return
            if method == types.SHUTDOWN and is_request:
                self.shutdown_received = True
        super().handle_message(message)

    def _answer_error(self, request_id: Any, error: JsonRpcException) -> None:
        self._send_data(types.ResponseErrorMessage(id=request_id, error=error.to_response_error()))

    # -- no future kept per notification ---------------------------------------

    def _execute_handler(self, msg_id: Any, handler: Any, callback: Any, args: Any = None,
                         kwargs: Any = None) -> None:
        super()._execute_handler(msg_id, handler, callback, args, kwargs)
        future: Future[Any] | None = self._request_futures.get(msg_id)
        if future is not None:
            future.add_done_callback(lambda done: self._forget_future(msg_id, done))

    @property
    def tracked_futures(self) -> int:
        """Futures pygls keeps: requests in flight (ours and the client's), nothing per notification."""
        return len(self._request_futures)

    def _forget_future(self, msg_id: Any, future: Any) -> None:
        if self._request_futures.get(msg_id) is future:
            del self._request_futures[msg_id]

    # -- a client gone is not an error -------------------------------------------

    def set_writer(self, writer: Any, include_headers: bool = True) -> None:
        super().set_writer(writer if isinstance(writer, ClientWriter) else ClientWriter(writer), include_headers)

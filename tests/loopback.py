"""What the loopback fakes of the APIs share: a threaded HTTP server on 127.0.0.1, started and stopped
from a background thread, usable as a context manager. Standard library only."""

from __future__ import annotations

import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


class _Server(ThreadingHTTPServer):
    daemon_threads = True  # a client holding a keep-alive connection must not block stop()
    block_on_close = False  # nor a handler a test left sleeping

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A client dropping its connection (a closed SDK client, a cancelled turn, a timeout) is normal
        # here; anything else is a bug in the fake and is printed.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class LoopbackServer:
    """Serves ``handler()`` on 127.0.0.1 (an ephemeral port unless ``_port`` is set) until ``stop()``."""

    thread_name = "loopback-server"
    _port = 0
    _server: _Server | None = None
    _thread: threading.Thread | None = None

    def handler(self) -> type[BaseHTTPRequestHandler]:
        raise NotImplementedError

    def start(self) -> Any:
        self._server = _Server(("127.0.0.1", self._port), self.handler())
        # A short poll interval: stop() waits up to one interval, once per test.
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.02,), name=self.thread_name, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> Any:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not running")
        return self._server.server_address[1]

"""A threaded HTTP server on a free local port, the base of the tests' fakes of outside services."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Type, TypeVar

T = TypeVar("T")
Fake = TypeVar("Fake", bound="LocalHttpFake")


class LocalHttpFake:
    """Serves `handler` on 127.0.0.1 in a daemon thread; `lock` guards what the handler records."""

    def __init__(self, handler: Type[BaseHTTPRequestHandler]) -> None:
        self.lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self: Fake) -> Fake:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def poll(found: Callable[[], T], timeout: float, interval: float = 0.05) -> T | None:
    """`found()` once it is truthy, polled every `interval` seconds; None after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = found()
        if result:
            return result
        time.sleep(interval)
    return None

"""A local stand-in for a staff incoming webhook (Slack or Teams): records what it is sent.

`fail_first` makes it answer 500 to that many posts before it accepts any, so tests see retries.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List


class FakeStaffWebhook:
    def __init__(self, fail_first: int = 0) -> None:
        self.received: List[Dict[str, Any]] = []
        self.attempts = 0
        self.fail_first = fail_first
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/staff-alerts"

    def start(self) -> "FakeStaffWebhook":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def wait_for(self, until: Callable[[Dict[str, Any]], bool], timeout: float = 10) -> Dict[str, Any]:
        """The first alert for which `until(alert)` holds; fails after `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self._lock:
                found = [alert for alert in self.received if until(alert)]
            if found:
                return found[0]
            time.sleep(0.05)
        raise AssertionError(f"no matching staff alert after {timeout} s; received {self.received}")

    def _handler(self) -> type:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                with fake._lock:
                    fake.attempts += 1
                    failing = fake.attempts <= fake.fail_first
                    if not failing:
                        fake.received.append(body)
                self.send_response(500 if failing else 200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
                pass

        return Handler

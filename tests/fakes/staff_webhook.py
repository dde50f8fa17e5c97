"""A local stand-in for a staff incoming webhook (Slack or Teams): records what it is sent.

`fail_first` makes it answer 500 to that many posts before it accepts any, so tests see retries.
"""

from __future__ import annotations

import json
from http.server import BaseHTTPRequestHandler
from typing import Any, Callable, Dict, List

from tests.fakes.local_server import LocalHttpFake, poll


class FakeStaffWebhook(LocalHttpFake):
    def __init__(self, fail_first: int = 0) -> None:
        self.received: List[Dict[str, Any]] = []
        self.attempts = 0
        self.fail_first = fail_first
        super().__init__(self._handler())

    @property
    def url(self) -> str:
        return f"{self.base_url}/staff-alerts"

    def wait_for(self, until: Callable[[Dict[str, Any]], bool], timeout: float = 10) -> Dict[str, Any]:
        """The first alert for which `until(alert)` holds; fails after `timeout` seconds."""

        def matching() -> List[Dict[str, Any]]:
            with self.lock:
                return [alert for alert in self.received if until(alert)]

        found = poll(matching, timeout)
        if not found:
            raise AssertionError(f"no matching staff alert after {timeout} s; received {self.received}")
        return found[0]

    def _handler(self) -> type:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
                with fake.lock:
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

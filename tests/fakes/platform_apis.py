"""A local stand-in for the Telegram Bot API, the Slack Web API and Meta's Graph API.

The assistant's platform channels are pointed at it (TELEGRAM_API_URL,
SLACK_API_URL, FACEBOOK_GRAPH_URL), so tests read what each platform would
have received and nothing goes to the internet.
"""

from __future__ import annotations

import json
import time
import urllib.parse
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler
from typing import Any, Callable, Dict, List

from tests.fakes.local_server import LocalHttpFake, poll


@dataclass(frozen=True)
class ApiCall:
    platform: str  # "telegram", "slack" or "facebook"
    method: str  # "sendMessage", "chat.postMessage", "me/messages"
    query: Dict[str, str]
    body: Dict[str, Any]

    @property
    def text(self) -> str:
        if self.platform == "facebook":
            return str(self.body.get("message", {}).get("text", ""))
        return str(self.body.get("text", ""))

    @property
    def recipient(self) -> str:
        if self.platform == "telegram":
            return str(self.body.get("chat_id"))
        if self.platform == "slack":
            return str(self.body.get("channel"))
        return str(self.body.get("recipient", {}).get("id"))


class FakePlatformApis(LocalHttpFake):
    """Records every call; answers each the way the real API answers a success."""

    def __init__(self) -> None:
        self.calls: List[ApiCall] = []
        super().__init__(self._handler())

    @property
    def url(self) -> str:
        return self.base_url

    def environment(self) -> Dict[str, str]:
        """Where the assistant's platform channels send their replies."""
        return {
            "TELEGRAM_API_URL": f"{self.url}/telegram",
            "SLACK_API_URL": f"{self.url}/slack/api/",
            "FACEBOOK_GRAPH_URL": f"{self.url}/facebook/v19.0",
        }

    def calls_to(self, platform: str, recipient: str) -> List[ApiCall]:
        with self.lock:
            return [c for c in self.calls if c.platform == platform and c.recipient == recipient]

    def wait_for(
        self, platform: str, recipient: str, until: Callable[[List[ApiCall]], bool], timeout: float = 60
    ) -> List[ApiCall]:
        """The calls to `recipient` once `until(calls)` holds; fails after `timeout` seconds."""

        def matching() -> List[ApiCall] | None:
            calls = self.calls_to(platform, recipient)
            return calls if until(calls) else None

        calls = poll(matching, timeout, interval=0.2)
        if calls is not None:
            return calls
        raise AssertionError(
            f"{platform} API calls to {recipient} after {timeout} s: {self.calls_to(platform, recipient)}"
        )

    def _record(self, call: ApiCall) -> None:
        with self.lock:
            self.calls.append(call)

    def _handler(self) -> type:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                split = urllib.parse.urlsplit(self.path)
                query = dict(urllib.parse.parse_qsl(split.query))
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if "json" in (self.headers.get("Content-Type") or ""):
                    body = json.loads(raw or b"{}")
                else:  # slack_sdk posts form fields
                    body = {k: v for k, v in urllib.parse.parse_qsl(raw.decode())}
                    for key in ("blocks", "attachments"):
                        if isinstance(body.get(key), str):
                            body[key] = json.loads(body[key])
                platform, _, rest = split.path.lstrip("/").partition("/")
                method = rest.rsplit("/", 1)[-1] if platform != "facebook" else "me/messages"
                fake._record(ApiCall(platform, method, query, body))
                self._answer(platform, method, body)

            def _answer(self, platform: str, method: str, body: Dict[str, Any]) -> None:
                if platform == "telegram":
                    result: Any = True
                    if method == "sendMessage":
                        chat = {"id": body.get("chat_id"), "type": "private"}
                        result = {"message_id": len(fake.calls), "date": int(time.time()), "chat": chat}
                    payload: Dict[str, Any] = {"ok": True, "result": result}
                elif platform == "slack":
                    payload = {"ok": True, "channel": body.get("channel"), "ts": f"{time.time():.6f}"}
                else:
                    payload = {"recipient_id": body.get("recipient", {}).get("id"), "message_id": "m-1"}
                encoded = json.dumps(payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(encoded)))
                self.end_headers()
                self.wfile.write(encoded)

            def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - http.server's signature
                pass

        return Handler

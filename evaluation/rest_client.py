"""The REST channel as an integration uses it: open a conversation, then send its messages with its token.

Used by the integration tests and the benchmarks. A stock Rasa REST channel has no sessions: its
senders are `RestSender(name)` without a token.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any, Dict, Tuple

SESSION_PATH = "/webhooks/rest/session"
WEBHOOK_PATH = "/webhooks/rest/webhook"


@dataclass(frozen=True)
class RestSender:
    """A REST conversation's sender id and, where the server issued it, its token."""

    sender: str
    token: str | None = None

    def headers(self) -> Dict[str, str]:
        headers = {"Content-Type": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        return headers


def open_sender(rasa_url: str, timeout: float = 30) -> RestSender:
    """A new conversation from the server (`POST /webhooks/rest/session`)."""
    request = urllib.request.Request(rasa_url + SESSION_PATH, data=b"", method="POST")
    with urllib.request.urlopen(request, timeout=timeout) as response:
        issued = json.loads(response.read())
    return RestSender(issued["sender"], issued["sender_token"])


def post_body(rasa_url: str, body: bytes, headers: Dict[str, str], timeout: float = 60) -> Tuple[int, Any]:
    """POST raw bytes to the webhook: the status and the JSON answer, error statuses included."""
    request = urllib.request.Request(rasa_url + WEBHOOK_PATH, data=body, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, json.loads(response.read() or b"[]")
    except urllib.error.HTTPError as error:
        return error.code, _json_or_text(error.read())


def _json_or_text(answer: bytes) -> Any:
    """An error's JSON body, or its text where something in between (the balancer) answered in HTML."""
    try:
        return json.loads(answer or b"{}")
    except ValueError:
        return answer.decode("utf-8", "replace")


def timed_message(
    rasa_url: str, sender: RestSender, text: str, metadata: Dict[str, Any] | None = None, timeout: float = 60
) -> Tuple[float, int, Any]:
    """One message: the milliseconds until the whole answer was read, its status and its JSON."""
    payload: Dict[str, Any] = {"sender": sender.sender, "message": text}
    if metadata is not None:
        payload["metadata"] = metadata
    start = time.perf_counter()
    status, answer = post_body(rasa_url, json.dumps(payload).encode(), sender.headers(), timeout)
    return (time.perf_counter() - start) * 1000, status, answer


class RequestRefused(OSError):
    """The webhook answered, but not 200."""

    def __init__(self, status: int, answer: Any) -> None:
        super().__init__(f"HTTP {status}: {answer}")
        self.status = status


def replies_to(rasa_url: str, sender: RestSender, text: str, timeout: float = 60) -> Tuple[float, Any]:
    """The milliseconds and the replies of a message the webhook must answer with 200, else RequestRefused."""
    elapsed, status, answer = timed_message(rasa_url, sender, text, timeout=timeout)
    if status != 200:
        raise RequestRefused(status, answer)
    return elapsed, answer


class SenderBook:
    """One issued sender per name, opened on first use: tests and benchmarks name their conversations.

    Safe across threads: threads that name the same conversation at once get the same sender.
    """

    def __init__(self, rasa_url: str, issued: bool = True) -> None:
        self.rasa_url = rasa_url
        self.issued = issued
        self._senders: Dict[str, RestSender] = {}
        self._opening = threading.Lock()

    def __call__(self, name: str) -> RestSender:
        with self._opening:
            if name not in self._senders:
                self._senders[name] = open_sender(self.rasa_url) if self.issued else RestSender(name)
            return self._senders[name]

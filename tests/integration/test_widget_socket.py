"""The widget's live channel against the running assistant, with python-socketio's client.

Replies reach a session's room (Rasa 3.6.21's own channel loses them with this python-socketio);
a session is resumed, written to, and its history read only with its token.
"""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from typing import Any, Dict, List, Tuple

import pytest
import socketio

from tests.conftest import emergency_opening
from tests.integration.conftest import RunningAssistant

pytestmark = pytest.mark.needs_model


class WidgetClient:
    """One browser tab's connection: session_request, user_uttered with an acknowledgement, bot_uttered."""

    def __init__(self, server: str, origin: str) -> None:
        self.server = server
        self.origin = origin
        self.client = socketio.AsyncClient(reconnection=False)
        self.replies: List[Dict[str, Any]] = []
        self.typing: List[bool] = []
        self.session: Dict[str, Any] = {}
        self._confirmed = asyncio.Event()
        self.client.on("bot_uttered", self.replies.append)
        self.client.on("bot_typing", lambda state: self.typing.append(state["typing"]))
        self.client.on("session_confirm", self._confirm)

    async def _confirm(self, confirmed: Dict[str, Any]) -> None:
        self.session = confirmed
        self._confirmed.set()

    async def connect(self, session: Dict[str, Any] | None = None) -> Dict[str, Any]:
        # Long-polling: the pinned aiohttp is older than python-engineio's websocket client needs.
        await self.client.connect(
            self.server, headers={"Origin": self.origin}, socketio_path="/socket.io", transports=["polling"]
        )
        await self.client.emit("session_request", session or {})
        await asyncio.wait_for(self._confirmed.wait(), 10)
        return self.session

    async def say(self, text: str, session: Dict[str, Any] | None = None) -> Dict[str, Any]:
        session = session or self.session
        payload = {
            "message": text,
            "session_id": session["session_id"],
            "session_token": session["session_token"],
            "metadata": {"locale": "en-GB"},
        }
        return await self.client.call("user_uttered", payload, timeout=10)

    async def wait_for_replies(self, count: int, timeout: float = 60) -> List[Dict[str, Any]]:
        for _ in range(int(timeout * 10)):
            if len(self.replies) >= count and self.typing and self.typing[-1] is False:
                return self.replies
            await asyncio.sleep(0.1)
        raise AssertionError(f"{len(self.replies)} replies after {timeout} s: {self.replies}")

    async def close(self) -> None:
        # Sends the close packet without waiting for the open long-poll to return (up to 25 s).
        await self.client.eio.disconnect(abort=True)


def history(assistant: RunningAssistant, session_id: str, token: str | None) -> Tuple[int, Any]:
    url = f"{assistant.rasa_url}/webhooks/socketio/history?session_id={session_id}&locale=en-GB"
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    try:
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=10) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


@pytest.fixture
def widget(running_assistant: RunningAssistant) -> WidgetClient:
    return WidgetClient(running_assistant.rasa_url, running_assistant.web_url)


async def test_a_message_is_acknowledged_and_answered_in_the_sessions_room(widget: WidgetClient) -> None:
    session = await widget.connect()
    assert session["session_id"] and session["session_token"] and session["resumed"] is False
    assert await widget.say("hello") == {"status": "received"}
    replies = await widget.wait_for_replies(1)
    assert replies[0]["text"].startswith("Hello. I answer questions")
    assert replies[0]["buttons"] and replies[0]["emergency"] is None
    assert widget.typing[0] is True
    await widget.close()


async def test_exposed_metal_is_flagged_as_an_emergency_with_the_locales_number(widget: WidgetClient) -> None:
    await widget.connect()
    await widget.say("my rod is sticking out through the skin")
    first = (await widget.wait_for_replies(1))[0]
    assert first["text"].startswith(emergency_opening())
    assert first["emergency"] == {"number": "999", "tel": "999"}
    assert first["sources"] and all(s["url"].startswith("https://") for s in first["sources"])
    await widget.close()


async def test_a_reload_resumes_the_session_and_its_history_is_only_for_its_token(
    running_assistant: RunningAssistant, widget: WidgetClient
) -> None:
    session = await widget.connect()
    await widget.say("why do screws come loose")
    await widget.wait_for_replies(1)
    await widget.close()

    reloaded = WidgetClient(running_assistant.rasa_url, running_assistant.web_url)
    resumed = await reloaded.connect({"session_id": session["session_id"], "session_token": session["session_token"]})
    assert resumed["resumed"] is True and resumed["session_id"] == session["session_id"]
    await reloaded.close()

    status, shown = history(running_assistant, session["session_id"], session["session_token"])
    assert status == 200
    assert [m["sender"] for m in shown["messages"]][:2] == ["user", "bot"]
    assert shown["messages"][0]["text"] == "why do screws come loose"

    stranger = WidgetClient(running_assistant.rasa_url, running_assistant.web_url)
    other = await stranger.connect()
    await stranger.close()
    assert history(running_assistant, session["session_id"], other["session_token"])[0] == 403
    assert history(running_assistant, session["session_id"], None)[0] == 403
    token = session["session_token"]
    tampered = token[:-1] + ("1" if token[-1] == "0" else "0")
    assert history(running_assistant, session["session_id"], tampered)[0] == 403


async def test_a_session_id_without_its_token_gets_a_new_session_and_cannot_write_to_the_old_one(
    running_assistant: RunningAssistant, widget: WidgetClient
) -> None:
    owner = await widget.connect()
    intruder = WidgetClient(running_assistant.rasa_url, running_assistant.web_url)
    given = await intruder.connect({"session_id": owner["session_id"], "session_token": "guess"})
    assert given["resumed"] is False and given["session_id"] != owner["session_id"]
    refused = await intruder.say("hello", {"session_id": owner["session_id"], "session_token": "guess"})
    assert "not valid" in refused["error"]
    await asyncio.sleep(1)
    assert widget.replies == []  # nothing reached the owner's room
    await intruder.close()
    await widget.close()


async def test_an_empty_or_too_long_message_is_refused_with_a_reason(widget: WidgetClient) -> None:
    await widget.connect()
    assert "empty" in (await widget.say("   "))["error"]
    assert "limit" in (await widget.say("x" * 2001))["error"]
    await widget.close()


async def test_a_site_not_on_the_allow_list_cannot_open_the_connection(running_assistant: RunningAssistant) -> None:
    outsider = WidgetClient(running_assistant.rasa_url, "https://not-allowed.example")
    with pytest.raises(socketio.exceptions.ConnectionError):
        await outsider.connect()

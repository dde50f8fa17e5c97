"""A handoff round trip on the running stack, through the web widget's live connection: the user asks
for a person, a staff member takes over and replies from the console, the user sees it, the bot keeps
quiet but still answers an emergency at once, staff hand back, and the bot answers again. And a staff
reply into a Telegram and a Slack conversation, read from the local fakes of their APIs."""

from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, List

import httpx
import pytest

from tests.conftest import emergency_opening
from tests.fakes.platform_apis import FakePlatformApis
from tests.integration.conftest import RunningAssistant
from tests.integration.staff import StaffBrowser, wait_in_queue
from tests.integration.test_platform_channels import (
    RIGHT_TELEGRAM_SECRET,
    post,
    slack_event,
    slack_headers,
    telegram,
    telegram_message,
    unique_id,
)
from tests.integration.test_widget_socket import WidgetClient

pytestmark = pytest.mark.needs_model


async def replies_after(widget: WidgetClient, start: int, count: int, timeout: float = 30) -> List[Dict[str, Any]]:
    """`count` messages pushed to the widget's room after the first `start` (counted before acting,
    since a pushed message can arrive before the call that caused it returns)."""
    deadline = time.monotonic() + timeout
    while len(widget.replies) < start + count:
        if time.monotonic() > deadline:
            raise AssertionError(f"waited {timeout} s for {count} message(s); got {widget.replies[start:]}")
        await asyncio.sleep(0.05)
    return widget.replies[start : start + count]


async def staff_post(staff: StaffBrowser, path: str, **fields: str) -> int:
    # The console client is synchronous: off the event loop, so the widget keeps receiving meanwhile.
    response = await asyncio.to_thread(staff.post_form, path, **fields)
    return response.status_code


async def test_a_staff_member_takes_over_replies_and_hands_back_through_the_widget(
    running_assistant: RunningAssistant, staff: StaffBrowser
) -> None:
    widget = WidgetClient(running_assistant.rasa_url, running_assistant.web_url)
    session = await widget.connect()
    sender = f"widget-{session['session_id']}"
    try:
        seen = len(widget.replies)
        await widget.say("can I talk to a real person please")
        assert "How should they reach you" in (await replies_after(widget, seen, 1))[0]["text"]
        seen = len(widget.replies)
        await widget.say("you can email me at ann.lee@example.org")
        handoff, hours = await replies_after(widget, seen, 2)
        assert "flagged your message for our support team" in handoff["text"]
        assert hours["text"].startswith("The support team is")  # working now, or when it works next
        item = await asyncio.to_thread(wait_in_queue, staff, sender, 2.0, "handoff")
        assert item is not None and item["channel"] == "socketio"

        seen = len(widget.replies)
        assert await staff_post(staff, f"/conversations/{sender}/take-over") == 303
        joined = (await replies_after(widget, seen, 1))[0]
        assert "support team has joined this chat" in joined["text"] and joined["from_staff"] is False

        seen = len(widget.replies)
        text = "Hello Ann, I will email you in 10 minutes."
        assert await staff_post(staff, f"/conversations/{sender}/reply", text=text) == 303
        reply = (await replies_after(widget, seen, 1))[0]
        assert reply["text"] == text and reply["from_staff"] is True

        # While staff have the conversation the bot says nothing to a question; staff see it.
        assert await widget.say("how rare is it for screws to come loose?") == {"status": "received"}
        await asyncio.sleep(3)
        assert widget.replies[-1] == reply, "the bot answered while staff held the conversation"
        turns = (await asyncio.to_thread(staff.get, f"/api/conversations/{sender}")).json()["turns"]
        assert turns[-1]["speaker"] == "user" and turns[-1]["text"] == "how rare is it for screws to come loose?"

        # An emergency still gets the emergency reply at once, and tops the queue.
        seen, sent = len(widget.replies), time.monotonic()
        await widget.say("oh no, there's a screw poking out of my back now")
        emergency = (await replies_after(widget, seen, 1, timeout=10))[0]
        assert time.monotonic() - sent < 2.0, "the emergency reply took longer than 2 s during the takeover"
        assert emergency["text"].startswith(emergency_opening()) and emergency["emergency"] is not None
        raised = await asyncio.to_thread(wait_in_queue, staff, sender, 2.0, "emergency_exposed_hardware")
        assert raised is not None and raised["severity"] == 0
        queue = (await asyncio.to_thread(staff.get, "/api/queue")).json()["items"]
        assert queue[0]["severity"] == 0

        seen = len(widget.replies)
        assert await staff_post(staff, f"/conversations/{sender}/hand-back") == 303
        assert "handed this chat back" in (await replies_after(widget, seen, 1))[0]["text"]
        seen = len(widget.replies)
        await widget.say("why do screws come loose?")
        answer = (await replies_after(widget, seen, 1))[0]
        assert answer["sources"] and answer["from_staff"] is False

        audit = (await asyncio.to_thread(staff.get, "/audit")).text
        for action in ("take_over", "staff_reply", "hand_back"):
            assert f"<td>{action}</td><td>{sender}</td>" in audit
    finally:
        await widget.close()


def test_rasas_http_api_is_on_only_with_its_token(running_assistant: RunningAssistant) -> None:
    url = f"{running_assistant.rasa_url}/conversations/widget-nobody/tracker"
    assert httpx.get(url, timeout=10).status_code == 401
    assert httpx.get(url, params={"token": "a guess"}, timeout=10).status_code == 401
    token = running_assistant.api_token_file.read_text().strip()
    assert running_assistant.api_token_file.stat().st_mode & 0o077 == 0  # readable by its owner only
    assert httpx.get(url, params={"token": token}, timeout=10).status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [("PUT", "/model"), ("DELETE", "/model"), ("POST", "/model/train"), ("POST", "/model/test/intents")],
)
def test_even_with_the_token_the_api_will_not_load_train_or_test_a_model(
    running_assistant: RunningAssistant, method: str, path: str
) -> None:
    token = running_assistant.api_token_file.read_text().strip()
    answer = httpx.request(
        method, f"{running_assistant.rasa_url}{path}", params={"token": token}, json={"model_file": "/tmp/x.tar.gz"}
    )
    assert answer.status_code == 403 and answer.json()["reason"] == "ModelChangesDisabled"
    parse = httpx.post(
        f"{running_assistant.rasa_url}/model/parse", params={"token": token}, json={"text": "hello"}, timeout=30
    )
    assert parse.status_code == 200  # the running model still answers


def test_a_staff_reply_reaches_a_telegram_conversation_through_the_bot_api(
    running_assistant: RunningAssistant, staff: StaffBrowser, fake_platform_apis: FakePlatformApis
) -> None:
    chat = unique_id()
    sender = f"telegram-{chat}"
    for text in ("can I speak to a person", "ring me on 07700 900123"):
        status, _ = telegram(running_assistant, telegram_message(chat, text), RIGHT_TELEGRAM_SECRET)
        assert status == 200
    assert wait_in_queue(staff, sender, 5.0, "handoff") is not None
    before = len(fake_platform_apis.wait_for("telegram", str(chat), lambda calls: len(calls) >= 3))
    assert staff.post_form(f"/conversations/{sender}/reply", text="Hi Sam, I will ring you at 2pm.").status_code == 303
    calls = fake_platform_apis.wait_for("telegram", str(chat), lambda calls: len(calls) >= before + 2)
    assert "support team has joined" in calls[before].text
    assert calls[before + 1].method == "sendMessage" and calls[before + 1].text == "Hi Sam, I will ring you at 2pm."


def test_a_staff_reply_reaches_a_slack_conversation_in_the_users_direct_messages(
    running_assistant: RunningAssistant, staff: StaffBrowser, fake_platform_apis: FakePlatformApis
) -> None:
    user, channel = f"U{unique_id()}", f"D{unique_id()}"
    sender = f"slack-{user}"
    for text in ("can I speak to a person", "email me at sam@example.org"):
        body = slack_event(user, channel, text)
        assert post(running_assistant.rasa_url + "/webhooks/slack/webhook", body, slack_headers(body))[0] == 200
    assert wait_in_queue(staff, sender, 5.0, "handoff") is not None
    assert staff.post_form(f"/conversations/{sender}/reply", text="Hi Sam, expect an email today.").status_code == 303
    calls = fake_platform_apis.wait_for("slack", user, lambda calls: len(calls) >= 2)
    assert "support team has joined" in calls[0].text and calls[1].text == "Hi Sam, expect an email today."

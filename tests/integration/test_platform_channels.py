"""Telegram, Slack and Messenger against the running assistant, replies read from a local fake of each API.

Each platform: a real-shaped, correctly signed delivery is answered; a wrong,
missing or replayed signature is refused before anything is handled; an
exposed-metal message gets the emergency reply first, whole.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Dict, Tuple

import pytest

from tests.conftest import emergency_opening
from tests.fakes.platform_apis import FakePlatformApis
from tests.integration.conftest import PLATFORM_SECRETS, RunningAssistant

pytestmark = pytest.mark.needs_model

EXPOSED_METAL = "there is a screw poking out of the skin on my back"


def post(url: str, body: bytes, headers: Dict[str, str]) -> Tuple[int, str]:
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json", **headers})
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def unique_id() -> int:
    return uuid.uuid4().int % 10**9


# --- Telegram ---------------------------------------------------------------------------------------------


def telegram(assistant: RunningAssistant, update: Dict, secret: str | None = None) -> Tuple[int, str]:
    headers = {} if secret is None else {"X-Telegram-Bot-Api-Secret-Token": secret}
    return post(assistant.rasa_url + "/webhooks/telegram/webhook", json.dumps(update).encode(), headers)


def telegram_message(chat_id: int, text: str) -> Dict:
    chat = {"id": chat_id, "type": "private", "first_name": "Sam"}
    sender = {"id": chat_id, "is_bot": False, "first_name": "Sam", "language_code": "en"}
    message = {"message_id": 1, "date": int(time.time()), "chat": chat, "from": sender, "text": text}
    return {"update_id": unique_id(), "message": message}


RIGHT_TELEGRAM_SECRET = PLATFORM_SECRETS["TELEGRAM_SECRET_TOKEN"]


def test_telegram_a_message_with_the_secret_token_is_answered(
    running_assistant: RunningAssistant, fake_platform_apis: FakePlatformApis
) -> None:
    chat = unique_id()
    status, _ = telegram(running_assistant, telegram_message(chat, "hello"), RIGHT_TELEGRAM_SECRET)
    assert status == 200
    calls = fake_platform_apis.wait_for("telegram", str(chat), lambda calls: len(calls) >= 1)
    assert calls[0].method == "sendMessage" and calls[0].text.startswith("Hello. I answer questions")
    assert "inline_keyboard" in calls[-1].body["reply_markup"]


@pytest.mark.parametrize(
    "secret", [None, "", "telegram-webhook-secreT", "x" * 256], ids=["missing", "empty", "wrong", "long"]
)
def test_telegram_without_the_right_secret_token_is_refused_and_not_handled(
    running_assistant: RunningAssistant, fake_platform_apis: FakePlatformApis, secret: str | None
) -> None:
    chat = unique_id()
    status, _ = telegram(running_assistant, telegram_message(chat, EXPOSED_METAL), secret)
    assert status == 401
    time.sleep(1)
    assert fake_platform_apis.calls_to("telegram", str(chat)) == []


def test_telegram_exposed_metal_gets_the_emergency_reply_first(
    running_assistant: RunningAssistant, fake_platform_apis: FakePlatformApis
) -> None:
    chat = unique_id()
    status, _ = telegram(running_assistant, telegram_message(chat, EXPOSED_METAL), RIGHT_TELEGRAM_SECRET)
    assert status == 200
    calls = fake_platform_apis.wait_for("telegram", str(chat), lambda calls: len(calls) >= 1)
    assert calls[0].text.startswith(emergency_opening())


def test_telegram_an_update_it_does_not_act_on_gets_200_so_telegram_does_not_retry_it(
    running_assistant: RunningAssistant,
) -> None:
    member_change = {"update_id": unique_id(), "my_chat_member": {"chat": {"id": 1, "type": "private"}}}
    assert telegram(running_assistant, member_change, RIGHT_TELEGRAM_SECRET)[0] == 200


def test_telegram_a_photo_gets_the_text_only_note_with_the_emergency_reminder(
    running_assistant: RunningAssistant, fake_platform_apis: FakePlatformApis
) -> None:
    chat = unique_id()
    update = telegram_message(chat, "")
    del update["message"]["text"]
    update["message"]["photo"] = [{"file_id": "abc", "file_unique_id": "u", "width": 1, "height": 1}]
    assert telegram(running_assistant, update, RIGHT_TELEGRAM_SECRET)[0] == 200
    (call,) = fake_platform_apis.wait_for("telegram", str(chat), lambda calls: len(calls) >= 1)
    assert call.text.startswith("I can read typed messages only") and "emergency" in call.text


def test_telegram_a_button_press_is_acknowledged_and_answered(
    running_assistant: RunningAssistant, fake_platform_apis: FakePlatformApis
) -> None:
    chat = unique_id()
    press = {
        "update_id": unique_id(),
        "callback_query": {
            "id": f"cq-{chat}",
            "from": {"id": chat, "is_bot": False, "first_name": "Sam"},
            "message": {"message_id": 5, "date": 0, "chat": {"id": chat, "type": "private"}},
            "data": '/ask_topic{"topic": "why_screws_loosen"}',
        },
    }
    assert telegram(running_assistant, press, RIGHT_TELEGRAM_SECRET)[0] == 200
    acknowledged = [c for c in fake_platform_apis.calls if c.body.get("callback_query_id") == f"cq-{chat}"]
    assert [c.method for c in acknowledged] == ["answerCallbackQuery"]
    calls = fake_platform_apis.wait_for("telegram", str(chat), lambda calls: len(calls) >= 1)
    assert "Source:" in " ".join(c.text for c in calls)


def test_telegram_the_same_update_delivered_twice_is_answered_once(
    running_assistant: RunningAssistant, fake_platform_apis: FakePlatformApis
) -> None:
    chat = unique_id()
    update = telegram_message(chat, "thanks")
    assert telegram(running_assistant, update, RIGHT_TELEGRAM_SECRET)[0] == 200
    answered = len(fake_platform_apis.wait_for("telegram", str(chat), lambda calls: len(calls) >= 1))
    assert telegram(running_assistant, update, RIGHT_TELEGRAM_SECRET)[0] == 200
    time.sleep(1)
    assert len(fake_platform_apis.calls_to("telegram", str(chat))) == answered


def test_telegram_a_body_that_is_not_an_update_is_a_clear_400(running_assistant: RunningAssistant) -> None:
    url = running_assistant.rasa_url + "/webhooks/telegram/webhook"
    headers = {"X-Telegram-Bot-Api-Secret-Token": RIGHT_TELEGRAM_SECRET}
    for body in (b"{not json", b"\xff\xfe", b"[1, 2]", b'{"message": {}}'):
        status, text = post(url, body, headers)
        assert status == 400 and "update" in text


# --- Slack ------------------------------------------------------------------------------------------------


def slack_headers(body: bytes, timestamp: int | None = None, secret: str | None = None) -> Dict[str, str]:
    timestamp = int(time.time()) if timestamp is None else timestamp
    secret = PLATFORM_SECRETS["SLACK_SIGNING_SECRET"] if secret is None else secret
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:".encode() + body, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}


def slack_event(user: str, channel: str, text: str) -> bytes:
    event = {
        "type": "message",
        "channel_type": "im",
        "user": user,
        "channel": channel,
        "text": text,
        "ts": f"{time.time():.6f}",
    }
    envelope = {"type": "event_callback", "event_id": f"Ev{unique_id()}", "event": event, "authorizations": []}
    return json.dumps(envelope).encode()


def test_slack_a_signed_direct_message_is_answered(
    running_assistant: RunningAssistant, fake_platform_apis: FakePlatformApis
) -> None:
    channel = f"D{unique_id()}"
    body = slack_event("U1", channel, "hello")
    status, _ = post(running_assistant.rasa_url + "/webhooks/slack/webhook", body, slack_headers(body))
    assert status == 200
    calls = fake_platform_apis.wait_for("slack", channel, lambda calls: len(calls) >= 1)
    assert calls[0].method == "chat.postMessage" and calls[0].text.startswith("Hello. I answer questions")
    assert any(block["type"] == "actions" for block in calls[-1].body.get("blocks", []))


def test_slack_exposed_metal_gets_the_emergency_reply_first(
    running_assistant: RunningAssistant, fake_platform_apis: FakePlatformApis
) -> None:
    channel = f"D{unique_id()}"
    body = slack_event("U2", channel, EXPOSED_METAL)
    assert post(running_assistant.rasa_url + "/webhooks/slack/webhook", body, slack_headers(body))[0] == 200
    calls = fake_platform_apis.wait_for("slack", channel, lambda calls: len(calls) >= 1)
    assert calls[0].text.startswith(emergency_opening())


@pytest.mark.parametrize(
    "headers_for",
    [
        lambda body: {},
        lambda body: slack_headers(body, secret="not-the-signing-secret"),
        lambda body: slack_headers(body, timestamp=int(time.time()) - 6 * 60),  # a replay of an old request
        lambda body: {**slack_headers(b"another body"), "X-Slack-Request-Timestamp": str(int(time.time()))},
    ],
    ids=["missing", "wrong-secret", "replayed", "other-body"],
)
def test_slack_without_a_valid_fresh_signature_is_refused_and_not_handled(
    running_assistant: RunningAssistant, fake_platform_apis: FakePlatformApis, headers_for
) -> None:
    channel = f"D{unique_id()}"
    body = slack_event("U3", channel, EXPOSED_METAL)
    status, _ = post(running_assistant.rasa_url + "/webhooks/slack/webhook", body, headers_for(body))
    assert status == 401
    time.sleep(1)
    assert fake_platform_apis.calls_to("slack", channel) == []


def test_slack_url_verification_echoes_the_challenge_when_signed(running_assistant: RunningAssistant) -> None:
    body = json.dumps({"type": "url_verification", "challenge": "abc123", "token": "x"}).encode()
    status, text = post(running_assistant.rasa_url + "/webhooks/slack/webhook", body, slack_headers(body))
    assert status == 200 and "abc123" in text


# --- Messenger --------------------------------------------------------------------------------------------


def messenger_signature(body: bytes, secret: str | None = None) -> Dict[str, str]:
    secret = PLATFORM_SECRETS["FACEBOOK_APP_SECRET"] if secret is None else secret
    return {"X-Hub-Signature-256": "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()}


def messenger_delivery(sender: str, text: str) -> bytes:
    event = {
        "sender": {"id": sender},
        "recipient": {"id": "PAGE"},
        "timestamp": int(time.time() * 1000),
        "message": {"mid": f"m-{unique_id()}", "text": text},
    }
    return json.dumps({"object": "page", "entry": [{"id": "PAGE", "time": 0, "messaging": [event]}]}).encode()


def test_messenger_the_subscription_check_needs_the_verify_token(running_assistant: RunningAssistant) -> None:
    url = running_assistant.rasa_url + "/webhooks/facebook/webhook?"
    right = {
        "hub.mode": "subscribe",
        "hub.verify_token": PLATFORM_SECRETS["FACEBOOK_VERIFY_TOKEN"],
        "hub.challenge": "42",
    }
    with urllib.request.urlopen(url + urllib.parse.urlencode(right), timeout=10) as answer:
        assert answer.read() == b"42"
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(url + urllib.parse.urlencode({**right, "hub.verify_token": "guess"}), timeout=10)
    assert refused.value.code == 403


def test_messenger_a_signed_message_is_answered(
    running_assistant: RunningAssistant, fake_platform_apis: FakePlatformApis
) -> None:
    sender = str(unique_id())
    body = messenger_delivery(sender, "hello")
    status, _ = post(running_assistant.rasa_url + "/webhooks/facebook/webhook", body, messenger_signature(body))
    assert status == 200
    calls = fake_platform_apis.wait_for("facebook", sender, lambda calls: len(calls) >= 1)
    assert calls[0].text.startswith("Hello. I answer questions")
    assert calls[0].query["access_token"] == PLATFORM_SECRETS["FACEBOOK_PAGE_ACCESS_TOKEN"]
    assert calls[-1].body["message"].get("quick_replies")


def test_messenger_exposed_metal_gets_the_whole_emergency_reply_first(
    running_assistant: RunningAssistant, fake_platform_apis: FakePlatformApis
) -> None:
    sender = str(unique_id())
    body = messenger_delivery(sender, EXPOSED_METAL)
    assert post(running_assistant.rasa_url + "/webhooks/facebook/webhook", body, messenger_signature(body))[0] == 200
    calls = fake_platform_apis.wait_for("facebook", sender, lambda calls: len(calls) >= 1)
    assert calls[0].text.startswith(emergency_opening())
    assert all(len(c.text) <= 2000 for c in calls)


@pytest.mark.parametrize(
    "headers_for",
    [
        lambda body: {},
        lambda body: messenger_signature(body, secret="not-the-app-secret"),
        lambda body: {"X-Hub-Signature": "sha1=" + hmac.new(b"messenger-app-secret", body, hashlib.sha1).hexdigest()},
        lambda body: messenger_signature(body + b" "),
    ],
    ids=["missing", "wrong-secret", "sha1-only", "other-body"],
)
def test_messenger_without_a_valid_sha256_signature_is_refused_and_not_handled(
    running_assistant: RunningAssistant, fake_platform_apis: FakePlatformApis, headers_for
) -> None:
    sender = str(unique_id())
    body = messenger_delivery(sender, EXPOSED_METAL)
    status, _ = post(running_assistant.rasa_url + "/webhooks/facebook/webhook", body, headers_for(body))
    assert status == 403
    time.sleep(1)
    assert fake_platform_apis.calls_to("facebook", sender) == []

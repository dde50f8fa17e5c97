"""The messaging-platform channels' own logic: signatures, update parsing, splitting, replies to a fake API."""

from __future__ import annotations

import hashlib
import hmac
from typing import Iterator, List

import aiohttp
import pytest
from rasa.core.channels.channel import UserMessage

from assistant.channels.failures import emergency_instruction, failure_text
from assistant.channels.messenger import MessengerReplies, read_events, signature_is_valid
from assistant.channels.platform import (
    ChannelNotConfigured,
    RecentIds,
    handle_or_tell,
    platform_recipient,
    secrets_from_environment,
    split_for_platform,
)
from assistant.channels.rest import InvalidRequest, parse_request_body
from assistant.channels.slack import SlackReplies, told_on_failure
from assistant.channels.telegram import TelegramReplies, read_update
from tests.fakes.platform_apis import FakePlatformApis

APP_SECRET = "app-secret"
BODY = b'{"object": "page", "entry": []}'


@pytest.fixture(scope="module")
def fake_apis() -> Iterator[FakePlatformApis]:
    apis = FakePlatformApis().start()
    yield apis
    apis.stop()


def sha256_header(body: bytes, secret: str = APP_SECRET) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_a_messenger_signature_made_with_the_app_secret_is_valid() -> None:
    assert signature_is_valid(APP_SECRET, BODY, sha256_header(BODY))


@pytest.mark.parametrize(
    "header",
    [
        "",
        "sha256=",
        sha256_header(BODY, "another-secret"),
        sha256_header(BODY + b" "),
        "sha1=" + hmac.new(APP_SECRET.encode(), BODY, hashlib.sha1).hexdigest(),  # the legacy header's scheme
        "md5=" + hmac.new(APP_SECRET.encode(), BODY, hashlib.md5).hexdigest(),  # Rasa's check accepts this
    ],
    ids=["missing", "empty", "wrong-secret", "body-changed", "sha1", "md5"],
)
def test_a_messenger_signature_that_is_not_sha256_of_this_body_is_refused(header: str) -> None:
    assert not signature_is_valid(APP_SECRET, BODY, header)


def test_secrets_come_from_the_environment_and_a_missing_one_is_named() -> None:
    names = {"token": "A_TOKEN", "secret": "A_SECRET"}
    assert secrets_from_environment(names, {"A_TOKEN": "t", "A_SECRET": " s "}) == {"token": "t", "secret": "s"}
    with pytest.raises(ChannelNotConfigured, match="A_SECRET"):
        secrets_from_environment(names, {"A_TOKEN": "t", "A_SECRET": "  "})


def test_a_long_reply_is_split_at_paragraphs_and_nothing_is_dropped() -> None:
    paragraphs = ["This is a medical emergency. Call 999 now.", "x " * 900, "Source: a leaflet (https://example.org)."]
    text = "\n\n".join(paragraphs)
    parts = split_for_platform(text, 1000)
    assert all(len(part) <= 1000 for part in parts)
    assert parts[0].startswith("This is a medical emergency. Call 999 now.")
    assert " ".join(" ".join(parts).split()) == " ".join(text.split())


def test_a_word_longer_than_the_limit_is_split_inside_it() -> None:
    parts = split_for_platform("see https://example.org/" + "a" * 50, 20)
    assert all(len(part) <= 20 for part in parts)
    assert "".join(parts).replace(" ", "") == ("see https://example.org/" + "a" * 50).replace(" ", "")


def test_a_short_reply_is_one_part() -> None:
    assert split_for_platform("  Hello.  ", 4096) == ["Hello."]
    assert split_for_platform("   ", 4096) == []


def test_recent_ids_forget_the_oldest() -> None:
    ids = RecentIds(size=2)
    for identifier in ("a", "b", "c"):
        ids.add(identifier)
    assert not ids.seen("a") and ids.seen("b") and ids.seen("c")


def test_telegram_text_edits_buttons_and_captions_are_read() -> None:
    chat = {"id": 42, "type": "private"}
    text = read_update({"update_id": 1, "message": {"chat": chat, "text": "hi", "from": {"language_code": "en"}}})
    assert text is not None and (text.sender_id, text.text, text.metadata["language"]) == ("telegram-42", "hi", "en")
    edited = read_update({"update_id": 2, "edited_message": {"chat": chat, "text": "i can see the screw"}})
    assert edited is not None and edited.text == "i can see the screw" and edited.metadata["edited"]
    button = read_update({"update_id": 3, "callback_query": {"id": "cq", "data": "/affirm", "message": {"chat": chat}}})
    assert button is not None and (button.text, button.metadata["callback_query_id"]) == ("/affirm", "cq")
    caption = read_update({"update_id": 4, "message": {"chat": chat, "photo": [{}], "caption": "is this metal?"}})
    assert caption is not None and caption.text == "is this metal?"


def test_a_telegram_photo_without_words_is_read_as_empty_text() -> None:
    photo = read_update({"update_id": 5, "message": {"chat": {"id": 7}, "photo": [{"file_id": "x"}]}})
    assert photo is not None and photo.text == ""


def test_telegram_updates_without_a_user_message_are_not_read() -> None:
    assert read_update({"update_id": 6, "my_chat_member": {"chat": {"id": 1}}}) is None
    assert read_update({"update_id": 7, "poll": {"id": "p"}}) is None
    assert read_update({"update_id": 8, "message": {"text": "no chat"}}) is None


def test_every_messenger_event_of_a_batch_is_read_and_echoes_are_not() -> None:
    payload = {
        "object": "page",
        "entry": [
            {"messaging": [{"sender": {"id": "1"}, "message": {"mid": "m1", "text": "hello"}}]},
            {
                "messaging": [
                    {
                        "sender": {"id": "2"},
                        "message": {"mid": "m2", "text": "x", "quick_reply": {"payload": "/affirm"}},
                    },
                    {"sender": {"id": "3"}, "postback": {"payload": "/request_human", "title": "Talk"}},
                    {"sender": {"id": "4"}, "message": {"mid": "m4", "text": "echo", "is_echo": True}},
                    {"sender": {"id": "5"}, "delivery": {"mids": ["m1"]}},
                    {"sender": {"id": "6"}, "message": {"mid": "m6", "attachments": [{"type": "image"}]}},
                ]
            },
        ],
    }
    read = [(e.sender_id, e.text) for e in read_events(payload)]
    assert read == [
        ("facebook-1", "hello"),
        ("facebook-2", "/affirm"),
        ("facebook-3", "/request_human"),
        ("facebook-6", ""),
    ]


def test_platform_conversation_ids_give_back_the_platform_id() -> None:
    assert platform_recipient("telegram-42") == "42"
    assert platform_recipient("facebook-9") == "9"
    assert platform_recipient("web-abc") == "web-abc"


def test_the_rest_channel_refuses_a_platform_conversation_id() -> None:
    with pytest.raises(InvalidRequest) as refused:
        parse_request_body(b'{"sender": "telegram-42", "message": "hi"}')
    assert refused.value.status == 400 and "platform" in refused.value.message


async def test_telegram_buttons_are_an_inline_keyboard_one_per_row(fake_apis: FakePlatformApis) -> None:
    async with aiohttp.ClientSession() as session:
        replies = TelegramReplies("123:abc", fake_apis.environment()["TELEGRAM_API_URL"], session)
        buttons = [{"title": "Yes", "payload": "/affirm"}, {"title": "No", "payload": "/deny"}]
        await replies.send_text_with_buttons("telegram-501", "Can you see metal?", buttons)
        (call,) = fake_apis.calls_to("telegram", "501")
        assert call.method == "sendMessage" and call.text == "Can you see metal?"
        assert call.body["reply_markup"]["inline_keyboard"] == [
            [{"text": "Yes", "callback_data": "/affirm"}],
            [{"text": "No", "callback_data": "/deny"}],
        ]


async def test_telegram_buttons_with_payloads_too_long_for_callback_data_become_a_keyboard_of_titles(
    fake_apis: FakePlatformApis,
) -> None:
    async with aiohttp.ClientSession() as session:
        replies = TelegramReplies("123:abc", fake_apis.environment()["TELEGRAM_API_URL"], session)
        long_payload = '/ask_topic{"topic": "' + "t" * 60 + '"}'
        await replies.send_text_with_buttons(
            "telegram-502", "Pick one", [{"title": "A topic", "payload": long_payload}]
        )
        (call,) = fake_apis.calls_to("telegram", "502")
        assert call.body["reply_markup"]["keyboard"] == [[{"text": "A topic"}]]


async def test_a_long_telegram_reply_goes_in_parts_in_order(fake_apis: FakePlatformApis) -> None:
    async with aiohttp.ClientSession() as session:
        replies = TelegramReplies("123:abc", fake_apis.environment()["TELEGRAM_API_URL"], session)
        text = "First: the instruction.\n\n" + "word " * 1000
        await replies.send_text_message("telegram-503", text)
        calls = fake_apis.calls_to("telegram", "503")
        assert len(calls) >= 2 and calls[0].text.startswith("First: the instruction.")
        assert all(len(c.text) <= 4096 for c in calls)
        assert " ".join(c.text for c in calls).split() == text.split()


async def test_messenger_buttons_are_quick_replies_with_titles_cut_to_twenty_characters(
    fake_apis: FakePlatformApis,
) -> None:
    async with aiohttp.ClientSession() as session:
        replies = MessengerReplies("page-token", fake_apis.environment()["FACEBOOK_GRAPH_URL"], session)
        buttons = [{"title": "How often does this happen to people", "payload": "/ask_how_rare"}]
        await replies.send_text_with_buttons("facebook-601", "More?", buttons)
        (call,) = fake_apis.calls_to("facebook", "601")
        assert call.query["access_token"] == "page-token"
        (quick_reply,) = call.body["message"]["quick_replies"]
        assert quick_reply["payload"] == "/ask_how_rare" and len(quick_reply["title"]) <= 20


async def test_a_slack_message_pushed_outside_a_turn_goes_to_the_conversations_user(
    fake_apis: FakePlatformApis,
) -> None:
    """A staff reply through Rasa's HTTP API has no channel of its own: the app's DM with the user."""
    replies = SlackReplies("xoxb-test", fake_apis.environment()["SLACK_API_URL"])
    await replies.send_text_message("slack-U777", "Hi, this is the support team.")
    (call,) = fake_apis.calls_to("slack", "U777")
    assert call.method == "chat.postMessage" and call.text == "Hi, this is the support team."


class StoreDown(RuntimeError):
    """Stands for the conversation store failing while a message is handled."""


async def failing_handler(_: UserMessage) -> None:
    raise StoreDown("the tracker store is unreachable")


async def test_a_failed_telegram_message_is_told_about_once_however_often_telegram_redelivers_it(
    fake_apis: FakePlatformApis,
) -> None:
    async with aiohttp.ClientSession() as session:
        replies = TelegramReplies("123:abc", fake_apis.environment()["TELEGRAM_API_URL"], session)
        message = UserMessage("the screw is poking out of my back", replies, "telegram-504", input_channel="telegram")
        told = RecentIds()
        for _ in range(3):  # the first delivery and two retries during the outage
            with pytest.raises(StoreDown):  # re-raised: the webhook answers 500, Telegram delivers again
                await handle_or_tell(failing_handler, message, "update-504", told)
        (call,) = fake_apis.calls_to("telegram", "504")
        assert call.text == failure_text(StoreDown())
        assert call.text.endswith(emergency_instruction())


async def test_a_failure_reply_names_the_number_the_message_carried(fake_apis: FakePlatformApis) -> None:
    async with aiohttp.ClientSession() as session:
        replies = TelegramReplies("123:abc", fake_apis.environment()["TELEGRAM_API_URL"], session)
        metadata = {"emergency_number": "911"}
        message = UserMessage("my rod is showing", replies, "telegram-911", input_channel="telegram", metadata=metadata)
        with pytest.raises(StoreDown):
            await handle_or_tell(failing_handler, message, "update-911", RecentIds())
        (call,) = fake_apis.calls_to("telegram", "911")
        assert call.text == failure_text(StoreDown(), "911") and call.text.endswith(emergency_instruction("911"))


async def test_a_failed_slack_message_is_told_about_and_the_failure_goes_no_further(
    fake_apis: FakePlatformApis,
) -> None:
    handled: List[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        handled.append(message)
        raise StoreDown("the tracker store is unreachable")

    replies = SlackReplies("xoxb-test", fake_apis.environment()["SLACK_API_URL"], "D505")
    message = UserMessage("my rod is showing", replies, "slack-U505", input_channel="slack")
    await told_on_failure(on_new_message)(message)  # Rasa runs it as a background task: it must not raise
    (call,) = fake_apis.calls_to("slack", "D505")
    assert handled == [message] and call.text == failure_text(StoreDown())

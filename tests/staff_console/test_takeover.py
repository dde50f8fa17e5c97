"""Taking over a conversation from the console: what is sent to Rasa's HTTP API, what the page says,
and that a failure keeps the staff member's words."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from rasa.shared.core.events import ActionExecuted, UserUttered
from starlette.testclient import TestClient

from contract import STAFF_REPLY_KEY, STAFF_TAKEOVER_LAPSE_S, STAFF_TAKEOVER_SLOT
from evaluation.paths import ROOT
from staff_console.app import Console
from staff_console.takeover import (
    MAX_REPLY_CHARS,
    AssistantUnavailable,
    InvalidReply,
    RasaConversations,
    StaffMessages,
    checked_reply,
)
from staff_console.transcripts import read_live_state
from tests.fakes.rasa_api import FakeRasaApi
from tests.fakes.tracker_events import save
from tests.staff_console.helpers import SENDER, csrf_of, log_in, record

MESSAGES = StaffMessages("A member of the support team has joined.", "Handed back to the assistant.")
NOW = 1_800_000_000.0


def user_turn(text: str, channel: str) -> list:
    return [
        ActionExecuted("action_listen"),
        UserUttered(text, parse_data={"intent": {"name": "request_human", "confidence": 0.9}}, input_channel=channel),
    ]


@pytest.fixture
def rasa_api(console: Console) -> FakeRasaApi:
    api = FakeRasaApi(console.settings.conversations_url)
    console.assistant = RasaConversations("http://rasa.test", api.token, MESSAGES, api.transport(), clock=lambda: NOW)
    return api


@pytest.fixture
def flagged_widget_conversation(console: Console) -> None:
    save(console.settings.conversations_url, SENDER, user_turn("can I talk to a person", "socketio"))
    record(console, SENDER, "handoff", "2026-12-01T10:00:00+00:00", "ann@example.org", contact="ann@example.org")


def post(client: TestClient, path: str, **fields: str) -> httpx.Response:
    return client.post(path, data={"csrf_token": csrf_of(client), **fields})


def test_the_domain_says_what_the_user_is_told_when_staff_join_and_leave() -> None:
    messages = StaffMessages.from_domain(ROOT / "domain.yml")
    assert "support team has joined" in messages.joined
    assert "handed this chat back" in messages.handed_back


@pytest.mark.parametrize(
    ("text", "problem"),
    [("", "empty"), ("   \n ", "empty"), ("\x00\x07", "empty"), ("x" * (MAX_REPLY_CHARS + 1), "limit")],
)
def test_an_empty_or_oversized_reply_is_refused(text: str, problem: str) -> None:
    with pytest.raises(InvalidReply, match=problem):
        checked_reply(text)


def test_control_characters_are_dropped_and_line_breaks_kept() -> None:
    assert checked_reply("  Hello\x00 Ann,\nwe will call you.\x1b ") == "Hello Ann,\nwe will call you."


async def test_a_reply_goes_to_the_conversations_latest_channel_with_its_side_effects(console: Console) -> None:
    api = FakeRasaApi(console.settings.conversations_url)
    conversations = RasaConversations("http://rasa.test/", api.token, MESSAGES, api.transport(), clock=lambda: NOW)
    await conversations.reply("widget-a b/c", "ann", "  We will call you at 3pm. ", already_holding=False)
    sent = api.requests[0]
    assert sent["sender_id"] == "widget-a b/c"
    assert sent["params"] == {"output_channel": "latest", "execute_side_effects": "true", "token": api.token}
    assert sent["events"] == [
        {"event": "slot", "name": STAFF_TAKEOVER_SLOT, "value": {"staff": "ann", "since": NOW}},
        {"event": "active_loop", "name": None},
        {"event": "bot", "text": MESSAGES.joined, "metadata": {"utter_action": "utter_staff_joined"}},
        {"event": "bot", "text": "We will call you at 3pm.", "metadata": {STAFF_REPLY_KEY: True}},
    ]


async def test_a_reply_in_a_conversation_already_held_only_renews_the_hold(console: Console) -> None:
    api = FakeRasaApi(console.settings.conversations_url)
    conversations = RasaConversations("http://rasa.test", api.token, MESSAGES, api.transport(), clock=lambda: NOW)
    await conversations.reply(SENDER, "ann", "Still here.", already_holding=True)
    assert [e["event"] for e in api.requests[0]["events"]] == ["slot", "bot"]


async def test_handing_back_clears_the_hold_and_tells_the_user(console: Console) -> None:
    api = FakeRasaApi(console.settings.conversations_url)
    conversations = RasaConversations("http://rasa.test", api.token, MESSAGES, api.transport(), clock=lambda: NOW)
    await conversations.hand_back(SENDER)
    assert api.requests[0]["events"][0] == {"event": "slot", "name": STAFF_TAKEOVER_SLOT, "value": None}
    assert api.requests[0]["events"][1]["text"] == MESSAGES.handed_back


@pytest.mark.parametrize("failure", ["unreachable", "wrong token"])
async def test_an_api_that_is_down_or_refuses_raises_assistant_unavailable(console: Console, failure: str) -> None:
    api = FakeRasaApi(console.settings.conversations_url)
    api.failing = failure == "unreachable"
    token = "not the token" if failure == "wrong token" else api.token
    conversations = RasaConversations("http://rasa.test", token, MESSAGES, api.transport())
    with pytest.raises(AssistantUnavailable):
        await conversations.take_over(SENDER, "ann")


def test_the_live_state_reads_the_channel_and_the_hold_from_the_tracker_events(console: Console) -> None:
    url = console.settings.conversations_url
    save(url, SENDER, user_turn("hello", "telegram"))
    assert read_live_state(console.conversations.engine, SENDER, NOW).channel == "telegram"
    assert read_live_state(console.conversations.engine, SENDER, NOW).takeover is None


def test_taking_over_replying_and_handing_back_from_the_conversation_page(
    client: TestClient, console: Console, rasa_api: FakeRasaApi, flagged_widget_conversation: None
) -> None:
    log_in(client)
    page = client.get(f"/conversations/{SENDER}").text
    assert "The assistant is answering (the web chat)" in page and "Take over" in page

    assert post(client, f"/conversations/{SENDER}/take-over").status_code == 303
    held = client.get(f"/conversations/{SENDER}").text
    assert "<strong>ann</strong> has this conversation" in held and "Hand back to the assistant" in held

    assert post(client, f"/conversations/{SENDER}/reply", text="We will ring you in ten minutes.").status_code == 303
    transcript = client.get(f"/api/conversations/{SENDER}").json()
    assert transcript["takeover"]["staff"] == "ann"
    assert [t["speaker"] for t in transcript["turns"]][-2:] == ["bot", "staff"]
    assert transcript["turns"][-1]["text"] == "We will ring you in ten minutes."

    assert post(client, f"/conversations/{SENDER}/hand-back").status_code == 303
    assert client.get(f"/api/conversations/{SENDER}").json()["takeover"] is None
    actions = [e.action for e in console.audit.recent(target=SENDER) if e.action != "view_conversation"]
    assert actions == ["hand_back", "staff_reply", "take_over"]
    assert console.queue.status(SENDER)["acknowledged_by"] == "ann"


def test_the_audit_log_keeps_the_length_of_a_reply_not_its_words(
    client: TestClient, console: Console, rasa_api: FakeRasaApi, flagged_widget_conversation: None
) -> None:
    log_in(client)
    post(client, f"/conversations/{SENDER}/reply", text="Call us on 0161 496 0000.")
    entry = console.audit.recent(target=SENDER)[0]
    assert entry.action == "staff_reply" and entry.detail == "25 characters"


def test_a_failed_send_says_so_and_gives_the_draft_back(
    client: TestClient, console: Console, rasa_api: FakeRasaApi, flagged_widget_conversation: None
) -> None:
    log_in(client)
    rasa_api.failing = True
    response = post(client, f"/conversations/{SENDER}/reply", text="We will call you shortly.")
    assert response.status_code == 503
    assert "Not sent: the assistant&#39;s server could not be reached" in response.text
    assert ">We will call you shortly.</textarea>" in response.text
    assert all(e.action != "staff_reply" for e in console.audit.recent(target=SENDER))


def test_an_empty_reply_is_refused_with_the_reason(
    client: TestClient, console: Console, rasa_api: FakeRasaApi, flagged_widget_conversation: None
) -> None:
    log_in(client)
    response = post(client, f"/conversations/{SENDER}/reply", text="   ")
    assert response.status_code == 400 and "The reply is empty." in response.text
    assert rasa_api.requests == []


def test_a_rest_conversation_cannot_be_written_into_and_the_page_says_why(
    client: TestClient, console: Console, rasa_api: FakeRasaApi
) -> None:
    save(console.settings.conversations_url, SENDER, user_turn("can I talk to a person", "rest"))
    record(console, SENDER, "handoff", "2026-12-01T10:00:00+00:00", "ann@example.org")
    log_in(client)
    assert "which cannot show a message sent from here" in client.get(f"/conversations/{SENDER}").text
    response = post(client, f"/conversations/{SENDER}/reply", text="hello")
    assert response.status_code == 409 and rasa_api.requests == []


def test_without_an_api_token_replying_is_off_and_the_page_says_so(
    client: TestClient, console: Console, flagged_widget_conversation: None
) -> None:
    log_in(client)
    assert "Replying is off" in client.get(f"/conversations/{SENDER}").text
    assert post(client, f"/conversations/{SENDER}/take-over").status_code == 503


def test_a_hold_lapses_after_the_lapse_time_without_a_staff_event(
    client: TestClient, console: Console, rasa_api: FakeRasaApi, flagged_widget_conversation: None
) -> None:
    log_in(client)
    post(client, f"/conversations/{SENDER}/take-over")
    engine = console.conversations.engine
    assert read_live_state(engine, SENDER, NOW + STAFF_TAKEOVER_LAPSE_S - 1).takeover is not None
    assert read_live_state(engine, SENDER, NOW + STAFF_TAKEOVER_LAPSE_S).takeover is None


def test_an_unknown_conversation_cannot_be_taken_over(client: TestClient, rasa_api: FakeRasaApi) -> None:
    log_in(client)
    assert post(client, "/conversations/widget-nobody/take-over").status_code == 404
    assert client.get("/api/conversations/widget-nobody").status_code == 404
    assert rasa_api.requests == []


def test_the_conversation_page_updates_its_transcript_by_itself(
    client: TestClient, flagged_widget_conversation: None, tmp_path: Path
) -> None:
    log_in(client)
    page = client.get(f"/conversations/{SENDER}").text
    assert f'data-source="/api/conversations/{SENDER}"' in page and "/static/conversation.js" in page
    assert client.get("/static/conversation.js").status_code == 200

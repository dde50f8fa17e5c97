"""ActionAnswerTopic answers each topic from the content file: text, source line and buttons."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answering import ActionAnswerTopic
from actions.content_base import load_content_base
from actions.content_reload import ReloadingContentBase
from tests.actions.conftest import CONTENT_DATE, CONTENT_DIR, make_tracker, on_content_date

CONTENT = load_content_base(CONTENT_DIR, CONTENT_DATE)
QUESTION_INTENTS = sorted(
    intent
    for intent in CONTENT.intent_topics
    if intent.startswith("ask_") or intent in ("bot_challenge", "out_of_scope")
)


@pytest.fixture(scope="module")
def action() -> ActionAnswerTopic:
    return ActionAnswerTopic(ReloadingContentBase(CONTENT_DIR, on_content_date))


def topic_file(intent: str) -> dict:
    return yaml.safe_load((CONTENT_DIR / "topics" / f"{CONTENT.intent_topics[intent]}.yml").read_text())


@pytest.mark.parametrize("intent", QUESTION_INTENTS)
async def test_each_topic_is_answered_from_its_content_file(action: ActionAnswerTopic, intent: str) -> None:
    entry = topic_file(intent)
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, make_tracker(intent), {})

    [message] = dispatcher.messages
    assert message["text"].startswith(
        entry["answer"].strip().replace("{emergency_number}", "your local emergency number")
    )
    first_source = entry["sources"][0]
    source_line = f'Source: {first_source["publisher"]}, "{first_source["title"]}" ({first_source["url"]})'
    reminder = CONTENT.reminder.replace("{emergency_number}", "your local emergency number")
    # The instruction, then the reminder, then the sources: never the sources first.
    assert message["text"].index(reminder) < message["text"].index(source_line)
    assert message["text"].endswith("awaiting clinical review.")
    assert [b["title"] for b in message["buttons"]] == [CONTENT.topics[t].button_title for t in entry["follow_ups"]]
    assert events == [SlotSet("last_topic", entry["id"])]


async def test_a_button_asks_for_its_topic(action: ActionAnswerTopic) -> None:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("ask_topic", entities=[{"entity": "topic", "value": "risk_factors"}])
    await action.run(dispatcher, tracker, {})
    assert dispatcher.messages[0]["text"].startswith(CONTENT.topics["risk_factors"].answer.strip())


async def test_small_screens_get_the_short_answer(action: ActionAnswerTopic) -> None:
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, make_tracker("ask_how_rare", channel="telegram"), {})
    short_answer = CONTENT.topics["how_rare"].short_answer.replace("{emergency_number}", "your local emergency number")
    assert dispatcher.messages[0]["text"].startswith(short_answer)


async def test_channels_without_buttons_get_numbered_choices(action: ActionAnswerTopic) -> None:
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, make_tracker("ask_how_rare", channel="twilio"), {})
    [message] = dispatcher.messages
    assert message["buttons"] == []
    follow_up = CONTENT.topics[CONTENT.topics["how_rare"].follow_ups[0]]
    assert f"1. {follow_up.button_title}" in message["text"]


async def test_the_emergency_number_slot_is_used(action: ActionAnswerTopic) -> None:
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, make_tracker("ask_how_rare", slots={"emergency_number": "999"}), {})
    assert "call 999 now" in dispatcher.messages[0]["text"]


async def test_an_unknown_topic_falls_back(action: ActionAnswerTopic) -> None:
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, make_tracker("ask_topic", entities=[{"entity": "topic", "value": "nope"}]), {})
    assert dispatcher.messages[0]["response"] == "utter_default"


async def test_drafts_are_not_served_when_the_base_says_so(tmp_path: Path, content_copy: Path) -> None:
    base = content_copy / "base.yml"
    base.write_text(base.read_text().replace("serve_drafts: true", "serve_drafts: false"))
    action = ActionAnswerTopic(ReloadingContentBase(content_copy, on_content_date))
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, make_tracker("ask_how_rare"), {})
    assert dispatcher.messages[0]["response"] == "utter_default"

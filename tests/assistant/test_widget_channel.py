"""The widget channel's own logic: reply shape (sources, emergency flag), history."""

from __future__ import annotations

from typing import Any, Dict, List

import yaml

from actions.content_base import load_content_base
from actions.rendering import parse_source_line, source_line
from assistant.channels.widget_messages import history_messages, widget_message
from evaluation.paths import ROOT
from tests.conftest import CONTENT_DATE, CONTENT_DIR, emergency_opening


def domain_text(response: str) -> str:
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    return domain["responses"][response][0]["text"].replace("{emergency_number}", "999")


def test_every_source_line_the_content_base_renders_is_read_back_whole() -> None:
    content = load_content_base(CONTENT_DIR, CONTENT_DATE)
    for topic in content.topics.values():
        locale = content.locale(topic.language)
        parsed = parse_source_line(source_line(topic, locale))
        assert parsed is not None, topic.id
        sources, review = parsed
        assert [(s.publisher, s.title, s.url) for s in sources] == [
            (s.publisher, s.title, s.url) for s in topic.sources
        ]
        assert review and review[0].isupper()


def test_a_paragraph_that_is_not_a_source_line_is_not_read_as_one() -> None:
    assert parse_source_line("Note: call your surgeon.") is None
    assert parse_source_line("This is a medical emergency.") is None


def test_the_emergency_reply_is_flagged_with_its_number_and_its_sources_become_links() -> None:
    message = widget_message(
        domain_text("utter_emergency_exposed_hardware"), None, "utter_emergency_exposed_hardware", "999"
    )
    assert message["emergency"] == {"number": "999", "tel": "999"}
    assert message["text"].startswith(emergency_opening())
    assert "Source:" not in message["text"] and "https://" not in message["text"]
    assert all(s["url"].startswith("https://") and s["publisher"] and s["title"] for s in message["sources"])
    assert message["review"]


def test_an_emergency_without_a_known_number_has_no_call_link() -> None:
    message = widget_message(
        "This is a medical emergency.", None, "utter_emergency_neurological", "your local emergency number"
    )
    assert message["emergency"] == {"number": "your local emergency number", "tel": None}


def test_a_warning_signs_reply_is_not_an_emergency_banner() -> None:
    text = domain_text("utter_urgent_warning_signs")
    assert widget_message(text, [], "utter_urgent_warning_signs", "999")["emergency"] is None


def test_history_shows_the_users_words_and_a_button_click_as_its_title() -> None:
    buttons = [{"title": "Loose screws", "payload": '/ask_topic{"topic": "why_screws_loosen"}'}]
    events: List[Dict[str, Any]] = [
        {"event": "action", "name": "action_listen"},
        {"event": "user", "text": "hello"},
        {"event": "bot", "text": "Hello.", "data": {"buttons": buttons}, "metadata": {"utter_action": "utter_greet"}},
        {"event": "user", "text": '/ask_topic{"topic": "why_screws_loosen"}'},
        {"event": "user", "text": "i can see the screw"},
        {
            "event": "bot",
            "text": domain_text("utter_emergency_exposed_hardware"),
            "data": {},
            "metadata": {"utter_action": "utter_emergency_exposed_hardware"},
        },
    ]
    shown = history_messages(events, "999")
    assert [(m["sender"], m["text"][:20]) for m in shown][:4] == [
        ("user", "hello"),
        ("bot", "Hello."),
        ("user", "Loose screws"),
        ("user", "i can see the screw"),
    ]
    assert shown[-1]["emergency"] == {"number": "999", "tel": "999"}
    assert shown[1]["buttons"] == buttons


def test_a_staff_members_message_is_marked_as_the_support_teams_live_and_in_the_history() -> None:
    assert widget_message("We will call you.", from_staff=True)["from_staff"] is True
    assert widget_message("Hello!")["from_staff"] is False
    events = [
        {"event": "bot", "text": "We will call you.", "metadata": {"staff_reply": True}},
        {"event": "bot", "text": "Ask me anything.", "metadata": {"utter_action": "utter_greet"}},
    ]
    assert [m["from_staff"] for m in history_messages(events, "999")] == [True, False]


async def test_a_staff_reply_pushed_through_rasas_api_reaches_the_room_marked_as_staff() -> None:
    from assistant.channels.widget import WidgetOutput

    class Room:
        def __init__(self) -> None:
            self.sent: List[Dict[str, Any]] = []

        async def emit(self, event: str, message: Dict[str, Any], room: str) -> None:
            self.sent.append({"event": event, "room": room, **message})

    sio = Room()
    # Rasa's execute_side_effects calls send_response with the bot event's metadata as keys.
    await WidgetOutput(sio, "bot_uttered", "999").send_response(
        "widget-1", {"text": "We will call you.", "staff_reply": True, "timestamp": 1.0}
    )
    [sent] = sio.sent
    assert (sent["event"], sent["room"], sent["text"], sent["from_staff"]) == (
        "bot_uttered",
        "widget-1",
        "We will call you.",
        True,
    )


def test_an_event_of_any_shape_reaches_the_handler_as_one_object_or_nothing() -> None:
    from assistant.channels.widget import single_dict

    assert single_dict(({"message": "hi"},)) == {"message": "hi"}
    assert single_dict(()) == {}  # emitted with no payload
    assert single_dict((1, 2)) == {}  # a list is sent as several arguments
    assert single_dict((b"\x00\xff",)) == {}
    assert single_dict(("text",)) == {}

"""ActionAnswerTopic: answer the topic the user's intent maps to, from the content base."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.content_base import ContentBase, Topic
from actions.content_reload import ReloadingContentBase
from actions.rendering import render_topic
from contract import DEFAULT_EMERGENCY_NUMBER


def emergency_number(tracker: Tracker) -> str:
    return tracker.get_slot("emergency_number") or DEFAULT_EMERGENCY_NUMBER


def utter_topic(dispatcher: CollectingDispatcher, tracker: Tracker, content: ContentBase, topic: Topic | None) -> bool:
    """Send `topic` rendered for the user's channel; the fallback reply when it is missing or not servable.

    Returns whether the topic itself was sent.
    """
    if topic is None or not content.servable(topic):
        dispatcher.utter_message(response="utter_default")
        return False
    rendered = render_topic(content, topic, tracker.get_latest_input_channel(), emergency_number(tracker))
    dispatcher.utter_message(text=rendered.text, buttons=rendered.buttons)
    return True


class ActionAnswerTopic(Action):
    """Answers with the vetted topic for the latest intent (or a button's topic).

    Args:
        content: the content base, passed in; it reloads itself on edits.
    """

    def __init__(self, content: ReloadingContentBase) -> None:
        self._content = content

    def name(self) -> str:
        return "action_answer_topic"

    def _topic(self, content: ContentBase, tracker: Tracker) -> Topic | None:
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "ask_topic":
            topic_id = next(tracker.get_latest_entity_values("topic"), None)
            return content.topics.get(topic_id) if topic_id else None
        return content.topic_for_intent(intent) if intent else None

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        content = self._content.get()
        topic = self._topic(content, tracker)
        sent = utter_topic(dispatcher, tracker, content, topic)
        return [SlotSet("last_topic", topic.id)] if sent and topic is not None else []

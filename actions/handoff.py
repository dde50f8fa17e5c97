"""ActionHandoff: flag the conversation for the support team and say how to reach a person."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answering import utter_topic
from actions.content_reload import ReloadingContentBase
from actions.triage import TriageLog, event_from_tracker

HANDOFF_TOPIC = "handoff"


class ActionHandoff(Action):
    """Records a handoff request with the contact the user gave, then answers.

    The conversation is never paused: later messages, emergencies included,
    are still handled by the assistant.
    """

    def __init__(self, content: ReloadingContentBase, log: TriageLog) -> None:
        self._content = content
        self._log = log

    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        contact = tracker.get_slot("handoff_contact")
        self._log.record(event_from_tracker(tracker, category="handoff", contact=contact))
        content = self._content.get()
        utter_topic(dispatcher, tracker, content, content.topics.get(HANDOFF_TOPIC))
        return [SlotSet("handoff_contact", None)]

"""ActionHandoff: flag the conversation for the support team and say how to reach a person."""

from __future__ import annotations

import datetime as dt
from typing import Any, Callable, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.answering import utter_topic
from actions.contacts import find_contacts
from actions.content_reload import ReloadingContentBase
from actions.support_hours import SupportHours, handoff_hours_message
from actions.triage import TriageLog, event_from_tracker

HANDOFF_TOPIC = "handoff"
CONTACT_SLOT = "handoff_contact"


class ValidateHandoffForm(FormValidationAction):
    """Accepts the contact answer only when it holds a phone number or an e-mail address; otherwise
    says what is needed and the form asks again ("my name is Ann" is no way to reach Ann)."""

    def name(self) -> str:
        return "validate_handoff_form"

    def validate_handoff_contact(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if find_contacts(str(slot_value or "")):
            return {CONTACT_SLOT: str(slot_value).strip()}
        dispatcher.utter_message(response="utter_handoff_contact_invalid")
        return {CONTACT_SLOT: None}


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


class ActionHandoff(Action):
    """Records a handoff request with the contact the user gave, then answers: what the team can
    and cannot do, the emergency advice (the handoff topic), and when the team works and how soon
    it answers (the support hours).

    The conversation is never paused: later messages, emergencies included, are still handled by
    the assistant (while staff have it, assistant/staff_takeover.py keeps the bot to safety replies).
    """

    def __init__(
        self,
        content: ReloadingContentBase,
        log: TriageLog,
        hours: SupportHours,
        clock: Callable[[], dt.datetime] = utc_now,
    ) -> None:
        self._content = content
        self._log = log
        self._hours = hours
        self._clock = clock

    def name(self) -> str:
        return "action_handoff"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        contact = tracker.get_slot(CONTACT_SLOT)
        self._log.record(event_from_tracker(tracker, category="handoff", contact=contact))
        content = self._content.get()
        utter_topic(dispatcher, tracker, content, content.topics.get(HANDOFF_TOPIC))
        response, variables = handoff_hours_message(self._hours, self._clock())
        dispatcher.utter_message(response=response, **variables)
        return [SlotSet(CONTACT_SLOT, None)]

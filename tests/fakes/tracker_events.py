"""Conversations as Rasa's SQL tracker store keeps them, for tests that read its `events` table."""

from __future__ import annotations

import asyncio
from typing import List

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker


def emergency_turn(text: str = "the screw is poking out of my back") -> List[Event]:
    parse = {
        "text": text,
        "intent": {"name": "report_exposed_hardware", "confidence": 0.97},
        "entities": [],
        "safety": {"category": "exposed_hardware", "evidence": [{"text": "screw is poking out"}]},
    }
    return [
        ActionExecuted("action_listen"),
        UserUttered(text, parse_data=parse, input_channel="rest"),
        ActionExecuted("utter_emergency_exposed_hardware"),
        BotUttered("This is a medical emergency."),
    ]


def handoff_turn(contact: str | None) -> List[Event]:
    return [
        ActionExecuted("action_listen"),
        UserUttered(contact or "no thanks", parse_data={"intent": {"name": "inform", "confidence": 0.9}}),
        SlotSet("handoff_contact", contact),
    ]


def save(url: str, sender: str, events: List[Event]) -> DialogueStateTracker:
    """What the Rasa server stores while the action server is down."""
    store = SQLTrackerStore(**sql_store_settings(url))
    tracker = DialogueStateTracker.from_events(sender, events)
    asyncio.new_event_loop().run_until_complete(store.save(tracker))
    store.engine.dispose()
    return tracker


def sql_store_settings(url: str) -> dict:
    parsed = sa.engine.make_url(url)
    return {
        "dialect": parsed.drivername,
        "host": parsed.host,
        "port": parsed.port,
        "db": parsed.database,
        "username": parsed.username,
    }

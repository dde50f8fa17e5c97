"""A conversation's transcript, read from the tracker store's `events` table (Rasa's SQLTrackerStore)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any, List

import sqlalchemy as sa

from actions.triage_rebuild import EVENTS
from assistant.takeover_state import takeover_is_active
from contract import STAFF_REPLY_KEY, STAFF_TAKEOVER_LAPSE_S, STAFF_TAKEOVER_SLOT
from staff_console.masking import mask_contacts


@dataclass(frozen=True)
class Turn:
    at: str
    speaker: str  # "user", "bot" or "staff" (a staff member's reply from the console)
    text: str  # contacts masked
    intent: str | None = None


def _iso(timestamp: float | None) -> str:
    return dt.datetime.fromtimestamp(float(timestamp or 0.0), dt.timezone.utc).isoformat(timespec="seconds")


def read_transcript(engine: sa.engine.Engine, sender_id: str, limit: int = 500) -> List[Turn]:
    """The user's and the bot's messages in `sender_id`'s conversation, oldest first (the newest `limit`)."""
    if not sa.inspect(engine).has_table("events"):
        return []
    query = (
        sa.select(EVENTS.c.timestamp, EVENTS.c.type_name, EVENTS.c.data)
        .where(EVENTS.c.sender_id == sender_id, EVENTS.c.type_name.in_(["user", "bot"]))
        .order_by(EVENTS.c.id.desc())
        .limit(limit)
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    turns = []
    for row in reversed(rows):
        data = json.loads(row.data or "{}")
        intent = ((data.get("parse_data") or {}).get("intent") or {}).get("name") if row.type_name == "user" else None
        speaker = "staff" if (data.get("metadata") or {}).get(STAFF_REPLY_KEY) else row.type_name
        # The bot's own replies come from the content base: nothing of the user's to mask, and their
        # dates ("written 2026-12-01") are not phone numbers.
        text = (data.get("text") or "") if speaker == "bot" else mask_contacts(data.get("text"))
        turns.append(Turn(_iso(row.timestamp), speaker, text, intent))
    return turns


@dataclass(frozen=True)
class Takeover:
    """Who holds a conversation for staff, and until when the bot stays quiet."""

    staff: str
    since: str
    lapses_at: str


@dataclass(frozen=True)
class LiveState:
    """The channel the user last wrote from, and the takeover in force (None: the bot answers)."""

    channel: str | None
    takeover: Takeover | None


def read_live_state(engine: sa.engine.Engine, sender_id: str, now: float) -> LiveState:
    """From the tracker events: the latest input channel and the `staff_takeover` slot's latest value."""
    if not sa.inspect(engine).has_table("events"):
        return LiveState(None, None)
    latest_user = (
        sa.select(EVENTS.c.data)
        .where(EVENTS.c.sender_id == sender_id, EVENTS.c.type_name == "user")
        .order_by(EVENTS.c.id.desc())
        .limit(1)
    )
    latest_takeover = (
        sa.select(EVENTS.c.data)
        .where(
            EVENTS.c.sender_id == sender_id,
            EVENTS.c.type_name == "slot",
            EVENTS.c.data.like(f'%"{STAFF_TAKEOVER_SLOT}"%'),
        )
        .order_by(EVENTS.c.id.desc())
        .limit(1)
    )
    with engine.connect() as connection:
        user = connection.execute(latest_user).scalar()
        slot = connection.execute(latest_takeover).scalar()
    channel = json.loads(user).get("input_channel") if user else None
    value = json.loads(slot).get("value") if slot else None
    return LiveState(channel, _takeover(value, now))


def _takeover(value: Any, now: float) -> Takeover | None:
    if not takeover_is_active(value, now):
        return None
    since = float(value["since"])
    return Takeover(str(value.get("staff", "")), _iso(since), _iso(since + STAFF_TAKEOVER_LAPSE_S))

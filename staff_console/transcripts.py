"""A conversation's transcript, read from the tracker store's `events` table (Rasa's SQLTrackerStore)."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from typing import List

import sqlalchemy as sa

from actions.triage_rebuild import EVENTS
from staff_console.masking import mask_contacts


@dataclass(frozen=True)
class Turn:
    at: str
    speaker: str  # "user" or "bot"
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
        turns.append(Turn(_iso(row.timestamp), row.type_name, mask_contacts(data.get("text")), intent))
    return turns

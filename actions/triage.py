"""The triage record: every emergency, urgent report and handoff, kept for staff."""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Dict, List

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from contract import RESPONSE_TRIAGE_CATEGORIES

if TYPE_CHECKING:  # staff_alert imports TriageEvent from here
    from actions.staff_alert import StaffAlerter

SCHEMA = """
CREATE TABLE IF NOT EXISTS triage_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    sender_id TEXT NOT NULL,
    category TEXT NOT NULL,
    intent TEXT,
    message TEXT,
    channel TEXT,
    details TEXT NOT NULL
)
"""


@dataclass(frozen=True)
class TriageEvent:
    sender_id: str
    category: str
    intent: str | None
    message: str | None
    channel: str | None
    details: Dict[str, Any]
    created_at: str = ""


class TriageLog:
    """An append-only SQLite table of triage events.

    Args:
        path: the database file; its folder must exist.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        with self._connect() as connection:
            connection.execute(SCHEMA)

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._path, timeout=5)

    def record(self, event: TriageEvent) -> int:
        created_at = event.created_at or dt.datetime.now(dt.timezone.utc).isoformat()
        with self._connect() as connection:
            cursor = connection.execute(
                "INSERT INTO triage_events (created_at, sender_id, category, intent, message, channel, details)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    created_at,
                    event.sender_id,
                    event.category,
                    event.intent,
                    event.message,
                    event.channel,
                    json.dumps(event.details, sort_keys=True),
                ),
            )
            return int(cursor.lastrowid or 0)

    def recent(self, limit: int = 50) -> List[TriageEvent]:
        with self._connect() as connection:
            rows = connection.execute(
                "SELECT created_at, sender_id, category, intent, message, channel, details"
                " FROM triage_events ORDER BY id DESC LIMIT ?",
                (limit,),
            ).fetchall()
        return [
            TriageEvent(
                created_at=row[0],
                sender_id=row[1],
                category=row[2],
                intent=row[3],
                message=row[4],
                channel=row[5],
                details=json.loads(row[6]),
            )
            for row in rows
        ]


def category_of_last_reply(tracker: Tracker) -> str:
    """The category of the latest safety reply in this turn, or "other"."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "action" and event.get("name") in RESPONSE_TRIAGE_CATEGORIES:
            return RESPONSE_TRIAGE_CATEGORIES[event["name"]]
    return "other"


def event_from_tracker(tracker: Tracker, category: str | None = None, **details: Any) -> TriageEvent:
    latest = tracker.latest_message or {}
    intent = (latest.get("intent") or {}).get("name")
    safety = latest.get("safety")
    if safety:
        details = {**details, "safety": safety}
    return TriageEvent(
        sender_id=tracker.sender_id,
        category=category or category_of_last_reply(tracker),
        intent=intent,
        message=latest.get("text"),
        channel=tracker.get_latest_input_channel(),
        details=details,
    )


class ActionRecordTriage(Action):
    """Records the latest report for staff, and starts paging them for an emergency (in the
    background: the action returns at once). Runs after the safety reply was sent."""

    def __init__(self, log: TriageLog, alerter: "StaffAlerter | None" = None) -> None:
        self._log = log
        self._alerter = alerter

    def name(self) -> str:
        return "action_record_triage"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        event = event_from_tracker(tracker)
        self._log.record(event)
        if self._alerter is not None:
            self._alerter.alert(event)
        return []

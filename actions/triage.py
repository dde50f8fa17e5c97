"""The triage record: every emergency, urgent report and handoff, kept for staff.

It lives in the tracker store's own SQL database (SQLite by default, PostgreSQL at scale), so
`actions/triage_rebuild.py` can rebuild from the conversations' events a record the action
server missed while it was down. Each record is keyed by conversation, category and the
timestamp of the user message that raised it, so the action's record and a rebuilt one of the
same message are written once.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, List, Mapping

import sqlalchemy as sa
import sqlalchemy.exc
from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from contract import RESPONSE_TRIAGE_CATEGORIES

if TYPE_CHECKING:  # staff_alert imports TriageEvent from here
    from actions.staff_alert import StaffAlerter

DEFAULT_TRACKER_DB = ".rasa-data/conversations.db"

metadata = sa.MetaData()
triage_events = sa.Table(
    "triage_events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("created_at", sa.String(40), nullable=False),
    # The tracker timestamp of the user message that raised it (0 when there was none).
    sa.Column("message_at", sa.Float, nullable=False),
    sa.Column("sender_id", sa.String(255), nullable=False),
    sa.Column("category", sa.String(64), nullable=False),
    sa.Column("intent", sa.String(255)),
    sa.Column("message", sa.Text),
    sa.Column("channel", sa.String(255)),
    # "action": written by the action as it happened; "rebuilt": from the tracker events later.
    sa.Column("source", sa.String(16), nullable=False),
    sa.Column("details", sa.Text, nullable=False),
    sa.UniqueConstraint("sender_id", "category", "message_at", name="triage_once_per_message"),
)


def triage_database_url(environ: Mapping[str, str]) -> str:
    """`TRIAGE_DATABASE_URL`, or else the SQLite tracker store's file (`TRACKER_DB`)."""
    url = environ.get("TRIAGE_DATABASE_URL", "").strip()
    if url:
        return url
    return f"sqlite:///{environ.get('TRACKER_DB', DEFAULT_TRACKER_DB)}"


def shown_url(url: str) -> str:
    """`url` fit for a log line or an error message: without its password."""
    return sa.engine.make_url(url).render_as_string(hide_password=True)


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()


@dataclass(frozen=True)
class TriageEvent:
    sender_id: str
    category: str
    intent: str | None
    message: str | None
    channel: str | None
    details: Dict[str, Any]
    created_at: str = ""
    message_at: float = 0.0
    source: str = "action"


@dataclass
class TriageLog:
    """The `triage_events` table in the database at `url` (created if missing).

    Args:
        url: an SQLAlchemy URL, e.g. ``sqlite:///.rasa-data/conversations.db``.
    """

    url: str
    engine: sa.engine.Engine = field(init=False, repr=False)

    def __post_init__(self) -> None:
        connect_args = {"timeout": 5} if self.url.startswith("sqlite") else {}
        self.engine = sa.create_engine(self.url, future=True, connect_args=connect_args)
        metadata.create_all(self.engine)

    def record(self, event: TriageEvent, only_if: "sa.sql.ColumnElement[bool] | None" = None) -> bool:
        """Write `event`; False when the same message's record of that category is already there, or
        when `only_if` (a condition checked in the same statement) does not hold."""
        row = {
            "created_at": event.created_at or now_iso(),
            "message_at": event.message_at,
            "sender_id": event.sender_id,
            "category": event.category,
            "intent": event.intent,
            "message": event.message,
            "channel": event.channel,
            "source": event.source,
            "details": json.dumps(event.details, sort_keys=True),
        }
        if only_if is None:
            statement = triage_events.insert().values(**row)
        else:
            columns = list(row)
            values = sa.select(*(sa.literal(row[c], triage_events.c[c].type) for c in columns)).where(only_if)
            statement = triage_events.insert().from_select(columns, values)
        try:
            with self.engine.begin() as connection:
                written = connection.execute(statement).rowcount
        except sqlalchemy.exc.IntegrityError:
            return False
        return written != 0

    def recent(self, limit: int = 50) -> List[TriageEvent]:
        query = sa.select(triage_events).order_by(triage_events.c.id.desc()).limit(limit)
        with self.engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [
            TriageEvent(
                sender_id=row["sender_id"],
                category=row["category"],
                intent=row["intent"],
                message=row["message"],
                channel=row["channel"],
                details=json.loads(row["details"]),
                created_at=row["created_at"],
                message_at=row["message_at"],
                source=row["source"],
            )
            for row in rows
        ]

    def dispose(self) -> None:
        self.engine.dispose()


def category_of_last_reply(tracker: Tracker) -> str:
    """The category of the latest safety reply in this turn, or "other"."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            break
        if event.get("event") == "action" and event.get("name") in RESPONSE_TRIAGE_CATEGORIES:
            return RESPONSE_TRIAGE_CATEGORIES[event["name"]]
    return "other"


def latest_user_timestamp(tracker: Tracker) -> float:
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return float(event.get("timestamp") or 0.0)
    return 0.0


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
        message_at=latest_user_timestamp(tracker),
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
        if self._log.record(event) and self._alerter is not None:
            self._alerter.alert(event)  # not again for a record the rebuild wrote (and paged) first
        return []

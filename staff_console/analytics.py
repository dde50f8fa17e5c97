"""Question analytics for staff: what people ask, what goes unanswered, emergencies, handoffs, and how
fast staff acknowledge. Counted from the tracker store's user events and the triage record, per UTC day.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Dict, Iterable, List, Sequence, Tuple

import sqlalchemy as sa

from actions.triage import triage_events
from actions.triage_rebuild import EVENTS
from contract import FALLBACK_INTENT, OUT_OF_SCOPE_INTENT, TOPIC_QUESTION_INTENTS, TRIAGE_SEVERITY
from staff_console.audit import AuditEntry
from staff_console.event_feed import FeedStore
from staff_console.masking import mask_contacts

UNANSWERED_INTENTS = (FALLBACK_INTENT, OUT_OF_SCOPE_INTENT)


@dataclass(frozen=True)
class UserMessage:
    sender_id: str
    at: dt.datetime
    intent: str | None
    text: str = ""  # contacts masked; read only for the unanswered ones


@dataclass(frozen=True)
class Day:
    day: dt.date
    conversations: int
    messages: int
    topic_questions: int
    fallback: int
    out_of_scope: int
    emergencies: int
    handoffs: int

    @property
    def unanswered_share(self) -> float:
        return (self.fallback + self.out_of_scope) / self.messages if self.messages else 0.0


@dataclass
class Report:
    since: dt.date
    until: dt.date
    days: List[Day]
    topics: Dict[str, Dict[dt.date, int]]  # intent -> day -> questions
    unanswered: List[UserMessage]  # newest first
    acknowledge_minutes: List[float] = field(default_factory=list)

    @property
    def median_minutes_to_acknowledge(self) -> float | None:
        return statistics.median(self.acknowledge_minutes) if self.acknowledge_minutes else None

    def totals(self) -> Dict[str, float]:
        messages = sum(d.messages for d in self.days)
        return {
            "conversations": sum(d.conversations for d in self.days),
            "messages": messages,
            "topic_questions": sum(d.topic_questions for d in self.days),
            "fallback_share": sum(d.fallback for d in self.days) / messages if messages else 0.0,
            "out_of_scope_share": sum(d.out_of_scope for d in self.days) / messages if messages else 0.0,
            "emergencies": sum(d.emergencies for d in self.days),
            "handoffs": sum(d.handoffs for d in self.days),
        }

    def topic_totals(self) -> List[Tuple[str, int]]:
        """Every topic question intent with its count over the period, most asked first."""
        totals = {intent: sum(self.topics.get(intent, {}).values()) for intent in sorted(TOPIC_QUESTION_INTENTS)}
        return sorted(totals.items(), key=lambda item: (-item[1], item[0]))


def _day(timestamp: float) -> dt.datetime:
    return dt.datetime.fromtimestamp(float(timestamp or 0.0), dt.timezone.utc)


def _parse_iso(value: str) -> dt.datetime:
    return dt.datetime.fromisoformat(value)


def read_user_messages(engine: sa.engine.Engine, since: dt.date) -> List[UserMessage]:
    """The user messages since `since` (UTC); the words only of those that went unanswered."""
    if not sa.inspect(engine).has_table("events"):
        return []
    start = dt.datetime.combine(since, dt.time(), dt.timezone.utc).timestamp()
    unanswered = EVENTS.c.intent_name.in_(UNANSWERED_INTENTS)
    query = sa.select(
        EVENTS.c.sender_id,
        EVENTS.c.timestamp,
        EVENTS.c.intent_name,
        sa.case((unanswered, EVENTS.c.data), else_=sa.null()).label("data"),
    ).where(EVENTS.c.type_name == "user", EVENTS.c.timestamp >= start)
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    return [
        UserMessage(
            row.sender_id,
            _day(row.timestamp),
            row.intent_name,
            mask_contacts(json.loads(row.data).get("text")) if row.data else "",
        )
        for row in rows
    ]


def read_user_messages_from_feed(engine: sa.engine.Engine, since: dt.date) -> List[UserMessage]:
    """The same messages, from the event broker's feed (`staff_console/event_feed.py`): an indexed
    table of user messages only, where the text was kept (masked) only for the unanswered ones."""
    return [
        UserMessage(row.sender_id, _day(row.timestamp), row.intent_name, row.text)
        for row in FeedStore(engine).rows_since(since)
    ]


@dataclass(frozen=True)
class FlagRecord:
    sender_id: str
    category: str
    at: dt.datetime


def read_flags(engine: sa.engine.Engine, since: dt.date) -> List[FlagRecord]:
    if not sa.inspect(engine).has_table("triage_events"):
        return []
    query = sa.select(triage_events.c.sender_id, triage_events.c.category, triage_events.c.created_at).where(
        triage_events.c.created_at >= since.isoformat()
    )
    with engine.connect() as connection:
        return [FlagRecord(r.sender_id, r.category, _parse_iso(r.created_at)) for r in connection.execute(query)]


def minutes_to_acknowledge(flags: Sequence[FlagRecord], audit: Iterable[AuditEntry]) -> List[float]:
    """For each acknowledgement, the minutes since the oldest record it answered (the first record of
    that conversation after its previous acknowledgement or resolution)."""
    records: Dict[str, List[dt.datetime]] = defaultdict(list)
    for flag in flags:
        records[flag.sender_id].append(flag.at)
    handled = sorted(
        (e for e in audit if e.action in ("acknowledge", "resolve") and e.target in records), key=lambda e: e.at
    )
    last_handled: Dict[str, dt.datetime] = {}
    minutes = []
    for entry in handled:
        at = _parse_iso(entry.at)
        previous = last_handled.get(entry.target)
        waiting = [t for t in records[entry.target] if t <= at and (previous is None or t > previous)]
        if entry.action == "acknowledge" and waiting:
            minutes.append((at - min(waiting)).total_seconds() / 60)
        last_handled[entry.target] = at
    return minutes


def build_report(
    messages: Sequence[UserMessage],
    flags: Sequence[FlagRecord],
    audit: Iterable[AuditEntry],
    since: dt.date,
    until: dt.date,
    unanswered_limit: int = 200,
) -> Report:
    by_day: Dict[dt.date, List[UserMessage]] = defaultdict(list)
    for message in messages:
        by_day[message.at.date()].append(message)
    flags_by_day: Dict[dt.date, Counter[str]] = defaultdict(Counter)
    for flag in flags:
        flags_by_day[flag.at.date()][flag.category] += 1
    topics: Dict[str, Dict[dt.date, int]] = defaultdict(dict)
    days = []
    day = since
    while day <= until:
        today = by_day.get(day, [])
        intents = Counter(m.intent for m in today)
        for intent in TOPIC_QUESTION_INTENTS:
            if intents[intent]:
                topics[intent][day] = intents[intent]
        flagged = flags_by_day.get(day, Counter())
        days.append(
            Day(
                day=day,
                conversations=len({m.sender_id for m in today}),
                messages=len(today),
                topic_questions=sum(intents[i] for i in TOPIC_QUESTION_INTENTS),
                fallback=intents[FALLBACK_INTENT],
                out_of_scope=intents[OUT_OF_SCOPE_INTENT],
                emergencies=sum(n for c, n in flagged.items() if TRIAGE_SEVERITY.get(c) == 0),
                handoffs=flagged["handoff"],
            )
        )
        day += dt.timedelta(days=1)
    unanswered = sorted((m for m in messages if m.intent in UNANSWERED_INTENTS), key=lambda m: m.at, reverse=True)
    return Report(
        since=since,
        until=until,
        days=days,
        topics=dict(topics),
        unanswered=unanswered[:unanswered_limit],
        acknowledge_minutes=minutes_to_acknowledge(flags, audit),
    )

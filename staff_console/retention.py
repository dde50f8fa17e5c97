"""Retention: conversations and triage records older than the retention period are deleted.

A conversation goes as a whole once its newest event is older than the period (a tracker cut in
half would replay wrongly); a triage record goes once it is older than the period; a case's
status goes with the last of its records. Each purge is written to the audit log with its counts.

    make purge                      # RETENTION_DAYS, 365 by default
    make purge RETENTION_DAYS=90
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from typing import List

import sqlalchemy as sa

from actions.triage import triage_events
from actions.triage_rebuild import EVENTS
from staff_console.audit import AuditLog
from staff_console.event_feed import feed_messages
from staff_console.store import ConsoleStore, case_status

DEFAULT_RETENTION_DAYS = 365
BATCH = 500


@dataclass(frozen=True)
class PurgeResult:
    cutoff: dt.datetime
    conversations: int
    events: int
    triage_records: int
    case_statuses: int

    def summary(self) -> str:
        return (
            f"{self.conversations} conversation(s) ({self.events} events), {self.triage_records} triage record(s)"
            f" and {self.case_statuses} case status(es) older than {self.cutoff.isoformat(timespec='seconds')}"
        )


def _batches(items: List[str]) -> List[List[str]]:
    return [items[i : i + BATCH] for i in range(0, len(items), BATCH)]


def purge(
    conversations: sa.engine.Engine,
    store: ConsoleStore,
    days: int,
    now: float | None = None,
    dry_run: bool = False,
) -> PurgeResult:
    """Delete what is older than `days` (counted back from `now`); with `dry_run`, only count it."""
    if days < 1:
        raise ValueError("the retention period is at least 1 day")
    cutoff = dt.datetime.fromtimestamp((now or time.time()) - days * 86400, dt.timezone.utc)
    expired: List[str] = []
    events_deleted = records_deleted = 0
    with conversations.begin() as connection:
        inspector = sa.inspect(connection)
        if inspector.has_table("events"):
            expired = list(
                connection.execute(
                    sa.select(EVENTS.c.sender_id)
                    .group_by(EVENTS.c.sender_id)
                    .having(sa.func.max(EVENTS.c.timestamp) < cutoff.timestamp())
                ).scalars()
            )
            for batch in _batches(expired):
                where = EVENTS.c.sender_id.in_(batch)
                if dry_run:
                    events_deleted += connection.execute(
                        sa.select(sa.func.count()).select_from(EVENTS).where(where)
                    ).scalar_one()
                else:
                    events_deleted += connection.execute(sa.delete(EVENTS).where(where)).rowcount
        if inspector.has_table(feed_messages.name) and not dry_run:
            connection.execute(feed_messages.delete().where(feed_messages.c.timestamp < cutoff.timestamp()))
        if inspector.has_table("triage_events"):
            old = triage_events.c.created_at < cutoff.isoformat()
            still_flagged = set(
                connection.execute(sa.select(triage_events.c.sender_id).where(sa.not_(old)).distinct()).scalars()
            )
            if dry_run:
                records_deleted = connection.execute(
                    sa.select(sa.func.count()).select_from(triage_events).where(old)
                ).scalar_one()
            else:
                records_deleted = connection.execute(triage_events.delete().where(old)).rowcount
        else:
            still_flagged = set()
    with store.engine.begin() as connection:
        statuses = set(connection.execute(sa.select(case_status.c.sender_id)).scalars())
        orphaned = sorted(statuses - still_flagged)
        for batch in [] if dry_run else _batches(orphaned):
            connection.execute(case_status.delete().where(case_status.c.sender_id.in_(batch)))
    result = PurgeResult(cutoff, len(expired), events_deleted, records_deleted, len(orphaned))
    if not dry_run:
        AuditLog(store).record("retention", "purge", detail=f"{days} days: {result.summary()}")
    return result

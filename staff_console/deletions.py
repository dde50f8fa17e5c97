"""Carry out the users' "delete my data" requests (`actions/data_deletion.py`).

A request is carried out once `settle_s` have passed, so the Rasa server has saved the turn that
asked for it. The conversation's events, its triage records and its case status are deleted; the
request row keeps only the conversation id and the two times, and the audit log says it was done.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from typing import List

import sqlalchemy as sa

from actions.data_deletion import deletion_requests
from actions.triage import metadata, triage_events
from actions.triage_rebuild import EVENTS
from staff_console.audit import AuditLog
from staff_console.event_feed import feed_messages
from staff_console.store import ConsoleStore, case_status, now_iso

logger = logging.getLogger(__name__)
DEFAULT_SETTLE_S = 5.0


def carry_out_deletions(
    conversations: sa.engine.Engine, store: ConsoleStore, now: float | None = None, settle_s: float = DEFAULT_SETTLE_S
) -> List[str]:
    """Delete the conversations whose request has settled; return their ids."""
    if not sa.inspect(conversations).has_table("deletion_requests"):
        return []
    cutoff = dt.datetime.fromtimestamp((now or time.time()) - settle_s, dt.timezone.utc).isoformat()
    with conversations.connect() as connection:
        pending = list(
            connection.execute(
                sa.select(deletion_requests.c.id, deletion_requests.c.sender_id).where(
                    deletion_requests.c.done_at.is_(None), deletion_requests.c.requested_at <= cutoff
                )
            )
        )
    done: List[str] = []
    if not pending:
        return done
    metadata.create_all(conversations, tables=[triage_events])  # once, for the deletes below
    audit = AuditLog(store)
    for request_id, sender_id in pending:
        with conversations.begin() as connection:
            events = 0
            if sa.inspect(connection).has_table("events"):
                events = connection.execute(sa.delete(EVENTS).where(EVENTS.c.sender_id == sender_id)).rowcount
            if sa.inspect(connection).has_table(feed_messages.name):
                connection.execute(feed_messages.delete().where(feed_messages.c.sender_id == sender_id))
            records = connection.execute(triage_events.delete().where(triage_events.c.sender_id == sender_id)).rowcount
            connection.execute(
                deletion_requests.update().where(deletion_requests.c.sender_id == sender_id).values(done_at=now_iso())
            )
        with store.engine.begin() as connection:
            connection.execute(case_status.delete().where(case_status.c.sender_id == sender_id))
        audit.record("the user, in the chat", "delete_conversation", sender_id, f"{events} events, {records} records")
        logger.info("Deleted conversation %s at its user's request (request %s)", sender_id, request_id)
        done.append(sender_id)
    return done

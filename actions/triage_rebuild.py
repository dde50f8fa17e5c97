"""Rebuild the triage records the action server missed, from the tracker store's events.

When the action server is down, or a call to it is cut off, the Rasa server still sends the
safety reply (it needs no custom action), but `action_record_triage` never runs. The reply is
in the tracker store's `events` table all the same: every safety reply there, with the user
message before it, is a triage record, and so is every contact the handoff form collected.
A pass writes the ones that have no record yet (the table's key makes a second write of the
same message a no-op) and returns them, so the server can page staff for the emergencies.

    python -m actions.triage_rebuild          # one pass over the last 7 days (make triage-rebuild)
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Sequence

import sqlalchemy as sa
import sqlalchemy.exc

from actions.triage import TriageEvent, TriageLog, shown_url, triage_database_url
from contract import RESPONSE_TRIAGE_CATEGORIES

HANDOFF_SLOT = "handoff_contact"
# Rasa's SQLTrackerStore table (rasa/core/tracker_store.py, SQLEvent), read only.
EVENTS = sa.table(
    "events",
    sa.column("id"),
    sa.column("sender_id"),
    sa.column("type_name"),
    sa.column("timestamp"),
    sa.column("action_name"),
    sa.column("intent_name"),
    sa.column("data"),
)
# Ids can commit out of order under concurrent writers (PostgreSQL): each pass re-reads this
# many ids before the last one it saw; the records' key keeps that from writing twice.
OVERLAP_IDS = 1000


def _iso(timestamp: float) -> str:
    return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc).isoformat()


@dataclass
class TriageRebuilder:
    """Passes over the tracker events in `log`'s database.

    Args:
        log: the triage record, in the tracker store's database.
        lookback_s: how far back the first pass reads; later passes read on from the last event seen.
    """

    log: TriageLog
    lookback_s: float = 7 * 24 * 3600
    _last_id: int | None = field(default=None, init=False)

    def run_once(self, now: float | None = None) -> List[TriageEvent]:
        """Write the records missing since the last pass; return the ones written."""
        engine = self.log.engine
        if not sa.inspect(engine).has_table("events"):
            return []  # the Rasa server has not stored a conversation yet
        wanted = sa.or_(
            sa.and_(EVENTS.c.type_name == "action", EVENTS.c.action_name.in_(list(RESPONSE_TRIAGE_CATEGORIES))),
            sa.and_(EVENTS.c.type_name == "slot", EVENTS.c.data.like(f'%"{HANDOFF_SLOT}"%')),
        )
        query = (
            sa.select(
                EVENTS.c.id,
                EVENTS.c.sender_id,
                EVENTS.c.type_name,
                EVENTS.c.timestamp,
                EVENTS.c.action_name,
                EVENTS.c.data,
            )
            .where(wanted)
            .order_by(EVENTS.c.id)
        )
        if self._last_id is None:
            query = query.where(EVENTS.c.timestamp >= (now or time.time()) - self.lookback_s)
        else:
            query = query.where(EVENTS.c.id > self._last_id - OVERLAP_IDS)
        with engine.connect() as connection:  # read all first: an open SQLite read would block the writes
            rows = connection.execute(query).all()
            found = [e for e in (self._event(connection, row) for row in rows) if e is not None]
        # Written only while the conversation is still stored, checked in the insert itself: a user's
        # "delete my data" carried out between this pass's read and its write must not bring back
        # the record it deleted.
        written = [event for event in found if self.log.record(event, only_if=self._still_stored(event))]
        if rows:
            self._last_id = max(self._last_id or 0, max(row.id for row in rows))
        elif self._last_id is None:
            self._last_id = 0
        return written

    @staticmethod
    def _still_stored(event: TriageEvent) -> "sa.sql.ColumnElement[bool]":
        return sa.exists(sa.select(EVENTS.c.sender_id).where(EVENTS.c.sender_id == event.sender_id))

    def _event(self, connection: sa.engine.Connection, row: Any) -> TriageEvent | None:
        details: Dict[str, Any] = {"rebuilt_from": "tracker events"}
        if row.type_name == "slot":
            slot = json.loads(row.data or "{}")
            if slot.get("name") != HANDOFF_SLOT or not slot.get("value"):
                return None
            category = "handoff"
            details["contact"] = slot["value"]
        else:
            category = RESPONSE_TRIAGE_CATEGORIES[row.action_name]
        user = connection.execute(
            sa.select(EVENTS.c.timestamp, EVENTS.c.data)
            .where(EVENTS.c.sender_id == row.sender_id, EVENTS.c.type_name == "user", EVENTS.c.id < row.id)
            .order_by(EVENTS.c.id.desc())
            .limit(1)
        ).first()
        said: Dict[str, Any] = json.loads(user.data) if user is not None and user.data else {}
        parse = said.get("parse_data") or {}
        if parse.get("safety"):
            details["safety"] = parse["safety"]
        return TriageEvent(
            sender_id=row.sender_id,
            category=category,
            intent=(parse.get("intent") or {}).get("name"),
            message=said.get("text"),
            channel=said.get("input_channel"),
            details=details,
            created_at=_iso(float(row.timestamp or 0.0)),
            message_at=float(user.timestamp or 0.0) if user is not None else 0.0,
            source="rebuilt",
        )


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description="Write the triage records missing from the tracker events.")
    parser.add_argument("--days", type=float, default=7.0, help="how far back to read (default 7)")
    args = parser.parse_args(list(argv) or None)
    url = triage_database_url(os.environ)
    try:
        log = TriageLog(url)
        written = TriageRebuilder(log, lookback_s=args.days * 24 * 3600).run_once()
    except sqlalchemy.exc.SQLAlchemyError as error:
        print(
            f"error: cannot read the tracker events in {shown_url(url)}: {error.__class__.__name__}: {error}",
            file=sys.stderr,
        )
        return 1
    print(f"{len(written)} triage record(s) rebuilt from the tracker events")
    for event in written:
        print(f"  {event.created_at}  {event.category:<28} {event.sender_id}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

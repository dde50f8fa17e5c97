"""The triage queue: flagged conversations, most severe and oldest first, with their status.

Read from the triage record (`actions/triage.py`, in the tracker store's database); staff's
acknowledge and resolve go to the console's own `case_status` table. A record newer than a
case's resolution opens it again; one newer than its acknowledgement makes it new again.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from typing import Any, Dict, List

import sqlalchemy as sa
import sqlalchemy.exc

from actions.triage import triage_events
from contract import TRIAGE_SEVERITY
from staff_console.masking import mask_contacts
from staff_console.store import ConsoleStore, case_status, now_iso

UNKNOWN_SEVERITY = max(TRIAGE_SEVERITY.values()) + 1


class UnknownCase(LookupError):
    """No triage record has this conversation id."""


@dataclass(frozen=True)
class Record:
    created_at: str
    category: str
    severity: int
    intent: str | None
    message: str  # contacts masked
    channel: str | None
    source: str
    details: Dict[str, Any]


@dataclass(frozen=True)
class QueueItem:
    sender_id: str
    category: str  # the most severe open record's
    severity: int
    first_flagged_at: str  # the oldest open record's time
    latest_at: str
    latest_message: str  # contacts masked
    channel: str | None
    open_records: int
    acknowledged_by: str | None
    acknowledged_at: str | None

    @property
    def status(self) -> str:
        return "acknowledged" if self.acknowledged_at and self.acknowledged_at >= self.latest_at else "new"

    def as_dict(self) -> Dict[str, Any]:
        return {**self.__dict__, "status": self.status}


def _record(row: Any) -> Record:
    details = json.loads(row["details"] or "{}")
    if details.get("contact"):
        details["contact"] = mask_contacts(str(details["contact"]))
    return Record(
        created_at=row["created_at"],
        category=row["category"],
        severity=TRIAGE_SEVERITY.get(row["category"], UNKNOWN_SEVERITY),
        intent=row["intent"],
        message=mask_contacts(row["message"]),
        channel=row["channel"],
        source=row["source"],
        details=details,
    )


class TriageQueue:
    """The queue over the triage record in `triage_engine`, with statuses kept in `store`."""

    def __init__(self, triage_engine: sa.engine.Engine, store: ConsoleStore) -> None:
        self._triage = triage_engine
        self._engine = store.engine

    def _statuses(self) -> Dict[str, Any]:
        with self._engine.connect() as connection:
            return {row["sender_id"]: row for row in connection.execute(sa.select(case_status)).mappings()}

    def _rows(self, sender_id: str | None = None) -> List[Any]:
        if not sa.inspect(self._triage).has_table("triage_events"):
            return []
        query = sa.select(triage_events).order_by(triage_events.c.created_at, triage_events.c.id)
        if sender_id is not None:
            query = query.where(triage_events.c.sender_id == sender_id)
        with self._triage.connect() as connection:
            return list(connection.execute(query).mappings())

    def items(self) -> List[QueueItem]:
        """Open cases, most severe first, then the longest waiting."""
        statuses = self._statuses()
        by_sender: Dict[str, List[Record]] = defaultdict(list)
        for row in self._rows():
            by_sender[row["sender_id"]].append(_record(row))
        queue = []
        for sender_id, records in by_sender.items():
            status = statuses.get(sender_id) or {}
            resolved_at = status.get("resolved_at") or ""
            open_records = [r for r in records if r.created_at > resolved_at]
            if not open_records:
                continue
            worst = min(open_records, key=lambda r: r.severity)
            latest = open_records[-1]
            acknowledged_at = status.get("acknowledged_at")
            if acknowledged_at and acknowledged_at <= resolved_at:  # an acknowledgement of a case since resolved
                acknowledged_at = None
            queue.append(
                QueueItem(
                    sender_id=sender_id,
                    category=worst.category,
                    severity=worst.severity,
                    first_flagged_at=open_records[0].created_at,
                    latest_at=latest.created_at,
                    latest_message=latest.message,
                    channel=latest.channel,
                    open_records=len(open_records),
                    acknowledged_by=status.get("acknowledged_by") if acknowledged_at else None,
                    acknowledged_at=acknowledged_at,
                )
            )
        return sorted(queue, key=lambda item: (item.severity, item.first_flagged_at))

    def records(self, sender_id: str) -> List[Record]:
        """Every triage record of the conversation, oldest first; UnknownCase when there is none."""
        records = [_record(row) for row in self._rows(sender_id)]
        if not records:
            raise UnknownCase(sender_id)
        return records

    def contact(self, sender_id: str) -> str | None:
        """The contact details of the conversation's latest handoff request, unmasked."""
        for row in reversed(self._rows(sender_id)):
            contact = json.loads(row["details"] or "{}").get("contact")
            if row["category"] == "handoff" and contact:
                return str(contact)
        return None

    def status(self, sender_id: str) -> Dict[str, Any]:
        return dict(self._statuses().get(sender_id) or {})

    def acknowledge(self, sender_id: str, username: str) -> None:
        self._set(sender_id, acknowledged_by=username, acknowledged_at=now_iso())

    def resolve(self, sender_id: str, username: str) -> None:
        self._set(sender_id, resolved_by=username, resolved_at=now_iso())

    def _set(self, sender_id: str, **values: str) -> None:
        self.records(sender_id)  # refuses an unknown conversation
        with self._engine.begin() as connection:
            updated = connection.execute(
                case_status.update().where(case_status.c.sender_id == sender_id).values(**values)
            ).rowcount
            if not updated:
                try:
                    with connection.begin_nested():
                        connection.execute(case_status.insert().values(sender_id=sender_id, **values))
                except sqlalchemy.exc.IntegrityError:  # another staff member's first action won the race
                    connection.execute(
                        case_status.update().where(case_status.c.sender_id == sender_id).values(**values)
                    )

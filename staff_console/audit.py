"""The audit log: who did what in the console, and when. Rows are only ever added."""

from __future__ import annotations

from dataclasses import dataclass
from typing import List

import sqlalchemy as sa

from staff_console.store import ConsoleStore, audit_log, now_iso


@dataclass(frozen=True)
class AuditEntry:
    at: str
    actor: str
    action: str
    target: str
    detail: str


class AuditLog:
    def __init__(self, store: ConsoleStore) -> None:
        self._engine = store.engine

    def record(self, actor: str, action: str, target: str = "", detail: str = "") -> None:
        with self._engine.begin() as connection:
            connection.execute(
                audit_log.insert().values(at=now_iso(), actor=actor, action=action, target=target, detail=detail)
            )

    def recent(self, limit: int = 200, target: str | None = None) -> List[AuditEntry]:
        """The newest entries first (only those about `target` when given)."""
        query = sa.select(audit_log).order_by(audit_log.c.id.desc()).limit(limit)
        if target is not None:
            query = query.where(audit_log.c.target == target)
        with self._engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        return [AuditEntry(r["at"], r["actor"], r["action"], r["target"], r["detail"]) for r in rows]

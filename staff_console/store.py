"""The console's own tables: staff accounts, their sessions, the audit log, and each case's status.

They live in the console's database (`STAFF_DATABASE_URL`; SQLite by default, PostgreSQL at
scale), apart from the conversations: the patient-facing servers never read staff accounts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import sqlalchemy as sa

metadata = sa.MetaData()

staff_users = sa.Table(
    "staff_users",
    metadata,
    sa.Column("username", sa.String(64), primary_key=True),
    sa.Column("password_hash", sa.String(255), nullable=False),
    sa.Column("role", sa.String(32), nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
    sa.Column("failed_logins", sa.Integer, nullable=False, default=0),
    # Epoch seconds until which a login is refused after too many failures (0: not locked).
    sa.Column("locked_until", sa.Float, nullable=False, default=0.0),
)

staff_sessions = sa.Table(
    "staff_sessions",
    metadata,
    # SHA-256 of the cookie's token: a copy of this table opens no session.
    sa.Column("token_hash", sa.String(64), primary_key=True),
    sa.Column("username", sa.String(64), sa.ForeignKey("staff_users.username"), nullable=False),
    sa.Column("csrf_token", sa.String(64), nullable=False),
    sa.Column("expires_at", sa.Float, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("actor", sa.String(64), nullable=False),
    sa.Column("action", sa.String(64), nullable=False),
    sa.Column("target", sa.String(255), nullable=False, default=""),
    sa.Column("detail", sa.Text, nullable=False, default=""),
)

# One row per conversation staff have acted on. A triage record newer than `resolved_at`
# opens the case again.
case_status = sa.Table(
    "case_status",
    metadata,
    sa.Column("sender_id", sa.String(255), primary_key=True),
    sa.Column("acknowledged_by", sa.String(64)),
    sa.Column("acknowledged_at", sa.String(40)),
    sa.Column("resolved_by", sa.String(64)),
    sa.Column("resolved_at", sa.String(40)),
)


def now_iso() -> str:
    return dt.datetime.now(dt.timezone.utc).isoformat()


def open_engine(url: str) -> sa.engine.Engine:
    connect_args = {"timeout": 5} if url.startswith("sqlite") else {}
    return sa.create_engine(url, future=True, connect_args=connect_args)


@dataclass
class ConsoleStore:
    """The console's tables in the database at `url` (created if missing)."""

    url: str
    engine: sa.engine.Engine = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.engine = open_engine(self.url)
        metadata.create_all(self.engine)

    def dispose(self) -> None:
        self.engine.dispose()

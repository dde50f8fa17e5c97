"""Tracker stores that fail visibly instead of silently losing conversations.

At start-up: Rasa's SQLTrackerStore logs "Could not create tables" and carries on
when its database cannot be opened, and Rasa then keeps conversations only in
memory (rasa PRs #4699, #11976). `VerifiedSQLTrackerStore` checks the database
first and raises `TrackerStoreUnavailable`, which stops the server with a clear
message.

At run time: Rasa's Agent wraps every tracker store in `FailSafeTrackerStore`,
which turns a failed retrieve into "no conversation yet" (the person's history is
silently dropped) and a failed save into a save in process memory (lost on the
next restart, invisible to other replicas). `StrictTrackerStore` takes its place
(assistant/rasa_server.py installs it) and raises `TrackerStoreUnavailable`, so
the channel answers with an error and a log line; the next request after the
database is back works, and since Rasa's SQL store writes only the events the
database does not hold yet, nothing is written twice.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, Iterable

import sqlalchemy as sa
import sqlalchemy.exc
import sqlalchemy.orm
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import FailSafeTrackerStore, SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

logger = logging.getLogger(__name__)


class TrackerStoreUnavailable(ConnectionError):
    """The configured tracker store database cannot be reached or written."""


def verify_database(url: "sa.engine.URL | str") -> None:
    """Open the database, run a query and create a scratch table; raise if any step fails."""
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))
            if engine.dialect.name == "sqlite":
                # An SQLite file in a read-only place opens but cannot be written.
                connection.execute(sa.text("CREATE TABLE IF NOT EXISTS _store_check (id INTEGER)"))
                connection.execute(sa.text("DROP TABLE _store_check"))
    except sqlalchemy.exc.SQLAlchemyError as error:
        shown = engine.url.render_as_string(hide_password=True)
        raise TrackerStoreUnavailable(
            f"Cannot use the tracker store database {shown}: {error.__class__.__name__}: {error.orig or error}. "
            "Conversations would be lost, so the server will not start. "
            "Check TRACKER_DB / endpoints.yml (tracker_store) and that the database is reachable."
        ) from error
    finally:
        engine.dispose()


class VerifiedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore that verifies its database before Rasa starts using it."""

    def __init__(
        self,
        domain: Domain | None = None,
        dialect: str = "sqlite",
        host: str | None = None,
        port: int | None = None,
        db: str = "rasa.db",
        username: str | None = None,
        password: str | None = None,
        event_broker: EventBroker | None = None,
        login_db: str | None = None,
        query: Dict | None = None,
        **kwargs: Any,
    ) -> None:
        url = SQLTrackerStore.get_db_url(dialect, host, port, db, username, password, login_db, query)
        verify_database(url)
        super().__init__(domain, dialect, host, port, db, username, password, event_broker, login_db, query, **kwargs)
        # Test each pooled connection before use, so the first request after the database
        # comes back does not fail on a connection that died with it.
        # Rasa's engine, which points at `db` even when it first logged in to `login_db`.
        database_url = self.engine.url  # type: ignore[has-type]
        self.engine.dispose()  # type: ignore[has-type]
        self.engine = sa.create_engine(database_url, pool_pre_ping=True, **create_engine_kwargs(database_url))
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)


class StrictTrackerStore(FailSafeTrackerStore):
    """Rasa's tracker store wrapper without its silent fallback: a storage error raises.

    A subclass of `FailSafeTrackerStore` so Rasa code that checks for the wrapper still
    finds it; every call goes to the configured store and its errors become
    `TrackerStoreUnavailable` (with a log line), never an empty tracker or a save in memory.
    """

    def _unavailable(self, operation: str, sender_id: str | None, error: Exception) -> TrackerStoreUnavailable:
        logger.error(
            "Tracker store %s failed%s: %s: %s",
            operation,
            f" for conversation {sender_id}" if sender_id else "",
            error.__class__.__name__,
            error,
        )
        return TrackerStoreUnavailable(
            f"The conversation store could not {operation} ({error.__class__.__name__}); nothing was kept in memory"
        )

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        try:
            return await self._tracker_store.retrieve(sender_id)
        except Exception as error:  # noqa: BLE001 - any storage failure, as FailSafeTrackerStore catches
            raise self._unavailable("read the conversation", sender_id, error) from error

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        try:
            return await self._tracker_store.retrieve_full_tracker(sender_id)
        except Exception as error:  # noqa: BLE001
            raise self._unavailable("read the conversation", sender_id, error) from error

    async def keys(self) -> Iterable[str]:
        try:
            return await self._tracker_store.keys()
        except Exception as error:  # noqa: BLE001
            raise self._unavailable("list conversations", None, error) from error

    async def save(self, tracker: DialogueStateTracker) -> None:
        try:
            await self._tracker_store.save(tracker)
        except Exception as error:  # noqa: BLE001
            raise self._unavailable("save the conversation", tracker.sender_id, error) from error

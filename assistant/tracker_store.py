"""A SQL tracker store that fails at start-up instead of silently losing conversations.

Rasa's SQLTrackerStore logs "Could not create tables" and carries on when its
database cannot be opened, and Rasa then keeps conversations only in memory
(rasa PRs #4699, #11976). This store checks the database first and raises
`TrackerStoreUnavailable`, which stops the server with a clear message.
"""

from __future__ import annotations

from typing import Any, Dict

import sqlalchemy as sa
import sqlalchemy.exc
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain


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

"""Start-up checks run before the Rasa server: fail early, with a message that says what to fix.

python -m assistant.preflight --endpoints endpoints.yml
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence

import sqlalchemy as sa
import sqlalchemy.exc
from rasa.core.tracker_store import SQLTrackerStore
from rasa.utils.endpoints import read_endpoint_config

from assistant.tracker_store import TrackerStoreUnavailable, verify_database

SQL_STORE_TYPES = {"sql", "assistant.tracker_store.VerifiedSQLTrackerStore"}


def check_tracker_store(endpoints: Path) -> str | None:
    """Return an error message when the configured tracker store is unusable."""
    config = read_endpoint_config(str(endpoints), "tracker_store")
    if config is None or config.type is None:
        return (
            f"{endpoints} configures no tracker_store: Rasa would keep conversations only in memory. "
            "Configure the SQL tracker store (see README, Configuration)."
        )
    if config.type not in SQL_STORE_TYPES:
        return None  # other stores (e.g. redis) are checked by their own clients at start-up
    kwargs = dict(config.kwargs)
    url = SQLTrackerStore.get_db_url(
        kwargs.get("dialect", "sqlite"),
        config.url,
        kwargs.get("port"),
        kwargs.get("db", "rasa.db"),
        kwargs.get("username"),
        kwargs.get("password"),
        kwargs.get("login_db"),
        kwargs.get("query"),
    )
    try:
        verify_database(url)
        if kwargs.get("login_db"):
            create_database_if_missing(url, str(kwargs.get("db")))
    except TrackerStoreUnavailable as error:
        return str(error)
    return None


def create_database_if_missing(login_url: "sa.engine.URL | str", name: str) -> None:
    """Create the PostgreSQL database `name` through the login database, before any process opens it.

    Rasa's SQL store would create it too, but the action server and the staff console keep
    their records in the same database and may start first.
    """
    engine = sa.create_engine(login_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            exists = connection.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name})
            if exists.first() is None:
                connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    except sqlalchemy.exc.SQLAlchemyError as error:
        raise TrackerStoreUnavailable(f"Cannot create the database {name}: {error}") from error
    finally:
        engine.dispose()


LOCK_STORE_TYPES = {"assistant.lock_store.AtomicRedisLockStore", "redis"}


def check_lock_store(endpoints: Path) -> str | None:
    """Return an error message when a configured Redis lock store cannot be reached."""
    config = read_endpoint_config(str(endpoints), "lock_store")
    if config is None or config.type not in LOCK_STORE_TYPES:
        return None  # the in-process lock store needs nothing
    import redis

    host, port = config.url or "localhost", int(config.kwargs.get("port", 6379))
    try:
        redis.Redis(host=host, port=port, db=int(config.kwargs.get("db", 1)), socket_timeout=3).ping()
    except redis.exceptions.RedisError as error:
        return (
            f"Cannot reach the lock store's Redis at {host}:{port}: {error}. Replicas would answer one "
            "person's messages at the same time, so the server will not start. Check REDIS_HOST / REDIS_PORT."
        )
    return None


def check_event_broker(endpoints: Path) -> str | None:
    """Return an error message when a configured RabbitMQ event broker cannot be reached.

    Rasa retries the broker for 20 × 5 s before it gives up, so a wrong host would otherwise show
    as a server that never comes up, with the reason only in a debug log."""
    config = read_endpoint_config(str(endpoints), "event_broker")
    if config is None or config.type != "pika":
        return None
    import socket
    from urllib.parse import urlparse

    host, port = config.url or "localhost", int(config.kwargs.get("port", 5672))
    if host.startswith("amqp"):  # Rasa also takes amqp[s]://user:password@host:port/vhost
        parsed = urlparse(host)
        host, port = parsed.hostname or "localhost", parsed.port or port
    try:
        with socket.create_connection((host, port), timeout=3) as connection:
            connection.sendall(b"AMQP\x00\x00\x09\x01")  # AMQP 0-9-1; the broker answers connection.start
            if connection.recv(1) != b"\x01":
                raise OSError("the answer is not AMQP")
    except OSError as error:
        return (
            f"Cannot reach the event broker's RabbitMQ at {host}:{port}: {error}. The staff analytics would "
            "miss these conversations. Check RABBITMQ_HOST / RABBITMQ_PORT."
        )
    return None


def main(argv: Sequence[str] = ()) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--endpoints", type=Path, default=Path("endpoints.yml"))
    args = parser.parse_args(list(argv) or None)
    checks = (check_tracker_store, check_lock_store, check_event_broker)
    for problem in (check(args.endpoints) for check in checks):
        if problem:
            print(f"error: {problem}", file=sys.stderr)
            return 1
    print("Tracker store: reachable and writable; lock store and event broker: reachable where configured.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

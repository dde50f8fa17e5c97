"""The staff analytics' feed from Rasa's event broker (the scaled-out set-up).

Every Rasa replica publishes each conversation event to RabbitMQ (Rasa's Pika event broker,
`deploy/scaled/endpoints.yml`). This consumer keeps the users' messages, one row each, in a small
indexed table beside the triage record, so the analytics page counts them without scanning the
tracker store's whole events table.

    RABBITMQ_HOST=127.0.0.1 RABBITMQ_PASSWORD=… python -m staff_console.event_feed --queue rasa_events

A delivery is acknowledged only after its row is committed, and a row is keyed by its conversation
and message id, so a message delivered twice (a consumer killed before its ack) is stored once.
While the database is down, deliveries go back to the queue and wait there; nothing is dropped.
A delivery that is not a Rasa event (not JSON, no sender) is logged and discarded.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import datetime as dt
import json
import logging
import os
import signal
import sys
from dataclasses import dataclass
from typing import Any, Dict, List, Mapping, Sequence
from urllib.parse import quote

import sqlalchemy as sa

from actions.data_deletion import deletion_requests
from actions.triage import triage_database_url
from contract import FALLBACK_INTENT, OUT_OF_SCOPE_INTENT
from staff_console.masking import mask_contacts

logger = logging.getLogger(__name__)

DEFAULT_QUEUE = "rasa_events"
DEFAULT_EXCHANGE = "rasa-exchange"  # Rasa's own default; every queue bound to one exchange gets every event
UNANSWERED_INTENTS = (FALLBACK_INTENT, OUT_OF_SCOPE_INTENT)
MAX_ID_LENGTH = 255
MAX_TIMESTAMP = 4102444800.0  # 2100-01-01: a later "time" is not one Rasa wrote
# Errors of reaching the database: the delivery goes back to the queue. Any other error is the
# delivery's own (it would fail again): it is logged and discarded, so it cannot block the queue.
RETRYABLE_ERRORS = (sa.exc.OperationalError, sa.exc.InterfaceError, sa.exc.TimeoutError)

metadata = sa.MetaData()
feed_messages = sa.Table(
    "analytics_user_messages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("sender_id", sa.String(MAX_ID_LENGTH), nullable=False, index=True),
    sa.Column("message_id", sa.String(MAX_ID_LENGTH), nullable=False),
    sa.Column("timestamp", sa.Float, nullable=False, index=True),
    sa.Column("intent_name", sa.String(MAX_ID_LENGTH)),
    sa.Column("text", sa.Text, nullable=False, default=""),  # contacts masked; only the unanswered
    sa.UniqueConstraint("sender_id", "message_id", name="uq_analytics_user_message"),
)


class NotAnEvent(ValueError):
    """A delivery that is not a serialised Rasa event."""


@dataclass(frozen=True)
class FeedRow:
    sender_id: str
    message_id: str
    timestamp: float
    intent_name: str | None
    text: str


def feed_row(body: bytes) -> FeedRow | None:
    """The row a delivery becomes: None for events other than a user's message."""
    try:
        event = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise NotAnEvent(f"not JSON: {error}") from None
    if not isinstance(event, dict) or not isinstance(event.get("sender_id"), str) or not event["sender_id"]:
        raise NotAnEvent("no sender_id")
    if event.get("event") != "user":
        return None
    try:
        timestamp = float(event.get("timestamp") or 0.0)
    except (TypeError, ValueError):
        raise NotAnEvent("timestamp is not a number") from None
    if not 0.0 <= timestamp < MAX_TIMESTAMP:  # also NaN and infinity
        raise NotAnEvent(f"timestamp {timestamp!r} is not a time")
    intent_name = _intent_name(event)
    raw_text = event.get("text")
    text = raw_text if isinstance(raw_text, str) else ""
    # Rasa gives every user message an id; an event without one is keyed by its time instead.
    message_id = event.get("message_id") or f"at:{timestamp!r}"
    return FeedRow(
        sender_id=_storable(event["sender_id"])[:MAX_ID_LENGTH],
        message_id=_storable(str(message_id))[:MAX_ID_LENGTH],
        timestamp=timestamp,
        intent_name=_storable(intent_name)[:MAX_ID_LENGTH] if intent_name else None,
        text=mask_contacts(_storable(text)) if intent_name in UNANSWERED_INTENTS else "",
    )


def _storable(text: str) -> str:
    """Without NUL characters, which PostgreSQL's text columns refuse."""
    return text.replace("\x00", "")


def _intent_name(event: Dict[str, Any]) -> str | None:
    parse_data = event.get("parse_data")
    intent = parse_data.get("intent") if isinstance(parse_data, dict) else None
    name = intent.get("name") if isinstance(intent, dict) else None
    return name if isinstance(name, str) else None


class FeedStore:
    """The feed table: written by the consumer, read by the analytics page."""

    def __init__(self, engine: sa.engine.Engine) -> None:
        self.engine = engine
        self._created = False

    def ensure_table(self) -> None:
        """The feed table, and the deletion requests each write checks (the action server's table,
        created here too when no one has asked yet), once."""
        if not self._created:
            metadata.create_all(self.engine, tables=[feed_messages])
            deletion_requests.metadata.create_all(self.engine, tables=[deletion_requests])
            self._created = True

    def write(self, row: FeedRow) -> bool:
        """Store `row` once; False when it was stored before (a repeated delivery) or its conversation
        was deleted at its user's request after it was sent (a delivery that waited in the queue)."""
        self.ensure_table()
        try:
            with self.engine.begin() as connection:
                if self._deleted_after(connection, row):
                    return False
                connection.execute(feed_messages.insert().values(**dataclasses.asdict(row)))
        except sa.exc.IntegrityError:
            return False
        return True

    @staticmethod
    def _deleted_after(connection: sa.engine.Connection, row: FeedRow) -> bool:
        sent = dt.datetime.fromtimestamp(row.timestamp, dt.timezone.utc).isoformat()
        query = sa.select(deletion_requests.c.id).where(
            deletion_requests.c.sender_id == row.sender_id,
            deletion_requests.c.done_at.is_not(None),
            deletion_requests.c.requested_at >= sent,
        )
        return connection.execute(query.limit(1)).first() is not None

    def rows_since(self, since: dt.date) -> List[sa.Row]:
        if not sa.inspect(self.engine).has_table(feed_messages.name):
            return []
        start = dt.datetime.combine(since, dt.time(), dt.timezone.utc).timestamp()
        query = sa.select(feed_messages).where(feed_messages.c.timestamp >= start).order_by(feed_messages.c.timestamp)
        with self.engine.connect() as connection:
            return list(connection.execute(query))


async def handle_delivery(message: Any, store: FeedStore, retry_delay_s: float) -> None:
    """Store one delivery, then acknowledge it; on a database error, put it back and wait."""
    try:
        row = feed_row(message.body)
    except NotAnEvent as error:
        logger.warning("event feed: discarded a delivery that is not a Rasa event (%s)", error)
        await message.reject(requeue=False)
        return
    if row is not None:
        try:
            await asyncio.to_thread(store.write, row)
        except RETRYABLE_ERRORS as error:
            logger.error(
                "event feed: cannot write to the analytics database (%s); the event goes back to the queue",
                error.__class__.__name__,
            )
            await message.nack(requeue=True)
            await asyncio.sleep(retry_delay_s)
            return
        except Exception:  # noqa: BLE001 - one delivery must not stop the feed: logged, then discarded
            logger.exception("event feed: discarded a delivery the database refused (sender %s)", row.sender_id)
            await message.reject(requeue=False)
            return
    await message.ack()


async def consume(
    amqp_url: str,
    queue_name: str,
    store: FeedStore,
    stop: asyncio.Event,
    retry_delay_s: float = 2.0,
    exchange_name: str = DEFAULT_EXCHANGE,
) -> None:
    """Consume `queue_name` into `store` until `stop` is set (reconnecting when RabbitMQ goes away)."""
    import aio_pika

    connection = await aio_pika.connect_robust(amqp_url)
    try:
        channel = await connection.channel()
        await channel.set_qos(prefetch_count=10)
        # The same durable queue, bound to the same fanout exchange, that Rasa's broker declares.
        exchange = await channel.declare_exchange(exchange_name, type=aio_pika.ExchangeType.FANOUT)
        queue = await channel.declare_queue(queue_name, durable=True)
        await queue.bind(exchange, "")
        # One delivery at a time, so a database outage puts back one event, not ten in a burst.
        lock = asyncio.Lock()

        async def on_message(message: Any) -> None:
            async with lock:
                await handle_delivery(message, store, retry_delay_s)

        tag = await queue.consume(on_message)
        logger.info("event feed: consuming %s into %s", queue_name, store.engine.url.render_as_string())
        await stop.wait()
        await queue.cancel(tag)
    finally:
        await connection.close()


def amqp_url_from_environ(environ: Mapping[str, str]) -> str:
    """The broker's URL from RABBITMQ_HOST/PORT/USERNAME/PASSWORD, credentials quoted for a URL."""
    user = quote(environ.get("RABBITMQ_USERNAME", "guest"), safe="")
    password = quote(environ.get("RABBITMQ_PASSWORD", "guest"), safe="")
    host = environ.get("RABBITMQ_HOST", "127.0.0.1")
    port = environ.get("RABBITMQ_PORT", "5672")
    return f"amqp://{user}:{password}@{host}:{port}/"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--queue", default=os.environ.get("RABBITMQ_QUEUE", DEFAULT_QUEUE))
    parser.add_argument("--exchange", default=os.environ.get("RABBITMQ_EXCHANGE", DEFAULT_EXCHANGE))
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    # Credentials only from the environment, never on a command line `ps` shows.
    store = FeedStore(sa.create_engine(triage_database_url(os.environ), pool_pre_ping=True))
    amqp_url = amqp_url_from_environ(os.environ)

    async def run() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(signum, stop.set)
        await consume(amqp_url, args.queue, store, stop, exchange_name=args.exchange)

    from aio_pika.exceptions import AMQPConnectionError

    try:
        asyncio.run(run())
    except (OSError, AMQPConnectionError) as error:
        print(f"error: cannot reach RabbitMQ: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

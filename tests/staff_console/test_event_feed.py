"""The analytics feed from Rasa's event broker: what becomes a row, once each, and what the analytics
page counts from it, against the machine's RabbitMQ (127.0.0.1:5672, guest) and PostgreSQL."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import time
import uuid
from typing import Any, AsyncIterator, Callable, Iterator, List

import aio_pika
import pytest
import sqlalchemy as sa
from rasa.core.brokers.pika import PikaEventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from actions.data_deletion import deletion_requests
from actions.data_deletion import metadata as deletion_metadata
from staff_console.analytics import build_report, read_user_messages, read_user_messages_from_feed
from staff_console.deletions import carry_out_deletions
from staff_console.event_feed import (
    FeedRow,
    FeedStore,
    NotAnEvent,
    amqp_url_from_environ,
    consume,
    feed_messages,
    feed_row,
)
from staff_console.retention import purge
from staff_console.store import ConsoleStore
from tests.fakes.postgres import database_url, throwaway_database
from tests.fakes.rabbitmq import AMQP_URL, delete_queue
from tests.fakes.tcp_proxy import CuttableProxy


def user_event(
    sender: str, text: str, intent: str, message_id: str = "m1", timestamp: float = 1_800_000_000.0
) -> bytes:
    return json.dumps(
        {
            "event": "user",
            "sender_id": sender,
            "timestamp": timestamp,
            "text": text,
            "message_id": message_id,
            "parse_data": {"intent": {"name": intent, "confidence": 0.9}, "entities": []},
        }
    ).encode()


# What becomes a row


def test_a_users_message_becomes_a_row_with_its_intent_and_no_words() -> None:
    row = feed_row(user_event("widget-1", "why do screws loosen", "ask_why_screws_loosen"))
    assert row == FeedRow("widget-1", "m1", 1_800_000_000.0, "ask_why_screws_loosen", "")


def test_an_unanswered_message_keeps_its_words_with_contacts_masked() -> None:
    row = feed_row(user_event("widget-1", "ring me on 07700 900123 about my brace", "nlu_fallback"))
    assert row is not None and row.text.startswith("ring me on [phone") and "900123" not in row.text


def test_events_other_than_a_users_message_are_skipped() -> None:
    body = json.dumps({"event": "bot", "sender_id": "widget-1", "text": "hello", "timestamp": 1.0}).encode()
    assert feed_row(body) is None


@pytest.mark.parametrize(
    "body",
    [b"", b"\xff\xfe binary", b"{not json", b"[]", b'{"event": "user"}', b'{"event": "user", "sender_id": ""}'],
    ids=["empty", "binary", "malformed", "list", "no-sender", "empty-sender"],
)
def test_a_delivery_that_is_not_a_rasa_event_is_refused_with_a_reason(body: bytes) -> None:
    with pytest.raises(NotAnEvent):
        feed_row(body)


@pytest.mark.parametrize("timestamp", ["NaN", "Infinity", 1e20, -5])
def test_a_timestamp_that_is_not_a_time_is_refused(timestamp) -> None:
    body = json.dumps({"event": "user", "sender_id": "widget-1", "timestamp": timestamp, "text": "hi"}).encode()
    with pytest.raises(NotAnEvent):
        feed_row(body)


def test_nul_characters_are_dropped_before_they_reach_the_database() -> None:
    row = feed_row(user_event("widget-\u00001", "what\u0000 is this", "nlu_fallback", message_id="m\u00001"))
    assert row is not None and "\x00" not in row.sender_id + row.message_id + row.text


def test_the_brokers_credentials_are_quoted_in_its_url() -> None:
    url = amqp_url_from_environ({"RABBITMQ_USERNAME": "rasa", "RABBITMQ_PASSWORD": "a/b#c?d", "RABBITMQ_HOST": "mq"})
    assert url == "amqp://rasa:a%2Fb%23c%3Fd@mq:5672/"


# The table


@pytest.fixture
def sqlite_store(tmp_path) -> Iterator[FeedStore]:
    store = FeedStore(sa.create_engine(f"sqlite:///{tmp_path / 'conversations.db'}"))
    yield store
    store.engine.dispose()


def test_a_repeated_delivery_is_stored_once(sqlite_store: FeedStore) -> None:
    row = feed_row(user_event("widget-1", "hi", "greet"))
    assert row is not None
    assert sqlite_store.write(row) is True
    assert sqlite_store.write(row) is False
    assert len(sqlite_store.rows_since(dt.date(2020, 1, 1))) == 1


def test_a_message_that_waited_in_the_queue_past_its_conversations_deletion_is_not_stored(
    sqlite_store: FeedStore,
) -> None:
    deletion_metadata.create_all(sqlite_store.engine, tables=[deletion_requests])
    sent = 1_800_000_000.0
    with sqlite_store.engine.begin() as connection:
        connection.execute(
            deletion_requests.insert().values(
                sender_id="widget-1",
                requested_at=dt.datetime.fromtimestamp(sent + 60, dt.timezone.utc).isoformat(),
                done_at=dt.datetime.fromtimestamp(sent + 65, dt.timezone.utc).isoformat(),
            )
        )
    late = feed_row(user_event("widget-1", "please delete my data", "request_data_deletion", timestamp=sent))
    later = feed_row(user_event("widget-1", "hello again", "greet", message_id="m2", timestamp=sent + 3600))
    assert late is not None and later is not None
    assert sqlite_store.write(late) is False
    assert sqlite_store.write(later) is True  # a new conversation after the deletion counts again


def test_retention_deletes_feed_rows_older_than_the_period(tmp_path, sqlite_store: FeedStore) -> None:
    now = 1_800_000_000.0
    for n, age_days in enumerate((400, 10)):
        row = feed_row(user_event(f"widget-{n}", "hi", "greet", timestamp=now - age_days * 86400))
        assert row is not None and sqlite_store.write(row)
    purge(sqlite_store.engine, ConsoleStore(f"sqlite:///{tmp_path / 'staff.db'}"), days=365, now=now)
    assert [r.sender_id for r in sqlite_store.rows_since(dt.date(2020, 1, 1))] == ["widget-1"]


def test_a_users_delete_my_data_request_removes_their_feed_rows(tmp_path, sqlite_store: FeedStore) -> None:
    for sender in ("widget-1", "widget-2"):
        row = feed_row(user_event(sender, "hi", "greet"))
        assert row is not None and sqlite_store.write(row)
    deletion_metadata.create_all(sqlite_store.engine, tables=[deletion_requests])
    with sqlite_store.engine.begin() as connection:
        connection.execute(deletion_requests.insert().values(sender_id="widget-1", requested_at="2026-12-01T10:00:00"))
    staff = ConsoleStore(f"sqlite:///{tmp_path / 'staff.db'}")
    assert carry_out_deletions(sqlite_store.engine, staff, now=time.time()) == ["widget-1"]
    assert [r.sender_id for r in sqlite_store.rows_since(dt.date(2020, 1, 1))] == ["widget-2"]


# Against RabbitMQ and PostgreSQL: Rasa's own tracker store and Pika broker publish, the consumer stores


@pytest.fixture
def queue_name() -> Iterator[str]:
    name = f"test_feed_{uuid.uuid4().hex[:8]}"
    yield name
    delete_queue(name, exchange_of(name))


def exchange_of(queue: str) -> str:
    """Each test's own exchange: every queue bound to one fanout exchange gets all its events."""
    return f"{queue}_exchange"


@pytest.fixture
def postgres() -> Iterator[str]:
    with throwaway_database("feed") as name:
        yield name


async def wait_for(condition: Callable[[], bool], timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("timed out waiting")
        await asyncio.sleep(0.1)


class RunningConsumer:
    def __init__(self, queue: str, store: FeedStore) -> None:
        self.stop = asyncio.Event()
        self.task = asyncio.create_task(
            consume(AMQP_URL, queue, store, self.stop, retry_delay_s=0.2, exchange_name=exchange_of(queue))
        )

    async def close(self) -> None:
        self.stop.set()
        await asyncio.wait_for(self.task, 10)


async def broker_for(queue: str) -> PikaEventBroker:
    broker = PikaEventBroker("127.0.0.1", "guest", "guest", port=5672, queues=[queue], exchange_name=exchange_of(queue))
    await broker.connect()
    return broker


def a_conversation(sender: str) -> List[Any]:
    turns = [("why do screws loosen?", "ask_why_screws_loosen"), ("what's the weather", "out_of_scope")]
    events: List[Any] = [ActionExecuted("action_listen")]
    for text, intent in turns:
        events += [
            UserUttered(text, {"name": intent, "confidence": 0.9}),
            ActionExecuted("utter_answer"),
            BotUttered("an answer"),
            ActionExecuted("action_listen"),
        ]
    return events


@pytest.fixture
async def feed_store(postgres: str) -> AsyncIterator[FeedStore]:
    store = FeedStore(sa.create_engine(database_url(postgres), pool_pre_ping=True))
    yield store
    store.engine.dispose()


async def test_the_feed_counts_what_the_tracker_store_holds(postgres: str, queue_name: str) -> None:
    broker = await broker_for(queue_name)
    tracker_store = SQLTrackerStore(
        Domain.empty(), dialect="postgresql", host="127.0.0.1", db=postgres, username="postgres", event_broker=broker
    )
    store = FeedStore(sa.create_engine(database_url(postgres)))
    consumer = RunningConsumer(queue_name, store)
    senders = [f"widget-{uuid.uuid4().hex[:6]}" for _ in range(3)]
    for sender in senders:
        await tracker_store.save(DialogueStateTracker.from_events(sender, a_conversation(sender)))
    await wait_for(lambda: len(store.rows_since(dt.date.today())) == 6)
    await consumer.close()
    await broker.close()

    today = dt.datetime.now(dt.timezone.utc).date()
    from_tracker = build_report(read_user_messages(tracker_store.engine, today), [], [], today, today)
    from_feed = build_report(read_user_messages_from_feed(store.engine, today), [], [], today, today)
    assert from_feed.totals() == from_tracker.totals()
    assert from_feed.totals()["conversations"] == 3 and from_feed.totals()["topic_questions"] == 3
    assert [m.text for m in from_feed.unanswered] == [m.text for m in from_tracker.unanswered]
    store.engine.dispose()
    tracker_store.engine.dispose()


async def publish(queue: str, *bodies: bytes) -> None:
    connection = await aio_pika.connect_robust(AMQP_URL)
    channel = await connection.channel()
    exchange = await channel.declare_exchange(exchange_of(queue), type=aio_pika.ExchangeType.FANOUT)
    queue_ = await channel.declare_queue(queue, durable=True)
    await queue_.bind(exchange, "")
    for body in bodies:
        await channel.default_exchange.publish(aio_pika.Message(body), routing_key=queue)
    await connection.close()


async def queued(queue: str) -> int:
    connection = await aio_pika.connect_robust(AMQP_URL)
    channel = await connection.channel()
    declared = await channel.declare_queue(queue, durable=True, passive=True)
    count = declared.declaration_result.message_count
    await connection.close()
    return int(count or 0)


async def test_a_delivery_that_is_not_an_event_is_discarded_and_the_rest_go_on(
    feed_store: FeedStore, queue_name: str
) -> None:
    await publish(queue_name, b"{not json", user_event("widget-9", "hi", "greet"), b"\x00\xff")
    consumer = RunningConsumer(queue_name, feed_store)
    await wait_for(lambda: len(feed_store.rows_since(dt.date(2020, 1, 1))) == 1)
    await asyncio.sleep(0.3)
    await consumer.close()
    assert await queued(queue_name) == 0


async def test_while_the_database_is_down_events_wait_in_the_queue_and_are_stored_once_after(
    postgres: str, queue_name: str
) -> None:
    relay = CuttableProxy(5432)
    store = FeedStore(sa.create_engine(database_url(postgres, port=relay.port), pool_pre_ping=True))
    store.ensure_table()
    consumer = RunningConsumer(queue_name, store)
    await publish(queue_name, user_event("widget-1", "hi", "greet", message_id="before"))
    await wait_for(lambda: len(store.rows_since(dt.date(2020, 1, 1))) == 1)

    relay.cut()
    await publish(queue_name, *(user_event("widget-1", "hi", "greet", message_id=f"during-{n}") for n in range(5)))
    await asyncio.sleep(1.5)
    direct = FeedStore(sa.create_engine(database_url(postgres)))
    assert len(direct.rows_since(dt.date(2020, 1, 1))) == 1  # nothing written; the five wait, unacknowledged

    relay.restore()
    await wait_for(lambda: len(direct.rows_since(dt.date(2020, 1, 1))) == 6, timeout=30)
    await consumer.close()
    relay.close()
    rows = direct.rows_since(dt.date(2020, 1, 1))
    assert sorted(r.message_id for r in rows) == sorted(["before", *(f"during-{n}" for n in range(5))])
    with direct.engine.connect() as connection:
        assert connection.execute(sa.select(sa.func.count()).select_from(feed_messages)).scalar_one() == 6
    assert await queued(queue_name) == 0
    store.engine.dispose()
    direct.engine.dispose()


async def test_a_row_the_database_refuses_for_good_is_discarded_and_the_rest_go_on(
    feed_store: FeedStore, queue_name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    write = feed_store.write

    def refuse_one(row: FeedRow) -> bool:
        if row.message_id == "poison":
            raise sa.exc.DataError("INSERT", {}, ValueError("value out of range"))
        return write(row)

    monkeypatch.setattr(feed_store, "write", refuse_one)
    bodies = [user_event("widget-7", "hi", "greet", message_id=m) for m in ("poison", "after-1", "after-2")]
    await publish(queue_name, *bodies)
    consumer = RunningConsumer(queue_name, feed_store)
    await wait_for(lambda: len(feed_store.rows_since(dt.date(2020, 1, 1))) == 2)
    await asyncio.sleep(0.3)
    await consumer.close()
    assert sorted(r.message_id for r in feed_store.rows_since(dt.date(2020, 1, 1))) == ["after-1", "after-2"]
    assert await queued(queue_name) == 0  # discarded, not requeued for ever

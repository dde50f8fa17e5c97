"""The atomic Redis lock store, against the machine's Redis (127.0.0.1:6379, database 14).

Each "replica" is a lock store instance of its own, run in its own thread with its own event
loop, so tickets really are issued concurrently, as by two Rasa processes.
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from typing import Iterator, List, Tuple

import pytest
import redis
from rasa.core.lock_store import LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from assistant.lock_store import AtomicRedisLockStore
from tests.fakes.redis_database import empty_redis_database

REDIS_DB = 14


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    with empty_redis_database(REDIS_DB) as client:
        yield client


def replica() -> AtomicRedisLockStore:
    return AtomicRedisLockStore(host="127.0.0.1", port=6379, db=REDIS_DB, key_prefix="test")


def test_rasa_builds_it_from_the_endpoint_configuration(redis_client: redis.Redis) -> None:
    config = EndpointConfig(
        url="127.0.0.1", type="assistant.lock_store.AtomicRedisLockStore", port=6379, db=REDIS_DB, poll_interval=0.05
    )
    store = LockStore.create(config)
    assert isinstance(store, AtomicRedisLockStore)
    assert store.poll_interval == 0.05
    assert store.issue_ticket("built") == 1


def test_tickets_are_numbered_in_order_and_served_first_come(redis_client: redis.Redis) -> None:
    store = replica()
    assert [store.issue_ticket("c") for _ in range(3)] == [1, 2, 3]
    queued = store.get_lock("c")
    assert queued is not None and [ticket.number for ticket in queued.tickets] == [1, 2, 3]
    store.cleanup("c", 1)
    queued = store.get_lock("c")
    assert queued is not None and queued.now_serving == 2
    store.cleanup("c", 2)
    store.cleanup("c", 3)
    assert store.get_lock("c") is None
    assert not store.is_someone_waiting("c")


def test_an_expired_ticket_lets_the_next_one_through(redis_client: redis.Redis) -> None:
    store = replica()

    async def scenario() -> None:
        store.issue_ticket("slow", lock_lifetime=0.2)  # a replica that died holding the lock
        started = time.monotonic()
        async with store.lock("slow", lock_lifetime=5):
            waited = time.monotonic() - started
        assert 0.1 < waited < 2

    asyncio.run(scenario())


def test_a_ticket_that_expired_while_waiting_is_an_error(redis_client: redis.Redis) -> None:
    store = replica()
    store.issue_ticket("busy", lock_lifetime=5)
    mine = store.issue_ticket("busy", lock_lifetime=0.1)
    time.sleep(0.3)
    with pytest.raises(LockError):
        asyncio.run(store._acquire_lock("busy", mine, 0.01))


def test_a_waiting_message_goes_on_as_soon_as_the_one_ahead_finishes_on_the_same_replica(
    redis_client: redis.Redis,
) -> None:
    store = AtomicRedisLockStore(host="127.0.0.1", port=6379, db=REDIS_DB, key_prefix="test", poll_interval=5)

    async def scenario() -> float:
        finished_at = 0.0

        async def first() -> None:
            nonlocal finished_at
            async with store.lock("wake", lock_lifetime=30):
                await asyncio.sleep(0.1)
            finished_at = time.monotonic()

        async def second() -> float:
            await asyncio.sleep(0.02)  # queued behind the first
            async with store.lock("wake", lock_lifetime=30):
                return time.monotonic() - finished_at

        _, delay = await asyncio.gather(first(), second())
        return delay

    assert asyncio.run(scenario()) < 0.5  # not the 5 s poll


def test_a_whole_lock_write_is_refused(redis_client: redis.Redis) -> None:
    store = replica()
    with pytest.raises(NotImplementedError):
        store.save_lock(store.create_lock("x"))


def test_redis_down_is_a_lock_error_not_a_silent_pass() -> None:
    store = AtomicRedisLockStore(host="127.0.0.1", port=1, db=REDIS_DB, socket_timeout=1)
    with pytest.raises(LockError):
        store.issue_ticket("nobody")


def test_two_replicas_serve_one_conversation_one_message_at_a_time_in_ticket_order(
    redis_client: redis.Redis,
) -> None:
    conversation = f"burst-{uuid.uuid4().hex[:8]}"
    entries: List[Tuple[str, int, float, float]] = []
    record = threading.Lock()
    messages_per_replica = 15

    def run_replica(name: str) -> None:
        store = replica()

        async def handle(message: int) -> None:
            async with store.lock(conversation, lock_lifetime=30):
                began = time.monotonic()
                await asyncio.sleep(0.01)  # the message's processing
                with record:
                    entries.append((name, message, began, time.monotonic()))

        async def burst() -> None:
            await asyncio.gather(*(handle(n) for n in range(messages_per_replica)))

        asyncio.run(burst())

    threads = [threading.Thread(target=run_replica, args=(name,)) for name in ("replica-a", "replica-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert len(entries) == 2 * messages_per_replica  # every message handled, once
    assert len({(name, message) for name, message, _, _ in entries}) == 2 * messages_per_replica
    by_start = sorted(entries, key=lambda entry: entry[2])
    for earlier, later in zip(by_start, by_start[1:], strict=False):
        assert earlier[3] <= later[2], f"{earlier[:2]} and {later[:2]} were processed at the same time"
    for name in ("replica-a", "replica-b"):  # each replica's messages in the order they came
        assert [message for who, message, _, _ in by_start if who == name] == list(range(messages_per_replica))
    assert not replica().is_someone_waiting(conversation)

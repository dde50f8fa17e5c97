"""The rate limit shared by replicas through Redis, against the machine's Redis (127.0.0.1:6379, database 11)."""

from __future__ import annotations

import logging
import time
import uuid
from typing import Iterator

import pytest
import redis

from assistant.channels.rate_limit import RedisSenderRateLimiter, SenderRateLimiter
from tests.fakes.redis_database import empty_redis_database

REDIS_DB = 11


@pytest.fixture
def redis_client() -> Iterator[redis.Redis]:
    with empty_redis_database(REDIS_DB) as client:
        yield client


def sender() -> str:
    return f"rest-{uuid.uuid4().hex}"


def test_two_replicas_count_one_senders_messages_against_one_limit(redis_client: redis.Redis) -> None:
    replica_a = RedisSenderRateLimiter(redis_client, burst=4, per_minute=6)
    replica_b = RedisSenderRateLimiter(redis.Redis(host="127.0.0.1", port=6379, db=REDIS_DB), burst=4, per_minute=6)
    flood = sender()
    waits = [(replica_a if n % 2 else replica_b).wait_seconds(flood) for n in range(6)]
    assert waits[:4] == [0, 0, 0, 0]
    assert all(9 <= wait <= 10 for wait in waits[4:])  # one token per 10 s, counted across both replicas
    assert replica_a.wait_seconds(sender()) == 0  # nobody else is limited


def test_the_bucket_refills_at_the_configured_rate(redis_client: redis.Redis) -> None:
    limiter = RedisSenderRateLimiter(redis_client, burst=1, per_minute=600)  # a token every 0.1 s
    person = sender()
    assert limiter.wait_seconds(person) == 0
    assert limiter.wait_seconds(person) == 1  # whole seconds to wait, never 0 for a refusal
    time.sleep(0.15)
    assert limiter.wait_seconds(person) == 0


def test_a_bucket_expires_once_it_would_be_full_again(redis_client: redis.Redis) -> None:
    limiter = RedisSenderRateLimiter(redis_client, burst=20, per_minute=30)
    person = sender()
    limiter.wait_seconds(person)
    assert 0 < redis_client.pttl(f"rate_limit:{person}") <= 40_000  # 20 tokens at one per 2 s


def test_with_redis_unreachable_the_replica_counts_on_its_own_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    gone = redis.Redis(host="127.0.0.1", port=1, socket_timeout=0.2, socket_connect_timeout=0.2)
    limiter = RedisSenderRateLimiter(gone, burst=2, per_minute=1)
    with caplog.at_level(logging.ERROR):
        waits = [limiter.wait_seconds("flood") for _ in range(3)]
    assert waits[:2] == [0, 0] and waits[2] > 0  # the same limit, counted in this process
    assert "unreachable" in caplog.text


def test_the_url_in_the_environment_selects_the_shared_limit(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RATE_LIMIT_REDIS_URL", f"redis://127.0.0.1:6379/{REDIS_DB}")
    limiter = SenderRateLimiter.from_credentials({"rate_limit_burst": 3})
    assert isinstance(limiter, RedisSenderRateLimiter) and limiter.burst == 3
    monkeypatch.delenv("RATE_LIMIT_REDIS_URL")
    assert type(SenderRateLimiter.from_credentials({})) is SenderRateLimiter

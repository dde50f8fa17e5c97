"""A database of the machine's Redis (127.0.0.1:6379), emptied before and after a test."""

from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import pytest
import redis


@contextmanager
def empty_redis_database(db: int) -> Iterator[redis.Redis]:
    client = redis.Redis(host="127.0.0.1", port=6379, db=db, socket_timeout=3)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as error:
        pytest.fail(f"these tests need Redis at 127.0.0.1:6379 (scripts/test_services.sh starts it): {error}")
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()

"""A per-sender rate limit for the public channels: a flood from one sender is refused, people are not.

A token bucket per sender: `burst` messages at once, refilled at `per_minute`. The defaults
(20 at once, 30 a minute) are far above what a person types, so a refusal means a script or a
stuck client; the refused message is answered 429 with how long to wait, never dropped in
silence, and since it went unread the refusal carries the emergency instruction. Buckets live
in the process; with several replicas, RATE_LIMIT_REDIS_URL puts them in Redis instead
(`RedisSenderRateLimiter`: one Lua script takes a token atomically), so every replica counts
against one limit. While Redis cannot be reached each replica counts on its own, with a log
line: a refused message is never the price of an outage of the limit's store.
"""

from __future__ import annotations

import logging
import math
import os
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Dict

import redis

from assistant.channels.failures import with_instruction

logger = logging.getLogger(__name__)

DEFAULT_BURST = 20
DEFAULT_PER_MINUTE = 30.0
# Senders remembered at once; the least recently seen are forgotten first (a full bucket again).
DEFAULT_MAX_SENDERS = 100_000


@dataclass
class _Bucket:
    tokens: float
    updated: float


class SenderRateLimiter:
    """Decides whether one more message from a sender is let through now."""

    def __init__(
        self,
        burst: int = DEFAULT_BURST,
        per_minute: float = DEFAULT_PER_MINUTE,
        clock: Callable[[], float] = time.monotonic,
        max_senders: int = DEFAULT_MAX_SENDERS,
    ) -> None:
        if burst < 1 or per_minute <= 0:
            raise ValueError("a rate limit needs burst >= 1 and per_minute > 0")
        self.burst = burst
        self.rate_per_s = per_minute / 60.0
        self.clock = clock
        self.max_senders = max_senders
        self._buckets: "OrderedDict[str, _Bucket]" = OrderedDict()

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any]) -> "SenderRateLimiter":
        """The limit a channel's section of credentials.yml sets (`rate_limit_burst`, `rate_limit_per_minute`),
        kept in Redis when RATE_LIMIT_REDIS_URL is set."""
        burst = int(credentials.get("rate_limit_burst", DEFAULT_BURST))
        per_minute = float(credentials.get("rate_limit_per_minute", DEFAULT_PER_MINUTE))
        url = os.environ.get("RATE_LIMIT_REDIS_URL", "").strip()
        if url:
            client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT_S, socket_connect_timeout=REDIS_TIMEOUT_S)
            return RedisSenderRateLimiter(client, burst, per_minute)
        return cls(burst, per_minute)

    def wait_seconds(self, sender: str) -> int:
        """Take a token for `sender`: 0 when the message may go through, else whole seconds to wait."""
        now = self.clock()
        bucket = self._buckets.pop(sender, None) or _Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.updated) * self.rate_per_s)
        bucket.updated = now
        self._buckets[sender] = bucket
        while len(self._buckets) > self.max_senders:
            self._buckets.popitem(last=False)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return 0
        return max(1, math.ceil((1.0 - bucket.tokens) / self.rate_per_s))


# KEYS[1] the sender's bucket; ARGV[1] burst, ARGV[2] tokens per millisecond. Takes a token when
# there is one and returns 0, else the milliseconds until there is one. Redis's clock, so replicas agree.
_TAKE = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local burst = tonumber(ARGV[1])
local rate = tonumber(ARGV[2])
local bucket = redis.call('HMGET', KEYS[1], 'tokens', 'updated')
local tokens = tonumber(bucket[1]) or burst
local updated = tonumber(bucket[2]) or now_ms
tokens = math.min(burst, tokens + math.max(0, now_ms - updated) * rate)
local wait_ms = 0
if tokens >= 1 then
  tokens = tokens - 1
else
  wait_ms = math.ceil((1 - tokens) / rate)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'updated', now_ms)
redis.call('PEXPIRE', KEYS[1], math.ceil(burst / rate))
return wait_ms
"""
REDIS_TIMEOUT_S = 0.5
DEFAULT_KEY_PREFIX = "rate_limit:"


class RedisSenderRateLimiter(SenderRateLimiter):
    """The same bucket per sender, kept in Redis so that every replica counts against one limit."""

    def __init__(
        self,
        client: redis.Redis,
        burst: int = DEFAULT_BURST,
        per_minute: float = DEFAULT_PER_MINUTE,
        key_prefix: str = DEFAULT_KEY_PREFIX,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        super().__init__(burst, per_minute, clock)  # its own buckets: the count while Redis is away
        self.key_prefix = key_prefix
        self._take = client.register_script(_TAKE)

    def wait_seconds(self, sender: str) -> int:
        try:
            wait_ms = int(self._take(keys=[self.key_prefix + sender], args=[self.burst, self.rate_per_s / 1000]))
        except redis.RedisError as error:
            logger.error("The rate limit's Redis is unreachable (%s); this replica counts on its own meanwhile", error)
            return super().wait_seconds(sender)
        return 0 if wait_ms <= 0 else max(1, math.ceil(wait_ms / 1000))


def refusal_text(wait_s: int, emergency_number: str | None = None) -> str:
    """What the sender is told when a message is refused: the refused message went unread, so the
    emergency instruction comes with it, as with every failure reply (assistant/channels/failures.py)."""
    return with_instruction(
        f"Too many messages from this conversation at once. Please wait {wait_s} s and send it again.",
        emergency_number,
    )

"""A per-sender rate limit for the public channels: a flood from one sender is refused, people are not.

A token bucket per sender: `burst` messages at once, refilled at `per_minute`. The defaults
(20 at once, 30 a minute) are far above what a person types, so a refusal means a script or a
stuck client; the refused message is answered 429 with how long to wait, never dropped in
silence, and since it went unread the refusal carries the emergency instruction. Buckets live
in the process: with several replicas each keeps its own (a sender's limit is at most the
replica count times the setting; sticky sessions keep the widget on one).
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Dict

from assistant.channels.failures import with_instruction

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
        """The limit a channel's section of credentials.yml sets (`rate_limit_burst`, `rate_limit_per_minute`)."""
        return cls(
            int(credentials.get("rate_limit_burst", DEFAULT_BURST)),
            float(credentials.get("rate_limit_per_minute", DEFAULT_PER_MINUTE)),
        )

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


def refusal_text(wait_s: int) -> str:
    """What the sender is told when a message is refused: the refused message went unread, so the
    emergency instruction comes with it, as with every failure reply (assistant/channels/failures.py)."""
    return with_instruction(
        f"Too many messages from this conversation at once. Please wait {wait_s} s and send it again."
    )

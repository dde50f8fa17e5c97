"""The per-sender rate limit: a burst goes through, a flood is told how long to wait, others are unaffected."""

from __future__ import annotations

import pytest

from assistant.channels.failures import emergency_instruction
from assistant.channels.rate_limit import SenderRateLimiter, refusal_text


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_goes_through_and_the_next_message_is_told_when_to_retry() -> None:
    clock = Clock()
    limiter = SenderRateLimiter(burst=3, per_minute=6, clock=clock)  # one message per 10 s after the burst
    assert [limiter.wait_seconds("flood") for _ in range(3)] == [0, 0, 0]
    assert limiter.wait_seconds("flood") == 10
    clock.now += 10
    assert limiter.wait_seconds("flood") == 0


def test_one_senders_flood_does_not_limit_anyone_else() -> None:
    limiter = SenderRateLimiter(burst=2, per_minute=1, clock=Clock())
    for _ in range(5):
        limiter.wait_seconds("flood")
    assert limiter.wait_seconds("someone-else") == 0


def test_a_person_typing_is_never_refused() -> None:
    clock = Clock()
    limiter = SenderRateLimiter(clock=clock)  # the defaults: 20 at once, 30 a minute
    for _ in range(200):  # a message every 3 s for 10 minutes, faster than anyone types
        assert limiter.wait_seconds("person") == 0
        clock.now += 3


def test_the_least_recently_seen_senders_are_forgotten_first() -> None:
    limiter = SenderRateLimiter(burst=1, per_minute=1, clock=Clock(), max_senders=2)
    limiter.wait_seconds("a")
    limiter.wait_seconds("b")
    limiter.wait_seconds("c")  # "a" is forgotten: a full bucket again
    assert limiter.wait_seconds("a") == 0
    assert limiter.wait_seconds("c") > 0


def test_nonsense_settings_are_refused() -> None:
    with pytest.raises(ValueError):
        SenderRateLimiter(burst=0)
    with pytest.raises(ValueError):
        SenderRateLimiter(per_minute=0)


def test_the_refusal_says_how_long_to_wait() -> None:
    assert "wait 7 s" in refusal_text(7)


def test_the_refusal_ends_with_the_emergency_instruction() -> None:
    # The refused message went unread: it may have been an emergency.
    assert refusal_text(7).endswith(emergency_instruction())
    assert refusal_text(7, "999").endswith(emergency_instruction("999"))  # the number of the person's locale


def test_a_channel_reads_its_limit_from_credentials() -> None:
    limiter = SenderRateLimiter.from_credentials({"rate_limit_burst": 2, "rate_limit_per_minute": 6})
    assert (limiter.burst, limiter.rate_per_s) == (2, 0.1)
    assert SenderRateLimiter.from_credentials({}).burst == 20

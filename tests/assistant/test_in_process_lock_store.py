"""The in-process conversation lock: one message of a conversation at a time, the next one woken at once."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import List, Tuple

import pytest
from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import read_endpoint_config

from assistant.in_process_lock_store import InProcessLockStore

ENDPOINTS = Path(__file__).resolve().parents[2] / "endpoints.yml"


def test_the_default_set_up_selects_it_and_rasa_builds_it(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "conversations.db"))
    monkeypatch.setenv("ACTION_PORT", "5055")
    config = read_endpoint_config(str(ENDPOINTS), "lock_store")
    assert isinstance(LockStore.create(config), InProcessLockStore)


def test_a_waiting_message_starts_as_soon_as_the_one_before_it_finishes() -> None:
    store = InProcessLockStore()

    async def first(released_at: List[float]) -> None:
        async with store.lock("c"):
            await asyncio.sleep(0.2)
            released_at.append(time.perf_counter())

    async def second() -> float:
        await asyncio.sleep(0.05)  # queued behind the first
        async with store.lock("c"):  # Rasa's default: retry every second
            return time.perf_counter()

    async def both() -> Tuple[float, float]:
        released_at: List[float] = []
        _, acquired_at = await asyncio.gather(first(released_at), second())
        return released_at[0], acquired_at

    released_at, acquired_at = asyncio.run(both())
    # Rasa's InMemoryLockStore would have slept until 1.05 s, 0.85 s after the release.
    assert 0 <= acquired_at - released_at < 0.1


def test_a_burst_of_one_conversation_is_served_one_at_a_time_in_order() -> None:
    store = InProcessLockStore()
    served: List[Tuple[str, int]] = []

    async def message(number: int) -> None:
        async with store.lock("burst"):
            served.append(("start", number))
            await asyncio.sleep(0.01)
            served.append(("end", number))

    async def burst() -> None:
        await asyncio.gather(*(message(number) for number in range(8)))

    started = time.perf_counter()
    asyncio.run(burst())
    assert served == [(edge, number) for number in range(8) for edge in ("start", "end")]
    assert time.perf_counter() - started < 1.0  # eight one-second retries with Rasa's store
    assert store.get_lock("burst") is None  # the last one out removes the lock


def test_other_conversations_do_not_wait() -> None:
    store = InProcessLockStore()

    async def hold() -> None:
        async with store.lock("busy"):
            await asyncio.sleep(0.5)

    async def other() -> float:
        await asyncio.sleep(0.05)
        started = time.perf_counter()
        async with store.lock("free"):
            return time.perf_counter() - started

    async def both() -> float:
        _, waited = await asyncio.gather(hold(), other())
        return waited

    assert asyncio.run(both()) < 0.05


def test_a_ticket_whose_holder_never_finishes_expires_and_the_next_message_goes_ahead() -> None:
    store = InProcessLockStore()

    async def after_a_stuck_holder() -> float:
        store.issue_ticket("stuck", lock_lifetime=0.3)  # taken, never finished
        started = time.perf_counter()
        async with store.lock("stuck", wait_time_in_seconds=0.05):
            return time.perf_counter() - started

    assert 0.25 < asyncio.run(after_a_stuck_holder()) < 1.0

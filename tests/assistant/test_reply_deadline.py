"""The REST channel answers by its deadline, with the replies so far, even if an action hangs."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

from assistant.channels.failures import STORE_UNAVAILABLE_TEXT
from assistant.channels.rest import handle_within_deadline
from assistant.tracker_store import TrackerStoreUnavailable
from tests.conftest import emergency_opening

EMERGENCY = {"recipient_id": "u", "text": emergency_opening()}


async def test_a_normal_turn_returns_its_replies() -> None:
    replies: List[Dict[str, Any]] = []

    async def handling() -> None:
        replies.append(EMERGENCY)

    assert await handle_within_deadline(handling(), replies, deadline_s=1) == (200, [EMERGENCY])


async def test_a_hung_action_does_not_hold_back_the_emergency_reply() -> None:
    replies: List[Dict[str, Any]] = []
    finished = asyncio.Event()

    async def handling() -> None:
        replies.append(EMERGENCY)  # the domain response goes out first
        await asyncio.sleep(0.5)  # then the custom action hangs
        finished.set()

    status, body = await asyncio.wait_for(handle_within_deadline(handling(), replies, deadline_s=0.05), timeout=0.4)
    assert (status, body) == (200, [EMERGENCY])
    await asyncio.wait_for(finished.wait(), timeout=2)  # handling went on in the background


async def test_nothing_by_the_deadline_is_a_503_not_an_empty_success() -> None:
    async def handling() -> None:
        await asyncio.sleep(0.5)

    status, body = await handle_within_deadline(handling(), [], deadline_s=0.05)
    assert status == 503 and "still being handled" in body["error"]


async def test_a_failure_is_a_500_that_keeps_the_replies_already_made() -> None:
    replies: List[Dict[str, Any]] = []

    async def handling() -> None:
        replies.append(EMERGENCY)
        raise RuntimeError("an action returned something Rasa could not read")

    status, body = await handle_within_deadline(handling(), replies, deadline_s=1)
    assert status == 500 and body["messages"] == [EMERGENCY]


async def test_a_conversation_store_outage_is_a_503_that_says_the_message_was_not_kept() -> None:
    replies: List[Dict[str, Any]] = []

    async def handling() -> None:
        replies.append(EMERGENCY)  # the reply went out; saving the turn failed
        raise TrackerStoreUnavailable("The conversation store could not save the conversation")

    status, body = await handle_within_deadline(handling(), replies, deadline_s=1)
    assert status == 503
    assert body == {"error": STORE_UNAVAILABLE_TEXT, "messages": [EMERGENCY]}
    assert "not kept" in body["error"]

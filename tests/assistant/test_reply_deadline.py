"""The REST channel answers by its deadline, with the replies so far, even if an action hangs."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

import pytest

from actions.content_base import load_content_base
from assistant.channels import failures
from assistant.channels.failures import (
    STORE_UNAVAILABLE_TEXT,
    emergency_instruction,
    failure_text,
    too_slow_text,
)
from assistant.channels.rest import handle_within_deadline
from assistant.emergency_numbers import EmergencyNumbers
from assistant.tracker_store import TrackerStoreUnavailable
from tests.conftest import CONTENT_DATE, CONTENT_DIR, emergency_opening

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
    assert body["error"].endswith(emergency_instruction())


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
    assert body["messages"] == [EMERGENCY] and body["error"].startswith(STORE_UNAVAILABLE_TEXT)
    assert "not kept" in body["error"]


async def test_when_reading_the_conversation_fails_the_person_still_gets_the_emergency_instruction() -> None:
    async def handling() -> None:
        # The store is down before anything read the message, which may itself have been an emergency.
        raise TrackerStoreUnavailable("The conversation store could not read the conversation")

    status, body = await handle_within_deadline(handling(), [], deadline_s=1)
    assert status == 503 and body["messages"] == []
    assert body["error"].endswith(emergency_instruction()) and "metal" in emergency_instruction()
    assert "{emergency_number}" not in body["error"]


async def test_every_failure_text_ends_with_the_content_bases_emergency_instruction() -> None:
    content = load_content_base(CONTENT_DIR, today=CONTENT_DATE)
    default_number = EmergencyNumbers.from_file().default
    assert emergency_instruction() == content.reminder.replace("{emergency_number}", default_number)
    for text in (failure_text(RuntimeError()), failure_text(TrackerStoreUnavailable("x")), too_slow_text()):
        assert text.endswith(emergency_instruction())


def test_the_instruction_needs_only_base_yml_so_no_topics_review_date_can_take_it_away(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "base.yml").write_text((CONTENT_DIR / "base.yml").read_text())  # no topics at all
    monkeypatch.setattr(failures, "_reminder", None)
    reminder = load_content_base(CONTENT_DIR, today=CONTENT_DATE).reminder
    assert failures.emergency_instruction(content_dir=tmp_path) == reminder.replace("{emergency_number}", "{}").format(
        EmergencyNumbers.from_file().default
    )
    monkeypatch.setattr(failures, "_reminder", None)
    assert failures.emergency_instruction(content_dir=tmp_path / "missing") == failures.FALLBACK_INSTRUCTION


async def test_a_failure_reply_names_the_persons_own_emergency_number() -> None:
    reminder = load_content_base(CONTENT_DIR, today=CONTENT_DATE).reminder
    assert emergency_instruction("911") == reminder.replace("{emergency_number}", "911")

    async def handling() -> None:
        raise TrackerStoreUnavailable("The conversation store could not read the conversation")

    _, body = await handle_within_deadline(handling(), [], deadline_s=1, emergency_number="999")
    assert body["error"].endswith(emergency_instruction("999"))
    status, body = await handle_within_deadline(asyncio.sleep(0.5), [], deadline_s=0.05, emergency_number="112")
    assert status == 503 and body["error"].endswith(emergency_instruction("112"))

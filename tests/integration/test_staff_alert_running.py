"""Staff alerts on the running stack: an emergency pages the local staff webhook."""

from __future__ import annotations

import time

import pytest

from evaluation.rest_client import open_sender
from tests.conftest import emergency_opening
from tests.fakes.staff_webhook import FakeStaffWebhook
from tests.integration.conftest import RunningAssistant
from tests.integration.test_server import say

pytestmark = pytest.mark.needs_model


def test_an_emergency_reaches_the_staff_webhook(
    running_assistant: RunningAssistant, staff_webhook: FakeStaffWebhook
) -> None:
    sender_conversation = open_sender(running_assistant.rasa_url)
    sender = sender_conversation.sender
    started = time.monotonic()
    replies = say(running_assistant, sender_conversation, "there is a screw sticking out of my scar")
    assert replies[0]["text"].startswith(emergency_opening())
    alert = staff_webhook.wait_for(lambda a: a.get("conversation_id") == sender, timeout=10)
    assert alert["category"] == "emergency_exposed_hardware"
    assert "sticking out" not in alert["text"]  # the user's words stay in the triage record
    assert time.monotonic() - started < 10


def test_a_question_pages_nobody(running_assistant: RunningAssistant, staff_webhook: FakeStaffWebhook) -> None:
    sender_conversation = open_sender(running_assistant.rasa_url)
    sender = sender_conversation.sender
    say(running_assistant, sender_conversation, "why do spinal screws come loose")
    time.sleep(1.0)
    assert not [a for a in staff_webhook.received if a.get("conversation_id") == sender]

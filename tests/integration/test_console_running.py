"""The staff console on the running stack: an emergency typed in the chat is in the queue within
2 seconds, with its transcript; acknowledge and resolve are recorded with who and when; a handoff
needs real contact details; "delete my data" removes the conversation."""

from __future__ import annotations

import time

import httpx
import pytest
import sqlalchemy

from evaluation.rest_client import open_sender
from tests.integration.conftest import RunningAssistant
from tests.integration.staff import StaffBrowser, queued, wait_in_queue
from tests.integration.test_server import say

pytestmark = pytest.mark.needs_model


def test_an_emergency_is_in_the_queue_within_2_seconds_with_its_transcript(
    running_assistant: RunningAssistant, staff: StaffBrowser
) -> None:
    sender_conversation = open_sender(running_assistant.rasa_url)
    sender = sender_conversation.sender
    say(running_assistant, sender_conversation, "there's a screw poking out of my scar, call me on 07700 900123")
    item = wait_in_queue(staff, sender, 2.0)
    assert item is not None, "the emergency was not in the queue 2 s after its reply"
    assert item["category"] == "emergency_exposed_hardware" and item["status"] == "new"
    transcript = staff.get(f"/conversations/{sender}").text
    assert "screw poking out of my scar, call me on [phone …23]" in transcript
    assert "07700 900123" not in transcript


def test_acknowledge_and_resolve_on_the_running_console(
    running_assistant: RunningAssistant, staff: StaffBrowser
) -> None:
    sender_conversation = open_sender(running_assistant.rasa_url)
    sender = sender_conversation.sender
    say(running_assistant, sender_conversation, "my legs went numb and I can't pee since this morning")
    assert wait_in_queue(staff, sender, 2.0) is not None
    assert staff.post_form(f"/conversations/{sender}/acknowledge").status_code == 303
    item = queued(staff, sender)
    assert item is not None and item["status"] == "acknowledged" and item["acknowledged_by"].startswith("nurse")
    assert staff.post_form(f"/conversations/{sender}/resolve").status_code == 303
    assert queued(staff, sender) is None
    audit = staff.get("/audit").text
    assert f"<td>acknowledge</td><td>{sender}</td>" in audit and f"<td>resolve</td><td>{sender}</td>" in audit


def test_the_running_console_refuses_the_queue_without_a_session(running_assistant: RunningAssistant) -> None:
    response = httpx.get(f"{running_assistant.console_url}/api/queue", timeout=10)
    assert response.status_code == 401


def test_a_handoff_needs_real_contact_details_and_lands_in_the_queue(
    running_assistant: RunningAssistant, staff: StaffBrowser
) -> None:
    sender_conversation = open_sender(running_assistant.rasa_url)
    sender = sender_conversation.sender
    assert (
        "How should they reach you"
        in say(running_assistant, sender_conversation, "can I talk to a real person")[0]["text"]
    )
    refused = [r["text"] for r in say(running_assistant, sender_conversation, "my name is Ann")]
    assert "could not find a phone number or an email address" in refused[0]
    assert "How should they reach you" in refused[-1]
    say(running_assistant, sender_conversation, "ann.lee@example.org")
    item = wait_in_queue(staff, sender, 2.0)
    assert item is not None and item["category"] == "handoff"
    page = staff.get(f"/conversations/{sender}").text
    assert "ann.lee@example.org" not in page and "[e-mail a…@example.org]" in page
    assert (
        "Contact: <strong>ann.lee@example.org</strong>"
        in staff.post_form(f"/conversations/{sender}/reveal-contact").text
    )


def test_delete_my_data_removes_the_conversation_and_is_audited(
    running_assistant: RunningAssistant, staff: StaffBrowser
) -> None:
    sender_conversation = open_sender(running_assistant.rasa_url)
    sender = sender_conversation.sender
    say(running_assistant, sender_conversation, "there's a screw poking out of my back")
    assert "Delete it?" in say(running_assistant, sender_conversation, "please delete my data")[0]["text"]
    assert "will be deleted" in say(running_assistant, sender_conversation, "yes")[0]["text"]
    engine = sqlalchemy.create_engine(running_assistant.triage_url)
    deadline = time.monotonic() + 20
    remaining = 1
    while remaining and time.monotonic() < deadline:
        time.sleep(0.5)
        with engine.connect() as connection:
            remaining = connection.execute(
                sqlalchemy.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}
            ).scalar_one()
    engine.dispose()
    assert remaining == 0, "the conversation was not deleted within 20 s"
    assert queued(staff, sender) is None
    assert f"<td>delete_conversation</td><td>{sender}</td>" in staff.get("/audit").text

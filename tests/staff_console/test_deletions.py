"""The user's "delete my data": the action records the request; the console's job deletes the conversation
once the turn is saved, with its triage records and case status, and audits it."""

from __future__ import annotations

import asyncio
import time

import sqlalchemy as sa
from rasa_sdk.executor import CollectingDispatcher
from starlette.testclient import TestClient

from actions.data_deletion import ActionForgetConversation
from staff_console.app import Console, create_app
from staff_console.deletions import carry_out_deletions
from staff_console.store import ConsoleStore
from tests.actions.conftest import make_tracker
from tests.fakes.tracker_events import emergency_turn, save
from tests.staff_console.helpers import SENDER, record


def event_count(console: Console, sender: str) -> int:
    with console.conversations.engine.connect() as connection:
        return connection.execute(
            sa.text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": sender}
        ).scalar_one()


def ask_to_forget(console: Console, sender: str) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("affirm", text="yes", sender_id=sender)
    assert asyncio.run(ActionForgetConversation(console.conversations).run(dispatcher, tracker, {})) == []
    return dispatcher


def test_a_settled_request_deletes_the_conversation_its_records_and_status(console: Console) -> None:
    store = ConsoleStore(console.settings.staff_database_url)
    save(console.settings.conversations_url, SENDER, emergency_turn())
    save(console.settings.conversations_url, "someone-else", emergency_turn())
    record(console, SENDER, "emergency_exposed_hardware", "2026-12-01T10:00:00+00:00")
    console.queue.acknowledge(SENDER, "ann")
    dispatcher = ask_to_forget(console, SENDER)
    assert [m["response"] for m in dispatcher.messages] == ["utter_data_deletion_requested"]

    assert carry_out_deletions(console.conversations.engine, store) == []  # the turn may not be saved yet
    assert carry_out_deletions(console.conversations.engine, store, now=time.time() + 10) == [SENDER]
    assert event_count(console, SENDER) == 0 and event_count(console, "someone-else") > 0
    assert console.queue.status(SENDER) == {} and SENDER not in [i.sender_id for i in console.queue.items()]
    (entry,) = console.audit.recent(target=SENDER)[:1]
    assert entry.action == "delete_conversation" and entry.actor == "the user, in the chat"
    assert carry_out_deletions(console.conversations.engine, store, now=time.time() + 10) == []  # done once


def test_with_no_request_nothing_is_deleted(console: Console) -> None:
    store = ConsoleStore(console.settings.staff_database_url)
    save(console.settings.conversations_url, SENDER, emergency_turn())
    assert carry_out_deletions(console.conversations.engine, store, now=time.time() + 10) == []
    assert event_count(console, SENDER) > 0


def test_the_running_console_carries_out_requests_by_itself(console: Console) -> None:
    store = ConsoleStore(console.settings.staff_database_url)
    console.store = store
    console.settings = console.settings.__class__(**{**console.settings.__dict__, "deletion_interval_s": 0.2})
    save(console.settings.conversations_url, SENDER, emergency_turn())
    ask_to_forget(console, SENDER)
    with TestClient(create_app(console)):  # runs the app's lifespan, and with it the deletion job
        deadline = time.monotonic() + 10
        while event_count(console, SENDER) and time.monotonic() < deadline:
            time.sleep(0.2)
    assert event_count(console, SENDER) == 0

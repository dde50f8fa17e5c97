"""Triage records live in the tracker store's database and are rebuilt from its events, so a
record is never lost because the action server was down. SQLite (the default) and the
machine's PostgreSQL (the scaled-out set-up)."""

from __future__ import annotations

import asyncio
from typing import Iterator

import pytest
import sqlalchemy as sa
from rasa.shared.core.trackers import EventVerbosity
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.triage import ActionRecordTriage, TriageLog
from actions.triage_rebuild import TriageRebuilder
from tests.fakes.postgres import database_url as postgres_url
from tests.fakes.postgres import throwaway_database
from tests.fakes.tracker_events import emergency_turn, handoff_turn, save


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path) -> Iterator[str]:
    """The tracker store's database: an SQLite file, or a scratch PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'conversations.db'}"
        return
    with throwaway_database("triage_test") as name:
        yield postgres_url(name)


def test_a_safety_reply_the_action_server_missed_is_rebuilt_with_its_evidence(database_url: str) -> None:
    save(database_url, "missed-1", emergency_turn())
    log = TriageLog(database_url)

    [written] = TriageRebuilder(log).run_once()

    [record] = log.recent()
    assert record == written
    assert (record.sender_id, record.category, record.source) == ("missed-1", "emergency_exposed_hardware", "rebuilt")
    assert (record.message, record.channel, record.intent) == (
        "the screw is poking out of my back",
        "rest",
        "report_exposed_hardware",
    )
    assert record.details["safety"]["category"] == "exposed_hardware"
    log.dispose()


def test_a_record_the_action_wrote_is_not_written_again(database_url: str) -> None:
    tracker = save(database_url, "recorded-1", emergency_turn())
    log = TriageLog(database_url)
    sdk_tracker = Tracker.from_dict(tracker.current_state(EventVerbosity.ALL))

    asyncio.new_event_loop().run_until_complete(ActionRecordTriage(log).run(CollectingDispatcher(), sdk_tracker, {}))

    assert TriageRebuilder(log).run_once() == []
    assert [(r.category, r.source) for r in log.recent()] == [("emergency_exposed_hardware", "action")]
    log.dispose()


def test_each_pass_reads_on_and_writes_each_message_once(database_url: str) -> None:
    save(database_url, "twice", emergency_turn("metal showing in my scar"))
    log = TriageLog(database_url)
    rebuilder = TriageRebuilder(log)
    assert len(rebuilder.run_once()) == 1
    assert rebuilder.run_once() == []
    save(database_url, "later", emergency_turn("rod coming through my skin"))
    assert [e.sender_id for e in rebuilder.run_once()] == ["later"]
    assert TriageRebuilder(log).run_once() == []  # a restarted server re-reads, and writes nothing twice
    assert len(log.recent()) == 2
    log.dispose()


def test_a_contact_the_handoff_form_collected_is_a_handoff_record(database_url: str) -> None:
    save(database_url, "handoff-1", handoff_turn("jo@example.org"))
    save(database_url, "handoff-2", handoff_turn(None))
    log = TriageLog(database_url)

    [written] = TriageRebuilder(log).run_once()

    assert (written.sender_id, written.category, written.details["contact"]) == (
        "handoff-1",
        "handoff",
        "jo@example.org",
    )
    log.dispose()


def test_before_any_conversation_there_is_nothing_to_rebuild(tmp_path) -> None:
    log = TriageLog(f"sqlite:///{tmp_path / 'fresh.db'}")
    assert TriageRebuilder(log).run_once() == []


def test_the_first_pass_looks_back_only_as_far_as_asked(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'conversations.db'}"
    tracker = save(url, "old", emergency_turn())
    stored_at = max(e.timestamp for e in tracker.events)
    log = TriageLog(url)
    assert TriageRebuilder(log, lookback_s=60).run_once(now=stored_at + 3600) == []
    assert len(TriageRebuilder(log, lookback_s=7200).run_once(now=stored_at + 3600)) == 1


def test_a_conversation_deleted_between_the_read_and_the_write_does_not_get_its_record_back(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    save(database_url, "forgotten", emergency_turn())
    log = TriageLog(database_url)
    record = log.record

    def deleted_meanwhile(event, only_if=None):  # the user's "delete my data" lands mid-pass
        with log.engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM events WHERE sender_id = :s"), {"s": event.sender_id})
        return record(event, only_if=only_if)

    monkeypatch.setattr(log, "record", deleted_meanwhile)
    assert TriageRebuilder(log).run_once() == []
    assert log.recent() == []
    log.dispose()

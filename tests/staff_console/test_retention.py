"""Retention: whole conversations and triage records older than the period go; newer ones stay."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa
from rasa.shared.core.events import ActionExecuted, UserUttered

from evaluation.paths import ROOT
from staff_console.app import Console
from staff_console.retention import purge
from staff_console.store import ConsoleStore
from tests.fakes.tracker_events import save
from tests.staff_console.helpers import record

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.timezone.utc)
DAY = 86400.0


def said(text: str, days_ago: float) -> list:
    at = NOW.timestamp() - days_ago * DAY
    return [ActionExecuted("action_listen", timestamp=at), UserUttered(text, timestamp=at)]


def senders(console: Console) -> set:
    with console.conversations.engine.connect() as connection:
        return set(connection.exec_driver_sql("SELECT DISTINCT sender_id FROM events").scalars())


@pytest.fixture
def store(console: Console) -> ConsoleStore:
    return ConsoleStore(console.settings.staff_database_url)


def test_a_conversation_goes_as_a_whole_only_when_its_newest_event_is_old(console: Console, store) -> None:
    url = console.settings.conversations_url
    save(url, "old", said("hello", 400) + said("bye", 380))
    save(url, "spans", said("hello", 400) + said("still here", 10))
    save(url, "new", said("hello", 1))
    result = purge(console.conversations.engine, store, days=365, now=NOW.timestamp())
    assert senders(console) == {"spans", "new"}
    assert (result.conversations, result.events) == (1, 4)


def test_old_triage_records_and_their_case_status_go(console: Console, store) -> None:
    record(console, "old-case", "emergency_exposed_hardware", "2025-10-01T10:00:00+00:00")
    record(console, "new-case", "handoff", "2026-11-30T10:00:00+00:00")
    console.queue.resolve("old-case", "ann")
    console.queue.acknowledge("new-case", "ann")
    result = purge(console.conversations.engine, store, days=365, now=NOW.timestamp())
    assert result.triage_records == 1 and result.case_statuses == 1
    assert console.queue.status("old-case") == {} and console.queue.status("new-case")["acknowledged_by"] == "ann"
    with pytest.raises(LookupError):
        console.queue.records("old-case")
    (entry,) = [e for e in console.audit.recent() if e.action == "purge"]
    assert entry.actor == "retention" and "1 triage record(s)" in entry.detail


def test_a_dry_run_counts_and_deletes_nothing(console: Console, store) -> None:
    save(console.settings.conversations_url, "old", said("hello", 400))
    record(console, "old", "emergency_exposed_hardware", "2025-10-01T10:00:00+00:00")
    result = purge(console.conversations.engine, store, days=365, now=NOW.timestamp(), dry_run=True)
    assert (result.conversations, result.events, result.triage_records) == (1, 2, 1)
    assert senders(console) == {"old"} and console.queue.records("old")
    assert not [e for e in console.audit.recent() if e.action == "purge"]


def test_a_retention_under_a_day_is_refused(console: Console, store) -> None:
    with pytest.raises(ValueError, match="at least 1 day"):
        purge(console.conversations.engine, store, days=0)


def test_make_purges_command_reports_what_it_deleted(console: Console) -> None:
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "STAFF_DATABASE_URL": console.settings.staff_database_url,
        "TRIAGE_DATABASE_URL": console.settings.conversations_url,
    }
    done = subprocess.run(
        [sys.executable, "-m", "staff_console", "purge", "--days", "30"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.startswith("deleted 0 conversation(s)")
    engine = sa.create_engine(console.settings.staff_database_url)
    with engine.connect() as connection:
        assert connection.exec_driver_sql("SELECT count(*) FROM audit_log WHERE action = 'purge'").scalar_one() == 1
    engine.dispose()

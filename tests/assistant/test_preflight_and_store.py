"""Start-up checks: an unreachable tracker store is refused, never replaced by memory; an unreachable
event broker is named before Rasa spends 100 s retrying it."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from assistant.preflight import check_event_broker, check_tracker_store
from assistant.tracker_store import TrackerStoreUnavailable, VerifiedSQLTrackerStore, verify_database


def endpoints_file(tmp_path: Path, tracker_store: str) -> Path:
    path = tmp_path / "endpoints.yml"
    path.write_text(tracker_store)
    return path


def test_a_writable_sqlite_file_passes_and_is_left_as_found(tmp_path: Path) -> None:
    import sqlite3

    database = tmp_path / "ok.db"
    verify_database(f"sqlite:///{database}")  # raises TrackerStoreUnavailable on failure
    assert database.is_file()  # it was opened for writing, not just looked at
    with sqlite3.connect(database) as connection:
        tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert tables == []  # the scratch table is gone


def test_a_missing_folder_is_refused_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(TrackerStoreUnavailable, match="Conversations would be lost"):
        verify_database(f"sqlite:///{tmp_path / 'missing' / 'x.db'}")


def test_an_unreachable_postgres_is_refused_without_showing_the_password() -> None:
    with pytest.raises(TrackerStoreUnavailable) as error:
        verify_database("postgresql://rasa:secret@127.0.0.1:1/rasa")
    assert "secret" not in str(error.value)


def test_the_store_itself_refuses_to_start(tmp_path: Path) -> None:
    with pytest.raises(TrackerStoreUnavailable):
        VerifiedSQLTrackerStore(dialect="sqlite", db=str(tmp_path / "missing" / "x.db"))


def test_the_store_keeps_a_conversation_across_instances(tmp_path: Path) -> None:
    import asyncio

    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    db = str(tmp_path / "conversations.db")
    tracker = DialogueStateTracker.from_events("kept", [UserUttered("hello")])
    loop = asyncio.new_event_loop()
    loop.run_until_complete(VerifiedSQLTrackerStore(dialect="sqlite", db=db).save(tracker))
    again = loop.run_until_complete(VerifiedSQLTrackerStore(dialect="sqlite", db=db).retrieve("kept"))
    loop.close()
    assert again is not None and again.latest_message.text == "hello"


def test_preflight_reports_a_missing_store(tmp_path: Path) -> None:
    path = endpoints_file(tmp_path, "action_endpoint:\n  url: http://localhost:5055/webhook\n")
    assert "keep conversations only in memory" in (check_tracker_store(path) or "")


def test_preflight_reports_an_unreachable_store(tmp_path: Path) -> None:
    path = endpoints_file(
        tmp_path,
        f"tracker_store:\n  type: assistant.tracker_store.VerifiedSQLTrackerStore\n  dialect: sqlite\n"
        f"  db: {tmp_path / 'nope' / 'x.db'}\n",
    )
    assert "Cannot use the tracker store database" in (check_tracker_store(path) or "")


def test_preflight_accepts_the_default_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "conversations.db"))
    monkeypatch.setenv("ACTION_PORT", "5055")
    assert check_tracker_store(Path(__file__).resolve().parents[2] / "endpoints.yml") is None


def broker_endpoints(tmp_path: Path, port: int) -> Path:
    return endpoints_file(
        tmp_path,
        f"event_broker:\n  type: pika\n  url: 127.0.0.1\n  port: {port}\n  username: guest\n  password: guest\n"
        "  queues:\n    - rasa_events\n",
    )


def test_preflight_reaches_the_machines_rabbitmq(tmp_path: Path) -> None:
    assert check_event_broker(broker_endpoints(tmp_path, 5672)) is None


def test_preflight_names_an_unreachable_event_broker(tmp_path: Path) -> None:
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]  # bound, never listening: connections are refused
        problem = check_event_broker(broker_endpoints(tmp_path, port)) or ""
    assert f"Cannot reach the event broker's RabbitMQ at 127.0.0.1:{port}" in problem


def test_preflight_needs_no_broker_when_none_is_configured(tmp_path: Path) -> None:
    path = endpoints_file(tmp_path, "action_endpoint:\n  url: http://localhost:5055/webhook\n")
    assert check_event_broker(path) is None


def test_preflight_reads_an_amqp_url_without_showing_its_password(tmp_path: Path) -> None:
    path = endpoints_file(
        tmp_path, "event_broker:\n  type: pika\n  url: amqp://rasa:s3cret@127.0.0.1:1/\n  queues:\n    - q\n"
    )
    problem = check_event_broker(path) or ""
    assert "127.0.0.1:1" in problem and "s3cret" not in problem

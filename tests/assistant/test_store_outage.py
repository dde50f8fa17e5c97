"""The conversation store failing at run time: an error, never a silent save in memory.

Against the machine's PostgreSQL (127.0.0.1:5432, trust auth), reached through a relay the
test can cut, as when the database host drops off the network and comes back.
"""

from __future__ import annotations

from typing import Iterator

import pytest
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.tracker_store import StrictTrackerStore, TrackerStoreUnavailable, VerifiedSQLTrackerStore
from tests.fakes.postgres import POSTGRES_PORT, connect, throwaway_database
from tests.fakes.tcp_proxy import CuttableProxy


@pytest.fixture
def database() -> Iterator[str]:
    with throwaway_database("outage") as name:
        yield name


@pytest.fixture
def relay() -> Iterator[CuttableProxy]:
    proxy = CuttableProxy(POSTGRES_PORT)
    yield proxy
    proxy.close()


def postgres_store(relay: CuttableProxy, database: str, domain: Domain) -> VerifiedSQLTrackerStore:
    return VerifiedSQLTrackerStore(
        domain, dialect="postgresql", host="127.0.0.1", port=relay.port, db=database, username="postgres"
    )


def stored_event_count(database: str, sender: str) -> int:
    with connect(database) as connection:
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM events WHERE sender_id = %s", (sender,))
            return int(cursor.fetchone()[0])


def a_turn(tracker: DialogueStateTracker, text: str) -> None:
    tracker.update(UserUttered(text, {"name": "greet", "confidence": 1.0}))
    tracker.update(ActionExecuted("utter_greet"))
    tracker.update(BotUttered("hello"))
    tracker.update(ActionExecuted("action_listen"))


async def test_an_outage_fails_each_request_visibly_and_nothing_is_lost_or_doubled(
    database: str, relay: CuttableProxy
) -> None:
    domain = Domain.empty()
    store = StrictTrackerStore(
        VerifiedSQLTrackerStore(
            domain, dialect="postgresql", host="127.0.0.1", port=relay.port, db=database, username="postgres"
        )
    )
    sender = "outage-user"
    tracker = DialogueStateTracker(sender, domain.slots)
    a_turn(tracker, "hi")
    await store.save(tracker)
    assert stored_event_count(database, sender) == 4

    relay.cut()
    a_turn(tracker, "are you there")
    with pytest.raises(TrackerStoreUnavailable):
        await store.save(tracker)
    with pytest.raises(TrackerStoreUnavailable):
        await store.retrieve(sender)
    with pytest.raises(TrackerStoreUnavailable):
        await store.keys()
    assert store._fallback_tracker_store is None  # nothing went to memory

    relay.restore()
    a_turn(tracker, "back again")
    await store.save(tracker)  # the first request after the outage works
    assert stored_event_count(database, sender) == len(tracker.events) == 12  # the missed turn too, each once
    restored = await store.retrieve(sender)
    assert restored is not None
    assert [e.text for e in restored.events if isinstance(e, UserUttered)] == ["hi", "are you there", "back again"]


async def test_rasas_own_wrapper_would_have_answered_from_an_empty_conversation(
    relay: CuttableProxy, database: str
) -> None:
    """Why StrictTrackerStore exists: FailSafeTrackerStore hides the outage."""
    store = FailSafeTrackerStore(
        VerifiedSQLTrackerStore(
            dialect="postgresql", host="127.0.0.1", port=relay.port, db=database, username="postgres"
        )
    )
    relay.cut()
    assert await store.retrieve("anyone") is None


def test_the_rasa_server_makes_rasa_wrap_its_store_in_the_strict_wrapper(monkeypatch: pytest.MonkeyPatch) -> None:
    import rasa.core.agent

    from assistant.rasa_server import install_strict_tracker_store

    monkeypatch.setattr(rasa.core.agent, "FailSafeTrackerStore", FailSafeTrackerStore)
    install_strict_tracker_store()
    assert isinstance(rasa.core.agent.Agent._create_tracker_store(None, Domain.empty()), StrictTrackerStore)

"""The conversation lock of a single Rasa process, waking the next message when one finishes.

Rasa's `InMemoryLockStore` makes a message that waits behind another of the same
conversation sleep and retry once a second (`LockStore.lock`'s `wait_time_in_seconds`,
which no caller in Rasa sets). So a report of exposed metal sent while the previous
message of the same conversation is still being answered waits up to a second after
that answer is done. Here a waiting message sleeps on an event that the finishing
message sets; the one-second retry stays only as the fallback that drops a ticket whose
holder never finished (its lifetime ran out).

Selected in endpoints.yml: `lock_store: {type: assistant.in_process_lock_store.InProcessLockStore}`.
"""

from __future__ import annotations

import asyncio
import logging

from rasa.core.lock import TicketLock
from rasa.core.lock_store import InMemoryLockStore, LockError
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)


class InProcessLockStore(InMemoryLockStore):
    """Ticket locks kept in this process; a finished ticket wakes the conversation's waiters."""

    def __init__(self, endpoint_config: EndpointConfig | None = None) -> None:
        """Rasa passes the endpoints.yml section as `endpoint_config`; it has no options."""
        super().__init__()
        # One event per conversation with waiters, set (and dropped) when a ticket finishes.
        self._finished: dict[str, asyncio.Event] = {}

    async def _acquire_lock(self, conversation_id: str, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        while True:
            lock = self.get_lock(conversation_id)
            if not lock:
                break
            if not lock.is_locked(ticket):
                logger.debug("Acquired lock for conversation '%s' (ticket %d).", conversation_id, ticket)
                return lock
            # No await between the check above and taking the event, so a ticket that
            # finishes meanwhile cannot set an event this message has not seen yet.
            finished = self._finished.setdefault(conversation_id, asyncio.Event())
            try:
                await asyncio.wait_for(finished.wait(), timeout=wait_time_in_seconds)
            except asyncio.TimeoutError:
                pass  # nobody finished: look again, dropping tickets whose lifetime ran out
            self.update_lock(conversation_id)
        raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Remove the finished ticket and wake the messages waiting in that conversation."""
        super().finish_serving(conversation_id, ticket_number)
        finished = self._finished.pop(conversation_id, None)
        if finished is not None:
            finished.set()

"""A Redis lock store that stays correct when several Rasa replicas share one Redis.

Rasa's `RedisLockStore` keeps a conversation's whole `TicketLock` as one JSON value and
changes it in Python: GET, add a ticket, SET. Two replicas that issue a ticket for the
same conversation at the same moment both read the same lock, and the second SET wipes
the first ticket, so two messages of one sender are processed at once and their events
interleave in the tracker store. It also polls a waiting ticket once a second.

Here a conversation's queue is a Redis sorted set (member: ticket number, score: expiry
in Redis's own clock), and every step that reads and changes it is one Lua script, which
Redis runs atomically: issuing a ticket (INCR the counter and ZADD the ticket), checking
whether a ticket is first in line (after dropping expired tickets), and finishing one.
Expiry uses the Redis server's clock, so replicas with skewed clocks agree on it.

A waiting message checks its ticket every `poll_interval` (20 ms), and at once when a message
of the same conversation finishes on this replica (an asyncio event, as in the single
process's `InProcessLockStore`), so a burst that stays on one replica does not wait out polls.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from contextlib import asynccontextmanager
from typing import Any, AsyncGenerator

from rasa.core.lock import Ticket, TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

# KEYS[1] counter, KEYS[2] queue; ARGV[1] ticket lifetime (ms), ARGV[2] counter lifetime (ms).
# The counter outlives every ticket it numbered, so numbers only ever grow while a queue exists.
_ISSUE = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
local ticket = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
redis.call('ZADD', KEYS[2], now_ms + tonumber(ARGV[1]), ticket)
redis.call('PEXPIRE', KEYS[2], ARGV[2])
return ticket
"""

# KEYS[1] queue; ARGV[1] ticket. Returns 1 when no live ticket has a lower number, 0 while
# one does, -1 when this ticket is no longer in the queue (it expired). Scores are expiries,
# so the order of service is read from the numbers; a queue holds a handful of tickets.
_CHECK = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms)
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then
  return -1
end
local mine = tonumber(ARGV[1])
for _, member in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  if tonumber(member) < mine then
    return 0
  end
end
return 1
"""

# KEYS[1] queue; ARGV[1] ticket. Removes the ticket; returns how many tickets still wait.
_FINISH = """
redis.call('ZREM', KEYS[1], ARGV[1])
return redis.call('ZCARD', KEYS[1])
"""

# KEYS[1] queue. Drops expired tickets and returns the rest as [ticket, expiry ms, ...].
_LIVE_TICKETS = """
local now = redis.call('TIME')
local now_ms = tonumber(now[1]) * 1000 + math.floor(tonumber(now[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now_ms)
return redis.call('ZRANGE', KEYS[1], 0, -1, 'WITHSCORES')
"""

DEFAULT_POLL_INTERVAL_SECONDS = 0.02
# How long a conversation's ticket counter outlives its last ticket.
COUNTER_LIFETIME_SECONDS = 24 * 3600


class AtomicRedisLockStore(RedisLockStore):
    """Ticket locks for conversations, shared by every replica through Redis, issued atomically.

    Endpoint configuration (endpoints.yml, `lock_store`): `type:
    assistant.lock_store.AtomicRedisLockStore`, `url` (host), `port`, `db`, `password`,
    `key_prefix`, and `poll_interval` (seconds between checks of a waiting ticket).
    """

    def __init__(
        self,
        host: str = "localhost",
        port: int = 6379,
        db: int = 1,
        poll_interval: float = DEFAULT_POLL_INTERVAL_SECONDS,
        endpoint_config: EndpointConfig | None = None,
        **redis_options: Any,
    ) -> None:
        """Connect to Redis; Rasa passes the endpoints.yml section as `endpoint_config`."""
        if endpoint_config is not None:
            options = dict(endpoint_config.kwargs or {})
            host = endpoint_config.url or host
            port = int(options.pop("port", port))
            db = int(options.pop("db", db))
            poll_interval = float(options.pop("poll_interval", poll_interval))
            redis_options = {**options, **redis_options}
        super().__init__(host=host, port=port, db=db, **redis_options)
        self.poll_interval = float(poll_interval)
        self._issue = self.red.register_script(_ISSUE)
        self._check = self.red.register_script(_CHECK)
        self._finish = self.red.register_script(_FINISH)
        self._live_tickets = self.red.register_script(_LIVE_TICKETS)
        # One event per conversation with waiters on this replica, set when a ticket finishes here.
        self._finished: dict[str, asyncio.Event] = {}

    def _queue_key(self, conversation_id: str) -> str:
        return f"{self.key_prefix}{conversation_id}:queue"

    def _counter_key(self, conversation_id: str) -> str:
        return f"{self.key_prefix}{conversation_id}:counter"

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        """Put a new ticket at the end of the conversation's queue and return its number."""
        try:
            return int(
                self._issue(
                    keys=[self._counter_key(conversation_id), self._queue_key(conversation_id)],
                    args=[int(lock_lifetime * 1000), COUNTER_LIFETIME_SECONDS * 1000],
                )
            )
        except Exception as error:  # redis raises many kinds; Rasa expects LockError
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float | None = None,
    ) -> AsyncGenerator[TicketLock, None]:
        """Hold the conversation's lock, waiting for the tickets issued before this one."""
        wait = self.poll_interval if wait_time_in_seconds is None else wait_time_in_seconds
        ticket = self.issue_ticket(conversation_id, lock_lifetime)
        try:
            yield await self._acquire_lock(conversation_id, ticket, wait)
        finally:
            self.cleanup(conversation_id, ticket)

    async def _acquire_lock(self, conversation_id: str, ticket: int, wait_time_in_seconds: float) -> TicketLock:
        queue = self._queue_key(conversation_id)
        while True:
            state = int(self._check(keys=[queue], args=[ticket]))
            if state == 1:
                logger.debug("Acquired lock for conversation '%s' (ticket %d).", conversation_id, ticket)
                return self._ticket_lock(conversation_id)
            if state == -1:
                raise LockError(f"Could not acquire lock for conversation_id '{conversation_id}'.")
            finished = self._finished.setdefault(conversation_id, asyncio.Event())
            try:
                await asyncio.wait_for(finished.wait(), timeout=wait_time_in_seconds)
            except asyncio.TimeoutError:
                pass  # nothing finished here: look again (another replica's ticket may have)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Take the finished ticket out of the queue (an empty queue is removed by Redis itself), and
        wake this replica's messages waiting in that conversation."""
        try:
            self._finish(keys=[self._queue_key(conversation_id)], args=[ticket_number])
        finally:
            finished = self._finished.pop(conversation_id, None)
            if finished is not None:
                finished.set()

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        """Take the finished ticket out of the queue."""
        self.cleanup(conversation_id, ticket_number)

    def is_someone_waiting(self, conversation_id: str) -> bool:
        """Whether any live ticket is queued for the conversation."""
        return bool(self._live_tickets(keys=[self._queue_key(conversation_id)]))

    def update_lock(self, conversation_id: str) -> None:
        """Drop expired tickets (the check before every acquire also does this)."""
        self._live_tickets(keys=[self._queue_key(conversation_id)])

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        """The conversation's live tickets as Rasa's `TicketLock`, or None when there are none."""
        lock = self._ticket_lock(conversation_id)
        return lock if lock.tickets else None

    def _ticket_lock(self, conversation_id: str) -> TicketLock:
        flat = self._live_tickets(keys=[self._queue_key(conversation_id)])
        pairs = sorted(
            (int(number), float(expires) / 1000) for number, expires in zip(flat[::2], flat[1::2], strict=True)
        )
        tickets = deque(Ticket(number, expires) for number, expires in pairs)
        return TicketLock(conversation_id, tickets)

    def delete_lock(self, conversation_id: str) -> None:
        """Remove the conversation's queue (its counter expires on its own)."""
        self.red.delete(self._queue_key(conversation_id))

    def save_lock(self, lock: TicketLock) -> None:
        """Not supported: a whole-lock write is the race this store exists to avoid."""
        raise NotImplementedError("AtomicRedisLockStore changes its queues only through its atomic scripts")

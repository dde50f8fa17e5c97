"""Emergencies first: a message the safety rules flag starts at once, the others take turns.

One Rasa process handles every message in flight on one event loop, interleaving their
steps, so under load a report of exposed metal waits for parts of every message that came
before it (`make bench`: an emergency reply's p95 of 1.2 s under 20 senders asking
questions). Here at most `limit` other messages are handled at a time, started in the order
they arrived, and a message in which the safety rules find any safety concern (exposed
hardware, a neurological red flag, a wound emergency, a possible exposure to ask about) does
not wait for a turn. The rules take about 1.7 ms a message (`make benchmark`); a message they
cannot read goes first too.
A message keeps its turn for at most `hold_s`, then goes on without it: one that waits on a
hung action server (bounded at 2 s) or a slow database holds up the others for that long only.

The gate changes only when handling starts, never the reply: the trained pipeline, rules
included, still decides what is said. A message the rules miss and the model catches waits
for its turn as any other message does.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable, TypeVar

from spacy.language import Language

from nlu_components.safety.detector import SafetyDetector

logger = logging.getLogger(__name__)

T = TypeVar("T")
# Messages other than safety concerns handled at once, and how long one keeps its turn. The work
# is CPU-bound on one event loop, so more at once adds waiting, not throughput (README, "Against
# stock Rasa": limits 1, 2 and 3 measured); a message alone takes about 60 ms.
DEFAULT_LIMIT = 1
DEFAULT_HOLD_S = 0.25


class EmergencyFirstGate:
    """Starts a flagged message at once; lets at most `limit` other messages be handled at a time."""

    def __init__(
        self, is_safety_concern: Callable[[str], bool], limit: int = DEFAULT_LIMIT, hold_s: float = DEFAULT_HOLD_S
    ) -> None:
        if limit < 1 or hold_s <= 0:
            raise ValueError("the gate needs a limit of at least 1 and a hold time above 0")
        self.limit = limit
        self.hold_s = hold_s
        self._is_safety_concern = is_safety_concern
        self._turns = asyncio.Semaphore(limit)

    @classmethod
    def from_rules(
        cls, nlp: Language, detector: SafetyDetector, limit: int = DEFAULT_LIMIT, hold_s: float = DEFAULT_HOLD_S
    ) -> "EmergencyFirstGate":
        def is_safety_concern(text: str) -> bool:
            return detector.analyse(nlp.make_doc(text)).category is not None

        return cls(is_safety_concern, limit, hold_s)

    def goes_first(self, text: str | None) -> bool:
        if not text:
            return False
        try:
            return self._is_safety_concern(text)
        except Exception:  # noqa: BLE001 - a message the rules cannot read may be an emergency: let it through
            logger.exception("The safety rules could not read a message; it goes ahead of the queue")
            return True

    async def run(self, text: str | None, handling: Callable[[], Awaitable[T]]) -> T:
        """Run `handling` for the message `text`: at once when it goes first, else in its turn."""
        if self.goes_first(text):
            return await handling()
        await self._turns.acquire()
        task = asyncio.ensure_future(handling())
        try:
            await asyncio.wait({task}, timeout=self.hold_s)
        except asyncio.CancelledError:
            task.cancel()
            raise
        finally:
            self._turns.release()
        return await task

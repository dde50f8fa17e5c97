"""Whether a staff takeover is in force: one rule for the bot's policy and the staff console.

The `staff_takeover` slot holds {"staff": <username>, "since": <unix time of the latest staff
event>}; the takeover lapses `lapse_after_s` after that. No Rasa imports, so the console can
use it without loading Rasa's dialogue machinery.
"""

from __future__ import annotations

from typing import Any, Mapping

from contract import STAFF_TAKEOVER_LAPSE_S


def takeover_is_active(takeover: Any, now: float, lapse_after_s: float = STAFF_TAKEOVER_LAPSE_S) -> bool:
    """Whether the slot's value is a takeover whose last staff event is recent enough."""
    if not isinstance(takeover, Mapping):
        return False
    since = takeover.get("since")
    return isinstance(since, (int, float)) and now - float(since) < lapse_after_s

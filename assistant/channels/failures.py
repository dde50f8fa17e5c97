"""What a channel tells the person when handling their message failed: honest about what was kept,
and always with the emergency instruction, since the failed message may have been an emergency that
no part of the assistant got to read (the conversation store down, say).

The instruction is the content base's reminder (`data/content/base.yml`), the same line every
answer ends with, so no medical text is written here.
"""

from __future__ import annotations

import logging
from pathlib import Path

import yaml

from assistant.emergency_numbers import EmergencyNumbers, EmergencyNumbersError
from assistant.tracker_store import TrackerStoreUnavailable

logger = logging.getLogger(__name__)

CONTENT_DIR = Path(__file__).resolve().parents[2] / "data" / "content"
STORE_UNAVAILABLE_TEXT = (
    "The assistant cannot save conversations right now, so your message was not kept. Please send it again in a minute."
)
HANDLING_FAILED_TEXT = "The assistant could not finish answering. Please send your message again."
TOO_SLOW_TEXT = (
    "The assistant is taking too long to answer. Your message was received and is still being handled; "
    "please try again in a moment."
)
# Only if the content base itself cannot be read; the content check keeps that from shipping.
FALLBACK_INSTRUCTION = "If this is an emergency, call your local emergency number now."


_reminder: str | None = None
_default_number: str | None = None


def emergency_instruction(emergency_number: str | None = None, content_dir: Path = CONTENT_DIR) -> str:
    """The content base's reminder (base.yml only: no topic's review date can take it away), naming
    `emergency_number` (the person's locale's, from the channel), else the table's default phrase.
    Read once; a failed read is tried again next time."""
    global _reminder, _default_number
    if _reminder is None or _default_number is None:
        try:
            base = yaml.safe_load((content_dir / "base.yml").read_text(encoding="utf-8"))
            reminder = base["reminder"] if isinstance(base, dict) else None
            if not isinstance(reminder, str) or not reminder.strip():
                raise ValueError("base.yml has no reminder")
            _default_number = EmergencyNumbers.from_file().default
            _reminder = reminder.strip()
        except (OSError, yaml.YAMLError, ValueError, EmergencyNumbersError) as error:
            logger.error("Cannot read the emergency instruction for failure replies: %s", error)
            return FALLBACK_INSTRUCTION
    return _reminder.replace("{emergency_number}", emergency_number or _default_number)


def with_instruction(text: str, emergency_number: str | None = None) -> str:
    return f"{text}\n\n{emergency_instruction(emergency_number)}"


def failure_text(error: BaseException, emergency_number: str | None = None) -> str:
    """The sentences for the person: a storage outage is named, since their message was not kept."""
    return with_instruction(
        STORE_UNAVAILABLE_TEXT if isinstance(error, TrackerStoreUnavailable) else HANDLING_FAILED_TEXT,
        emergency_number,
    )


def too_slow_text(emergency_number: str | None = None) -> str:
    return with_instruction(TOO_SLOW_TEXT, emergency_number)


def failure_status(error: BaseException) -> int:
    """HTTP status for a failed message: 503 while the conversation store is down, else 500."""
    return 503 if isinstance(error, TrackerStoreUnavailable) else 500

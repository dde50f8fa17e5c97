"""What a channel tells the person when handling their message failed: honest about what was kept."""

from __future__ import annotations

from assistant.tracker_store import TrackerStoreUnavailable

STORE_UNAVAILABLE_TEXT = (
    "The assistant cannot save conversations right now, so your message was not kept. Please send it again in a minute."
)
HANDLING_FAILED_TEXT = "The assistant could not finish answering. Please send your message again."


def failure_text(error: BaseException) -> str:
    """The sentence for the person: a storage outage is named, since their message was not kept."""
    return STORE_UNAVAILABLE_TEXT if isinstance(error, TrackerStoreUnavailable) else HANDLING_FAILED_TEXT


def failure_status(error: BaseException) -> int:
    """HTTP status for a failed message: 503 while the conversation store is down, else 500."""
    return 503 if isinstance(error, TrackerStoreUnavailable) else 500

"""Staff alerts: an emergency posts a short notice to the staff's incoming webhook (Slack or Teams).

Sent in the background after the user's reply, with retries and back-off; a notice that still fails
after the last try is appended to a dead-letter file (one JSON object a line) so nothing is lost, and
the user's emergency reply never waits for the webhook. The notice names the level, the conversation,
the channel and the time, never the user's words: those stay in the triage record.

Configured by `STAFF_ALERT_WEBHOOK_URL` (no URL, no alerts), `STAFF_ALERT_ATTEMPTS`,
`STAFF_ALERT_TIMEOUT` (seconds per try) and `STAFF_ALERT_DEAD_LETTER` (the file).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, Mapping, Set

import aiohttp

from actions.triage import TriageEvent

logger = logging.getLogger(__name__)

# Triage categories that page the staff at once (the emergency replies).
ALERTED_CATEGORIES = frozenset({"emergency_exposed_hardware", "emergency_neurological", "emergency_wound"})
LEVEL_NAMES = {
    "emergency_exposed_hardware": "Emergency: exposed spinal hardware",
    "emergency_neurological": "Emergency: neurological red flag",
    "emergency_wound": "Emergency: wound",
}
DEFAULT_DEAD_LETTER = Path(".rasa-data/staff-alerts-dead-letter.jsonl")

Post = Callable[[str, Dict[str, Any], float], Awaitable[int]]


class StaffAlertSettingsError(ValueError):
    """A staff-alert setting that cannot be used (named in the message)."""


@dataclass(frozen=True)
class AlertSettings:
    url: str
    attempts: int = 4
    first_delay: float = 0.5  # seconds before the second try, doubled after each failure
    timeout: float = 5.0
    dead_letter: Path = DEFAULT_DEAD_LETTER

    @classmethod
    def from_environment(cls, env: Mapping[str, str]) -> "AlertSettings | None":
        """The settings from the environment, or None when no webhook URL is set."""
        url = env.get("STAFF_ALERT_WEBHOOK_URL", "").strip()
        if not url:
            return None
        if not url.startswith(("https://", "http://")):
            raise StaffAlertSettingsError("STAFF_ALERT_WEBHOOK_URL must be an http(s) URL")
        try:
            attempts = int(env.get("STAFF_ALERT_ATTEMPTS", "4"))
            timeout = float(env.get("STAFF_ALERT_TIMEOUT", "5"))
        except ValueError as error:
            raise StaffAlertSettingsError(f"STAFF_ALERT_ATTEMPTS / STAFF_ALERT_TIMEOUT: {error}") from error
        if attempts < 1 or timeout <= 0:
            raise StaffAlertSettingsError("STAFF_ALERT_ATTEMPTS must be at least 1 and STAFF_ALERT_TIMEOUT above 0")
        dead_letter = Path(env.get("STAFF_ALERT_DEAD_LETTER", str(DEFAULT_DEAD_LETTER)))
        return cls(url=url, attempts=attempts, timeout=timeout, dead_letter=dead_letter)


def alert_payload(event: TriageEvent, now: dt.datetime | None = None) -> Dict[str, Any]:
    """The webhook body: a `text` both Slack and Teams incoming webhooks accept."""
    when = event.created_at or (now or dt.datetime.now(dt.timezone.utc)).isoformat(timespec="seconds")
    level = LEVEL_NAMES.get(event.category, event.category)
    text = (
        f"{level}. Conversation {event.sender_id} on {event.channel or 'an unknown channel'} at {when}. "
        "The user was given the emergency advice; open the staff queue for the transcript."
    )
    return {"text": text, "category": event.category, "conversation_id": event.sender_id, "time": when}


async def post_json(url: str, body: Dict[str, Any], timeout: float) -> int:
    """POST `body` as JSON and return the HTTP status."""
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as session:
        async with session.post(url, json=body) as response:
            return response.status


class StaffAlerter:
    """Schedules staff alerts in the background and keeps what could not be delivered.

    Args:
        settings: where to post, how often to try, where the dead letters go.
        post: the HTTP call (passed in so tests can count and fail it).
        sleep: the wait between tries (passed in so tests need not wait).
    """

    def __init__(
        self,
        settings: AlertSettings,
        post: Post = post_json,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.settings = settings
        self._post = post
        self._sleep = sleep
        self._pending: Set[asyncio.Task] = set()

    def alert(self, event: TriageEvent) -> "asyncio.Task[bool] | None":
        """Start delivering an alert for `event` if its level pages the staff; returns at once."""
        if event.category not in ALERTED_CATEGORIES:
            return None
        task = asyncio.get_running_loop().create_task(self.deliver(alert_payload(event)))
        self._pending.add(task)  # keep a reference until done, or the task may be collected
        task.add_done_callback(self._pending.discard)
        return task

    async def deliver(self, payload: Dict[str, Any]) -> bool:
        """Post with retries; on the last failure write the payload to the dead-letter file."""
        delay = self.settings.first_delay
        problem = ""
        for attempt in range(1, self.settings.attempts + 1):
            try:
                status = await self._post(self.settings.url, payload, self.settings.timeout)
            except (aiohttp.ClientError, asyncio.TimeoutError, OSError) as error:
                problem = f"{type(error).__name__}: {error}"
            else:
                if 200 <= status < 300:
                    return True
                problem = f"HTTP {status}"
            logger.warning("Staff alert try %d of %d failed (%s)", attempt, self.settings.attempts, problem)
            if attempt < self.settings.attempts:
                await self._sleep(delay)
                delay *= 2
        self._dead_letter(payload, problem)
        return False

    def _dead_letter(self, payload: Dict[str, Any], problem: str) -> None:
        record = {
            "failed_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
            "attempts": self.settings.attempts,
            "problem": problem,
            "payload": payload,
        }
        path = self.settings.dead_letter
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as file:
            file.write(json.dumps(record, sort_keys=True) + "\n")
        logger.error("Staff alert for %s not delivered; kept in %s", payload.get("conversation_id"), path)

    async def drain(self) -> None:
        """Wait for the alerts still being delivered (at shut-down, and in tests)."""
        if self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

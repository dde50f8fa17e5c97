"""Taking over a conversation: a staff member's messages go into the conversation through its channel.

The console appends events to the conversation with Rasa's HTTP API (`POST
/conversations/{id}/tracker/events?output_channel=latest&execute_side_effects=true`),
so each message is stored in the tracker like the bot's and sent through the channel the
user last wrote from: the web widget's live connection, Telegram, Slack or Messenger.
The `staff_takeover` slot it sets keeps the bot quiet meanwhile, safety replies excepted
(assistant/staff_takeover.py). The REST channel cannot push a message to its client, so a
conversation held there is answered through the contact the user gave instead.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Dict, List, Mapping
from urllib.parse import quote

import httpx
import yaml

from contract import STAFF_REPLY_KEY, STAFF_TAKEOVER_SLOT

# Channels whose output Rasa can push a message through, and how staff see them named.
LIVE_CHANNELS: Mapping[str, str] = {
    "socketio": "the web chat",
    "telegram": "Telegram",
    "slack": "Slack",
    "facebook": "Messenger",
}
JOINED_RESPONSE = "utter_staff_joined"
HANDED_BACK_RESPONSE = "utter_staff_handed_back"
MAX_REPLY_CHARS = 2000


class AssistantUnavailable(RuntimeError):
    """Rasa's HTTP API could not be reached or refused the events; nothing was sent to the user."""


class InvalidReply(ValueError):
    """The staff reply is empty or too long."""


@dataclass(frozen=True)
class StaffMessages:
    """What the user is told when staff join and leave: domain.yml's responses, so every word the
    user reads from the assistant's side is in the project's reviewed files."""

    joined: str
    handed_back: str

    @classmethod
    def from_domain(cls, domain_file: Path) -> "StaffMessages":
        responses = (yaml.safe_load(domain_file.read_text(encoding="utf-8")) or {}).get("responses") or {}

        def first_text(name: str) -> str:
            variations = responses.get(name) or []
            if not variations or not isinstance(variations[0], dict) or not variations[0].get("text"):
                raise ValueError(f"{domain_file}: responses: {name} has no text")
            return str(variations[0]["text"])

        return cls(first_text(JOINED_RESPONSE), first_text(HANDED_BACK_RESPONSE))


def checked_reply(text: str) -> str:
    """The reply without surrounding blanks; InvalidReply when there is nothing, or too much, to send."""
    cleaned = "".join(ch for ch in text if ch in "\n\t" or ch.isprintable()).strip()
    if not cleaned:
        raise InvalidReply("The reply is empty.")
    if len(cleaned) > MAX_REPLY_CHARS:
        raise InvalidReply(f"The reply is {len(cleaned)} characters long; the limit is {MAX_REPLY_CHARS}.")
    return cleaned


class RasaConversations:
    """Appends a staff member's events to a conversation through Rasa's HTTP API."""

    def __init__(
        self,
        rasa_url: str,
        token: str,
        messages: StaffMessages,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.time,
        timeout_s: float = 10.0,
    ) -> None:
        self._rasa_url = rasa_url.rstrip("/")
        self._token = token
        self._messages = messages
        self._transport = transport
        self._clock = clock
        self._timeout_s = timeout_s

    def _holding(self, staff: str) -> Dict[str, Any]:
        return {"event": "slot", "name": STAFF_TAKEOVER_SLOT, "value": {"staff": staff, "since": self._clock()}}

    def _joining(self) -> List[Dict[str, Any]]:
        """Any form the bot was filling ends, and the user is told a person has joined."""
        return [
            {"event": "active_loop", "name": None},
            {"event": "bot", "text": self._messages.joined, "metadata": {"utter_action": JOINED_RESPONSE}},
        ]

    async def take_over(self, sender_id: str, staff: str) -> None:
        """The bot goes quiet (safety replies excepted), any form it was filling is ended, and the
        user is told a person has joined."""
        await self._append(sender_id, [self._holding(staff), *self._joining()])

    async def reply(self, sender_id: str, staff: str, text: str, already_holding: bool) -> None:
        """Send the staff member's message (taking the conversation over first if not yet held)."""
        reply = checked_reply(text)
        events: List[Dict[str, Any]] = [self._holding(staff)]
        if not already_holding:
            events += self._joining()
        events.append({"event": "bot", "text": reply, "metadata": {STAFF_REPLY_KEY: True}})
        await self._append(sender_id, events)

    async def hand_back(self, sender_id: str) -> None:
        """The bot answers again, and the user is told so."""
        await self._append(
            sender_id,
            [
                {"event": "slot", "name": STAFF_TAKEOVER_SLOT, "value": None},
                {
                    "event": "bot",
                    "text": self._messages.handed_back,
                    "metadata": {"utter_action": HANDED_BACK_RESPONSE},
                },
            ],
        )

    async def _append(self, sender_id: str, events: List[Dict[str, Any]]) -> None:
        url = f"{self._rasa_url}/conversations/{quote(sender_id, safe='')}/tracker/events"
        params = {"output_channel": "latest", "execute_side_effects": "true", "token": self._token}
        try:
            async with httpx.AsyncClient(transport=self._transport, timeout=self._timeout_s) as client:
                answer = await client.post(url, params=params, json=events)
        except httpx.HTTPError as error:
            raise AssistantUnavailable(
                f"the assistant's server could not be reached ({error.__class__.__name__})"
            ) from error
        if answer.status_code != 200:
            raise AssistantUnavailable(f"the assistant's server answered {answer.status_code}: {answer.text[:200]}")

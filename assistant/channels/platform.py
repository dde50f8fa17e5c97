"""What the messaging-platform channels (Telegram, Slack, Messenger) share.

Secrets come from the environment only; a channel whose secrets are missing is
registered but refuses every request (503), so a half-configured bot never
accepts unverified messages. Replies longer than a platform allows are split at
paragraph breaks, never cut: the first part of an emergency reply is its
instruction, and nothing after it is dropped.
"""

from __future__ import annotations

import collections
import json
import logging
import os
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Deque, Dict, List, Mapping, Set

import aiohttp
from rasa.core.channels.channel import UserMessage

from assistant.channels.failures import failure_text
from assistant.emergency_numbers import METADATA_KEY as EMERGENCY_NUMBER_KEY
from assistant.notice import standing_notice

logger = logging.getLogger(__name__)

# Said to a photo, sticker or voice note, followed by the content base's standing reminder.
TEXT_ONLY_NOTE = "I can read typed messages only. Please type your question, or tell me what you see."
API_TIMEOUT_S = 10.0


class ChannelNotConfigured(RuntimeError):
    """A platform channel's secrets are not in the environment."""


class PlatformApiError(RuntimeError):
    """The platform's API refused or failed a call; the message names the call and the answer."""


def secrets_from_environment(names: Mapping[str, str], environ: Mapping[str, str] | None = None) -> Dict[str, str]:
    """{setting: value} for every {setting: ENV_NAME}; raises ChannelNotConfigured naming what is missing."""
    environ = os.environ if environ is None else environ
    missing = [env for env in names.values() if not environ.get(env, "").strip()]
    if missing:
        raise ChannelNotConfigured("missing in the environment: " + ", ".join(missing))
    return {setting: environ[env].strip() for setting, env in names.items()}


def split_for_platform(text: str, limit: int) -> List[str]:
    """`text` in parts of at most `limit` characters, split at paragraph breaks, then at spaces.

    Nothing is dropped: the parts hold every word of `text`, in order, so the
    first part of a reply is its first paragraph (an emergency reply's instruction).
    """
    parts: List[str] = []
    current = ""
    for paragraph in text.strip().split("\n\n"):
        for piece in _pieces(paragraph.strip(), limit):
            candidate = f"{current}\n\n{piece}" if current else piece
            if len(candidate) <= limit:
                current = candidate
            else:
                parts.append(current)
                current = piece
    if current:
        parts.append(current)
    return parts


def _pieces(paragraph: str, limit: int) -> List[str]:
    """A paragraph in pieces of at most `limit` characters, split at spaces (or inside a longer word)."""
    if len(paragraph) <= limit:
        return [paragraph] if paragraph else []
    pieces: List[str] = []
    current = ""
    for word in paragraph.split(" "):
        while len(word) > limit:  # one unbroken run longer than the limit (a long URL)
            if current:
                pieces.append(current)
                current = ""
            pieces.append(word[:limit])
            word = word[limit:]
        candidate = f"{current} {word}" if current else word
        if len(candidate) <= limit:
            current = candidate
        else:
            pieces.append(current)
            current = word
    if current:
        pieces.append(current)
    return pieces


# A platform or widget conversation's id in the tracker store is "<platform>-<its own id>", so it
# can never be the same conversation as a REST sender (the REST channel refuses these prefixes).
PLATFORM_PREFIXES = ("telegram-", "slack-", "facebook-", "widget-")


def conversation_id(platform: str, platform_id: Any) -> str:
    return f"{platform}-{platform_id}"


def platform_recipient(conversation: str) -> str:
    """The platform's own id back from a conversation id ("telegram-42" -> "42")."""
    for prefix in PLATFORM_PREFIXES:
        if conversation.startswith(prefix):
            return conversation[len(prefix) :]
    return conversation


class RecentIds:
    """The last `size` ids seen, so a platform's retry of a handled update is not handled twice."""

    def __init__(self, size: int = 2048) -> None:
        self._order: Deque[str] = collections.deque(maxlen=size)
        self._seen: Set[str] = set()

    def seen(self, identifier: str) -> bool:
        return identifier in self._seen

    def add(self, identifier: str) -> None:
        if identifier in self._seen:
            return
        if len(self._order) == self._order.maxlen:
            self._seen.discard(self._order[0])
        self._order.append(identifier)
        self._seen.add(identifier)


async def handle_or_tell(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    message: UserMessage,
    update_id: str | None = None,
    told: RecentIds | None = None,
) -> None:
    """Handle `message`; when that fails, tell the person so (with the emergency instruction) and re-raise.

    The failed message may have been an emergency that nothing read, and a platform that
    redelivers it after an error status (Telegram, Messenger) is silent meanwhile. `told`
    keeps the update ids already told about, so redeliveries of one update during a long
    outage send the failure reply once, not once per retry.
    """
    try:
        await on_new_message(message)
    except Exception as error:  # noqa: BLE001 - the channel boundary: re-raised once the person is told
        if update_id is not None and told is not None:
            if told.seen(update_id):
                raise
            told.add(update_id)
        try:
            number = (message.metadata or {}).get(EMERGENCY_NUMBER_KEY)
            await message.output_channel.send_text_message(message.sender_id, failure_text(error, number))
        except PlatformApiError as unsent:
            logger.error("Could not tell %s that their message failed: %s", message.input_channel, unsent)
        raise


def text_only_note() -> str:
    """The reply to a message with no text: ask for text, then the content base's standing reminder."""
    return f"{TEXT_ONLY_NOTE}\n\n{standing_notice()}"


class JsonApi:
    """A platform's JSON API client with one aiohttp session, opened on first use inside the event loop."""

    def __init__(self, session: aiohttp.ClientSession | None = None) -> None:
        self._session = session

    async def post(self, url: str, payload: Dict[str, Any], params: Dict[str, str] | None = None) -> Dict[str, Any]:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession()
        return await post_json(self._session, url, payload, params)


async def post_json(
    session: aiohttp.ClientSession, url: str, payload: Dict[str, Any], params: Dict[str, str] | None = None
) -> Dict[str, Any]:
    """POST `payload` as JSON; the decoded answer, or PlatformApiError for a refusal or a broken answer."""
    try:
        async with session.post(
            url, json=payload, params=params, timeout=aiohttp.ClientTimeout(total=API_TIMEOUT_S)
        ) as answer:
            body = await answer.text()
            if answer.status >= 300:
                raise PlatformApiError(f"{_without_secrets(url)} answered {answer.status}: {body[:300]}")
    except (aiohttp.ClientError, TimeoutError) as error:
        raise PlatformApiError(f"{_without_secrets(url)} could not be reached: {error!r}") from error
    try:
        decoded = json.loads(body) if body else {}
    except ValueError as error:
        raise PlatformApiError(f"{_without_secrets(url)} answered with something other than JSON") from error
    return decoded if isinstance(decoded, dict) else {"result": decoded}


def _without_secrets(url: str) -> str:
    """A URL for a log line: Telegram puts the bot token in the path."""
    return "/".join("bot<token>" if part.startswith("bot") and ":" in part else part for part in url.split("/"))


@dataclass(frozen=True)
class IncomingText:
    """One user message a platform update carries: its conversation, its text, and its id for de-duplication."""

    sender_id: str
    text: str
    update_id: str
    metadata: Dict[str, Any]

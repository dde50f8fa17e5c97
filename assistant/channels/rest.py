"""The REST channel for integrations, with sender tokens, input validation and honest status codes.

Rasa's stock REST channel answers 200 even when handling the message failed,
accepts a missing sender (every such message then shares one conversation), and
lets anyone who knows or guesses a sender id write into that conversation. Here
a conversation is opened with `POST /webhooks/rest/session`, which issues a
sender id and its token, and every message must carry that token
(`Authorization: Bearer <token>`; 401 without it, 403 with a wrong one). Bad
input gets a 4xx and a JSON error that says what to fix; a failure of the
assistant gets 500 (503 while the conversation store is down), with any replies
already produced (an emergency reply is never dropped).
"""

from __future__ import annotations

import asyncio
import json
import logging
import unicodedata
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Tuple

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.channels.failures import failure_status, failure_text, too_slow_text
from assistant.channels.platform import PLATFORM_PREFIXES
from assistant.channels.rate_limit import SenderRateLimiter, refusal_text
from assistant.channels.session_tokens import SessionTokens, bearer_token
from assistant.emergency_numbers import EmergencyNumbers

logger = logging.getLogger(__name__)

DEFAULT_MAX_MESSAGE_CHARS = 2000
# Answer after this many seconds with the replies produced so far (an emergency
# reply is sent before any custom action runs); handling goes on in the background.
DEFAULT_REPLY_DEADLINE_S = 10.0
MAX_SENDER_CHARS = 128
SENDER_PREFIX = "rest-"  # issued senders are "rest-<32 hex digits>"
DEFAULT_KEY_FILE = ".rasa-data/rest-sender.key"
NO_TOKEN_TEXT = (
    "This conversation needs its sender token: POST /webhooks/rest/session for a sender and its token, "
    'then send each message with the header "Authorization: Bearer <token>".'
)
WRONG_TOKEN_TEXT = "Unknown sender, or the wrong token for it. POST /webhooks/rest/session opens a conversation."


class InvalidRequest(ValueError):
    """A request the channel refuses, with the HTTP status to answer."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class IncomingMessage:
    sender: str
    text: str
    metadata: Dict[str, Any] | None


def _clean_text(text: str) -> str:
    """Drop control characters (but keep line breaks and tabs) and trim."""
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch) not in ("Cc", "Cf", "Cs")).strip()


def clean_message_text(message: Any, max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS) -> str:
    """A user's message without control characters, or InvalidRequest (400 not text or empty, 413 too long)."""
    if not isinstance(message, str):
        raise InvalidRequest(400, '"message" is required and must be a string.')
    text = _clean_text(message)
    if not text:
        raise InvalidRequest(400, '"message" is empty. Type a question, or tell us what you see.')
    if len(text) > max_message_chars:
        raise InvalidRequest(
            413,
            f'"message" is {len(text)} characters; the limit is {max_message_chars}. Please send it in shorter parts.',
        )
    return text


def parse_request_body(body: bytes, max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS) -> IncomingMessage:
    """Validate a webhook body: JSON {"sender": str, "message": str, "metadata"?: object}.

    Raises:
        InvalidRequest: with status 400 (malformed) or 413 (too long).
    """
    usage = 'send JSON like {"sender": "a-conversation-id", "message": "your question"}'
    if not body or not body.strip():
        raise InvalidRequest(400, f"The request body is empty; {usage}.")
    if len(body) > max_message_chars * 4 + 4096:
        raise InvalidRequest(413, f"The request is too large; messages are limited to {max_message_chars} characters.")
    try:
        decoded = body.decode("utf-8")
    except UnicodeDecodeError:
        raise InvalidRequest(400, f"The request body is not UTF-8 text; {usage}.") from None
    try:
        payload = json.loads(decoded)
    except json.JSONDecodeError as error:
        raise InvalidRequest(
            400, f"The request body is not valid JSON ({error.msg} at position {error.pos}); {usage}."
        ) from None
    if not isinstance(payload, dict):
        raise InvalidRequest(400, f"The request body must be a JSON object; {usage}.")

    sender = payload.get("sender")
    if not isinstance(sender, str) or not sender.strip():
        raise InvalidRequest(400, f'"sender" is required and must be a non-empty string; {usage}.')
    if len(sender) > MAX_SENDER_CHARS:
        raise InvalidRequest(400, f'"sender" is longer than {MAX_SENDER_CHARS} characters.')
    if sender.strip().startswith(PLATFORM_PREFIXES):
        raise InvalidRequest(
            400, f'"sender" may not start with {", ".join(PLATFORM_PREFIXES)}: those are platform conversations.'
        )

    message = payload.get("message")
    if not isinstance(message, str):
        raise InvalidRequest(400, f'"message" is required and must be a string; {usage}.')
    text = clean_message_text(message, max_message_chars)

    metadata = payload.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise InvalidRequest(400, '"metadata" must be a JSON object when given.')
    return IncomingMessage(sender=sender.strip(), text=text, metadata=metadata)


def _log_late_failure(task: "asyncio.Future[Any]") -> None:
    if not task.cancelled() and task.exception() is not None:
        logger.error("Handling a REST message failed after its reply deadline", exc_info=task.exception())


async def handle_within_deadline(
    handling: Awaitable[Any], replies: List[Dict[str, Any]], deadline_s: float, emergency_number: str | None = None
) -> Tuple[int, Any]:
    """Run `handling`; answer (status, body) by the deadline, never a silent success.

    `replies` is the output channel's list, filled while handling runs; a failure reply names
    `emergency_number` (the person's locale's), else the default phrase.
    """
    task = asyncio.ensure_future(handling)
    try:
        await asyncio.wait_for(asyncio.shield(task), timeout=deadline_s)
    except asyncio.TimeoutError:
        task.add_done_callback(_log_late_failure)
        logger.error("Reply deadline of %.0f s passed; answering with the %d replies so far", deadline_s, len(replies))
        if replies:
            return 200, list(replies)
        return 503, {"error": too_slow_text(emergency_number)}
    except Exception as error:  # noqa: BLE001 - the channel boundary: any failure must not look like success
        logger.exception("Handling a REST message failed")
        return failure_status(error), {"error": failure_text(error, emergency_number), "messages": list(replies)}
    return 200, list(replies)


class ValidatedRestInput(InputChannel):
    """POST /webhooks/rest/session, then /webhooks/rest/webhook with the token: for integrations."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> "ValidatedRestInput":
        credentials = credentials or {}
        key_file = credentials.get("sender_key_file", DEFAULT_KEY_FILE)
        return cls(
            SessionTokens.from_environment("REST_SENDER_KEY", "REST_SENDER_KEY_FILE", key_file, SENDER_PREFIX),
            int(credentials.get("max_message_chars", DEFAULT_MAX_MESSAGE_CHARS)),
            float(credentials.get("reply_deadline_s", DEFAULT_REPLY_DEADLINE_S)),
            rate_limiter=SenderRateLimiter.from_credentials(credentials),
        )

    def __init__(
        self,
        tokens: SessionTokens,
        max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS,
        reply_deadline_s: float = DEFAULT_REPLY_DEADLINE_S,
        emergency_numbers: EmergencyNumbers | None = None,
        rate_limiter: SenderRateLimiter | None = None,
    ) -> None:
        self.tokens = tokens
        self.max_message_chars = max_message_chars
        self.reply_deadline_s = reply_deadline_s
        self.emergency_numbers = emergency_numbers or EmergencyNumbers.from_file()
        self.rate_limiter = rate_limiter or SenderRateLimiter()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("validated_rest_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/session", methods=["POST"])
        async def open_session(_: Request) -> HTTPResponse:
            sender, token = self.tokens.new_session()
            return response.json({"sender": sender, "sender_token": token})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                incoming = parse_request_body(request.body, self.max_message_chars)
            except InvalidRequest as error:
                return response.json({"error": error.message}, status=error.status)
            token = bearer_token(request.headers.get("Authorization"))
            if not token:
                return response.json({"error": NO_TOKEN_TEXT}, status=401, headers={"WWW-Authenticate": "Bearer"})
            if not self.tokens.is_valid(incoming.sender, token):
                return response.json({"error": WRONG_TOKEN_TEXT}, status=403)
            number = self.emergency_numbers.for_metadata(incoming.metadata)
            wait_s = self.rate_limiter.wait_seconds(incoming.sender)
            if wait_s:
                refusal = refusal_text(wait_s, number)
                return response.json({"error": refusal}, status=429, headers={"Retry-After": str(wait_s)})
            collector = CollectingOutputChannel()
            metadata = self.emergency_numbers.with_number(incoming.metadata)
            message = UserMessage(
                incoming.text, collector, incoming.sender, input_channel=self.name(), metadata=metadata
            )
            status, body = await handle_within_deadline(
                on_new_message(message), collector.messages, self.reply_deadline_s, number
            )
            return response.json(body, status=status)

        return webhook

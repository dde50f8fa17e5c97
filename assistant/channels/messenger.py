"""Facebook Messenger, through a webhook that checks Meta's SHA-256 signature.

Subclasses Rasa 3.6.21's `FacebookInput` (registered the same way, at
/webhooks/facebook/webhook) because that connector falls short here:
- it checks only the SHA-1 `X-Hub-Signature`, with a plain `==`, and takes the
  hash algorithm from the header itself ("md5=..." passes); this channel checks
  `X-Hub-Signature-256` only, with `hmac.compare_digest`, and answers 403
  (Rasa answers 200 "not validated");
- it handles only the first event of a batched delivery; this one handles each;
- its replies go through `fbmessenger`, which uses blocking `requests` calls
  inside the event loop; this one posts with aiohttp to a Graph API base URL it
  is given, so tests use a local fake of the API.

Secrets come from the environment: FACEBOOK_VERIFY_TOKEN, FACEBOOK_APP_SECRET,
FACEBOOK_PAGE_ACCESS_TOKEN.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
from typing import Any, Awaitable, Callable, Dict, Iterator, List

import aiohttp
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.facebook import FacebookInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.channels.platform import (
    ChannelNotConfigured,
    IncomingText,
    JsonApi,
    RecentIds,
    conversation_id,
    handle_or_tell,
    platform_recipient,
    secrets_from_environment,
    split_for_platform,
    text_only_note,
)

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"
ENVIRONMENT = {
    "verify_token": "FACEBOOK_VERIFY_TOKEN",
    "app_secret": "FACEBOOK_APP_SECRET",
    "page_access_token": "FACEBOOK_PAGE_ACCESS_TOKEN",
}
DEFAULT_GRAPH_URL = "https://graph.facebook.com/v19.0"
MESSAGE_LIMIT = 2000  # characters in one Messenger text message
QUICK_REPLY_LIMIT = 13
QUICK_REPLY_TITLE_LIMIT = 20
MAX_BODY_BYTES = 1_000_000


def signature_is_valid(app_secret: str, body: bytes, header: str) -> bool:
    """Whether `header` is "sha256=<hex HMAC-SHA256 of body with app_secret>"; constant-time."""
    algorithm, _, given = header.partition("=")
    if algorithm != "sha256" or not given:
        return False
    expected = hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, given.strip().lower())


def quick_reply_title(title: str) -> str:
    return title if len(title) <= QUICK_REPLY_TITLE_LIMIT else title[: QUICK_REPLY_TITLE_LIMIT - 1] + "…"


class MessengerReplies(OutputChannel):
    """Sends replies with the Send API; buttons become quick replies (the payload kept whole)."""

    @classmethod
    def name(cls) -> str:
        return "facebook"

    def __init__(self, page_access_token: str, graph_url: str, session: aiohttp.ClientSession | None = None) -> None:
        self._url = f"{graph_url.rstrip('/')}/me/messages"
        self._token = page_access_token
        self._api = JsonApi(session)

    async def _send(self, recipient_id: str, message: Dict[str, Any]) -> None:
        payload = {
            "recipient": {"id": platform_recipient(recipient_id)},
            "messaging_type": "RESPONSE",
            "message": message,
        }
        await self._api.post(self._url, payload, params={"access_token": self._token})

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in split_for_platform(text, MESSAGE_LIMIT):
            await self._send(recipient_id, {"text": part})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        parts = split_for_platform(text, MESSAGE_LIMIT) or [""]
        for part in parts[:-1]:
            await self._send(recipient_id, {"text": part})
        quick_replies = [
            {"content_type": "text", "title": quick_reply_title(b["title"]), "payload": b["payload"]}
            for b in buttons[:QUICK_REPLY_LIMIT]
        ]
        await self._send(recipient_id, {"text": parts[-1], "quick_replies": quick_replies})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._send(recipient_id, {"attachment": {"type": "image", "payload": {"url": image}}})

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        await self._send(recipient_id, json_message)


def read_events(payload: Dict[str, Any]) -> Iterator[IncomingText]:
    """Every user message in a webhook delivery: quick replies, postbacks, texts, and (with no text) attachments."""
    for entry in payload.get("entry") or []:
        for event in (entry.get("messaging") or []) if isinstance(entry, dict) else []:
            if not isinstance(event, dict):
                continue
            sender = (event.get("sender") or {}).get("id")
            message = event.get("message") if isinstance(event.get("message"), dict) else None
            postback = event.get("postback") if isinstance(event.get("postback"), dict) else None
            if sender is None or (message is not None and message.get("is_echo")):
                continue
            event_id = (message or {}).get("mid") or f"{sender}-{event.get('timestamp')}"
            metadata: Dict[str, Any] = {}
            if message is not None:
                quick_reply = message.get("quick_reply") or {}
                text = quick_reply.get("payload") or message.get("text") or ""
            elif postback is not None:
                text = postback.get("payload") or postback.get("title") or ""
            else:
                continue  # a delivery or read receipt
            yield IncomingText(conversation_id("facebook", sender), str(text).strip(), str(event_id), metadata)


class VerifiedMessengerInput(FacebookInput):
    """GET/POST /webhooks/facebook/webhook: the subscription check and signed deliveries."""

    @classmethod
    def name(cls) -> str:
        return "facebook"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> "VerifiedMessengerInput":
        credentials = credentials or {}
        graph_url = os.environ.get("FACEBOOK_GRAPH_URL") or credentials.get("graph_url") or DEFAULT_GRAPH_URL
        try:
            secrets = secrets_from_environment(ENVIRONMENT)
        except ChannelNotConfigured as missing:
            logger.warning("Messenger channel is off (every request gets 503): %s", missing)
            return cls(None, None, None, graph_url)
        return cls(secrets["verify_token"], secrets["app_secret"], secrets["page_access_token"], graph_url)

    def __init__(
        self,
        verify_token: str | None,
        app_secret: str | None,
        page_access_token: str | None,
        graph_url: str = DEFAULT_GRAPH_URL,
    ) -> None:
        super().__init__(verify_token, app_secret, page_access_token)
        self.graph_url = graph_url
        self._handled = RecentIds()
        self._told = RecentIds()  # events whose failure the person was told about
        self._replies: MessengerReplies | None = None

    @property
    def configured(self) -> bool:
        return bool(self.fb_verify and self.fb_secret and self.fb_access_token)

    def get_output_channel(self) -> MessengerReplies:
        if self._replies is None:
            if not self.fb_access_token:
                raise ChannelNotConfigured("FACEBOOK_PAGE_ACCESS_TOKEN is not set")
            self._replies = MessengerReplies(self.fb_access_token, self.graph_url)
        return self._replies

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("verified_messenger_webhook", __name__)
        note = text_only_note()
        not_configured = {"error": "Messenger is not configured on this server."}

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.configured else "not configured"})

        @webhook.route("/webhook", methods=["GET"])
        async def subscribe(request: Request) -> HTTPResponse:
            if not self.configured:
                return response.json(not_configured, status=503)
            given = request.args.get("hub.verify_token") or ""
            if request.args.get("hub.mode") != "subscribe" or not hmac.compare_digest(
                given.encode(), str(self.fb_verify).encode()
            ):
                return response.json({"error": "Wrong hub.verify_token."}, status=403)
            return response.text(request.args.get("hub.challenge") or "")

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.configured:
                return response.json(not_configured, status=503)
            if len(request.body) > MAX_BODY_BYTES:
                return response.json({"error": "The delivery is too large."}, status=413)
            if not signature_is_valid(str(self.fb_secret), request.body, request.headers.get(SIGNATURE_HEADER, "")):
                logger.warning("Messenger delivery without a valid %s, refused", SIGNATURE_HEADER)
                return response.json({"error": f"Missing or wrong {SIGNATURE_HEADER}."}, status=403)
            try:
                payload = json.loads(request.body)
            except (UnicodeDecodeError, json.JSONDecodeError):
                return response.json({"error": "The body is not a JSON webhook delivery."}, status=400)
            if not isinstance(payload, dict) or payload.get("object") != "page":
                return response.json({"status": "ignored"})
            replies = self.get_output_channel()
            for incoming in read_events(payload):
                if self._handled.seen(incoming.update_id):
                    continue
                if not incoming.text:
                    await replies.send_text_message(incoming.sender_id, note)
                else:
                    # A failure tells the person and answers 500, so Meta delivers the event again;
                    # nothing was saved.
                    message = UserMessage(incoming.text, replies, incoming.sender_id, input_channel=self.name())
                    await handle_or_tell(on_new_message, message, incoming.update_id, self._told)
                self._handled.add(incoming.update_id)
            return response.text("EVENT_RECEIVED")

        return webhook

"""Telegram, through a webhook that checks Telegram's secret token.

Subclasses Rasa 3.6.21's `TelegramInput` (registered the same way, at
/webhooks/telegram/webhook) because that connector falls short here:
- it authenticates nothing: it never checks the `X-Telegram-Bot-Api-Secret-Token`
  header Telegram sends when the webhook was set with a `secret_token`; this
  channel compares it in constant time and answers 401 without it;
- an update it does not handle (no `message`: a poll, a member change)
  raises and answers 500, so Telegram retries it for hours (rasa#11387); this
  channel answers 200 to every well-formed update it does not act on;
- it calls `getMe` on every message and `setWebhook` at start-up; this one
  makes no API call except to reply (the README shows how to set the webhook);
- replies go through aiogram's `Bot`; this channel posts to the Bot API with
  aiohttp at a base URL it is given, so tests use a local fake of the API.

Secrets come from the environment: TELEGRAM_TOKEN and TELEGRAM_SECRET_TOKEN.
"""

from __future__ import annotations

import hmac
import json
import logging
import os
from typing import Any, Awaitable, Callable, Dict, List

import aiohttp
from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.telegram import TelegramInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from assistant.channels.platform import (
    ChannelNotConfigured,
    IncomingText,
    JsonApi,
    PlatformApiError,
    RecentIds,
    conversation_id,
    handle_or_tell,
    platform_recipient,
    secrets_from_environment,
    split_for_platform,
    text_only_note,
)

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
ENVIRONMENT = {"access_token": "TELEGRAM_TOKEN", "secret_token": "TELEGRAM_SECRET_TOKEN"}
DEFAULT_API_URL = "https://api.telegram.org"
MESSAGE_LIMIT = 4096  # characters in one Telegram message
CALLBACK_DATA_LIMIT = 64  # bytes of an inline button's callback_data
MAX_BODY_BYTES = 1_000_000


class TelegramReplies(OutputChannel):
    """Sends replies with the Bot API's sendMessage; buttons become an inline keyboard, one per row."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(self, access_token: str, api_url: str, session: aiohttp.ClientSession | None = None) -> None:
        self._method_url = f"{api_url.rstrip('/')}/bot{access_token}/"
        self._api = JsonApi(session)

    async def call(self, method: str, payload: Dict[str, Any]) -> Dict[str, Any]:
        return await self._api.post(self._method_url + method, payload)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        chat_id = platform_recipient(recipient_id)
        for part in split_for_platform(text, MESSAGE_LIMIT):
            await self.call("sendMessage", {"chat_id": chat_id, "text": part})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        if any(len(str(b.get("payload", "")).encode()) > CALLBACK_DATA_LIMIT for b in buttons):
            # Telegram would refuse the whole message; the choices go as a keyboard of their titles instead.
            keyboard: Dict[str, Any] = {
                "keyboard": [[{"text": b["title"]}] for b in buttons],
                "one_time_keyboard": True,
                "resize_keyboard": True,
            }
        else:
            keyboard = {"inline_keyboard": [[{"text": b["title"], "callback_data": b["payload"]}] for b in buttons]}
        chat_id = platform_recipient(recipient_id)
        parts = split_for_platform(text, MESSAGE_LIMIT) or [""]
        for part in parts[:-1]:
            await self.call("sendMessage", {"chat_id": chat_id, "text": part})
        await self.call("sendMessage", {"chat_id": chat_id, "text": parts[-1], "reply_markup": keyboard})

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self.call("sendPhoto", {"chat_id": platform_recipient(recipient_id), "photo": image})

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        method = json_message.get("method", "sendMessage")
        await self.call(method, {"chat_id": platform_recipient(recipient_id), **json_message.get("payload", {})})


def read_update(update: Dict[str, Any]) -> IncomingText | None:
    """The user text an update carries (a message, an edited message, a button press, a caption), else None.

    An edited message is handled like a new one: a user who edits in "I can see
    the screw" must get the emergency reply.
    """
    update_id = update.get("update_id")
    callback = update.get("callback_query")
    if isinstance(callback, dict) and isinstance(callback.get("data"), str):
        chat = (callback.get("message") or {}).get("chat") or {}
        chat_id = chat.get("id", (callback.get("from") or {}).get("id"))
        if chat_id is None:
            return None
        metadata = {"callback_query_id": callback.get("id"), **_language(callback.get("from"))}
        return IncomingText(conversation_id("telegram", chat_id), callback["data"], f"update-{update_id}", metadata)
    for key in ("message", "edited_message"):
        message = update.get(key)
        if not isinstance(message, dict) or not isinstance(message.get("chat"), dict):
            continue
        chat_id = message["chat"].get("id")
        if chat_id is None:
            return None
        text = message.get("text") if isinstance(message.get("text"), str) else message.get("caption")
        metadata = {"edited": key == "edited_message", **_language(message.get("from"))}
        if not isinstance(text, str) or not text.strip():
            return IncomingText(conversation_id("telegram", chat_id), "", f"update-{update_id}", metadata)
        return IncomingText(
            conversation_id("telegram", chat_id), text.replace("/bot", "").strip(), f"update-{update_id}", metadata
        )
    return None


def _language(user: Any) -> Dict[str, Any]:
    code = user.get("language_code") if isinstance(user, dict) else None
    return {"language": code} if isinstance(code, str) else {}


class VerifiedTelegramInput(TelegramInput):
    """POST /webhooks/telegram/webhook, accepted only with the webhook's secret token."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> "VerifiedTelegramInput":
        credentials = credentials or {}
        api_url = os.environ.get("TELEGRAM_API_URL") or credentials.get("api_url") or DEFAULT_API_URL
        try:
            secrets = secrets_from_environment(ENVIRONMENT)
        except ChannelNotConfigured as missing:
            logger.warning("Telegram channel is off (every request gets 503): %s", missing)
            return cls(None, None, api_url)
        return cls(secrets["access_token"], secrets["secret_token"], api_url)

    def __init__(self, access_token: str | None, secret_token: str | None, api_url: str = DEFAULT_API_URL) -> None:
        super().__init__(access_token, verify=None, webhook_url=None, debug_mode=False)
        self.secret_token = secret_token
        self.api_url = api_url
        self._handled = RecentIds()
        self._told = RecentIds()  # updates whose failure the person was told about
        self._replies: TelegramReplies | None = None

    def get_output_channel(self) -> TelegramReplies:
        if self._replies is None:
            if self.access_token is None:
                raise ChannelNotConfigured("TELEGRAM_TOKEN is not set")
            self._replies = TelegramReplies(self.access_token, self.api_url)
        return self._replies

    def is_authentic(self, request: Request) -> bool:
        given = request.headers.get(SECRET_HEADER, "")
        return self.secret_token is not None and hmac.compare_digest(given.encode(), self.secret_token.encode())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("verified_telegram_webhook", __name__)
        note = text_only_note()

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.secret_token else "not configured"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if self.secret_token is None:
                return response.json({"error": "Telegram is not configured on this server."}, status=503)
            if not self.is_authentic(request):
                logger.warning("Telegram webhook call without the right secret token, refused")
                return response.json({"error": f"Missing or wrong {SECRET_HEADER}."}, status=401)
            if len(request.body) > MAX_BODY_BYTES:
                return response.json({"error": "The update is too large."}, status=413)
            try:
                update = json.loads(request.body)
            except (UnicodeDecodeError, json.JSONDecodeError):
                return response.json({"error": "The body is not a JSON Telegram update."}, status=400)
            if not isinstance(update, dict) or not isinstance(update.get("update_id"), int):
                return response.json({"error": "The body is not a Telegram update (no update_id)."}, status=400)
            incoming = read_update(update)
            if incoming is None or self._handled.seen(incoming.update_id):
                return response.json({"status": "ignored"})  # 200: Telegram must not retry it
            replies = self.get_output_channel()
            if incoming.metadata.get("callback_query_id"):
                await _acknowledge_button(replies, incoming.metadata["callback_query_id"])
            if not incoming.text:
                await replies.send_text_message(incoming.sender_id, note)  # a photo, a sticker, a voice note
            else:
                # A failure tells the person and answers 500, so Telegram delivers the update again;
                # nothing was saved.
                message = UserMessage(
                    incoming.text, replies, incoming.sender_id, input_channel=self.name(), metadata=incoming.metadata
                )
                await handle_or_tell(on_new_message, message, incoming.update_id, self._told)
            self._handled.add(incoming.update_id)
            return response.json({"status": "ok"})

        return webhook


async def _acknowledge_button(replies: TelegramReplies, callback_query_id: str) -> None:
    """Stop the button's spinner; a failure here must not stop the answer."""
    try:
        await replies.call("answerCallbackQuery", {"callback_query_id": callback_query_id})
    except PlatformApiError as error:
        logger.warning("answerCallbackQuery failed: %s", error)

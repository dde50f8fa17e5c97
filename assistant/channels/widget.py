"""The web widget's live channel: Rasa's socket.io channel with sessions that survive a reload.

Subclasses Rasa 3.6.21's `SocketIOInput` (registered the same way: socket.io at /socket.io,
health and history under /webhooks/socketio/) because that connector falls short here:
- with `session_persistence: true` it calls `sio.enter_room(...)` without `await`; with the
  python-socketio the project pins (5.18.1) that is a coroutine, so the room is never joined and
  every reply is lost ("coroutine 'AsyncServer.enter_room' was never awaited"); this one awaits it;
- anyone who sends a session id joins that conversation's room and reads its replies; here a
  session id is issued by the server with a token (an HMAC of the id under a server key), and a
  session is resumed, its messages sent, and its history read only with that token;
- it accepts a connection from any site; this one only from WIDGET_ALLOWED_ORIGINS (a browser
  always sends its page's origin);
- it says nothing while the bot works, drops a message it cannot handle silently, and splits a
  reply into one message per paragraph; this one sends `bot_typing`, acknowledges each message
  (so the widget can keep and resend what was not received), answers a bad one with an
  `error_message` that says why, and sends each reply whole, with its sources as data and a flag
  on the emergency replies (assistant/channels/widget_messages.py).
"""

from __future__ import annotations

import asyncio
import logging
import os
from typing import Any, Awaitable, Callable, Dict, List, Set, Tuple

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.socketio import SocketBlueprint, SocketIOInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from socketio import AsyncRedisManager, AsyncServer

from assistant.channels.failures import failure_text
from assistant.channels.platform import conversation_id
from assistant.channels.rate_limit import SenderRateLimiter, refusal_text
from assistant.channels.rest import DEFAULT_MAX_MESSAGE_CHARS, InvalidRequest, clean_message_text
from assistant.channels.session_tokens import SessionTokens, bearer_token
from assistant.channels.widget_messages import history_messages, widget_message
from assistant.emergency_numbers import EmergencyNumbers
from contract import STAFF_REPLY_KEY

logger = logging.getLogger(__name__)

PLATFORM = "widget"  # conversation ids are "widget-<session id>"
DEFAULT_KEY_FILE = ".rasa-data/widget-session.key"
MAX_HISTORY_MESSAGES = 500


def single_dict(args: Tuple[Any, ...]) -> Dict[str, Any]:
    """An event's payload when it is one JSON object, else empty (which the handler refuses).

    A client may emit nothing, several values (a list is sent as several arguments) or
    binary data; every shape must reach the handler, which answers it with an error.
    """
    return args[0] if len(args) == 1 and isinstance(args[0], dict) else {}


class WidgetOutput(OutputChannel):
    """Emits each reply whole to the conversation's room as `bot_uttered`."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    def __init__(self, sio: AsyncServer, bot_message_evt: str, emergency_number: str) -> None:
        self.sio = sio
        self.bot_message_evt = bot_message_evt
        self.emergency_number = emergency_number

    async def _emit(self, recipient_id: str, message: Dict[str, Any]) -> None:
        await self.sio.emit(self.bot_message_evt, message, room=recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        # A staff reply pushed through Rasa's HTTP API carries its bot event's metadata as keywords.
        from_staff = bool(kwargs.get(STAFF_REPLY_KEY))
        message = widget_message(text, None, kwargs.get("utter_action"), self.emergency_number, from_staff)
        await self._emit(recipient_id, message)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        message = widget_message(text, buttons, kwargs.get("utter_action"), self.emergency_number)
        await self._emit(recipient_id, message)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        await self._emit(recipient_id, {"attachment": {"type": "image", "payload": {"src": image}}})

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        await self._emit(recipient_id, json_message)


class WidgetSocketInput(SocketIOInput):
    """socket.io for the web widget: `session_request` -> `session_confirm`, `user_uttered` -> `bot_uttered`."""

    @classmethod
    def name(cls) -> str:
        return "socketio"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> "WidgetSocketInput":
        credentials = credentials or {}
        origins = os.environ.get("WIDGET_ALLOWED_ORIGINS") or credentials.get("allowed_origins") or ""
        return cls(
            SessionTokens.from_environment(
                "WIDGET_SESSION_KEY", "WIDGET_SESSION_KEY_FILE", credentials.get("session_key_file", DEFAULT_KEY_FILE)
            ),
            allowed_origins=origins.split() if isinstance(origins, str) else list(origins),
            max_message_chars=int(credentials.get("max_message_chars", DEFAULT_MAX_MESSAGE_CHARS)),
            socketio_path=credentials.get("socketio_path", "/socket.io"),
            redis_url=os.environ.get("SOCKETIO_REDIS_URL") or None,
            rate_limiter=SenderRateLimiter.from_credentials(credentials),
        )

    def __init__(
        self,
        tokens: SessionTokens,
        allowed_origins: List[str] | None = None,
        max_message_chars: int = DEFAULT_MAX_MESSAGE_CHARS,
        socketio_path: str = "/socket.io",
        emergency_numbers: EmergencyNumbers | None = None,
        redis_url: str | None = None,
        rate_limiter: SenderRateLimiter | None = None,
    ) -> None:
        super().__init__(session_persistence=True, socketio_path=socketio_path)
        # With several Rasa replicas, a reply for a person connected to another replica (a staff
        # message through the HTTP API) goes through Redis to the replica that holds the socket.
        self.redis_url = redis_url
        self.rate_limiter = rate_limiter or SenderRateLimiter()
        self.tokens = tokens
        self.allowed_origins = allowed_origins or []
        self.max_message_chars = max_message_chars
        self.emergency_numbers = emergency_numbers or EmergencyNumbers.from_file()
        self._answering: Set["asyncio.Future[None]"] = set()

    def get_output_channel(self) -> OutputChannel | None:
        """For messages pushed from outside a conversation turn (a staff reply through Rasa's HTTP API)."""
        if self.sio is None:
            return None
        return WidgetOutput(self.sio, self.bot_message_evt, self.emergency_numbers.default)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        # Rasa's `--cors` (sanic-cors) already answers CORS for every route of the app, these included;
        # engine.io's own CORS headers would be a second Access-Control-Allow-Origin, which browsers
        # refuse. So engine.io's CORS is off and `connect` checks the origin against the allow-list.
        manager = AsyncRedisManager(self.redis_url) if self.redis_url else None
        sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[], client_manager=manager)
        webhook = SocketBlueprint(sio, self.socketio_path, "widget_socketio_webhook", __name__)
        self.sio = sio

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/history", methods=["GET"])
        async def history(request: Request) -> HTTPResponse:
            session_id = request.args.get("session_id", "")
            token = bearer_token(request.headers.get("Authorization"))
            if not self.tokens.is_valid(session_id, token):
                return response.json({"error": "Unknown session, or the wrong token for it."}, status=403)
            agent = request.app.ctx.agent
            tracker = await agent.tracker_store.retrieve(conversation_id(PLATFORM, session_id))
            events = [e.as_dict() for e in tracker.events] if tracker is not None else []
            number = self.emergency_numbers.for_metadata({"locale": request.args.get("locale", "")})
            messages = history_messages(events, number)[-MAX_HISTORY_MESSAGES:]
            return response.json({"session_id": session_id, "messages": messages})

        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: Dict, auth: Dict | None = None) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            if origin is not None and origin not in self.allowed_origins and "*" not in self.allowed_origins:
                logger.warning("Widget connection from %s refused: not in WIDGET_ALLOWED_ORIGINS", origin)
                return False
            return True

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, *args: Any) -> None:
            data = single_dict(args)
            session_id, token = data.get("session_id"), data.get("session_token")
            resumed = self.tokens.is_valid(session_id, token)
            if not resumed:
                session_id, token = self.tokens.new_session()
            await sio.enter_room(sid, conversation_id(PLATFORM, session_id))
            await sio.emit(
                "session_confirm", {"session_id": session_id, "session_token": token, "resumed": resumed}, room=sid
            )

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, *args: Any) -> Dict[str, str]:
            """Answers the client's acknowledgement: {"status": "received"} or {"error": ...}."""
            data = single_dict(args)
            if not self.tokens.is_valid(data.get("session_id"), data.get("session_token")):
                return {"error": "This chat session is not valid any more. Please reload the page."}
            try:
                text = clean_message_text(data.get("message"), self.max_message_chars)
            except InvalidRequest as error:
                return {"error": error.message}
            room = conversation_id(PLATFORM, data["session_id"])
            metadata = data.get("metadata") if isinstance(data.get("metadata"), dict) else {}
            metadata = self.emergency_numbers.with_number(metadata) or {}
            number = self.emergency_numbers.for_metadata(metadata)
            wait_s = self.rate_limiter.wait_seconds(room)
            if wait_s:
                return {"error": refusal_text(wait_s, number)}
            output = WidgetOutput(sio, self.bot_message_evt, number)
            message = UserMessage(text, output, room, input_channel=self.name(), metadata=metadata)
            task = asyncio.ensure_future(self._answer(sio, room, message, on_new_message, number))
            self._answering.add(task)  # a reference, so the task is not collected while it runs
            task.add_done_callback(self._answering.discard)
            return {"status": "received"}

        return webhook

    async def _answer(
        self,
        sio: AsyncServer,
        room: str,
        message: UserMessage,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        emergency_number: str,
    ) -> None:
        """Handle one message with a typing indicator; a failure is said to the user, never silent."""
        await sio.emit("bot_typing", {"typing": True}, room=room)
        try:
            await on_new_message(message)
        except Exception as error:  # noqa: BLE001 - the channel boundary: any failure must reach the user
            logger.exception("Handling a widget message failed")
            await sio.emit("error_message", {"error": failure_text(error, emergency_number)}, room=room)
        finally:
            await sio.emit("bot_typing", {"typing": False}, room=room)

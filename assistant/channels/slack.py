"""Slack, through Rasa's own Slack connector with its signing-secret check and replay window.

Subclasses Rasa 3.6.21's `SlackInput` (registered the same way, at
/webhooks/slack/webhook). Rasa's check is kept as it is: an HMAC-SHA256 of
"v0:<timestamp>:<body>" with the signing secret, compared in constant time,
and a timestamp more than five minutes away refused as a replay. What changes:
- a request that fails the check is answered 401 before Rasa's handler runs
  (Rasa answers 400, which reads as the caller's mistake rather than a refusal);
- the secrets come from the environment (SLACK_TOKEN, SLACK_SIGNING_SECRET);
  without them the channel answers 503 instead of failing the whole server;
- replies are posted to a Web API base URL it is given (tests use a local fake),
  without the legacy `as_user` flag, split where Slack would cut a block, with
  up to 25 buttons in one actions block;
- conversation ids are "slack-<user>" so they never meet a web sender's.
"""

from __future__ import annotations

import logging
import os
import secrets as token_source
from typing import Any, Awaitable, Callable, Dict, List

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.core.channels.slack import SlackBot, SlackInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from slack_sdk.web.async_client import AsyncWebClient

from assistant.channels.platform import (
    ChannelNotConfigured,
    conversation_id,
    handle_or_tell,
    platform_recipient,
    secrets_from_environment,
    split_for_platform,
)

logger = logging.getLogger(__name__)

ENVIRONMENT = {"slack_token": "SLACK_TOKEN", "slack_signing_secret": "SLACK_SIGNING_SECRET"}
DEFAULT_API_URL = "https://slack.com/api/"
SECTION_LIMIT = 3000  # characters of text in one section block
BUTTON_LIMIT = 25  # elements in one actions block
BUTTON_TITLE_LIMIT = 75


class SlackReplies(SlackBot):
    """Rasa's Slack output, posting to `api_url`, one message per part of at most SECTION_LIMIT characters."""

    def __init__(
        self, token: str, api_url: str, slack_channel: str | None = None, thread_id: str | None = None
    ) -> None:
        super().__init__(token, slack_channel, thread_id)
        self.client = AsyncWebClient(token, base_url=api_url)

    def _channel_for(self, recipient_id: str) -> str:
        """The channel of the message being answered; for a message pushed outside a turn (a staff
        reply through Rasa's HTTP API) there is none, and the conversation's user ("slack-U123" -> "U123")
        gets it in their direct messages with the app."""
        return self.slack_channel or platform_recipient(recipient_id)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        for part in split_for_platform(text, SECTION_LIMIT):
            await self._post_message(channel=self._channel_for(recipient_id), text=part)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        channel = self._channel_for(recipient_id)
        parts = split_for_platform(text, SECTION_LIMIT) or [" "]
        for part in parts[:-1]:
            await self._post_message(channel=channel, text=part)
        actions = {
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "text": {"type": "plain_text", "text": b["title"][:BUTTON_TITLE_LIMIT]},
                    "value": b["payload"],
                }
                for b in buttons[:BUTTON_LIMIT]
            ],
        }
        section = {"type": "section", "text": {"type": "plain_text", "text": parts[-1]}}
        await self._post_message(channel=channel, text=parts[-1], blocks=[section, actions])


class VerifiedSlackInput(SlackInput):
    """POST /webhooks/slack/webhook: events and button clicks, signed by Slack."""

    @classmethod
    def name(cls) -> str:
        return "slack"

    @classmethod
    def from_credentials(cls, credentials: Dict[str, Any] | None) -> "VerifiedSlackInput":
        credentials = credentials or {}
        api_url = os.environ.get("SLACK_API_URL") or credentials.get("api_url") or DEFAULT_API_URL
        try:
            secrets = secrets_from_environment(ENVIRONMENT)
        except ChannelNotConfigured as missing:
            logger.warning("Slack channel is off (every request gets 503): %s", missing)
            # A random secret nobody knows, so Rasa's checks stay armed; `configured` stays False.
            return cls(None, token_source.token_hex(32), api_url, credentials.get("slack_channel"), configured=False)
        return cls(
            secrets["slack_token"],
            secrets["slack_signing_secret"],
            api_url,
            credentials.get("slack_channel"),
            use_threads=bool(credentials.get("use_threads", False)),
        )

    def __init__(
        self,
        slack_token: str | None,
        slack_signing_secret: str,
        api_url: str = DEFAULT_API_URL,
        slack_channel: str | None = None,
        use_threads: bool = False,
        configured: bool = True,
    ) -> None:
        super().__init__(
            slack_token or "",
            slack_channel,
            slack_retry_reason_header="x-slack-retry-reason",
            slack_retry_number_header="x-slack-retry-num",
            use_threads=use_threads,
            slack_signing_secret=slack_signing_secret,
        )
        self.api_url = api_url
        self.configured = configured and bool(slack_token)

    def _get_conversation_id(self, sender_id: str | None, channel_id: str | None, thread_id: str | None) -> str | None:
        conversation = super()._get_conversation_id(sender_id, channel_id, thread_id)
        return conversation_id("slack", conversation) if conversation else None

    def get_output_channel(self, channel: str | None = None, thread_id: str | None = None) -> OutputChannel:
        return SlackReplies(self.slack_token, self.api_url, channel or self.slack_channel, thread_id)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = super().blueprint(told_on_failure(on_new_message))

        @webhook.on_request
        async def refuse_unsigned(request: Request) -> HTTPResponse | None:
            if request.method != "POST":
                return None
            if not self.configured:
                return response.json({"error": "Slack is not configured on this server."}, status=503)
            if not self.is_request_from_slack_authentic(request):
                logger.warning("Slack request with a missing, wrong or stale signature, refused")
                return response.json({"error": "Missing, wrong or expired X-Slack-Signature."}, status=401)
            return None

        return webhook


def told_on_failure(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
) -> Callable[[UserMessage], Awaitable[None]]:
    """`on_new_message` for Rasa's Slack connector, which answers Slack 200 and then handles the
    message in a background task whose failure nobody would hear of: the person is told instead
    (with the emergency instruction), and the failure is logged. Slack will not deliver it again."""

    async def handle(message: UserMessage) -> None:
        try:
            await handle_or_tell(on_new_message, message)
        except Exception:  # noqa: BLE001 - the task's end: logged, and the person was told
            logger.exception("Handling a Slack message failed")

    return handle

"""The action server endpoint with every call bounded to a few seconds, and an honest reply when it fails.

Rasa 3.6 calls the action server with a hard-coded 300 s timeout
(`DEFAULT_REQUEST_TIMEOUT` in rasa/core/constants.py, passed by RemoteAction;
a `timeout:` key under `action_endpoint` is ignored, rasa#9789). While that call
hangs, the conversation's lock is held, so the same person's next message,
an emergency included, waits for it. This endpoint caps the call at
`timeout_s` and, when the action server is hung, down or failing, answers the
call itself with the domain response `utter_cannot_answer_now` (which carries
the emergency instruction), so the conversation is released and the user is
told the truth. Book-keeping actions (triage records, form validation) fail
silently instead: the reply the user needed has already been sent.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Dict, FrozenSet, List

import aiohttp
from rasa.utils.endpoints import ClientResponseError, EndpointConfig

from actions.domain_responses import UNAVAILABLE_RESPONSE

logger = logging.getLogger(__name__)

DEFAULT_ACTION_TIMEOUT_S = 2.0
# Book-keeping runs right after an emergency reply, in the same turn: the HTTP
# answer waits for it, so it gets a shorter bound (a local SQLite write takes ms).
DEFAULT_BOOKKEEPING_TIMEOUT_S = 0.5
# Actions whose failure the user should not hear about (no reply of their own).
SILENT_ACTIONS: FrozenSet[str] = frozenset({"action_record_triage"})
VALIDATE_PREFIX = "validate_"


class BoundedActionEndpoint(EndpointConfig):
    """An EndpointConfig whose requests time out after `timeout_s` and degrade to an honest reply."""

    def __init__(
        self,
        *args: Any,
        timeout_s: float = DEFAULT_ACTION_TIMEOUT_S,
        bookkeeping_timeout_s: float = DEFAULT_BOOKKEEPING_TIMEOUT_S,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.timeout_s = timeout_s
        self.bookkeeping_timeout_s = min(bookkeeping_timeout_s, timeout_s)

    @classmethod
    def wrapping(cls, endpoint: EndpointConfig, timeout_s: float) -> "BoundedActionEndpoint":
        return cls(
            endpoint.url,
            endpoint.params,
            endpoint.headers,
            endpoint.basic_auth,
            endpoint.token,
            endpoint.token_name,
            endpoint.cafile,
            timeout_s=timeout_s,
            **endpoint.kwargs,
        )

    async def request(
        self,
        method: str = "post",
        subpath: str | None = None,
        content_type: str | None = "application/json",
        compress: bool = False,
        **kwargs: Any,
    ) -> Any | None:
        """Call the action server within `timeout_s`; on a hang, refusal or 5xx, reply for it."""
        action = str((kwargs.get("json") or {}).get("next_action", ""))
        bound = self.bookkeeping_timeout_s if is_bookkeeping(action) else self.timeout_s
        kwargs["timeout"] = aiohttp.ClientTimeout(total=bound)
        try:
            return await super().request(method, subpath, content_type, compress, **kwargs)
        except ClientResponseError as error:
            if error.status < 500:
                raise  # 400 is an action's own rejection (forms); 404 an unknown action: Rasa handles both
            logger.error("Action server failed running %s (HTTP %s)", action, error.status)
        except asyncio.TimeoutError:
            logger.error("Action server did not answer %s within %.1f s", action, bound)
        except aiohttp.ClientError as error:
            logger.error("Action server unreachable for %s: %s", action, error)
        if action.startswith(VALIDATE_PREFIX):
            return unvalidated_slots(action, kwargs.get("json") or {})
        return unavailable_reply(action)


def unvalidated_slots(action: str, call: Dict[str, Any]) -> Dict[str, Any]:
    """A form validation the action server could not run: the slot values the form extracted, as
    they are. Rasa keeps only the SlotSet events a validation returns, so returning none would
    drop the answer (a handoff contact would be lost); unvalidated is what a form without a
    validation action does. Rasa's temporary tracker ends with the form's action, then those values."""
    form = action[len(VALIDATE_PREFIX) :]
    events = (call.get("tracker") or {}).get("events") or []
    extracted: List[Dict[str, Any]] = []
    for event in events:
        if event.get("event") == "action":
            extracted = [] if event.get("name") == form else extracted
        elif event.get("event") == "slot" and event.get("name") != "requested_slot":
            extracted.append({"event": "slot", "name": event.get("name"), "value": event.get("value")})
    return {"events": extracted, "responses": []}


def is_bookkeeping(action: str) -> bool:
    """Actions with no reply of their own: the triage record, form validation."""
    return action in SILENT_ACTIONS or action.startswith(VALIDATE_PREFIX)


def unavailable_reply(action: str) -> Dict[str, Any]:
    """What the action server would have answered: the honest reply, or nothing for book-keeping."""
    if is_bookkeeping(action):
        return {"events": [], "responses": []}
    return {"events": [], "responses": [{"response": UNAVAILABLE_RESPONSE}]}

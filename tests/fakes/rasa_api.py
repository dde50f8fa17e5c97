"""A stand-in for Rasa's HTTP API `POST /conversations/{id}/tracker/events`, for the console's tests.

It stores the posted events in the SQL tracker store's database, as Rasa's server does, and keeps
each request for the test to read; `failing` makes it answer as a server that is down.
"""

from __future__ import annotations

import json
from typing import Any, Dict, List
from urllib.parse import unquote

import httpx
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event

from contract import STAFF_TAKEOVER_SLOT
from tests.fakes.tracker_events import sql_store_settings

# The one slot the console sets.
DOMAIN = Domain.from_dict({"slots": {STAFF_TAKEOVER_SLOT: {"type": "any", "mappings": [{"type": "custom"}]}}})


class FakeRasaApi:
    def __init__(self, conversations_url: str, token: str = "api-token") -> None:
        self.conversations_url = conversations_url
        self.token = token
        self.requests: List[Dict[str, Any]] = []
        self.failing = False

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self._handle)

    async def _handle(self, request: httpx.Request) -> httpx.Response:
        if self.failing:
            raise httpx.ConnectError("connection refused", request=request)
        if request.url.params.get("token") != self.token:
            return httpx.Response(401, json={"reason": "NotAuthenticated"})
        path = request.url.raw_path.decode().split("?")[0]
        sender_id = unquote(path.split("/conversations/")[1].split("/tracker/events")[0])
        events = json.loads(request.content)
        self.requests.append({"sender_id": sender_id, "params": dict(request.url.params), "events": events})
        store = SQLTrackerStore(DOMAIN, **sql_store_settings(self.conversations_url))
        tracker = await store.get_or_create_tracker(sender_id)
        for event in events:
            tracker.update(Event.from_parameters(event))
        await store.save(tracker)
        store.engine.dispose()
        return httpx.Response(200, json=tracker.current_state())

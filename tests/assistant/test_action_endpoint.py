"""A hung, dead or failing action server costs at most the bound, and the user hears the truth."""

from __future__ import annotations

import asyncio
import time
from typing import AsyncIterator

import pytest

from assistant.action_endpoint import BoundedActionEndpoint, unavailable_reply
from evaluation.running import free_port

CANNOT_ANSWER = {"events": [], "responses": [{"response": "utter_cannot_answer_now"}]}
CALL = {"next_action": "action_answer_topic", "tracker": {}, "domain": {}, "version": "3.6.2"}


@pytest.fixture
async def hung_server() -> AsyncIterator[int]:
    """Accepts connections and never answers (like a SIGSTOPped action server)."""

    async def never_answer(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await asyncio.sleep(3600)

    server = await asyncio.start_server(never_answer, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()


@pytest.fixture
async def failing_server() -> AsyncIterator[int]:
    async def error_500(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(error_500, "127.0.0.1", 0)
    yield server.sockets[0].getsockname()[1]
    server.close()


async def call(port: int, body: dict = CALL, timeout_s: float = 0.5) -> tuple[object, float]:
    endpoint = BoundedActionEndpoint(f"http://127.0.0.1:{port}/webhook", timeout_s=timeout_s)
    started = time.monotonic()
    result = await endpoint.request(json=body, method="post", timeout=300)  # Rasa passes 300 s
    return result, time.monotonic() - started


async def test_a_hung_action_server_is_given_up_on_at_the_bound(hung_server: int) -> None:
    result, seconds = await call(hung_server)
    assert result == CANNOT_ANSWER
    assert 0.4 < seconds < 1.5  # the bound, not Rasa's 300 s


async def test_a_dead_action_server_is_answered_for_at_once() -> None:
    result, seconds = await call(free_port())  # nothing listens there
    assert result == CANNOT_ANSWER and seconds < 0.5


async def test_a_failing_action_server_is_answered_for(failing_server: int) -> None:
    result, _ = await call(failing_server)
    assert result == CANNOT_ANSWER


async def test_a_triage_record_fails_silently_and_sooner(hung_server: int) -> None:
    endpoint = BoundedActionEndpoint(f"http://127.0.0.1:{hung_server}/webhook", timeout_s=2.0)
    started = time.monotonic()
    result = await endpoint.request(json={**CALL, "next_action": "action_record_triage"}, method="post")
    assert result == {"events": [], "responses": []}
    assert time.monotonic() - started < 1.0  # the emergency reply's HTTP answer waits for it


def test_form_validation_fails_silently() -> None:
    assert unavailable_reply("validate_handoff_form") == {"events": [], "responses": []}


def test_the_wrapper_keeps_the_endpoint_settings() -> None:
    from rasa.utils.endpoints import EndpointConfig

    original = EndpointConfig("http://127.0.0.1:1/webhook", token="secret", headers={"X-A": "1"})
    bounded = BoundedActionEndpoint.wrapping(original, 1.5)
    assert (bounded.url, bounded.token, bounded.headers, bounded.timeout_s) == (
        original.url,
        "secret",
        {"X-A": "1"},
        1.5,
    )


async def test_a_form_validation_the_server_cannot_run_keeps_the_extracted_answer(hung_server: int) -> None:
    """Rasa keeps only the slots a validation returns: without the server, the answer stands unvalidated
    (and the handoff contact reaches the tracker, where the triage rebuild finds it)."""
    tracker = {
        "events": [
            {"event": "slot", "name": "emergency_number", "value": "999"},  # before the form ran: not echoed
            {"event": "action", "name": "handoff_form"},
            {"event": "slot", "name": "requested_slot", "value": "handoff_contact"},
            {"event": "slot", "name": "handoff_contact", "value": "jo@example.org"},
        ]
    }
    endpoint = BoundedActionEndpoint(f"http://127.0.0.1:{hung_server}/webhook", timeout_s=2.0)
    started = time.monotonic()
    result = await endpoint.request(
        json={**CALL, "next_action": "validate_handoff_form", "tracker": tracker}, method="post"
    )
    assert result == {
        "events": [{"event": "slot", "name": "handoff_contact", "value": "jo@example.org"}],
        "responses": [],
    }
    assert time.monotonic() - started < 1.0

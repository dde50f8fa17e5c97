"""Generated bad input on the running assistant's public endpoints: a 4xx with a clear message or a
safe reply, never a 5xx, a crash or silence (hypothesis drives the REST endpoint and socket.io events)."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from typing import Any

import pytest
import socketio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaluation.rest_client import RestSender, open_sender, post_body, timed_message
from tests.integration.conftest import RunningAssistant

pytestmark = pytest.mark.needs_model

ISSUED = "<the issued sender>"
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=50),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=10,
)
rest_bodies = st.one_of(
    st.binary(max_size=300),  # binary, broken UTF-8, empty
    st.text(max_size=300).map(str.encode),  # not JSON at all
    json_values.map(lambda value: json.dumps(value).encode()),  # JSON of the wrong shape
    st.fixed_dictionaries(
        {
            # ISSUED stands for the sender the test's token is for, so these bodies get past the token.
            "sender": st.one_of(st.just(ISSUED), st.text(max_size=200), json_values),
            "message": st.one_of(st.text(max_size=300), json_values),
        }
    ).map(lambda body: json.dumps(body).encode()),  # the right shape, wrong types or control characters
    st.just(json.dumps({"sender": ISSUED, "message": "x" * 100_000}).encode()),  # 100 KB
)
# The right token, none, or any printable one (a client cannot send control characters in a header).
authorizations = st.one_of(st.just("token"), st.none(), st.text(st.characters(min_codepoint=32, max_codepoint=126)))


@pytest.fixture(scope="module")
def conversation(running_assistant: RunningAssistant) -> RestSender:
    return open_sender(running_assistant.rasa_url)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=rest_bodies, authorization=authorizations)
def test_the_rest_endpoint_answers_any_body_without_a_server_error(
    running_assistant: RunningAssistant, conversation: RestSender, body: bytes, authorization: str | None
) -> None:
    body = body.replace(json.dumps(ISSUED).encode(), json.dumps(conversation.sender).encode())
    headers = {"Content-Type": "application/json"}
    if authorization is not None:
        token = conversation.token if authorization == "token" else authorization
        headers["Authorization"] = f"Bearer {token}"
    status, answer = post_body(running_assistant.rasa_url, body, headers, timeout=30)
    assert status < 500, (status, answer)
    if status >= 400:
        assert isinstance(answer, dict) and isinstance(answer.get("error"), str) and answer["error"]
    else:
        assert isinstance(answer, list) and answer  # a reply, never an empty success


def test_a_flood_from_one_sender_is_refused_with_when_to_retry(running_assistant: RunningAssistant) -> None:
    url = running_assistant.rasa_url
    flooder, calm = open_sender(url), open_sender(url)
    statuses = [timed_message(url, flooder, f"hi {n}")[1] for n in range(25)]
    assert statuses[:20] == [200] * 20
    assert 429 in statuses[20:]
    _, status, answer = timed_message(url, calm, "hello")
    assert status == 200 and answer


socket_events = st.one_of(json_values, st.binary(max_size=100), st.text(max_size=200))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(session_request=socket_events, user_uttered=socket_events)
def test_socket_io_events_of_any_shape_get_an_error_or_nothing_and_the_server_stays_up(
    running_assistant: RunningAssistant, session_request: Any, user_uttered: Any
) -> None:
    async def exchange() -> Any:
        client = socketio.AsyncClient(reconnection=False)
        await client.connect(
            running_assistant.rasa_url,
            headers={"Origin": running_assistant.web_url},
            socketio_path="/socket.io",
            transports=["polling"],
        )
        try:
            await client.emit("session_request", session_request)
            return await client.call("user_uttered", user_uttered, timeout=10)
        finally:
            # abort: a polite long-polling disconnect waits for the next poll (about 30 s)
            await client.eio.disconnect(abort=True)

    acknowledgement = asyncio.run(exchange())
    assert isinstance(acknowledgement, dict) and isinstance(acknowledgement.get("error"), str)
    with urllib.request.urlopen(f"{running_assistant.rasa_url}/webhooks/socketio/", timeout=10) as health:
        assert health.status == 200

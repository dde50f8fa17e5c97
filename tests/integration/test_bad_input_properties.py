"""Generated bad input on the running assistant's public endpoints: a 4xx with a clear message or a
safe reply, never a 5xx, a crash or silence (hypothesis drives the REST endpoint and socket.io events)."""

from __future__ import annotations

import asyncio
import json
import urllib.error
import urllib.request
from typing import Any, Tuple

import pytest
import socketio
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.conftest import RunningAssistant

pytestmark = pytest.mark.needs_model

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
            "sender": st.one_of(st.text(max_size=200), json_values),
            "message": st.one_of(st.text(max_size=300), json_values),
        }
    ).map(lambda body: json.dumps(body).encode()),  # the right shape, wrong types or control characters
    st.just(json.dumps({"sender": "huge", "message": "x" * 100_000}).encode()),  # 100 KB
)


def post(url: str, body: bytes) -> Tuple[int, Any]:
    request = urllib.request.Request(url, body, {"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=rest_bodies)
def test_the_rest_endpoint_answers_any_body_without_a_server_error(
    running_assistant: RunningAssistant, body: bytes
) -> None:
    status, answer = post(f"{running_assistant.rasa_url}/webhooks/rest/webhook", body)
    assert status < 500, (status, answer)
    if status >= 400:
        assert isinstance(answer, dict) and isinstance(answer.get("error"), str) and answer["error"]
    else:
        assert isinstance(answer, list) and answer  # a reply, never an empty success


def test_a_flood_from_one_sender_is_refused_with_when_to_retry(running_assistant: RunningAssistant) -> None:
    url = f"{running_assistant.rasa_url}/webhooks/rest/webhook"
    statuses = [post(url, json.dumps({"sender": "flooder", "message": f"hi {n}"}).encode())[0] for n in range(25)]
    assert statuses[:20] == [200] * 20
    assert 429 in statuses[20:]
    status, answer = post(url, json.dumps({"sender": "someone-calm", "message": "hello"}).encode())
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

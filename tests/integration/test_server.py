"""The assistant as `make run` starts it, over HTTP: replies, bad input, restarts, a broken store."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any, List, Tuple

import pytest

from evaluation.paths import ROOT
from evaluation.rest_client import RestSender, open_sender, post_body
from tests.conftest import emergency_opening
from tests.integration.conftest import RunningAssistant, free_port, get, start

pytestmark = pytest.mark.needs_model


def post(assistant: RunningAssistant, body: bytes, sender: RestSender | None = None) -> Tuple[int, Any]:
    return post_body(assistant.rasa_url, body, (sender or RestSender("")).headers())


def say(assistant: RunningAssistant, sender: RestSender, text: str, **extra: Any) -> List[dict]:
    status, replies = post(assistant, json.dumps({"sender": sender.sender, "message": text, **extra}).encode(), sender)
    assert status == 200, replies
    return replies


@pytest.fixture
def sender(running_assistant: RunningAssistant) -> RestSender:
    return open_sender(running_assistant.rasa_url)


def test_hello_gets_the_greeting(running_assistant: RunningAssistant, sender: RestSender) -> None:
    replies = say(running_assistant, sender, "hello")
    assert replies[0]["text"].startswith("Hello. I answer questions about spinal implants")


def test_a_question_is_answered_from_the_content_base_with_its_source(
    running_assistant: RunningAssistant, sender: RestSender
) -> None:
    replies = say(running_assistant, sender, "why do spinal screws come loose")
    assert "Source:" in replies[0]["text"]
    assert replies[0]["buttons"]


def test_exposed_metal_gets_the_emergency_reply_first(running_assistant: RunningAssistant, sender: RestSender) -> None:
    replies = say(running_assistant, sender, "the screw is poking thru my skin", metadata={"locale": "en-US"})
    assert replies[0]["text"].startswith(emergency_opening())
    assert "Call 911" in replies[0]["text"]


def test_the_emergency_is_recorded_for_staff(running_assistant: RunningAssistant, sender: RestSender) -> None:
    from actions.triage import TriageLog

    say(running_assistant, sender, "i can see the rod sticking out of my back")
    events = [e for e in TriageLog(running_assistant.triage_url).recent() if e.sender_id == sender.sender]
    assert events and events[0].category == "emergency_exposed_hardware"
    assert events[0].details["safety"]["category"] == "exposed_hardware"


@pytest.mark.parametrize(
    ("body", "status", "says"),
    [
        (b"", 400, "empty"),
        (b"{not json", 400, "not valid JSON"),
        (b"\xff\xfe\x00binary", 400, "not UTF-8"),
        (b"[1, 2]", 400, "JSON object"),
        (json.dumps({"message": "hi"}).encode(), 400, '"sender" is required'),
        (json.dumps({"sender": "x", "message": "   "}).encode(), 400, '"message" is empty'),
        (json.dumps({"sender": "x", "message": 42}).encode(), 400, '"message" is required'),
        (json.dumps({"sender": "x", "message": "a" * 2001}).encode(), 413, "the limit is 2000"),
        (json.dumps({"sender": "x", "message": "hi", "metadata": "en"}).encode(), 400, '"metadata" must be'),
    ],
)
def test_bad_input_gets_a_clear_error(running_assistant: RunningAssistant, body: bytes, status: int, says: str) -> None:
    code, reply = post(running_assistant, body)
    assert code == status
    assert says in reply["error"]


def test_a_message_without_its_sender_token_is_refused_and_says_how_to_get_one(
    running_assistant: RunningAssistant, sender: RestSender
) -> None:
    body = json.dumps({"sender": sender.sender, "message": "hello"}).encode()
    status, answer = post(running_assistant, body)
    assert status == 401
    assert "POST /webhooks/rest/session" in answer["error"] and "Authorization: Bearer" in answer["error"]


def test_a_conversation_takes_messages_only_with_its_own_token(
    running_assistant: RunningAssistant, sender: RestSender
) -> None:
    other = open_sender(running_assistant.rasa_url)
    for intruder in (RestSender(sender.sender, other.token), RestSender(sender.sender, "0" * 64)):
        status, answer = post(
            running_assistant, json.dumps({"sender": sender.sender, "message": "hi"}).encode(), intruder
        )
        assert status == 403 and "wrong token" in answer["error"]
    status, _ = post(running_assistant, json.dumps({"sender": "someone-else", "message": "hi"}).encode(), sender)
    assert status == 403  # a token is for its own sender id only


def test_bad_input_loses_nothing(running_assistant: RunningAssistant, sender: RestSender) -> None:
    say(running_assistant, sender, "hello")
    post(running_assistant, json.dumps({"sender": sender.sender, "message": ""}).encode(), sender)
    post(running_assistant, b'{"sender": "' + sender.sender.encode() + b'", "message": ', sender)
    replies = say(running_assistant, sender, "thanks")
    assert replies[0]["text"].startswith("You're welcome")


def test_the_demo_page_embeds_the_widget_and_its_libraries_are_served_locally(
    running_assistant: RunningAssistant,
) -> None:
    page = get(running_assistant.web_url + "/").decode()
    assert '<script src="widget.js" data-locale="en-GB" defer></script>' in page
    config = json.loads(get(running_assistant.web_url + "/config.json"))
    assert config["rasaUrl"] == running_assistant.rasa_url
    assert config["notice"].startswith("General information only")  # the content base's reminder
    assert b"session_request" in get(running_assistant.web_url + "/widget.js")
    assert b"io" in get(running_assistant.web_url + "/vendor/socket.io.min.js")  # from npm, no CDN
    assert json.loads(get(running_assistant.web_url + "/status.json")) == {"answersAvailable": True}
    with pytest.raises(urllib.error.HTTPError) as hidden:
        get(running_assistant.web_url + "/node_modules/axe-core/axe.min.js")
    assert hidden.value.code == 404


def test_a_restart_keeps_earlier_conversations(model_path: Path, tmp_path: Path) -> None:
    """Stop the assistant, start it again on the same files: the conversation continues."""
    from rasa.core.tracker_store import SQLTrackerStore

    first = start(tmp_path)
    sender = open_sender(first.rasa_url)
    say(first, sender, "why do screws loosen")
    assert first.stop() == 0  # Ctrl-C (SIGINT) stops run.sh cleanly

    second = start(tmp_path)
    try:
        say(second, sender, "thank you")  # the sender's token is still good after the restart
    finally:
        second.stop()

    store = SQLTrackerStore(dialect="sqlite", db=str(tmp_path / "conversations.db"))
    import asyncio

    tracker = asyncio.new_event_loop().run_until_complete(store.retrieve_full_tracker(sender.sender))
    texts = [e.text for e in tracker.events if getattr(e, "text", None) and e.type_name == "user"]
    assert texts == ["why do screws loosen", "thank you"]


def test_an_unusable_tracker_store_stops_the_server_with_a_clear_error(tmp_path: Path, model_path: Path) -> None:
    env = {
        **os.environ,
        "TRACKER_DB": str(tmp_path / "no-such-folder" / "conversations.db"),
        "ACTION_PORT": str(free_port()),
        "PYTHONPATH": ".",
        "TF_CPP_MIN_LOG_LEVEL": "3",
    }
    result = subprocess.run(
        [
            ".venv/bin/rasa",
            "run",
            "--model",
            str(model_path),
            "--endpoints",
            "endpoints.yml",
            "--credentials",
            "credentials.yml",
            "--port",
            str(free_port()),
            "--interface",
            "127.0.0.1",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    output = result.stdout + result.stderr
    assert result.returncode != 0
    assert "Cannot use the tracker store database" in output
    assert "Conversations would be lost, so the server will not start" in output

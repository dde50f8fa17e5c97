"""The assistant as `make run` starts it, over HTTP: replies, bad input, restarts, a broken store."""

from __future__ import annotations

import json
import os
import subprocess
import urllib.error
import urllib.request
import uuid
from pathlib import Path
from typing import Any, List, Tuple

import pytest

from evaluation.paths import ROOT
from tests.conftest import emergency_opening
from tests.integration.conftest import RunningAssistant, free_port, get, start

pytestmark = pytest.mark.needs_model


def post(assistant: RunningAssistant, body: bytes) -> Tuple[int, Any]:
    request = urllib.request.Request(
        assistant.rasa_url + "/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def say(assistant: RunningAssistant, sender: str, text: str, **extra: Any) -> List[dict]:
    status, replies = post(assistant, json.dumps({"sender": sender, "message": text, **extra}).encode())
    assert status == 200, replies
    return replies


def test_hello_gets_the_greeting(running_assistant: RunningAssistant) -> None:
    replies = say(running_assistant, "rest-hello", "hello")
    assert replies[0]["text"].startswith("Hello. I answer questions about spinal implants")


def test_a_question_is_answered_from_the_content_base_with_its_source(running_assistant: RunningAssistant) -> None:
    replies = say(running_assistant, "rest-question", "why do spinal screws come loose")
    assert "Source:" in replies[0]["text"]
    assert replies[0]["buttons"]


def test_exposed_metal_gets_the_emergency_reply_first(running_assistant: RunningAssistant) -> None:
    replies = say(running_assistant, "rest-emergency", "the screw is poking thru my skin", metadata={"locale": "en-US"})
    assert replies[0]["text"].startswith(emergency_opening())
    assert "Call 911" in replies[0]["text"]


def test_the_emergency_is_recorded_for_staff(running_assistant: RunningAssistant) -> None:
    from actions.triage import TriageLog

    say(running_assistant, "rest-triage", "i can see the rod sticking out of my back")
    events = [e for e in TriageLog(running_assistant.triage_url).recent() if e.sender_id == "rest-triage"]
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


def test_bad_input_loses_nothing(running_assistant: RunningAssistant) -> None:
    sender = "rest-keeps-" + uuid.uuid4().hex[:6]
    say(running_assistant, sender, "hello")
    post(running_assistant, json.dumps({"sender": sender, "message": ""}).encode())
    post(running_assistant, b'{"sender": "' + sender.encode() + b'", "message": ')
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
    say(first, "restart-user", "why do screws loosen")
    assert first.stop() == 0  # Ctrl-C (SIGINT) stops run.sh cleanly

    second = start(tmp_path)
    try:
        say(second, "restart-user", "thank you")
    finally:
        second.stop()

    store = SQLTrackerStore(dialect="sqlite", db=str(tmp_path / "conversations.db"))
    import asyncio

    tracker = asyncio.new_event_loop().run_until_complete(store.retrieve_full_tracker("restart-user"))
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

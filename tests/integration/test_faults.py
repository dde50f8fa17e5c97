"""The emergency reply under faults: the action server hung, then crashed, in the same conversation.

Against the real stack `make run` starts (supervisord, Rasa, the action server, the page).
"""

from __future__ import annotations

import json
import os
import signal
import time
from pathlib import Path
from typing import Iterator, List, Tuple

import pytest

from actions.triage import TriageLog
from evaluation.rest_client import RestSender, open_sender, replies_to
from evaluation.running import RunningAssistant
from tests.conftest import emergency_opening
from tests.integration.conftest import get, start

pytestmark = pytest.mark.needs_model

EMERGENCY = "the screw is poking out of my back"
QUESTION = "why do screws get loose"
SPANISH_EMERGENCY = "veo el tornillo en la herida de la espalda"


@pytest.fixture(scope="module")
def assistant(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningAssistant]:
    running = start(tmp_path_factory.mktemp("faults"))
    yield running
    pid = running.action_server_pid()
    if pid:
        os.kill(pid, signal.SIGCONT)
    running.stop()


def say(assistant: RunningAssistant, sender: RestSender, text: str) -> Tuple[List[str], float]:
    milliseconds, answer = replies_to(assistant.rasa_url, sender, text, timeout=30)
    return [r.get("text", "") for r in answer], milliseconds / 1000


def answers_available(assistant: RunningAssistant) -> bool:
    return bool(json.loads(get(assistant.web_url + "/status.json"))["answersAvailable"])


def wait_until(condition, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return False


def test_hung_then_crashed_action_server(assistant: RunningAssistant) -> None:
    sender, spanish = open_sender(assistant.rasa_url), open_sender(assistant.rasa_url)
    replies, _ = say(assistant, sender, QUESTION)
    assert "Source:" in replies[0]  # answered from the content base while all is well

    first = assistant.action_server_pid()
    assert first is not None
    os.kill(first, signal.SIGSTOP)  # hung: accepts connections, never answers
    replies, seconds = say(assistant, sender, QUESTION)
    assert replies[0].startswith("Sorry, I can't look up answers right now") and seconds < 4
    assert "call your local emergency number now" in " ".join(replies)  # the reminder follows the notice
    replies, seconds = say(assistant, sender, EMERGENCY)  # the same conversation, right after
    assert replies[0].startswith(emergency_opening()) and seconds < 2, (seconds, replies)
    assert not answers_available(assistant)  # the page says so
    replies, seconds = say(assistant, spanish, SPANISH_EMERGENCY)  # and in Spanish
    assert replies[0].startswith(emergency_opening("emergency_exposed_hardware_es")) and seconds < 2, (seconds, replies)

    os.kill(first, signal.SIGKILL)  # crashed: supervisord starts a new one
    replies, seconds = say(assistant, sender, EMERGENCY)
    assert replies[0].startswith(emergency_opening()) and seconds < 2, (seconds, replies)
    replies, seconds = say(assistant, spanish, SPANISH_EMERGENCY)
    assert replies[0].startswith(emergency_opening("emergency_exposed_hardware_es")) and seconds < 2, (seconds, replies)

    assert wait_until(lambda: assistant.action_server_pid() not in (None, first), 30)
    assert wait_until(lambda: answers_available(assistant), 30)
    replies, _ = say(assistant, sender, QUESTION)
    assert "Source:" in replies[0]
    assert "exited: actions" in (assistant.log_dir / "supervisord.log").read_text()

    # The four emergencies the action server never recorded are rebuilt from the tracker events
    # by the new one, each once.
    log = TriageLog(assistant.triage_url)

    def rebuilt() -> List[str]:
        return sorted(
            e.sender_id for e in log.recent(200) if e.source == "rebuilt" and e.category == "emergency_exposed_hardware"
        )

    expected = sorted([sender.sender, sender.sender, spanish.sender, spanish.sender])
    assert wait_until(lambda: rebuilt() == expected, 30), rebuilt()
    log.dispose()


def test_the_server_log_does_not_keep_what_people_write(assistant: RunningAssistant) -> None:
    # Rasa's structured log, left unconfigured, prints each message's text at debug level.
    private = "my neighbour mrs quigglesworth asked why screws get loose"
    say(assistant, open_sender(assistant.rasa_url), private)
    log = (assistant.log_dir / "rasa.log").read_text()
    assert "quigglesworth" not in log
    assert "[debug" not in log

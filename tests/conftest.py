"""Shared fixtures: expensive objects are built once per session."""

from __future__ import annotations

import datetime as dt
import os
from functools import cache
from pathlib import Path
from typing import Any, Dict, List

import pytest
import spacy
from spacy.language import Language

from actions.content_base import load_content_base
from evaluation.models import NoModelError
from evaluation.models import latest_model as newest_model
from evaluation.paths import ROOT
from evaluation.sets import regression_safety_examples
from nlu_components.safety.detector import SafetyDetector

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

CONTENT_DIR = ROOT / "data" / "content"
# Tests load the content as of a fixed day, so they do not start failing when reviews fall due.
CONTENT_DATE = dt.date(2026, 12, 1)


@cache
def emergency_opening(topic_id: str = "emergency_exposed_hardware") -> str:
    """The first line of a safety reply (by default the exposed-metal one) as the content base
    words it ("This is a medical emergency."), so tests check the reply without copying its text."""
    content = load_content_base(CONTENT_DIR, today=CONTENT_DATE)
    first_line = content.topics[topic_id].answer.splitlines()[0]
    return first_line.split("{", 1)[0]  # up to the emergency number, which depends on the channel


def load_safety_messages() -> List[Dict[str, Any]]:
    """Every labelled message of every regression safety set (as `make safety-report` reads them), with its set."""
    return [
        {"text": m.text, "expect": m.label, "kind": m.kind, "language": m.language, "set": name}
        for name, messages in regression_safety_examples().items()
        for m in messages
    ]


@pytest.fixture(scope="session")
def nlp() -> Language:
    return spacy.blank("en")


@pytest.fixture(scope="session")
def detector(nlp: Language) -> SafetyDetector:
    return SafetyDetector.from_file(nlp.make_doc)


def latest_model() -> Path:
    try:
        return newest_model()
    except NoModelError as error:
        pytest.fail(f"{error} (make test does)")


@pytest.fixture(scope="session")
def model_path() -> Path:
    return latest_model()


@pytest.fixture(scope="session")
def event_loop_for_agent():
    """One event loop for the in-process Rasa agent; tests drive it with run_until_complete."""
    import asyncio

    loop = asyncio.new_event_loop()
    yield loop
    loop.close()


@pytest.fixture(scope="session")
def offline_agent(model_path: Path, tmp_path_factory: pytest.TempPathFactory):
    """The trained assistant in-process, with the action server unreachable.

    Port 9 (discard) is closed here, so every custom action fails the way it
    does when the action server is down.
    """
    from rasa.core.agent import Agent

    from assistant.action_endpoint import BoundedActionEndpoint

    # The same bounded endpoint the server uses (assistant/rasa_server.py).
    return Agent.load(str(model_path), action_endpoint=BoundedActionEndpoint("http://127.0.0.1:9/webhook"))

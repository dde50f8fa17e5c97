"""Shared fixtures: expensive objects are built once per session."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Dict, List

import pytest
import spacy
from spacy.language import Language

from nlu_components.safety.detector import SafetyDetector
from scripts.safety_report import load_sets

ROOT = Path(__file__).resolve().parents[1]

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def load_safety_messages() -> List[Dict[str, Any]]:
    """Every labelled message of every safety set (as `make safety-report` reads them), with the set's name."""
    return [{**item, "set": name} for name, messages in load_sets().items() for item in messages]


@pytest.fixture(scope="session")
def nlp() -> Language:
    return spacy.blank("en")


@pytest.fixture(scope="session")
def detector(nlp: Language) -> SafetyDetector:
    return SafetyDetector.from_file(nlp.make_doc)


def latest_model() -> Path:
    models = sorted((ROOT / "models").glob("*.tar.gz"), key=lambda p: p.stat().st_mtime)
    if not models:
        pytest.fail("No trained model in models/: run `make train` first (make test does).")
    return models[-1]


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
    from rasa.utils.endpoints import EndpointConfig

    return Agent.load(str(model_path), action_endpoint=EndpointConfig(url="http://127.0.0.1:9/webhook"))

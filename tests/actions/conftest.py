from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa_sdk import Tracker

from tests.conftest import CONTENT_DATE, CONTENT_DIR


def on_content_date() -> dt.date:
    return CONTENT_DATE


@pytest.fixture
def triage_url(tmp_path: Path) -> str:
    """A triage record of its own for each test (SQLite, as by default)."""
    return f"sqlite:///{tmp_path / 'triage.db'}"


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A fresh, editable copy of the real content base."""
    target = tmp_path / "content"
    shutil.copytree(CONTENT_DIR, target)
    return target


def make_tracker(
    intent: str,
    text: str = "",
    entities: List[Dict[str, Any]] | None = None,
    slots: Dict[str, Any] | None = None,
    channel: str = "rest",
    sender_id: str = "test-user",
    replies: List[str] | None = None,
) -> Tracker:
    """A tracker whose latest user message has `intent`, then the bot's `replies` (action names)."""
    latest = {"intent": {"name": intent, "confidence": 0.99}, "entities": entities or [], "text": text}
    events = [{"event": "user", "text": text, "parse_data": latest, "input_channel": channel}]
    events += [{"event": "action", "name": name} for name in replies or []]
    return Tracker(sender_id, slots or {}, latest, events, False, None, {}, "action_listen")

"""What the console's tests share: the staff password, a flagged conversation, records, logging in."""

from __future__ import annotations

import datetime as dt

from starlette.testclient import TestClient

from actions.triage import TriageEvent
from staff_console.app import Console
from tests.fakes.console_pages import form_value

PASSWORD = "correct horse battery"
SENDER = "widget-5f1c"


class Clock:
    """The accounts' clock, moved by hand."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def record(console: Console, sender: str, category: str, at: str, message: str = "help", **details) -> None:
    """A triage record as the action server writes it, at the ISO time `at`."""
    console.conversations.record(
        TriageEvent(
            sender,
            category,
            None,
            message,
            "rest",
            details,
            created_at=at,
            message_at=dt.datetime.fromisoformat(at).timestamp(),
        )
    )


def log_in(client: TestClient, username: str = "ann", password: str = PASSWORD):
    page = client.get("/login")
    return client.post("/login", data={"username": username, "password": password, "csrf_token": form_value(page.text)})


def csrf_of(client: TestClient) -> str:
    return form_value(client.get("/").text)

"""A console on scratch SQLite files with one staff account, and a client for it over https."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from starlette.testclient import TestClient

from actions.triage import TriageLog
from staff_console.accounts import StaffAccounts
from staff_console.app import Console, create_app
from staff_console.audit import AuditLog
from staff_console.cases import TriageQueue
from staff_console.settings import ConsoleSettings
from staff_console.store import ConsoleStore
from tests.staff_console.helpers import PASSWORD, Clock


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def console(tmp_path: Path, clock: Clock) -> Iterator[Console]:
    settings = ConsoleSettings(
        staff_database_url=f"sqlite:///{tmp_path / 'staff.db'}",
        conversations_url=f"sqlite:///{tmp_path / 'conversations.db'}",
    )
    store = ConsoleStore(settings.staff_database_url)
    conversations = TriageLog(settings.conversations_url)
    accounts = StaffAccounts(store, clock=clock)
    accounts.create("ann", PASSWORD, "staff")
    yield Console(settings, accounts, AuditLog(store), TriageQueue(conversations.engine, store), conversations)
    store.dispose()
    conversations.dispose()


@pytest.fixture
def client(console: Console) -> TestClient:
    # https: the session cookie is Secure, and a client sends it only over https.
    return TestClient(create_app(console), base_url="https://console.test", follow_redirects=False)

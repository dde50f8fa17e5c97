"""A staff member on the running console: an account made with `make staff-user`'s command, a
logged-in client, and the queue as the console's API shows it."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import httpx

from evaluation.paths import ROOT
from evaluation.running import RunningAssistant
from tests.fakes.console_pages import form_value

PASSWORD = "a long staff password"


def add_staff_account(assistant: RunningAssistant, username: str) -> None:
    """`make staff-user`'s command, against the running stack's console database."""
    subprocess.run(
        [sys.executable, "-m", "staff_console", "add-user", username, "--password-stdin"],
        cwd=ROOT,
        env={**os.environ, "STAFF_DATABASE_URL": assistant.staff_database_url, "PYTHONPATH": str(ROOT)},
        input=PASSWORD + "\n",
        text=True,
        check=True,
        capture_output=True,
    )


class StaffBrowser:
    """A logged-in staff member. The session cookie is Secure, so over this test's plain http it is
    sent by hand, as a browser does for localhost."""

    def __init__(self, console_url: str) -> None:
        self.client = httpx.Client(base_url=console_url, follow_redirects=False, timeout=10)
        self.cookie = ""

    def log_in(self, username: str) -> None:
        page = self.client.get("/login")
        token = form_value(page.text)
        response = self.client.post(
            "/login",
            data={"username": username, "password": PASSWORD, "csrf_token": token},
            headers={"cookie": f"staff_login_csrf={page.cookies['staff_login_csrf']}"},
        )
        assert response.status_code == 303, response.text
        self.cookie = f"staff_session={response.cookies['staff_session']}"

    def get(self, path: str) -> httpx.Response:
        return self.client.get(path, headers={"cookie": self.cookie})

    def post_form(self, path: str, **fields: str) -> httpx.Response:
        token = form_value(self.get("/").text)
        return self.client.post(path, data={"csrf_token": token, **fields}, headers={"cookie": self.cookie})


def queued(staff: StaffBrowser, sender: str) -> dict | None:
    response = staff.get("/api/queue")
    assert response.status_code == 200
    return next((item for item in response.json()["items"] if item["sender_id"] == sender), None)


def wait_in_queue(staff: StaffBrowser, sender: str, seconds: float, category: str | None = None) -> dict | None:
    """The sender's queue item once it is there (with `category`, once that is its worst), or None."""
    deadline = time.monotonic() + seconds
    while True:
        item = queued(staff, sender)
        if item is not None and (category is None or item["category"] == category):
            return item
        if time.monotonic() >= deadline:
            return None
        time.sleep(0.1)

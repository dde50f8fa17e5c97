"""The whole assistant as `make run` starts it: action server, Rasa server, web page.

The session's assistant has every messaging platform configured, with test
secrets, and sends the platforms' replies to a local fake of their APIs, and its
staff alerts to a local fake webhook.
"""

from __future__ import annotations

import shutil
import urllib.request
import uuid
from pathlib import Path
from typing import Dict, Iterator, Mapping

import pytest

from evaluation.paths import ROOT
from evaluation.running import AssistantStartError, RunningAssistant, free_port, start_assistant
from tests.fakes.platform_apis import FakePlatformApis
from tests.fakes.staff_webhook import FakeStaffWebhook
from tests.integration.staff import StaffBrowser, add_staff_account

__all__ = ["PLATFORM_SECRETS", "SHOTS", "RunningAssistant", "free_port", "get", "start"]

# Browser tests' screenshots.
SHOTS = ROOT / "results" / "browser"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

PLATFORM_SECRETS: Dict[str, str] = {
    "TELEGRAM_TOKEN": "123456:test-bot-token",
    "TELEGRAM_SECRET_TOKEN": "telegram-webhook-secret",
    "SLACK_TOKEN": "xoxb-test-token",
    "SLACK_SIGNING_SECRET": "slack-signing-secret",
    "FACEBOOK_VERIFY_TOKEN": "messenger-verify-token",
    "FACEBOOK_APP_SECRET": "messenger-app-secret",
    "FACEBOOK_PAGE_ACCESS_TOKEN": "messenger-page-token",
}


def start(data_dir: Path, timeout: float = 240, extra_env: Mapping[str, str] | None = None) -> RunningAssistant:
    """start_assistant, failing the test (with the log's tail) when it does not come up."""
    try:
        return start_assistant(data_dir, timeout, extra_env)
    except AssistantStartError as error:
        pytest.fail(str(error))


@pytest.fixture(scope="session")
def assistant_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("assistant-data")


@pytest.fixture(scope="session")
def fake_platform_apis() -> Iterator[FakePlatformApis]:
    apis = FakePlatformApis().start()
    yield apis
    apis.stop()


@pytest.fixture(scope="session")
def staff_webhook() -> Iterator[FakeStaffWebhook]:
    webhook = FakeStaffWebhook().start()
    yield webhook
    webhook.stop()


@pytest.fixture(scope="session")
def running_assistant(
    model_path: Path, assistant_data_dir: Path, fake_platform_apis: FakePlatformApis, staff_webhook: FakeStaffWebhook
) -> Iterator[RunningAssistant]:
    environment = {**PLATFORM_SECRETS, **fake_platform_apis.environment(), "STAFF_ALERT_WEBHOOK_URL": staff_webhook.url}
    assistant = start(assistant_data_dir, extra_env=environment)
    yield assistant
    assistant.stop()


@pytest.fixture(scope="module")
def staff(running_assistant: RunningAssistant) -> Iterator[StaffBrowser]:
    """A staff account on the running console, logged in."""
    username = f"nurse{uuid.uuid4().hex[:6]}"
    add_staff_account(running_assistant, username)
    staff_member = StaffBrowser(running_assistant.console_url)
    staff_member.log_in(username)
    yield staff_member
    staff_member.client.close()


@pytest.fixture(scope="module")
def browser() -> Iterator:
    """Debian's chromium driven by Playwright (never a browser Playwright downloads)."""
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is needed for the browser test: `make browser-deps` installs it.")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        yield launched
        launched.close()


def get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()

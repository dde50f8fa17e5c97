"""The website chat page in a real browser (Debian's chromium, driven by Playwright)."""

from __future__ import annotations

import shutil
from typing import Iterator

import pytest

from evaluation.paths import ROOT
from tests.conftest import emergency_opening
from tests.integration.conftest import RunningAssistant

pytestmark = [pytest.mark.needs_model, pytest.mark.browser]

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


@pytest.fixture(scope="module")
def page(running_assistant: RunningAssistant) -> Iterator:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is needed for the browser test: `make browser-deps` installs it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
        page = browser.new_page()
        page.goto(running_assistant.web_url + "/")
        yield page
        browser.close()


def send(page, text: str) -> None:
    before = page.locator(".msg--bot").count()
    page.fill("#message", text)
    page.press("#message", "Enter")
    page.wait_for_function("n => document.querySelectorAll('.msg--bot').length > n", arg=before, timeout=60_000)


def test_the_page_shows_the_content_base_reminder(page) -> None:
    page.wait_for_function("document.getElementById('notice').textContent.length > 0", timeout=10_000)
    assert "call your local emergency number now" in page.inner_text("#notice")


def test_hello_in_the_web_page(page) -> None:
    send(page, "hello")
    assert page.locator(".msg--bot").last.inner_text().startswith("Hello. I answer questions")
    assert page.locator(".buttons button").count() >= 1


def test_a_button_asks_for_its_topic(page) -> None:
    before = page.locator(".msg--bot").count()
    page.locator(".buttons button", has_text="Warning signs").first.click()
    page.wait_for_function("n => document.querySelectorAll('.msg--bot').length > n", arg=before, timeout=60_000)
    assert "surgeon's office today" in page.locator(".msg--bot").last.inner_text()
    assert page.locator(".msg--bot a[href^='https://']").count() >= 1  # sources are links


def test_exposed_metal_in_the_web_page(page) -> None:
    before = page.locator(".msg--bot").count()
    send(page, "my dads screw is sticking out of his back")
    first_new_reply = page.locator(".msg--bot").nth(before).inner_text()
    assert first_new_reply.startswith(emergency_opening())
    (ROOT / "results").mkdir(exist_ok=True)
    page.screenshot(path=str(ROOT / "results" / "web-chat-emergency.png"), full_page=True)


def test_an_empty_message_is_not_sent(page) -> None:
    count = page.locator(".msg--user").count()
    page.fill("#message", "   ")
    page.click("#send")
    assert page.locator(".msg--user").count() == count

"""The staff console in a real browser (Debian's chromium): log in, the queue updates itself when
an emergency comes in, the transcript, acknowledge, analytics, content review. Screenshots go to
results/browser/console-*.png."""

from __future__ import annotations

import json
import uuid
from typing import Iterator

import pytest

from evaluation.paths import ROOT
from evaluation.rest_client import open_sender
from tests.integration.conftest import SHOTS, RunningAssistant
from tests.integration.staff import PASSWORD, add_staff_account
from tests.integration.test_server import say

pytestmark = [pytest.mark.needs_model, pytest.mark.browser]

AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def staff_page(browser, running_assistant: RunningAssistant) -> Iterator:
    username = f"charge{uuid.uuid4().hex[:6]}"
    add_staff_account(running_assistant, username)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.goto(running_assistant.console_url + "/")
    assert page.url.startswith(running_assistant.console_url + "/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(running_assistant.console_url + "/")
    yield page
    context.close()


def test_the_queue_shows_a_new_emergency_without_a_reload(staff_page, running_assistant: RunningAssistant) -> None:
    question_conversation = open_sender(running_assistant.rasa_url)
    emergency_conversation = open_sender(running_assistant.rasa_url)
    emergency = emergency_conversation.sender
    say(running_assistant, question_conversation, "I have had a fever and pus from my scar since yesterday")
    say(running_assistant, emergency_conversation, "the rod is sticking out of my back, it broke through the skin")
    staff_page.locator(f"#queue a:text-is('{emergency}')").wait_for(timeout=5_000)  # no reload: the page polls
    first_row = staff_page.locator("#queue tbody tr").first
    assert "emergency" in first_row.inner_text()
    staff_page.screenshot(path=str(SHOTS / "console-queue.png"), full_page=True)


def test_a_transcript_with_its_evidence_and_acknowledge(staff_page, running_assistant: RunningAssistant) -> None:
    sender_conversation = open_sender(running_assistant.rasa_url)
    sender = sender_conversation.sender
    say(running_assistant, sender_conversation, "what are spinal screws made of")
    say(running_assistant, sender_conversation, "there's metal showing in my wound, my number is 07700 900123")
    staff_page.goto(running_assistant.console_url + "/")
    staff_page.locator(f"#queue a:text-is('{sender}')").click()
    staff_page.locator("ol.transcript li").nth(3).wait_for()
    text = staff_page.inner_text("main")
    assert "what are spinal screws made of" in text and "[phone …23]" in text and "07700" not in text
    staff_page.click("button:text-is('Acknowledge')")
    staff_page.locator("text=Acknowledged by").wait_for()
    staff_page.screenshot(path=str(SHOTS / "console-transcript.png"), full_page=True)


def test_the_console_pages_have_no_serious_accessibility_violation(staff_page, running_assistant) -> None:
    violations = {}
    for name, path in (("queue", "/"), ("analytics", "/analytics"), ("content", "/content"), ("audit", "/audit")):
        staff_page.goto(running_assistant.console_url + path)
        if name in ("analytics", "content"):
            staff_page.screenshot(path=str(SHOTS / f"console-{name}.png"), full_page=True)
        # The console's CSP allows scripts from itself only: axe-core goes in as the page's text.
        staff_page.evaluate(AXE.read_text(encoding="utf-8"))
        results = staff_page.evaluate("async () => await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] })")
        violations[name] = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
        assert results["passes"], "axe ran no checks"
    staff_page.screenshot(path=str(SHOTS / "console-audit.png"), full_page=True)
    (SHOTS / "console-axe.json").write_text(json.dumps(violations, indent=2))
    assert not any(violations.values()), {k: [(v["id"], v["help"]) for v in vs] for k, vs in violations.items()}

"""The website widget in a real browser (Debian's chromium, driven by Playwright), embedded on the
demo host page exactly as a site owner embeds it. Screenshots of each step go to results/browser/."""

from __future__ import annotations

import json
from typing import Iterator
from urllib.parse import urlsplit

import pytest

from evaluation.paths import ROOT
from tests.conftest import emergency_opening
from tests.fakes.tcp_proxy import CuttableProxy
from tests.integration.conftest import SHOTS, RunningAssistant

pytestmark = [pytest.mark.needs_model, pytest.mark.browser]

AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
PHONE = {"width": 360, "height": 740}


@pytest.fixture(scope="module")
def page(browser, running_assistant: RunningAssistant) -> Iterator:
    """One visitor on the en-GB demo page, kept across tests like a real visit (reload included)."""
    context = browser.new_context()
    visitor = context.new_page()
    visitor.goto(running_assistant.web_url + "/")
    yield visitor
    context.close()


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"))


def bot_count(page) -> int:
    return page.locator(".msg--bot").count()


def send(page, text: str) -> None:
    before = bot_count(page)
    page.fill("#spine-chat-message", text)
    page.press("#spine-chat-message", "Enter")
    page.wait_for_function(
        "n => document.querySelector('#spine-chat-widget').shadowRoot.querySelectorAll('.msg--bot').length > n",
        arg=before,
        timeout=60_000,
    )


def open_panel(page) -> None:
    page.locator(".launcher").click()
    page.locator("#spine-chat-panel").wait_for(state="visible")
    page.wait_for_function(
        "() => document.querySelector('#spine-chat-widget').shadowRoot.querySelector('.status').textContent === ''",
        timeout=30_000,
    )


def test_the_widget_is_embedded_with_a_launcher_and_the_host_pages_styles_stay_out(page) -> None:
    page.locator(".launcher").wait_for(state="visible")
    assert page.get_attribute(".launcher", "aria-expanded") == "false"
    host_button = page.locator("main button").evaluate("b => getComputedStyle(b).borderStyle")
    launcher = page.locator(".launcher").evaluate("b => getComputedStyle(b).borderStyle")
    assert host_button == "dashed" and launcher != "dashed"
    assert page.locator("h1").inner_text() == "After your spinal operation"  # the host's own content
    shot(page, "1-host-page-with-launcher")


def test_a_question_gets_its_answer_with_sources_as_linked_titles(page) -> None:
    open_panel(page)
    send(page, "why do screws come loose")
    answer = page.locator(".msg--bot").last
    assert "Source:" not in answer.locator(".msg__text").inner_text()
    links = answer.locator(".sources a")
    assert links.count() >= 1
    for index in range(links.count()):
        link = links.nth(index)
        assert link.get_attribute("href").startswith("https://")
        assert link.get_attribute("rel") == "noopener noreferrer" and link.get_attribute("target") == "_blank"
        assert "://" not in link.inner_text() and ": " in link.inner_text()  # "Publisher: Title", not a URL
    assert answer.locator(".sources__review").inner_text()
    shot(page, "2-answer-with-sources")


def test_a_quick_reply_button_asks_its_topic(page) -> None:
    before = bot_count(page)
    button = page.locator(".msg--bot").last.locator(".buttons__choice").first
    title = button.inner_text()
    button.click()
    page.wait_for_function(
        "n => document.querySelector('#spine-chat-widget').shadowRoot.querySelectorAll('.msg--bot').length > n",
        arg=before,
        timeout=60_000,
    )
    assert page.locator(".msg--user").last.inner_text().startswith(title)
    assert page.locator(".msg--bot").last.locator(".sources a").count() >= 1
    shot(page, "3-quick-reply")


def test_a_reload_shows_the_conversation_again(page) -> None:
    shown_before = page.locator(".msg--user").all_inner_texts()
    page.reload()
    open_panel(page)
    page.wait_for_function(
        "n => document.querySelector('#spine-chat-widget').shadowRoot.querySelectorAll('.msg--user').length >= n",
        arg=len(shown_before),
        timeout=30_000,
    )
    assert page.locator(".msg--user").all_inner_texts() == shown_before
    shot(page, "4-after-reload")


def test_exposed_metal_pins_the_emergency_banner_with_the_uk_number_in_view_on_a_phone(page) -> None:
    page.set_viewport_size(PHONE)
    send(page, "my dads screw is sticking out of his back")
    first_new = page.locator(".msg--emergency").last
    assert first_new.locator(".msg__text").inner_text().startswith(emergency_opening())
    banner = page.locator(".banner")
    banner.wait_for(state="visible")
    assert page.get_attribute(".banner__call", "href") == "tel:999"
    assert page.locator(".banner__title").inner_text() == emergency_opening().strip()
    call = page.locator(".banner__call").bounding_box()
    assert call is not None and 0 <= call["y"] and call["y"] + call["height"] <= PHONE["height"]
    page.locator(".log").evaluate("log => log.scrollTo(0, 0)")  # scrolling the conversation
    assert page.locator(".banner").is_visible()  # leaves the banner where it is
    shot(page, "5-emergency-banner-en-GB-360px")
    page.locator(".banner__dismiss").click()
    assert page.locator(".banner").is_hidden()
    page.set_viewport_size({"width": 1280, "height": 800})


def test_the_widget_is_keyboard_operable(page) -> None:
    page.locator(".panel__close").click()
    page.locator(".launcher").focus()
    page.keyboard.press("Enter")
    assert page.evaluate("document.querySelector('#spine-chat-widget').shadowRoot.activeElement.id") == (
        "spine-chat-message"
    )
    page.keyboard.press("Escape")
    assert page.locator("#spine-chat-panel").is_hidden()
    assert page.evaluate("document.querySelector('#spine-chat-widget').shadowRoot.activeElement.className") == (
        "launcher"
    )


def test_an_en_us_page_gets_911_in_the_banner(browser, running_assistant: RunningAssistant) -> None:
    context = browser.new_context()
    visitor = context.new_page()
    visitor.add_init_script("window.SpineChatConfig = { locale: 'en-US' };")  # the config-object embed
    visitor.goto(running_assistant.web_url + "/")
    open_panel(visitor)
    send(visitor, "i can see metal through the incision")
    visitor.locator(".banner").wait_for(state="visible")
    assert visitor.get_attribute(".banner__call", "href") == "tel:911"
    assert visitor.locator(".banner__call").inner_text() == "Call 911"
    shot(visitor, "6-emergency-banner-en-US")
    context.close()


def test_axe_finds_no_serious_or_critical_violation(browser, running_assistant: RunningAssistant) -> None:
    context = browser.new_context(bypass_csp=True)  # only so the test can inject axe-core
    visitor = context.new_page()
    visitor.goto(running_assistant.web_url + "/")
    open_panel(visitor)
    send(visitor, "what are spinal screws made of")
    send(visitor, "the plate is poking out of my neck wound")
    visitor.locator(".banner").wait_for(state="visible")
    visitor.add_script_tag(path=str(AXE))
    results = visitor.evaluate(
        "async () => await axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] })"
    )
    (ROOT / "results" / "browser" / "axe.json").write_text(json.dumps(results["violations"], indent=2))
    blocking = [v for v in results["violations"] if v["impact"] in ("serious", "critical")]
    assert blocking == [], [(v["id"], v["help"], [n["target"] for n in v["nodes"]]) for v in blocking]
    assert results["passes"], "axe ran no checks"
    shot(visitor, "7-axe-checked")
    context.close()


def test_a_dropped_connection_reconnects_and_a_message_typed_meanwhile_is_sent(
    browser, running_assistant: RunningAssistant
) -> None:
    proxy = CuttableProxy(urlsplit(running_assistant.rasa_url).port or 80)
    # The proxy is on another port than the page's Content-Security-Policy names: bypassed for this test.
    context = browser.new_context(bypass_csp=True)
    visitor = context.new_page()
    visitor.add_init_script(f"window.SpineChatConfig = {{ server: '{proxy.url}' }};")
    visitor.goto(running_assistant.web_url + "/")
    try:
        open_panel(visitor)
        send(visitor, "hello")
        proxy.cut()
        visitor.wait_for_function(
            "() => document.querySelector('#spine-chat-widget').shadowRoot.querySelector('.status')"
            ".textContent.startsWith('Connection lost')",
            timeout=30_000,
        )
        shot(visitor, "8-connection-lost")
        before = bot_count(visitor)
        visitor.fill("#spine-chat-message", "how rare is it for a screw to come through the skin")
        visitor.press("#spine-chat-message", "Enter")
        assert visitor.locator(".msg--pending").count() == 1
        proxy.restore()
        visitor.wait_for_function(
            "n => document.querySelector('#spine-chat-widget').shadowRoot.querySelectorAll('.msg--bot').length > n",
            arg=before,
            timeout=60_000,
        )
        assert visitor.locator(".msg--pending").count() == 0
        assert visitor.locator(".msg--user").last.inner_text().startswith("how rare is it")
        assert "Reconnected" in visitor.locator(".status").inner_text()
        shot(visitor, "9-reconnected-and-sent")
    finally:
        context.close()
        proxy.close()

"""The staff console: every route needs a login, every form a CSRF token; the queue's order,
acknowledge and resolve with who and when, transcripts with contacts masked, the audit log."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
from rasa.shared.core.events import BotUttered
from starlette.applications import Starlette
from starlette.routing import Route
from starlette.testclient import TestClient

from staff_console.accounts import LoginOutcome
from staff_console.app import Console
from tests.fakes.console_pages import form_value
from tests.fakes.tracker_events import emergency_turn, handoff_turn, save
from tests.staff_console.helpers import PASSWORD, SENDER, Clock, csrf_of, log_in, record


def concrete_routes(client: TestClient) -> List[tuple[str, str]]:
    """(method, path) of every route, path parameters filled with a flagged conversation's id."""
    routes = []
    app: Starlette = client.app  # type: ignore[assignment]
    for route in app.routes:
        if isinstance(route, Route) and route.methods:
            for method in sorted(route.methods - {"HEAD"}):
                routes.append((method, route.path.replace("{sender_id}", SENDER)))
    return routes


def test_every_route_but_login_refuses_a_request_without_a_session(client: TestClient, console: Console) -> None:
    record(console, SENDER, "emergency_exposed_hardware", "2026-12-01T10:00:00+00:00")
    checked = 0
    for method, path in concrete_routes(client):
        if path in ("/login", "/healthz", "/favicon.ico"):
            continue
        response = client.request(method, path)
        if method == "GET" and not path.startswith("/api/"):
            assert response.status_code == 303 and response.headers["location"].startswith("/login"), path
        else:
            assert response.status_code == 401, (method, path)
        assert SENDER not in response.text
        checked += 1
    assert checked >= 8


def test_every_form_post_without_the_csrf_token_is_refused(client: TestClient, console: Console) -> None:
    record(console, SENDER, "emergency_exposed_hardware", "2026-12-01T10:00:00+00:00")
    log_in(client)
    posts = [path for method, path in concrete_routes(client) if method == "POST" and path != "/login"]
    assert len(posts) >= 4
    for path in posts:
        for data in ({}, {"csrf_token": "forged"}):
            assert client.post(path, data=data).status_code == 403, path
    assert console.queue.status(SENDER) == {}
    assert client.get("/").status_code == 200  # still logged in: the refused logout did nothing


def test_the_login_form_needs_its_own_csrf_token(client: TestClient) -> None:
    client.get("/login")
    response = client.post("/login", data={"username": "ann", "password": PASSWORD, "csrf_token": "guess"})
    assert response.status_code == 403
    assert "staff_session" not in response.cookies


def test_a_login_sets_a_secure_http_only_strict_session_cookie(client: TestClient, console: Console) -> None:
    response = log_in(client)
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = next(h for h in response.headers.get_list("set-cookie") if h.startswith("staff_session="))
    assert "HttpOnly" in cookie and "Secure" in cookie and "SameSite=strict" in cookie
    assert client.get("/").status_code == 200
    assert [e.action for e in console.audit.recent()] == ["login"]


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(client: TestClient, console: Console) -> None:
    wrong_password = log_in(client, password="not the password")
    unknown_user = log_in(client, username="bob")
    assert wrong_password.status_code == unknown_user.status_code == 401
    assert "Wrong username or password." in wrong_password.text and "Wrong username or password." in unknown_user.text
    assert client.get("/").status_code == 303
    assert [e.action for e in console.audit.recent()] == ["login_wrong", "login_wrong"]


def test_repeated_failures_lock_the_account_even_for_the_right_password(
    client: TestClient, console: Console, clock: Clock
) -> None:
    for _ in range(console.accounts.max_failures - 1):
        assert log_in(client, password="guess one two three").status_code == 401
    assert log_in(client, password="guess one two three").status_code == 423
    locked = log_in(client)
    assert locked.status_code == 423 and "locked" in locked.text
    clock.now += console.accounts.lockout_s + 1
    assert log_in(client).status_code == 303
    assert "login_locked" in [e.action for e in console.audit.recent()]


def test_a_session_ends_at_logout_and_when_it_expires(client: TestClient, console: Console, clock: Clock) -> None:
    log_in(client)
    client.post("/logout", data={"csrf_token": csrf_of(client)})
    assert client.get("/").status_code == 303
    log_in(client)
    clock.now += console.accounts.session_s + 1
    assert client.get("/api/queue").status_code == 401


def test_login_goes_back_only_to_a_local_page(client: TestClient) -> None:
    page = client.get("/login?next=//evil.example/steal")
    token = form_value(page.text)
    next_field = form_value(page.text, "next")
    response = client.post(
        "/login", data={"username": "ann", "password": PASSWORD, "csrf_token": token, "next": next_field}
    )
    assert response.headers["location"] == "/"


def test_the_queue_puts_the_most_severe_first_then_the_longest_waiting(client: TestClient, console: Console) -> None:
    record(console, "handoff-early", "handoff", "2026-12-01T08:00:00+00:00", contact="07700 900123")
    record(console, "urgent-early", "urgent_warning_signs", "2026-12-01T09:00:00+00:00")
    record(console, "emergency-late", "emergency_neurological", "2026-12-01T11:00:00+00:00")
    record(console, "emergency-early", "emergency_exposed_hardware", "2026-12-01T10:00:00+00:00")
    record(console, "asked", "possible_exposed_hardware", "2026-12-01T07:00:00+00:00")
    log_in(client)
    items = client.get("/api/queue").json()["items"]
    assert [i["sender_id"] for i in items] == [
        "emergency-early",
        "emergency-late",
        "asked",
        "urgent-early",
        "handoff-early",
    ]
    assert all(i["status"] == "new" for i in items)


def test_a_conversation_is_ranked_by_its_most_severe_open_record(client: TestClient, console: Console) -> None:
    record(console, SENDER, "urgent_warning_signs", "2026-12-01T09:00:00+00:00")
    record(console, SENDER, "emergency_exposed_hardware", "2026-12-01T09:05:00+00:00")
    log_in(client)
    (item,) = client.get("/api/queue").json()["items"]
    assert item["category"] == "emergency_exposed_hardware" and item["open_records"] == 2
    assert item["first_flagged_at"] == "2026-12-01T09:00:00+00:00"


def test_acknowledge_and_resolve_are_recorded_with_who_and_when(client: TestClient, console: Console) -> None:
    record(console, SENDER, "emergency_exposed_hardware", "2026-12-01T10:00:00+00:00")
    log_in(client)
    token = csrf_of(client)
    response = client.post(f"/conversations/{SENDER}/acknowledge", data={"csrf_token": token})
    assert response.status_code == 303
    (item,) = client.get("/api/queue").json()["items"]
    assert item["status"] == "acknowledged" and item["acknowledged_by"] == "ann"
    assert item["acknowledged_at"] > "2026"
    client.post(f"/conversations/{SENDER}/resolve", data={"csrf_token": token})
    assert client.get("/api/queue").json()["items"] == []
    status = console.queue.status(SENDER)
    assert status["resolved_by"] == "ann" and status["resolved_at"] >= status["acknowledged_at"]
    actions = [(e.actor, e.action, e.target) for e in console.audit.recent(target=SENDER)]
    assert ("ann", "acknowledge", SENDER) in actions and ("ann", "resolve", SENDER) in actions


def test_a_new_record_after_resolution_opens_the_case_again_as_new(client: TestClient, console: Console) -> None:
    record(console, SENDER, "urgent_warning_signs", "2026-12-01T10:00:00+00:00")
    log_in(client)
    token = csrf_of(client)
    client.post(f"/conversations/{SENDER}/acknowledge", data={"csrf_token": token})
    client.post(f"/conversations/{SENDER}/resolve", data={"csrf_token": token})
    record(console, SENDER, "emergency_exposed_hardware", "2099-01-01T00:00:00+00:00")
    (item,) = client.get("/api/queue").json()["items"]
    assert item["category"] == "emergency_exposed_hardware" and item["open_records"] == 1
    assert item["status"] == "new" and item["acknowledged_by"] is None


def test_an_unknown_conversation_is_a_404_and_changes_nothing(client: TestClient, console: Console) -> None:
    log_in(client)
    token = csrf_of(client)
    assert client.get("/conversations/nobody").status_code == 404
    assert client.post("/conversations/nobody/acknowledge", data={"csrf_token": token}).status_code == 404
    assert console.queue.status("nobody") == {}


def test_the_transcript_shows_the_conversation_with_contacts_masked(
    client: TestClient, console: Console, tmp_path: Path
) -> None:
    url = console.settings.conversations_url
    save(
        url,
        SENDER,
        emergency_turn("the screw is poking out, call me on 07700 900123") + handoff_turn("ann@example.org"),
    )
    record(console, SENDER, "handoff", "2026-12-01T10:00:00+00:00", "ann@example.org", contact="ann@example.org")
    log_in(client)
    page = client.get(f"/conversations/{SENDER}").text
    assert "the screw is poking out, call me on [phone …23]" in page
    assert "This is a medical emergency." in page
    assert "07700" not in page and "ann@example.org" not in page and "[e-mail a…@example.org]" in page
    revealed = client.post(f"/conversations/{SENDER}/reveal-contact", data={"csrf_token": csrf_of(client)})
    assert "Contact: <strong>ann@example.org</strong>" in revealed.text
    assert [e.action for e in console.audit.recent(target=SENDER)][:2] == ["reveal_contact", "view_conversation"]


def test_a_users_words_are_shown_as_text_never_as_markup(client: TestClient, console: Console) -> None:
    record(console, SENDER, "emergency_exposed_hardware", "2026-12-01T10:00:00+00:00", "<script>alert(1)</script>")
    log_in(client)
    for page in (client.get("/").text, client.get(f"/conversations/{SENDER}").text):
        assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_pages_carry_a_content_security_policy_and_refuse_framing(client: TestClient) -> None:
    response = client.get("/login")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"


def test_an_oversized_form_is_refused_with_413(client: TestClient) -> None:
    client.get("/login")
    assert client.post("/login", data={"username": "x" * 100_000}).status_code == 413


def test_the_audit_page_lists_who_did_what(client: TestClient, console: Console) -> None:
    log_in(client, password="wrong password here")
    log_in(client)
    page = client.get("/audit").text
    assert "login_wrong" in page and "<td>ann</td><td>login</td>" in page


@pytest.mark.parametrize(
    ("username", "password", "role", "problem"),
    [
        ("ann", PASSWORD, "staff", "already exists"),
        ("Bob Smith", PASSWORD, "staff", "username"),
        ("bob", "short", "staff", "at least 12"),
        ("bob", PASSWORD, "admin", "role"),
    ],
)
def test_an_account_that_cannot_be_created_says_why(console: Console, username, password, role, problem) -> None:
    with pytest.raises(ValueError, match=problem):
        console.accounts.create(username, password, role)


def test_passwords_are_stored_as_argon2_hashes(console: Console) -> None:
    with console.accounts._engine.connect() as connection:
        stored = connection.exec_driver_sql("SELECT password_hash FROM staff_users").scalar_one()
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    assert console.accounts.authenticate("ann", PASSWORD) is LoginOutcome.OK


def test_a_second_login_page_does_not_void_the_first_ones_form(client: TestClient) -> None:
    first = form_value(client.get("/login").text)
    client.get("/login?next=/favicon.ico")  # a browser's background request, or another tab
    response = client.post("/login", data={"username": "ann", "password": PASSWORD, "csrf_token": first})
    assert response.status_code == 303


def test_the_bots_sources_and_dates_are_shown_unmasked_and_a_users_address_stays_whole(
    client: TestClient, console: Console
) -> None:
    bot = "Source: Spine (https://doi.org/10.1097/01.BRS.0000083238.78155.06). Draft v2, written 2026-12-01."
    events = emergency_turn("see https://example.org/p/07700900123 or ring 07700 900123")
    events[-1] = BotUttered(bot)
    save(console.settings.conversations_url, SENDER, events)
    record(console, SENDER, "emergency_exposed_hardware", "2026-12-01T10:00:00+00:00")
    log_in(client)
    page = client.get(f"/conversations/{SENDER}").text
    assert "https://doi.org/10.1097/01.BRS.0000083238.78155.06" in page and "written 2026-12-01" in page
    assert "https://example.org/p/07700900123 or ring [phone …23]" in page

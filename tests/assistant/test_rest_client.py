"""The test and benchmark client of the REST channel: one sender per named conversation."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from evaluation import rest_client
from evaluation.rest_client import RestSender, SenderBook


def test_threads_naming_one_conversation_at_once_share_its_sender(monkeypatch: pytest.MonkeyPatch) -> None:
    opened = []

    def open_sender(url: str, timeout: float = 30) -> RestSender:
        opened.append(url)
        return RestSender(f"rest-{len(opened)}", "token")

    monkeypatch.setattr(rest_client, "open_sender", open_sender)
    book = SenderBook("http://assistant")
    with ThreadPoolExecutor(max_workers=10) as pool:
        senders = set(pool.map(lambda _: book("burst"), range(50)))
    assert senders == {RestSender("rest-1", "token")} and len(opened) == 1
    assert book("another") == RestSender("rest-2", "token")


def test_a_stock_server_s_senders_are_their_names_without_a_token() -> None:
    sender = SenderBook("http://stock", issued=False)("alice")
    assert sender == RestSender("alice") and "Authorization" not in sender.headers()


def test_an_issued_sender_s_messages_carry_its_token() -> None:
    assert RestSender("rest-1", "abc").headers()["Authorization"] == "Bearer abc"

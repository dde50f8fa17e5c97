"""Server-issued conversation ids and their tokens (the widget's sessions, the REST channel's senders)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from assistant.channels.session_tokens import SessionTokens, bearer_token

KEY = b"k" * 32


def test_a_token_is_valid_only_for_its_own_id_and_key() -> None:
    tokens = SessionTokens(KEY)
    session_id, token = tokens.new_session()
    assert tokens.is_valid(session_id, token)
    other_id, other_token = tokens.new_session()
    assert not tokens.is_valid(session_id, other_token)
    assert not tokens.is_valid(other_id, token)
    assert not SessionTokens(b"x" * 32).is_valid(session_id, token)
    for bad in (None, "", 42, "x" * 65):
        assert not tokens.is_valid(bad, token)
    assert not tokens.is_valid(session_id, None)


def test_issued_ids_carry_the_prefix_and_an_id_without_it_is_refused() -> None:
    tokens = SessionTokens(KEY, id_prefix="rest-")
    sender, token = tokens.new_session()
    assert sender.startswith("rest-") and tokens.is_valid(sender, token)
    bare = sender.removeprefix("rest-")
    assert not tokens.is_valid(bare, SessionTokens(KEY).token_for(bare))


def test_a_short_key_is_refused() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        SessionTokens(b"short")


def test_the_key_file_is_made_once_and_kept(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("WIDGET_SESSION_KEY", raising=False)
    key_file = tmp_path / "keys" / "widget.key"
    monkeypatch.setenv("WIDGET_SESSION_KEY_FILE", str(key_file))

    def from_environment() -> SessionTokens:
        return SessionTokens.from_environment("WIDGET_SESSION_KEY", "WIDGET_SESSION_KEY_FILE", "unused.key")

    session_id, token = from_environment().new_session()
    assert key_file.stat().st_mode & 0o777 == 0o600
    assert from_environment().is_valid(session_id, token)  # a restart keeps sessions


def test_replicas_making_the_key_file_at_once_all_get_the_same_whole_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("REST_SENDER_KEY", raising=False)
    monkeypatch.setenv("REST_SENDER_KEY_FILE", str(tmp_path / "rest.key"))
    with ThreadPoolExecutor(max_workers=8) as pool:
        replicas = list(
            pool.map(lambda _: SessionTokens.from_environment("REST_SENDER_KEY", "REST_SENDER_KEY_FILE", "x"), range(8))
        )
    sender, token = replicas[0].new_session()
    assert all(replica.is_valid(sender, token) for replica in replicas)
    assert [p.name for p in tmp_path.iterdir()] == ["rest.key"]  # no drafts left behind


def test_a_key_in_the_environment_wins_over_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("REST_SENDER_KEY", "e" * 64)
    monkeypatch.setenv("REST_SENDER_KEY_FILE", str(tmp_path / "never-made.key"))
    tokens = SessionTokens.from_environment("REST_SENDER_KEY", "REST_SENDER_KEY_FILE", "unused.key")
    sender, token = tokens.new_session()
    assert SessionTokens(b"e" * 64).is_valid(sender, token)
    assert not (tmp_path / "never-made.key").exists()


@pytest.mark.parametrize(
    ("header", "token"),
    [("Bearer abc", "abc"), ("bearer  abc ", "abc"), ("Basic abc", ""), ("", ""), (None, ""), ("Bearer", "")],
)
def test_the_bearer_token_is_read_from_the_authorization_header(header: str | None, token: str) -> None:
    assert bearer_token(header) == token

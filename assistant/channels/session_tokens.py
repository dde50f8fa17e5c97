"""Conversation ids the server issues with a token, so only their holder can write into them.

A token is an HMAC-SHA256 of the id under a server key: nothing is stored, every replica that
has the key checks it, and a restart keeps every conversation open. The widget and the REST
channel each have their own key, so a token for one is never valid on the other.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import uuid
from pathlib import Path
from typing import Any

MIN_KEY_BYTES = 32
MAX_ID_CHARS = 64


class SessionTokens:
    """Issues ids with a token, and checks a token for an id, under one server key."""

    def __init__(self, key: bytes, id_prefix: str = "") -> None:
        if len(key) < MIN_KEY_BYTES:
            raise ValueError(f"a session key must be at least {MIN_KEY_BYTES} bytes")
        self._key = key
        self.id_prefix = id_prefix

    @classmethod
    def from_environment(
        cls, key_variable: str, file_variable: str, key_file: str, id_prefix: str = ""
    ) -> "SessionTokens":
        """The key in `key_variable`, else in the file `file_variable` names (else `key_file`), made on first use."""
        given = os.environ.get(key_variable, "").strip()
        if given:
            return cls(given.encode(), id_prefix)
        path = Path(os.environ.get(file_variable) or key_file)
        if not path.exists():
            _make_key_file(path)
        return cls(path.read_text(encoding="utf-8").strip().encode(), id_prefix)

    def token_for(self, session_id: str) -> str:
        return hmac.new(self._key, session_id.encode(), hashlib.sha256).hexdigest()

    def new_session(self) -> tuple[str, str]:
        session_id = self.id_prefix + uuid.uuid4().hex
        return session_id, self.token_for(session_id)

    def is_valid(self, session_id: Any, token: Any) -> bool:
        if not isinstance(session_id, str) or not isinstance(token, str) or not session_id:
            return False
        if len(session_id) > MAX_ID_CHARS or not session_id.startswith(self.id_prefix):
            return False
        return hmac.compare_digest(self.token_for(session_id), token)


def _make_key_file(path: Path) -> None:
    """Write a new key to `path` (mode 600) unless another process did first: the key is written
    to a file of this process's own and linked into place, so nobody reads a half-written key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex}")
    descriptor = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as key_out:
            key_out.write(secrets.token_hex(32))
        os.link(draft, path)
    except FileExistsError:
        pass  # another replica made it first; its key is the one
    finally:
        draft.unlink()


def bearer_token(authorization: str | None) -> str:
    """The token of an `Authorization: Bearer <token>` header, or "" without one."""
    scheme, _, token = (authorization or "").strip().partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""

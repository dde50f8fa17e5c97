"""Staff accounts: argon2 password hashes, lock-out after repeated failures, server-side sessions.

A session is a random token in an HttpOnly cookie; the table keeps only its SHA-256, with the
session's CSRF token and its expiry, so logging out (or a lock-out) ends it at once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass
from enum import Enum
from typing import Callable, List

import sqlalchemy as sa
import sqlalchemy.exc
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from staff_console.store import ConsoleStore, now_iso, staff_sessions, staff_users

ROLES = ("staff", "clinician")
USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD_LENGTH = 12


class AccountError(ValueError):
    """An account cannot be created as asked; the message says why."""


class LoginOutcome(str, Enum):
    OK = "ok"
    WRONG = "wrong"  # unknown user or wrong password (the page does not say which)
    LOCKED = "locked"


@dataclass(frozen=True)
class StaffSession:
    username: str
    role: str
    csrf_token: str


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class StaffAccounts:
    """Accounts and sessions in `store`.

    Args:
        max_failures: wrong passwords in a row that lock the account.
        lockout_s: how long a locked account refuses every login, the right password included.
        session_s: how long a session lasts.
    """

    def __init__(
        self,
        store: ConsoleStore,
        hasher: PasswordHasher | None = None,
        clock: Callable[[], float] = time.time,
        max_failures: int = 5,
        lockout_s: float = 15 * 60,
        session_s: float = 8 * 3600,
    ) -> None:
        self._engine = store.engine
        self._hasher = hasher or PasswordHasher()
        self._clock = clock
        self.max_failures = max_failures
        self.lockout_s = lockout_s
        self.session_s = session_s
        # Verified against when the username is unknown, so both cases take as long.
        self._dummy_hash = self._hasher.hash(secrets.token_hex(16))

    def create(self, username: str, password: str, role: str = "staff") -> None:
        if not USERNAME.match(username):
            raise AccountError("a username is 2-64 lower-case letters, digits, '.', '_' or '-'")
        if role not in ROLES:
            raise AccountError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"a password has at least {MIN_PASSWORD_LENGTH} characters")
        row = {
            "username": username,
            "password_hash": self._hasher.hash(password),
            "role": role,
            "created_at": now_iso(),
            "failed_logins": 0,
            "locked_until": 0.0,
        }
        try:
            with self._engine.begin() as connection:
                connection.execute(staff_users.insert().values(**row))
        except sqlalchemy.exc.IntegrityError as error:
            raise AccountError(f"an account named {username} already exists") from error

    def usernames(self) -> List[str]:
        with self._engine.connect() as connection:
            return list(
                connection.execute(sa.select(staff_users.c.username).order_by(staff_users.c.username)).scalars()
            )

    def authenticate(self, username: str, password: str) -> LoginOutcome:
        now = self._clock()
        with self._engine.begin() as connection:
            user = (
                connection.execute(sa.select(staff_users).where(staff_users.c.username == username)).mappings().first()
            )
            if user is None:
                self._verify(self._dummy_hash, password)
                return LoginOutcome.WRONG
            if user["locked_until"] > now:
                return LoginOutcome.LOCKED
            if self._verify(user["password_hash"], password):
                connection.execute(
                    staff_users.update()
                    .where(staff_users.c.username == username)
                    .values(failed_logins=0, locked_until=0.0)
                )
                return LoginOutcome.OK
            failures = user["failed_logins"] + 1
            locked = failures >= self.max_failures
            connection.execute(
                staff_users.update()
                .where(staff_users.c.username == username)
                .values(failed_logins=0 if locked else failures, locked_until=now + self.lockout_s if locked else 0.0)
            )
            if locked:
                connection.execute(staff_sessions.delete().where(staff_sessions.c.username == username))
                return LoginOutcome.LOCKED
            return LoginOutcome.WRONG

    def _verify(self, password_hash: str, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash, password)
        except (VerificationError, InvalidHashError):
            return False

    def start_session(self, username: str) -> str:
        """A new session for `username`; returns the cookie's token."""
        token = secrets.token_urlsafe(32)
        with self._engine.begin() as connection:
            connection.execute(staff_sessions.delete().where(staff_sessions.c.expires_at < self._clock()))
            connection.execute(
                staff_sessions.insert().values(
                    token_hash=_digest(token),
                    username=username,
                    csrf_token=secrets.token_urlsafe(32),
                    expires_at=self._clock() + self.session_s,
                )
            )
        return token

    def session(self, token: str | None) -> StaffSession | None:
        """The live session the cookie's token opens, or None."""
        if not token:
            return None
        query = (
            sa.select(staff_sessions.c.username, staff_sessions.c.csrf_token, staff_users.c.role)
            .join(staff_users, staff_users.c.username == staff_sessions.c.username)
            .where(staff_sessions.c.token_hash == _digest(token), staff_sessions.c.expires_at > self._clock())
        )
        with self._engine.connect() as connection:
            row = connection.execute(query).first()
        return StaffSession(row.username, row.role, row.csrf_token) if row else None

    def end_session(self, token: str) -> None:
        with self._engine.begin() as connection:
            connection.execute(staff_sessions.delete().where(staff_sessions.c.token_hash == _digest(token)))

"""The console's settings, read once from the environment (secrets and URLs only from there)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

from actions.triage import triage_database_url
from assistant.api_token import api_token

DEFAULT_STAFF_DB = ".rasa-data/staff.db"


@dataclass(frozen=True)
class ConsoleSettings:
    """
    Attributes:
        staff_database_url: the console's accounts, sessions, audit log and case statuses.
        conversations_url: the tracker store's database, where the triage record also lives.
        secure_cookies: mark the session cookie Secure (browsers treat localhost as secure).
        live_poll_ms: how often the queue page asks for changes.
        content_dir: the content base a clinician's approval is written into.
        deletion_interval_s: how often the users' "delete my data" requests are carried out.
        rasa_url: the Rasa server, whose HTTP API carries staff replies into conversations.
        rasa_token: that API's token (None: the console can show conversations, not answer them).
        domain_file: the assistant's domain, whose responses say when staff join and leave.
        analytics_source: where the analytics page counts the users' messages: "tracker" (the
            tracker store's events) or "event_feed" (the event broker's feed, `make run-scaled`).
    """

    staff_database_url: str
    conversations_url: str
    secure_cookies: bool = True
    live_poll_ms: int = 2000
    content_dir: Path = Path("data/content")
    deletion_interval_s: float = 5.0
    rasa_url: str = "http://127.0.0.1:5005"
    rasa_token: str | None = None
    domain_file: Path = Path("domain.yml")
    analytics_source: str = "tracker"

    @classmethod
    def from_environ(cls, environ: Mapping[str, str]) -> "ConsoleSettings":
        return cls(
            staff_database_url=environ.get("STAFF_DATABASE_URL", "").strip() or f"sqlite:///{DEFAULT_STAFF_DB}",
            conversations_url=triage_database_url(environ),
            secure_cookies=environ.get("STAFF_COOKIE_SECURE", "1") != "0",
            live_poll_ms=int(environ.get("STAFF_LIVE_POLL_MS", "2000")),
            content_dir=Path(environ.get("CONTENT_DIR", "data/content")),
            deletion_interval_s=float(environ.get("STAFF_DELETION_INTERVAL_S", "5")),
            rasa_url=environ.get("RASA_URL", "").strip() or "http://127.0.0.1:5005",
            rasa_token=api_token(environ),
            domain_file=Path(environ.get("DOMAIN_FILE", "domain.yml")),
            analytics_source=analytics_source(environ),
        )


ANALYTICS_SOURCES = ("tracker", "event_feed")


def analytics_source(environ: Mapping[str, str]) -> str:
    source = environ.get("ANALYTICS_SOURCE", "").strip() or "tracker"
    if source not in ANALYTICS_SOURCES:
        raise ValueError(f"ANALYTICS_SOURCE must be one of {', '.join(ANALYTICS_SOURCES)}, not {source!r}")
    return source

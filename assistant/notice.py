"""The standing safety notice every channel shows: the content base's reminder line, not text of our own."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

CONTENT_DIR = Path(__file__).resolve().parents[1] / "data" / "content"


def standing_notice(content_dir: Path = CONTENT_DIR, today: dt.date | None = None) -> str:
    """The reminder ("If you can see metal ... call your local emergency number now"), with the default number."""
    from actions.content_base import load_content_base
    from contract import DEFAULT_EMERGENCY_NUMBER

    content = load_content_base(content_dir, today or dt.date.today())
    return content.reminder.replace("{emergency_number}", DEFAULT_EMERGENCY_NUMBER)

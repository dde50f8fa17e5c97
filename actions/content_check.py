"""`python -m actions.content_check`: validate the content base, as the action server would.

Fails when any topic's review is overdue; warns when one falls due within 30 days.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import List

from actions.content_base import ContentBase, ContentError, load_content_base

REVIEW_WARNING_DAYS = 30


def reviews_due_soon(content: ContentBase, today: dt.date, days: int = REVIEW_WARNING_DAYS) -> List[str]:
    """'topic: review due YYYY-MM-DD (in N days)' for each topic due within `days`, soonest first."""
    soon = sorted((t.review.review_due, t.id) for t in content.topics.values())
    return [
        f"{topic_id}: review due {due.isoformat()} (in {(due - today).days} days)"
        for due, topic_id in soon
        if (due - today).days <= days
    ]


def main(directory: Path = Path("data/content"), today: dt.date | None = None) -> int:
    today = today or dt.date.today()
    try:
        content = load_content_base(directory, today)
    except ContentError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    drafts = sorted(t.id for t in content.topics.values() if t.review.status == "draft")
    print(f"Content base OK: {len(content.topics)} topics, {len(content.intent_topics)} intents mapped.")
    if drafts:
        print(f"Drafts awaiting clinical review ({len(drafts)}): {', '.join(drafts)}")
    for warning in reviews_due_soon(content, today):
        print(f"warning: {warning}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Content review: every topic's version, status, reviewer and review-due date, overdue first; and a
clinician's approval written into the topic file's `review:` block.

The approval edits only the four review lines of the file (comments and everything else stay as
they are), so it shows up in `git diff data/content` as a change to commit; the console says so, and
the audit log records who approved which version. The file is checked by the content base's own
loader afterwards and put back as it was if the loader refuses it.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List

import yaml

from actions.content_base import ContentError, load_content_base

REVIEW_INTERVAL = dt.timedelta(days=365)
REVIEW_LINE = re.compile(r"^(  )(status|reviewed_by|reviewed_on|review_due):.*$")


class ReviewConflict(ValueError):
    """The topic is unknown, or its file changed since the reviewer's page was drawn."""


@dataclass(frozen=True)
class ReviewRow:
    topic_id: str
    title: str
    language: str
    version: int
    status: str
    reviewed_by: str
    reviewed_on: str
    review_due: dt.date | None
    priority_review: bool
    path: Path

    def overdue(self, today: dt.date) -> bool:
        return self.review_due is None or self.review_due < today


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return None


def _topic_files(content_dir: Path) -> List[Path]:
    return sorted((content_dir / "topics").glob("*.yml"))


def review_rows(content_dir: Path, today: dt.date) -> List[ReviewRow]:
    """Every topic file's review record: overdue first, then priority drafts, then the soonest due.
    Read leniently, so an overdue or broken review block is listed rather than hidden."""
    rows = []
    for path in _topic_files(content_dir):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        review: Dict[str, Any] = data["review"] if isinstance(data.get("review"), dict) else {}
        rows.append(
            ReviewRow(
                topic_id=str(data.get("id", path.stem)),
                title=str(data.get("title", "")),
                language=str(data.get("language", "en")),
                version=int(data.get("version", 0)),
                status=str(review.get("status", "missing")),
                reviewed_by=str(review.get("reviewed_by", "")),
                reviewed_on=str(review.get("reviewed_on", "")),
                review_due=_date(review.get("review_due")),
                priority_review=bool(review.get("priority_review", False)),
                path=path,
            )
        )
    return sorted(
        rows,
        key=lambda r: (
            not r.overdue(today),
            not (r.priority_review and r.status != "approved"),
            r.review_due or dt.date.min,
            r.topic_id,
        ),
    )


def approve(content_dir: Path, topic_id: str, version: int, reviewer: str, today: dt.date) -> Path:
    """Mark `version` of `topic_id` approved by `reviewer` today, due again in a year; returns the file.

    Raises:
        ReviewConflict: no such topic, or the file is at another version than the one approved.
        ContentError: the content base's loader refused the edited file (which is then restored).
    """
    row = next((r for r in review_rows(content_dir, today) if r.topic_id == topic_id), None)
    if row is None:
        raise ReviewConflict(f"there is no topic '{topic_id}'")
    if row.version != version:
        raise ReviewConflict(
            f"'{topic_id}' is now version {row.version}, not the version {version} you reviewed: read it again"
        )
    original = row.path.read_text(encoding="utf-8")
    values = {
        "status": "approved",
        "reviewed_by": json.dumps(reviewer),
        "reviewed_on": today.isoformat(),
        "review_due": (today + REVIEW_INTERVAL).isoformat(),
    }
    edited, in_review, seen = [], False, set()
    for line in original.splitlines(keepends=True):
        if line.rstrip("\n") == "review:":
            in_review = True
        elif in_review and line.strip() and not line.startswith("  "):
            in_review = False
        match = REVIEW_LINE.match(line.rstrip("\n")) if in_review else None
        if match:
            key = match.group(2)
            seen.add(key)
            line = f"  {key}: {values[key]}\n"
        edited.append(line)
    if seen != set(values):
        raise ReviewConflict(f"{row.path.name} has no complete review block to update: edit it by hand")
    row.path.write_text("".join(edited), encoding="utf-8")
    try:
        load_content_base(content_dir, today)
    except ContentError as error:
        if Path(error.path) == row.path:
            row.path.write_text(original, encoding="utf-8")
            raise
    return row.path

"""`python -m actions.content_check`: validate the content base, as the action server would, and more.

Loading already refuses a broken base: unknown keys, a triage ladder conflict, a
finding the ladder does not know, a source without a kind, a denylisted site, a
paper cited by a copy, a topic with no guideline, national or hospital source.
This check adds what only the editors' gate needs:

- readability: every answer and short answer at or under base.yml's Flesch-Kincaid
  grade (`readability.max_grade`), the emergency topics under a lower one, list
  items and lines counted as sentences;
- the safety replies still in draft carry `review.priority_review: true`;
- reviews: fails when one is overdue, warns when one falls due within 30 days.
"""

from __future__ import annotations

import datetime as dt
import re
import sys
from pathlib import Path
from typing import Dict, List

from actions.content_base import ContentBase, ContentError, Topic, load_content_base
from actions.domain_responses import SAFETY_RESPONSES

REVIEW_WARNING_DAYS = 30
# What {emergency_number} is read as when grading: the number, not "your local emergency number".
GRADED_EMERGENCY_NUMBER = "911"


def as_sentences(text: str) -> str:
    """`text` with every line and list item ending as a sentence, as the grade counts them.

    A list item without a full stop is still one instruction; a line ending in ':' ends there.
    """
    lines = []
    for line in text.splitlines():
        line = re.sub(r"^\s*[-*]\s+", "", line).strip()
        if not line:
            continue
        if line.endswith(":"):
            line = line[:-1] + "."
        elif not re.search(r"[.!?]$", line):
            line += "."
        lines.append(line)
    return " ".join(lines).replace("{emergency_number}", GRADED_EMERGENCY_NUMBER)


def grade(text: str) -> float:
    """The Flesch-Kincaid grade of `text` (textstat), list items counted as sentences."""
    import textstat  # imported here: nothing heavy at import time

    textstat.set_lang("en_US")
    return float(textstat.flesch_kincaid_grade(as_sentences(text)))


def topic_grades(topic: Topic) -> Dict[str, float]:
    return {"answer": grade(topic.answer), "short_answer": grade(topic.short_answer)}


def readability_problems(content: ContentBase) -> List[str]:
    """'topic: answer is at grade 9.1; the limit is 8' for each text over its limit."""
    rules = content.readability
    if rules is None:
        return []
    problems = []
    for topic in sorted(content.topics.values(), key=lambda t: t.id):
        if topic.language not in rules.languages:
            continue
        limit = rules.max_grade_emergency if topic.id in rules.emergency_topics else rules.max_grade
        for name, value in topic_grades(topic).items():
            if value > limit:
                problems.append(
                    f"{topic.path}: entry '{topic.id}': {name} is at Flesch-Kincaid grade {value:.1f}; "
                    f"the limit is {limit:g}"
                )
    return problems


def safety_topic_ids(content: ContentBase) -> List[str]:
    """The topics the safety replies in domain.yml are rendered from, with their translations."""
    ids = list(SAFETY_RESPONSES.values())
    for topic_id in list(ids):
        ids += sorted(content.translations.get(topic_id, {}).values())
    return ids


def priority_problems(content: ContentBase) -> List[str]:
    """A safety reply awaiting review must be marked for priority review."""
    problems = []
    for topic_id in safety_topic_ids(content):
        topic = content.topics[topic_id]
        if topic.review.status == "draft" and not topic.review.priority_review:
            problems.append(
                f"{topic.path}: entry '{topic.id}': a safety reply in draft needs `review.priority_review: true`"
            )
    return problems


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
    problems = readability_problems(content) + priority_problems(content)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    if problems:
        return 1
    drafts = sorted(t.id for t in content.topics.values() if t.review.status == "draft")
    print(
        f"Content base OK: {len(content.topics)} topics, {len(content.intent_topics)} intents mapped, "
        f"{len(content.ladder.findings)} findings on the triage ladder."
    )
    if drafts:
        print(f"Drafts awaiting clinical review ({len(drafts)}): {', '.join(drafts)}")
    for warning in reviews_due_soon(content, today):
        print(f"warning: {warning}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

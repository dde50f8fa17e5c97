"""`python -m actions.content_report`: the table a clinical reviewer signs off from.

One row per topic: review status (with a `!` for priority review), version,
reviewer, review due date, the kinds of its sources, and the Flesch-Kincaid grade
of its answer and short answer.

    make content-report
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import List, Sequence

from actions.content_base import ContentBase, ContentError, SourceKind, Topic, load_content_base
from actions.content_check import topic_grades

# Short names for the table.
KIND_LABELS = {
    SourceKind.GUIDELINE: "guideline",
    SourceKind.NATIONAL_PATIENT_INFORMATION: "national",
    SourceKind.HOSPITAL_PATIENT_INFORMATION: "hospital",
    SourceKind.PEER_REVIEWED_PAPER: "paper",
    SourceKind.OTHER: "other",
}
COLUMNS = ("topic", "status", "version", "reviewer", "review due", "sources", "grade (answer/short)")


@dataclass(frozen=True)
class ReportRow:
    topic: str
    status: str
    version: int
    reviewer: str
    review_due: dt.date
    sources: str
    grade: str

    def cells(self) -> List[str]:
        return [
            self.topic,
            self.status,
            f"v{self.version}",
            self.reviewer,
            self.review_due.isoformat(),
            self.sources,
            self.grade,
        ]


def source_kinds(topic: Topic) -> str:
    """'hospital 2, paper 1' in the order of SourceKind."""
    counts = Counter(source.kind for source in topic.sources)
    return ", ".join(f"{KIND_LABELS[kind]} {counts[kind]}" for kind in SourceKind if counts[kind])


def topic_grade(content: ContentBase, topic: Topic) -> str:
    rules = content.readability
    if rules is not None and topic.language not in rules.languages:
        return f"not graded ({topic.language})"
    grades = topic_grades(topic)
    return f"{grades['answer']:.1f} / {grades['short_answer']:.1f}"


def report_rows(content: ContentBase) -> List[ReportRow]:
    """Every topic, priority reviews first, then by id."""
    topics = sorted(content.topics.values(), key=lambda t: (not t.review.priority_review, t.id))
    return [
        ReportRow(
            topic=topic.id,
            status=topic.review.status + (" !" if topic.review.priority_review else ""),
            version=topic.version,
            reviewer=topic.review.reviewed_by,
            review_due=topic.review.review_due,
            sources=source_kinds(topic),
            grade=topic_grade(content, topic),
        )
        for topic in topics
    ]


def format_table(rows: Sequence[ReportRow]) -> str:
    """A plain-text table with a header line; columns padded to their widest cell."""
    table = [list(COLUMNS)] + [row.cells() for row in rows]
    widths = [max(len(line[i]) for line in table) for i in range(len(COLUMNS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() for line in table]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(lines)


def main(directory: Path = Path("data/content"), today: dt.date | None = None) -> int:
    try:
        content = load_content_base(directory, today or dt.date.today())
    except ContentError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(format_table(report_rows(content)))
    print("\n! = priority review (a safety reply). Grades: Flesch-Kincaid, list items counted as sentences.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The analytics as CSV: one table a file (the days, the topics per day, the unanswered messages),
contacts masked as on the page, and cells that a spreadsheet would run as a formula defused."""

from __future__ import annotations

import csv
import io
from typing import List, Sequence

from staff_console.analytics import Report

CSV_TABLES = ("days", "topics", "unanswered")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _rows(report: Report, table: str) -> List[Sequence[object]]:
    if table == "days":
        header: Sequence[object] = (
            "day",
            "conversations",
            "messages",
            "topic_questions",
            "fallback",
            "out_of_scope",
            "unanswered_share",
            "emergencies",
            "handoffs",
        )
        return [header] + [
            (
                d.day.isoformat(),
                d.conversations,
                d.messages,
                d.topic_questions,
                d.fallback,
                d.out_of_scope,
                f"{d.unanswered_share:.3f}",
                d.emergencies,
                d.handoffs,
            )
            for d in report.days
        ]
    if table == "topics":
        return [("day", "intent", "questions")] + [
            (day.isoformat(), intent, count)
            for intent, per_day in sorted(report.topics.items())
            for day, count in sorted(per_day.items())
        ]
    return [("time", "conversation", "intent", "message")] + [
        (m.at.isoformat(timespec="seconds"), m.sender_id, m.intent, m.text) for m in report.unanswered
    ]


def csv_text(report: Report, table: str) -> str:
    """`table` (one of CSV_TABLES) of `report` as CSV text."""
    out = io.StringIO()
    writer = csv.writer(out)
    for row in _rows(report, table):
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()

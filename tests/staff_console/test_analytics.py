"""Question analytics: per-day counts, topic totals, unanswered messages, time to acknowledge, CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io

from rasa.shared.core.events import ActionExecuted, UserUttered
from starlette.testclient import TestClient

from staff_console.analytics import FlagRecord, UserMessage, build_report, minutes_to_acknowledge
from staff_console.audit import AuditEntry
from staff_console.exports import csv_text
from tests.fakes.tracker_events import save
from tests.staff_console.helpers import log_in, record

DAY1, DAY2 = dt.date(2026, 12, 1), dt.date(2026, 12, 2)


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, minute, tzinfo=dt.timezone.utc)


MESSAGES = [
    UserMessage("a", at(DAY1, 9), "ask_why_screws_loosen"),
    UserMessage("a", at(DAY1, 9, 5), "ask_how_rare"),
    UserMessage("b", at(DAY1, 10), "nlu_fallback", "can I take the bus with my back brace"),
    UserMessage("c", at(DAY2, 11), "ask_why_screws_loosen"),
    UserMessage("c", at(DAY2, 11, 1), "out_of_scope", "what's the weather"),
    UserMessage("d", at(DAY2, 12), "report_exposed_hardware"),
]
FLAGS = [
    FlagRecord("d", "emergency_exposed_hardware", at(DAY2, 12)),
    FlagRecord("b", "handoff", at(DAY1, 10, 30)),
]


def test_each_day_counts_conversations_questions_unanswered_emergencies_and_handoffs() -> None:
    report = build_report(MESSAGES, FLAGS, [], DAY1, DAY2)
    first, second = report.days
    assert (first.conversations, first.messages, first.topic_questions, first.fallback, first.handoffs) == (
        2,
        3,
        2,
        1,
        1,
    )
    assert (second.conversations, second.out_of_scope, second.emergencies) == (2, 1, 1)
    assert round(second.unanswered_share, 3) == round(1 / 3, 3)
    totals = report.totals()
    assert totals["messages"] == 6 and totals["emergencies"] == 1 and round(totals["fallback_share"], 3) == 0.167


def test_topic_totals_list_every_topic_most_asked_first() -> None:
    totals = build_report(MESSAGES, FLAGS, [], DAY1, DAY2).topic_totals()
    assert totals[0] == ("ask_why_screws_loosen", 2)
    assert ("ask_how_rare", 1) in totals and ("ask_risk_factors", 0) in totals and len(totals) == 8


def test_unanswered_messages_are_listed_newest_first() -> None:
    unanswered = build_report(MESSAGES, FLAGS, [], DAY1, DAY2).unanswered
    assert [m.text for m in unanswered] == ["what's the weather", "can I take the bus with my back brace"]


def test_a_day_with_nothing_is_still_a_day_with_zeros() -> None:
    report = build_report([], [], [], DAY1, DAY1 + dt.timedelta(days=2))
    assert [d.messages for d in report.days] == [0, 0, 0] and report.median_minutes_to_acknowledge is None


def test_time_to_acknowledge_runs_from_the_oldest_record_it_answers() -> None:
    flags = [
        FlagRecord("x", "urgent_warning_signs", at(DAY1, 9)),
        FlagRecord("x", "emergency_exposed_hardware", at(DAY1, 9, 10)),
        FlagRecord("x", "emergency_exposed_hardware", at(DAY1, 13)),  # after the resolve: a new wait
    ]
    audit = [
        AuditEntry(at(DAY1, 9, 20).isoformat(), "ann", "acknowledge", "x", ""),
        AuditEntry(at(DAY1, 9, 30).isoformat(), "ann", "resolve", "x", ""),
        AuditEntry(at(DAY1, 13, 4).isoformat(), "bo", "acknowledge", "x", ""),
    ]
    assert minutes_to_acknowledge(flags, audit) == [20.0, 4.0]
    assert build_report([], flags, audit, DAY1, DAY1).median_minutes_to_acknowledge == 12.0


def test_csv_cells_that_a_spreadsheet_would_run_are_defused() -> None:
    messages = [UserMessage("e", at(DAY1, 9), "nlu_fallback", '=HYPERLINK("http://x")')]
    rows = list(csv.reader(io.StringIO(csv_text(build_report(messages, [], [], DAY1, DAY1), "unanswered"))))
    assert rows[0] == ["time", "conversation", "intent", "message"]
    assert rows[1][3] == '\'=HYPERLINK("http://x")'


def test_the_analytics_page_and_csv_read_the_running_stores(client: TestClient, console) -> None:
    question = {"intent": {"name": "ask_why_screws_loosen", "confidence": 0.9}, "entities": []}
    unanswered = {"intent": {"name": "nlu_fallback", "confidence": 0.3}, "entities": []}
    save(
        console.settings.conversations_url,
        "sender-1",
        [
            ActionExecuted("action_listen"),
            UserUttered("why do screws loosen", parse_data=question),
            ActionExecuted("action_listen"),
            UserUttered("can I ride a horse, call 07700 900123", parse_data=unanswered),
        ],
    )
    record(console, "sender-1", "emergency_exposed_hardware", dt.datetime.now(dt.timezone.utc).isoformat())
    log_in(client)
    page = client.get("/analytics?days=7")
    assert page.status_code == 200
    assert "<svg" in page.text and "can I ride a horse, call [phone …23]" in page.text and "07700" not in page.text
    exported = client.get("/analytics.csv?table=days&days=7")
    assert exported.headers["content-type"].startswith("text/csv")
    today = list(csv.DictReader(io.StringIO(exported.text)))[-1]
    assert (today["messages"], today["topic_questions"], today["fallback"], today["emergencies"]) == (
        "2",
        "1",
        "1",
        "1",
    )
    assert "export_csv" in [e.action for e in console.audit.recent()]


def test_a_bad_period_or_table_is_a_clear_400(client: TestClient) -> None:
    log_in(client)
    assert "1 to 366" in client.get("/analytics?days=0").text
    assert client.get("/analytics?days=abc").status_code == 400
    assert client.get("/analytics.csv?table=passwords").status_code == 400

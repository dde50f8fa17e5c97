"""When the support team works: open or closed at a moment, the next opening, and a bad file refused."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from actions.support_hours import SupportHours, SupportHoursError, handoff_hours_message
from evaluation.paths import ROOT

SETTINGS = {
    "timezone": "Europe/London",
    "hours_text": "Monday to Friday, 8am to 6pm UK time",
    "hours": {day: ["08:00", "18:00"] for day in ("monday", "tuesday", "wednesday", "thursday", "friday")},
    "expected_reply_minutes": 30,
    "closed_on": [dt.date(2026, 12, 25)],
}
HOURS = SupportHours.from_mapping(SETTINGS)


def utc(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.timezone.utc)


def london(year: int, month: int, day: int, hour: int, minute: int) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=HOURS.timezone)


@pytest.mark.parametrize(
    ("now", "open_now", "next_open"),
    [
        (utc(2026, 12, 1, 12, 0), True, None),  # a Tuesday at noon
        (utc(2026, 12, 1, 7, 59), False, london(2026, 12, 1, 8, 0)),  # before opening the same day
        (utc(2026, 12, 1, 18, 0), False, london(2026, 12, 2, 8, 0)),  # closing time is closed
        (utc(2026, 12, 5, 12, 0), False, london(2026, 12, 7, 8, 0)),  # Saturday: Monday morning
        (utc(2026, 12, 24, 19, 0), False, london(2026, 12, 28, 8, 0)),  # Christmas Day closed, then the weekend
        # British Summer Time: 07:30 UTC is 08:30 in London, so the team is working.
        (utc(2026, 7, 1, 7, 30), True, None),
    ],
)
def test_availability_in_the_teams_own_timezone(
    now: dt.datetime, open_now: bool, next_open: dt.datetime | None
) -> None:
    availability = HOURS.availability(now)
    assert availability.open_now is open_now
    assert availability.next_open == next_open


def test_a_team_that_never_opens_has_no_next_opening() -> None:
    never = SupportHours.from_mapping({**SETTINGS, "hours": {}})
    assert never.availability(utc(2026, 12, 1, 12, 0)).next_open is None
    assert handoff_hours_message(never, utc(2026, 12, 1, 12, 0))[1]["next_open"] == "their next working day"


@pytest.mark.parametrize(
    ("minutes", "said"), [(30, "30 minutes"), (60, "1 hour"), (120, "2 hours"), (90, "90 minutes")]
)
def test_the_expected_wait_is_said_in_words(minutes: int, said: str) -> None:
    hours = SupportHours.from_mapping({**SETTINGS, "expected_reply_minutes": minutes})
    assert handoff_hours_message(hours, utc(2026, 12, 1, 12, 0)) == (
        "utter_handoff_team_open",
        {"hours": SETTINGS["hours_text"], "wait": said},
    )


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"hours": {"funday": ["08:00", "18:00"]}}, "'funday' is not a weekday"),
        ({"hours": {"monday": ["8am", "6pm"]}}, "monday"),
        ({"hours": {"monday": ["18:00", "08:00"]}}, "opens at or after it closes"),
        ({"hours": {"monday": ["08:00"]}}, r"\[opens, closes\]"),
        ({"expected_reply_minutes": 0}, "expected_reply_minutes"),
        ({"hours_text": ""}, "hours_text"),
        ({"closed_on": ["Christmas"]}, "closed_on"),
    ],
)
def test_a_bad_setting_is_refused_naming_the_entry(change: dict, problem: str) -> None:
    with pytest.raises(SupportHoursError, match=problem):
        SupportHours.from_mapping({**SETTINGS, **change}, "support_hours.yml")


def test_the_shipped_file_loads(tmp_path: Path) -> None:
    hours = SupportHours.from_file(ROOT / "data" / "support_hours.yml")
    assert hours.expected_reply_minutes > 0 and len(hours.hours) == 5
    broken = tmp_path / "hours.yml"
    broken.write_text("timezone: [")
    with pytest.raises(SupportHoursError, match="hours.yml"):
        SupportHours.from_file(broken)

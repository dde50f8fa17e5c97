"""When the support team works, and what the user is told about it after asking for a person.

The hours are the deployment's data (data/support_hours.yml), validated when the action
server starts: a typo in a time or a timezone fails there, never on a user's handoff.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, Mapping, Tuple
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
DEFAULT_FILE = Path("data/support_hours.yml")
# How far ahead the next opening is looked for (a closure longer than this is a configuration error).
LOOKAHEAD_DAYS = 31


class SupportHoursError(ValueError):
    """The support-hours file is malformed; the message names the file and the entry."""


@dataclass(frozen=True)
class Availability:
    """Whether the team works now, and when it next opens if not."""

    open_now: bool
    next_open: dt.datetime | None


@dataclass(frozen=True)
class SupportHours:
    timezone: ZoneInfo
    hours_text: str
    # weekday index (Monday 0) -> (opens, closes)
    hours: Mapping[int, Tuple[dt.time, dt.time]]
    expected_reply_minutes: int
    closed_on: FrozenSet[dt.date]

    @classmethod
    def from_file(cls, path: Path = DEFAULT_FILE) -> "SupportHours":
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError) as error:
            raise SupportHoursError(f"{path}: cannot be read: {error}") from error
        if not isinstance(data, dict):
            raise SupportHoursError(f"{path}: expected a mapping of settings")
        return cls.from_mapping(data, str(path))

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], source: str = "support hours") -> "SupportHours":
        try:
            timezone = ZoneInfo(str(data["timezone"]))
        except (KeyError, ZoneInfoNotFoundError, ValueError) as error:
            raise SupportHoursError(f"{source}: timezone: missing or unknown ({error})") from error
        hours: Dict[int, Tuple[dt.time, dt.time]] = {}
        for day, span in (data.get("hours") or {}).items():
            if day not in WEEKDAYS:
                raise SupportHoursError(f"{source}: hours: {day!r} is not a weekday ({', '.join(WEEKDAYS)})")
            if not isinstance(span, list) or len(span) != 2:
                raise SupportHoursError(f"{source}: hours: {day}: expected [opens, closes]")
            try:
                opens, closes = (dt.time.fromisoformat(str(t)) for t in span)
            except ValueError as error:
                raise SupportHoursError(f"{source}: hours: {day}: {error}") from error
            if opens >= closes:
                raise SupportHoursError(f"{source}: hours: {day}: opens at or after it closes")
            hours[WEEKDAYS.index(day)] = (opens, closes)
        minutes = data.get("expected_reply_minutes")
        if not isinstance(minutes, int) or minutes <= 0:
            raise SupportHoursError(f"{source}: expected_reply_minutes: a whole number of minutes above 0")
        text = data.get("hours_text")
        if not isinstance(text, str) or not text.strip():
            raise SupportHoursError(f"{source}: hours_text: say the hours in words")
        closed = data.get("closed_on") or []
        if not all(isinstance(day, dt.date) for day in closed):
            raise SupportHoursError(f"{source}: closed_on: dates as YYYY-MM-DD")
        return cls(timezone, text.strip(), hours, minutes, frozenset(closed))

    def availability(self, now: dt.datetime) -> Availability:
        """Open now, or the next opening time (in the team's timezone); `now` must be timezone-aware."""
        local = now.astimezone(self.timezone)
        for offset in range(LOOKAHEAD_DAYS + 1):
            day = local.date() + dt.timedelta(days=offset)
            span = self.hours.get(day.weekday())
            if span is None or day in self.closed_on:
                continue
            opens = dt.datetime.combine(day, span[0], tzinfo=self.timezone)
            closes = dt.datetime.combine(day, span[1], tzinfo=self.timezone)
            if offset == 0 and opens <= local < closes:
                return Availability(True, None)
            if local < opens:
                return Availability(False, opens)
        return Availability(False, None)


def handoff_hours_message(hours: SupportHours, now: dt.datetime) -> Tuple[str, Dict[str, str]]:
    """The response to send after a handoff, and its variables."""
    availability = hours.availability(now)
    if availability.open_now:
        return "utter_handoff_team_open", {"hours": hours.hours_text, "wait": _minutes(hours.expected_reply_minutes)}
    when = "their next working day"
    if availability.next_open is not None:
        when = f"{availability.next_open:%A %-d %B} at {availability.next_open:%H:%M}"
    return "utter_handoff_team_closed", {"hours": hours.hours_text, "next_open": when}


def _minutes(minutes: int) -> str:
    if minutes % 60 == 0:
        count = minutes // 60
        return f"{count} hour{'s' if count != 1 else ''}"
    return f"{minutes} minutes"

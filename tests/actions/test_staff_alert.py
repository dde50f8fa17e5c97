"""Staff alerts: background delivery with retries, a dead-letter file, never in the user's way."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any, Dict, List

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.staff_alert import (
    AlertSettings,
    StaffAlerter,
    StaffAlertSettingsError,
    alert_payload,
)
from actions.triage import ActionRecordTriage, TriageEvent, TriageLog
from tests.actions.conftest import make_tracker
from tests.fakes.staff_webhook import FakeStaffWebhook

EMERGENCY = TriageEvent(
    sender_id="widget-abc",
    category="emergency_exposed_hardware",
    intent="report_exposed_hardware",
    message="my screw is poking out, call me on 07700 900123",
    channel="socketio",
    details={},
)


def settings(tmp_path: Path, url: str = "http://127.0.0.1:9/hook", attempts: int = 3) -> AlertSettings:
    return AlertSettings(url=url, attempts=attempts, first_delay=0.01, timeout=1.0, dead_letter=tmp_path / "dead.jsonl")


class Recorder:
    """A post function that answers with the statuses it is given, in turn."""

    def __init__(self, *statuses: int) -> None:
        self.statuses = list(statuses)
        self.calls: List[Dict[str, Any]] = []

    async def __call__(self, url: str, body: Dict[str, Any], timeout: float) -> int:
        self.calls.append(body)
        return self.statuses.pop(0)


def test_no_webhook_url_means_no_alerts() -> None:
    assert AlertSettings.from_environment({}) is None


def test_the_settings_are_read_and_checked() -> None:
    read = AlertSettings.from_environment(
        {"STAFF_ALERT_WEBHOOK_URL": "https://hooks.example/x", "STAFF_ALERT_ATTEMPTS": "2"}
    )
    assert read is not None and read.attempts == 2
    with pytest.raises(StaffAlertSettingsError, match="http"):
        AlertSettings.from_environment({"STAFF_ALERT_WEBHOOK_URL": "hooks.example/x"})
    with pytest.raises(StaffAlertSettingsError, match="ATTEMPTS"):
        AlertSettings.from_environment({"STAFF_ALERT_WEBHOOK_URL": "https://h.example", "STAFF_ALERT_ATTEMPTS": "0"})


def test_the_alert_names_the_level_and_conversation_but_not_the_users_words() -> None:
    payload = alert_payload(EMERGENCY)
    assert payload["text"].startswith("Emergency: exposed spinal hardware. Conversation widget-abc on socketio")
    assert "poking" not in json.dumps(payload) and "07700" not in json.dumps(payload)


async def test_a_failing_webhook_is_retried_with_back_off(tmp_path: Path) -> None:
    post, waits = Recorder(500, 503, 200), []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    alerter = StaffAlerter(settings(tmp_path), post=post, sleep=sleep)
    assert await alerter.deliver(alert_payload(EMERGENCY)) is True
    assert len(post.calls) == 3 and waits == [0.01, 0.02]
    assert not (tmp_path / "dead.jsonl").exists()


async def test_an_alert_that_never_gets_through_is_kept_in_the_dead_letter_file(tmp_path: Path) -> None:
    alerter = StaffAlerter(settings(tmp_path, attempts=2), post=Recorder(500, 500))
    assert await alerter.deliver(alert_payload(EMERGENCY)) is False
    [line] = (tmp_path / "dead.jsonl").read_text().splitlines()
    record = json.loads(line)
    assert record["problem"] == "HTTP 500" and record["attempts"] == 2
    assert record["payload"]["conversation_id"] == "widget-abc"


async def test_an_unreachable_webhook_ends_in_the_dead_letter_file(tmp_path: Path) -> None:
    alerter = StaffAlerter(settings(tmp_path, url="http://127.0.0.1:9/nothing-listens", attempts=2))
    assert await alerter.deliver(alert_payload(EMERGENCY)) is False
    assert "ClientConnectorError" in (tmp_path / "dead.jsonl").read_text()


async def test_only_emergencies_page_the_staff(tmp_path: Path) -> None:
    alerter = StaffAlerter(settings(tmp_path), post=Recorder())
    warning = TriageEvent("rest-1", "urgent_warning_signs", "report_warning_signs", "red scar", "rest", {})
    assert alerter.alert(warning) is None


async def test_a_local_receiver_gets_the_alert_after_two_failures(tmp_path: Path) -> None:
    receiver = FakeStaffWebhook(fail_first=2).start()
    try:
        alerter = StaffAlerter(settings(tmp_path, url=receiver.url, attempts=3))
        task = alerter.alert(EMERGENCY)
        assert task is not None and await task is True
        assert receiver.attempts == 3
        assert receiver.received[0]["category"] == "emergency_exposed_hardware"
    finally:
        receiver.stop()


async def test_a_hung_webhook_does_not_hold_up_the_triage_action(tmp_path: Path, triage_url: str) -> None:
    never = asyncio.Event()

    async def hang(url: str, body: Dict[str, Any], timeout: float) -> int:
        await never.wait()
        return 200

    alerter = StaffAlerter(settings(tmp_path), post=hang)
    action = ActionRecordTriage(TriageLog(triage_url), alerter)
    tracker = make_tracker(
        "report_exposed_hardware", text="the rod is out", replies=["utter_emergency_exposed_hardware"]
    )
    started = time.monotonic()
    await action.run(CollectingDispatcher(), tracker, {})
    assert time.monotonic() - started < 0.2
    assert TriageLog(triage_url).recent()[0].category == "emergency_exposed_hardware"
    never.set()
    await alerter.drain()

"""The triage record staff read, and the handoff that flags a conversation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.content_reload import ReloadingContentBase
from actions.handoff import ActionHandoff, ValidateHandoffForm
from actions.support_hours import SupportHours
from actions.triage import ActionRecordTriage, TriageEvent, TriageLog
from evaluation.paths import ROOT
from tests.actions.conftest import CONTENT_DIR, make_tracker, on_content_date

HOURS = SupportHours.from_file(ROOT / "data" / "support_hours.yml")
TUESDAY_NOON = dt.datetime(2026, 12, 1, 12, 0, tzinfo=dt.timezone.utc)
SATURDAY_NOON = dt.datetime(2026, 12, 5, 12, 0, tzinfo=dt.timezone.utc)


async def test_an_emergency_is_recorded_with_its_evidence(triage_url: str) -> None:
    log = TriageLog(triage_url)
    tracker = make_tracker(
        "report_exposed_hardware",
        text="the screw is poking out",
        sender_id="patient-1",
        replies=["utter_emergency_exposed_hardware"],
    )
    tracker.latest_message["safety"] = {"category": "exposed_hardware", "evidence": [{"text": "screw is poking out"}]}

    assert await ActionRecordTriage(log).run(CollectingDispatcher(), tracker, {}) == []

    [event] = log.recent()
    assert (event.sender_id, event.category, event.message) == (
        "patient-1",
        "emergency_exposed_hardware",
        "the screw is poking out",
    )
    assert event.details["safety"]["category"] == "exposed_hardware"


async def test_a_yes_to_the_metal_question_is_recorded_as_the_emergency(triage_url: str) -> None:
    log = TriageLog(triage_url)
    tracker = make_tracker("affirm", text="yes", replies=["utter_emergency_exposed_hardware"])
    await ActionRecordTriage(log).run(CollectingDispatcher(), tracker, {})
    assert log.recent()[0].category == "emergency_exposed_hardware"


async def test_the_record_survives_a_new_log_object(triage_url: str) -> None:
    TriageLog(triage_url).record(TriageEvent("s", "handoff", None, None, None, {}))
    assert [e.category for e in TriageLog(triage_url).recent()] == ["handoff"]


async def test_handoff_flags_the_conversation_and_answers_from_content(triage_url: str) -> None:
    log = TriageLog(triage_url)
    action = ActionHandoff(ReloadingContentBase(CONTENT_DIR, on_content_date), log, HOURS, lambda: TUESDAY_NOON)
    dispatcher = CollectingDispatcher()
    tracker = make_tracker("request_human", slots={"handoff_contact": "jo@example.org"})

    events = await action.run(dispatcher, tracker, {})

    [event] = log.recent()
    assert event.category == "handoff" and event.details["contact"] == "jo@example.org"
    assert "Source:" in dispatcher.messages[0]["text"]
    assert events == [SlotSet("handoff_contact", None)]


@pytest.mark.parametrize(
    ("now", "response", "variables"),
    [
        (TUESDAY_NOON, "utter_handoff_team_open", {"wait": "30 minutes"}),
        (SATURDAY_NOON, "utter_handoff_team_closed", {"next_open": "Monday 7 December at 08:00"}),
    ],
)
async def test_handoff_tells_the_user_when_the_team_works_and_how_soon_it_answers(
    triage_url: str, now: dt.datetime, response: str, variables: dict
) -> None:
    action = ActionHandoff(
        ReloadingContentBase(CONTENT_DIR, on_content_date), TriageLog(triage_url), HOURS, lambda: now
    )
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, make_tracker("request_human", slots={"handoff_contact": "jo@example.org"}), {})
    hours = dispatcher.messages[-1]
    assert hours["response"] == response
    assert hours["hours"] == HOURS.hours_text
    assert {k: hours[k] for k in variables} == variables


async def test_handoff_serves_no_draft_when_the_base_forbids_drafts(triage_url: str, content_copy: Path) -> None:
    base = content_copy / "base.yml"
    base.write_text(base.read_text().replace("serve_drafts: true", "serve_drafts: false"))
    log = TriageLog(triage_url)
    dispatcher = CollectingDispatcher()
    await ActionHandoff(ReloadingContentBase(content_copy, on_content_date), log, HOURS).run(
        dispatcher, make_tracker("request_human"), {}
    )
    assert dispatcher.messages[0]["response"] == "utter_default"
    assert log.recent()[0].category == "handoff"  # the request is still flagged for staff


@pytest.mark.parametrize("answer", ["jo@example.org", "ring me on 07700 900123 please"])
async def test_a_phone_number_or_email_is_accepted_as_the_contact(answer: str) -> None:
    dispatcher = CollectingDispatcher()
    result = ValidateHandoffForm().validate_handoff_contact(answer, dispatcher, make_tracker("inform", text=answer), {})
    assert result == {"handoff_contact": answer}
    assert dispatcher.messages == []


@pytest.mark.parametrize("answer", ["my name is Ann", "yes", "whenever suits them"])
async def test_an_answer_without_contact_details_is_refused_with_what_is_needed(answer: str) -> None:
    dispatcher = CollectingDispatcher()
    result = ValidateHandoffForm().validate_handoff_contact(answer, dispatcher, make_tracker("inform", text=answer), {})
    assert result == {"handoff_contact": None}
    assert [m["response"] for m in dispatcher.messages] == ["utter_handoff_contact_invalid"]

"""While staff have a conversation the bot keeps quiet, except for safety and its own questions."""

from __future__ import annotations

from pathlib import Path
from typing import List

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.staff_takeover import StaffTakeoverPolicy, stays_quiet
from assistant.takeover_state import takeover_is_active
from contract import (
    EXPOSED_HARDWARE_INTENT,
    NEURO_RED_FLAG_INTENT,
    POSSIBLE_EXPOSED_HARDWARE_INTENT,
    STAFF_TAKEOVER_LAPSE_S,
    STAFF_TAKEOVER_SLOT,
    WARNING_SIGNS_INTENT,
)
from evaluation.paths import ROOT

SINCE = 1_800_000_000.0
HELD = {"staff": "ann", "since": SINCE}


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(ROOT / "domain.yml")


@pytest.fixture
def policy(tmp_path: Path) -> StaffTakeoverPolicy:
    context = ExecutionContext(GraphSchema({}), "test")
    config = StaffTakeoverPolicy.get_default_config()
    return StaffTakeoverPolicy.create(config, LocalModelStorage(tmp_path), Resource("takeover"), context)


def user(intent: str, at: float = SINCE + 60) -> List[Event]:
    return [ActionExecuted("action_listen"), UserUttered("…", {"name": intent, "confidence": 1.0}, timestamp=at)]


def predicted(policy: StaffTakeoverPolicy, domain: Domain, events: List[Event]) -> str | None:
    tracker = DialogueStateTracker.from_events("widget-1", events, domain.slots)
    prediction = policy.predict_action_probabilities(tracker, domain)
    if prediction.max_confidence == 0.0:
        return None  # abstains: the other policies decide
    return domain.action_names_or_texts[prediction.max_confidence_index]


@pytest.mark.parametrize(
    ("intent", "last_bot_action", "quiet"),
    [
        ("ask_how_rare", None, True),
        ("greet", None, True),
        ("request_human", None, True),
        ("nlu_fallback", None, True),
        (EXPOSED_HARDWARE_INTENT, None, False),
        (NEURO_RED_FLAG_INTENT, None, False),
        (POSSIBLE_EXPOSED_HARDWARE_INTENT, None, False),
        (WARNING_SIGNS_INTENT, None, False),
        ("request_data_deletion", None, False),
        # The answer to the bot's own question is the bot's: "can you see metal?" - "yes".
        ("affirm", "utter_ask_metal_visible", False),
        ("deny", "utter_ask_neuro_new", False),
        ("affirm", "utter_confirm_data_deletion", False),
        ("affirm", "utter_staff_joined", True),
    ],
)
def test_what_the_bot_still_answers_while_staff_hold_the_conversation(
    intent: str, last_bot_action: str | None, quiet: bool
) -> None:
    assert stays_quiet(HELD, intent, last_bot_action, now=SINCE + 60, lapse_after_s=STAFF_TAKEOVER_LAPSE_S) is quiet


@pytest.mark.parametrize(
    ("value", "now", "active"),
    [
        (HELD, SINCE + 1, True),
        (HELD, SINCE + STAFF_TAKEOVER_LAPSE_S - 1, True),
        (HELD, SINCE + STAFF_TAKEOVER_LAPSE_S, False),  # lapsed: nobody from staff wrote for too long
        (None, SINCE, False),
        ({"staff": "ann"}, SINCE, False),
        ("ann", SINCE, False),
    ],
)
def test_a_takeover_is_active_only_with_a_recent_staff_event(value: object, now: float, active: bool) -> None:
    assert takeover_is_active(value, now, STAFF_TAKEOVER_LAPSE_S) is active


def test_the_policy_listens_to_a_question_while_staff_hold_the_conversation(
    policy: StaffTakeoverPolicy, domain: Domain
) -> None:
    events = [SlotSet(STAFF_TAKEOVER_SLOT, HELD), *user("ask_how_rare")]
    assert predicted(policy, domain, events) == "action_listen"


def test_the_policy_abstains_for_an_emergency_so_the_emergency_rule_answers(
    policy: StaffTakeoverPolicy, domain: Domain
) -> None:
    events = [SlotSet(STAFF_TAKEOVER_SLOT, HELD), *user(EXPOSED_HARDWARE_INTENT)]
    assert predicted(policy, domain, events) is None


def test_the_policy_abstains_for_the_answer_to_the_metal_question(policy: StaffTakeoverPolicy, domain: Domain) -> None:
    events = [
        SlotSet(STAFF_TAKEOVER_SLOT, HELD),
        *user(POSSIBLE_EXPOSED_HARDWARE_INTENT),
        ActionExecuted("utter_ask_metal_visible"),
        BotUttered("Can you see metal?"),
        *user("affirm"),
    ]
    assert predicted(policy, domain, events) is None


@pytest.mark.parametrize(
    "events",
    [
        pytest.param(user("ask_how_rare"), id="never taken over"),
        pytest.param(
            [SlotSet(STAFF_TAKEOVER_SLOT, HELD), SlotSet(STAFF_TAKEOVER_SLOT, None), *user("ask_how_rare")],
            id="handed back",
        ),
        pytest.param(
            [SlotSet(STAFF_TAKEOVER_SLOT, HELD), *user("ask_how_rare", at=SINCE + STAFF_TAKEOVER_LAPSE_S + 1)],
            id="lapsed",
        ),
    ],
)
def test_the_policy_abstains_when_no_staff_member_holds_the_conversation(
    policy: StaffTakeoverPolicy, domain: Domain, events: List[Event]
) -> None:
    assert predicted(policy, domain, events) is None


def test_the_policy_abstains_after_the_bots_own_action(policy: StaffTakeoverPolicy, domain: Domain) -> None:
    """Only the first prediction after a user message can be the silence; the bot's turn then ends."""
    events = [
        SlotSet(STAFF_TAKEOVER_SLOT, HELD),
        *user(EXPOSED_HARDWARE_INTENT),
        ActionExecuted("utter_emergency_exposed_hardware"),
    ]
    assert predicted(policy, domain, events) is None


def test_the_policy_outranks_the_rule_policy() -> None:
    assert StaffTakeoverPolicy.get_default_config()["priority"] > 6  # RulePolicy's priority

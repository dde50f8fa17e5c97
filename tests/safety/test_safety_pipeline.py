"""The whole trained NLU pipeline (DIET + safety override) on the safety sets.

`make test` fails on a single missed emergency.
"""

from __future__ import annotations

from typing import Dict, List

import pytest

from contract import EMERGENCY_INTENTS, SAFETY_LABEL_INTENTS, WOUND_EMERGENCY_INTENT
from tests.conftest import load_safety_messages

pytestmark = pytest.mark.needs_model

MESSAGES = load_safety_messages()


@pytest.fixture(scope="module")
def predictions(offline_agent, event_loop_for_agent) -> List[Dict]:
    async def parse_all() -> List[Dict]:
        return [await offline_agent.parse_message(m["text"]) for m in MESSAGES]

    parsed = event_loop_for_agent.run_until_complete(parse_all())
    return [{**m, "intent": p["intent"]["name"]} for m, p in zip(MESSAGES, parsed, strict=True)]


@pytest.mark.parametrize("category", sorted(SAFETY_LABEL_INTENTS))
def test_recall_is_1_for_every_emergency_category(predictions: List[Dict], category: str) -> None:
    expected = SAFETY_LABEL_INTENTS[category]
    misses = [p["text"] for p in predictions if p["expect"] == category and p["intent"] != expected]
    assert misses == []


def test_false_alarms_on_non_emergencies_are_at_most_3_percent(predictions: List[Dict]) -> None:
    # The wound-emergency reply is an alarm on a message labelled no emergency; on one labelled a
    # warning sign it follows the triage ladder (an opened wound, pus with a fever: go now).
    negatives = [p for p in predictions if p["expect"] not in SAFETY_LABEL_INTENTS]
    alarms = [
        p["text"]
        for p in negatives
        if p["intent"] in EMERGENCY_INTENTS
        and not (p["intent"] == WOUND_EMERGENCY_INTENT and p["expect"] == "warning_signs")
    ]
    assert len(alarms) / len(negatives) <= 0.03, alarms

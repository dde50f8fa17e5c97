"""A low-confidence message between two topics gets "Did you mean" with both; anything else the fallback."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.content_reload import ReloadingContentBase
from actions.disambiguation import ActionClarifyTopic, topics_to_offer
from tests.actions.conftest import CONTENT_DIR, on_content_date


def ranking(*pairs: tuple[str, float]) -> List[Dict[str, Any]]:
    return [{"name": name, "confidence": confidence} for name, confidence in pairs]


@pytest.mark.parametrize(
    ("intent_ranking", "offered"),
    [
        (
            ranking(("nlu_fallback", 0.45), ("ask_risk_factors", 0.41), ("ask_why_screws_loosen", 0.39)),
            ["ask_risk_factors", "ask_why_screws_loosen"],
        ),
        (
            ranking(("ask_how_rare", 0.30), ("ask_protrusion_treatment", 0.28)),
            ["ask_how_rare", "ask_protrusion_treatment"],
        ),
        # A topic and small talk, a topic and a report: no guess between topics to offer.
        (ranking(("ask_how_rare", 0.4), ("greet", 0.35)), []),
        (ranking(("ask_prevention_followup", 0.4), ("report_warning_signs", 0.38)), []),
        # Two topics that together carry little of the confidence: probably neither.
        (ranking(("ask_how_rare", 0.2), ("ask_risk_factors", 0.15), ("out_of_scope", 0.1)), []),
        (ranking(("ask_how_rare", 0.9)), []),
        ([], []),
    ],
)
def test_topics_to_offer(intent_ranking: List[Dict[str, Any]], offered: List[str]) -> None:
    assert topics_to_offer(intent_ranking) == offered


def fallback_tracker(intent_ranking: List[Dict[str, Any]]) -> Tracker:
    latest = {"intent": {"name": "nlu_fallback", "confidence": 0.45}, "intent_ranking": intent_ranking, "text": "x"}
    return Tracker("u", {}, latest, [{"event": "user", "text": "x", "parse_data": latest}], False, None, {}, "")


@pytest.fixture(scope="module")
def action() -> ActionClarifyTopic:
    return ActionClarifyTopic(ReloadingContentBase(CONTENT_DIR, on_content_date))


async def test_two_close_topics_are_offered_as_buttons(action: ActionClarifyTopic) -> None:
    dispatcher = CollectingDispatcher()
    tracker = fallback_tracker(ranking(("ask_risk_factors", 0.41), ("ask_why_screws_loosen", 0.39)))
    assert await action.run(dispatcher, tracker, {}) == []
    [message] = dispatcher.messages
    assert message["response"] == "utter_did_you_mean"
    assert [b["payload"] for b in message["buttons"]] == [
        '/ask_topic{"topic": "risk_factors"}',
        '/ask_topic{"topic": "why_screws_loosen"}',
    ]
    assert [b["title"] for b in message["buttons"]] == ["Who may be at higher risk", "Why spinal screws can loosen"]


async def test_anything_else_gets_the_fallback_reply(action: ActionClarifyTopic) -> None:
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, fallback_tracker(ranking(("greet", 0.4), ("ask_how_rare", 0.3))), {})
    assert [m["response"] for m in dispatcher.messages] == ["utter_default"]

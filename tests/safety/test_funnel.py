"""The recall-first funnel: which stage decides, in which order."""

from __future__ import annotations

from dataclasses import replace

import pytest

from contract import ESCALATING_INTENTS, TOPIC_QUESTION_INTENTS
from nlu_components.safety.detector import Category
from nlu_components.safety.funnel import Decision, Intents, Signals, Stage, decide

INTENTS = Intents(
    exposed="report_exposed_hardware",
    neuro="report_neurological_red_flags",
    wound="report_wound_emergency",
    unclear_exposed="report_possible_exposed_hardware",
    unclear_neuro="report_possible_neurological_red_flags",
    fallback="nlu_fallback",
    warning="report_warning_signs",
    floor_replaced=frozenset({"out_of_scope", "nlu_fallback"}) | TOPIC_QUESTION_INTENTS,
    escalating=ESCALATING_INTENTS,
)
CLARIFYING = {
    "report_exposed_hardware": "report_possible_exposed_hardware",
    "report_neurological_red_flags": "report_possible_neurological_red_flags",
}
NOTHING = Signals(
    classified="ask_how_rare",
    rules_category=None,
    rules_contradict_exposed=False,
    rules_contradict_neuro=False,
    body_context=False,
    near_emergency=None,
    floor=False,
    floor_object=False,
    warning=False,
    uncertain_answer=False,
)


def run(**changes) -> Decision:
    return decide(replace(NOTHING, **changes), INTENTS, CLARIFYING)


@pytest.mark.parametrize("classified", ["greet", "ask_how_rare", "out_of_scope", "report_warning_signs", None])
def test_a_rules_emergency_wins_over_any_classification(classified) -> None:
    assert run(classified=classified, rules_category=Category.EXPOSED_HARDWARE) == Decision(
        "report_exposed_hardware", Stage.RULES
    )
    assert run(classified=classified, rules_category=Category.NEURO_RED_FLAG).intent == "report_neurological_red_flags"


def test_a_rules_emergency_wins_over_every_later_stage() -> None:
    decision = run(rules_category=Category.EXPOSED_HARDWARE, floor=True, near_emergency="report_exposed_hardware")
    assert decision.stage is Stage.RULES


def test_a_classifier_emergency_the_rules_scoped_away_gets_the_question() -> None:
    assert run(classified="report_exposed_hardware", rules_contradict_exposed=True) == Decision(
        "report_possible_exposed_hardware", Stage.RULES_CONTEXT
    )


def test_a_classifier_emergency_stands_only_with_something_about_a_body() -> None:
    assert run(classified="report_exposed_hardware", body_context=True) == Decision(None, Stage.CLASSIFIER)
    assert run(classified="report_exposed_hardware").stage is Stage.CLASSIFIER_WITHOUT_CONTEXT


def test_the_semantic_net_raises_a_non_escalating_intent_to_the_question() -> None:
    decision = run(near_emergency="report_exposed_hardware")
    assert decision == Decision("report_possible_exposed_hardware", Stage.SEMANTIC_NET)
    assert run(near_emergency="report_neurological_red_flags").intent == "report_possible_neurological_red_flags"


def test_the_semantic_net_leaves_escalated_and_contradicted_messages() -> None:
    assert run(classified="report_warning_signs", near_emergency="report_exposed_hardware").stage is None
    assert run(near_emergency="report_exposed_hardware", rules_contradict_exposed=True).stage is None


@pytest.mark.parametrize("classified", ["out_of_scope", "nlu_fallback", "ask_how_protrusion_happens", None])
def test_the_floor_never_lets_a_hit_end_in_an_answer(classified) -> None:
    assert run(classified=classified, floor=True) == Decision("report_possible_exposed_hardware", Stage.FLOOR)


def test_the_floor_leaves_smalltalk_and_a_warning_sign_about_the_wound_alone() -> None:
    assert run(classified="report_warning_signs", floor=True).stage is None
    assert run(classified="affirm", floor=True).stage is None


def test_a_metal_like_object_in_the_wound_gets_the_question_over_the_warning_reply() -> None:
    decision = run(classified="report_warning_signs", floor=True, floor_object=True)
    assert decision == Decision("report_possible_exposed_hardware", Stage.FLOOR)


def test_uncertainty_is_never_a_no() -> None:
    assert run(classified="deny", uncertain_answer=True) == Decision("nlu_fallback", Stage.UNCERTAIN_ANSWER)


@pytest.mark.parametrize("classified", ["out_of_scope", "nlu_fallback", "ask_why_screws_loosen"])
def test_the_warning_floor_turns_a_missed_warning_sign_into_the_warning_reply(classified) -> None:
    assert run(classified=classified, warning=True) == Decision("report_warning_signs", Stage.WARNING_FLOOR)


def test_the_exposure_floor_comes_before_the_warning_floor() -> None:
    assert run(classified="out_of_scope", warning=True, floor=True).stage is Stage.FLOOR


def test_the_warning_floor_leaves_escalated_and_smalltalk_intents() -> None:
    assert run(classified="report_neurological_red_flags", warning=True, body_context=True).stage is Stage.CLASSIFIER
    assert run(classified="thank", warning=True).stage is None


def test_a_classifier_exposure_on_a_warning_finding_alone_gets_the_question() -> None:
    signals = replace(NOTHING, classified="report_exposed_hardware", body_context=True, warning=True)
    assert decide(signals, INTENTS, CLARIFYING) == Decision(
        "report_possible_exposed_hardware", Stage.CLASSIFIER_ON_A_WARNING
    )
    with_a_thing = replace(signals, floor=True, floor_object=True)
    assert decide(with_a_thing, INTENTS, CLARIFYING).stage is Stage.CLASSIFIER


@pytest.mark.parametrize("classified", ["report_warning_signs", "out_of_scope", "ask_how_rare", None])
def test_a_rules_wound_emergency_overrides_any_lesser_intent(classified: str | None) -> None:
    signals = replace(NOTHING, classified=classified, rules_category=Category.WOUND_EMERGENCY, floor=True, warning=True)
    assert decide(signals, INTENTS, CLARIFYING) == Decision("report_wound_emergency", Stage.RULES)


def test_the_classifiers_exposed_emergency_is_kept_over_a_wound_emergency() -> None:
    signals = replace(
        NOTHING, classified="report_exposed_hardware", rules_category=Category.WOUND_EMERGENCY, body_context=True
    )
    assert decide(signals, INTENTS, CLARIFYING) == Decision(None, Stage.CLASSIFIER)

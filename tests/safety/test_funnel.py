"""The recall-first funnel: which stage decides, in which order."""

from __future__ import annotations

from dataclasses import replace

import pytest

from contract import ESCALATING_INTENTS, TOPIC_QUESTION_INTENTS
from nlu_components.safety.detector import Category
from nlu_components.safety.funnel import Decision, Intents, LearnedThresholds, Signals, Stage, decide
from nlu_components.safety.learned import Likelihood

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
NOTHING = Signals.from_rules(None, classified="ask_how_rare")


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


# --- the learned stage -----------------------------------------------------------------------------------


def learned(exposed: float = 0.0, neuro: float = 0.0) -> Likelihood:
    return Likelihood(exposed=exposed, neuro=neuro)


def test_a_confident_learned_exposure_the_rules_missed_gets_the_emergency_reply() -> None:
    assert run(learned=learned(exposed=0.75)) == Decision("report_exposed_hardware", Stage.LEARNED)
    assert run(learned=learned(neuro=0.75)) == Decision("report_neurological_red_flags", Stage.LEARNED)


def test_a_mention_the_rules_scoped_away_needs_a_higher_bar_from_the_learned_stage() -> None:
    scoped = dict(classified="report_exposed_hardware", rules_contradict_exposed=True)
    assert run(**scoped, learned=learned(exposed=0.75)).stage is Stage.RULES_CONTEXT
    assert run(**scoped, learned=learned(exposed=0.85)) == Decision("report_exposed_hardware", Stage.LEARNED)


def test_an_opened_wound_with_exposure_scoped_away_keeps_its_wound_reply() -> None:
    decision = run(rules_category=Category.WOUND_EMERGENCY, rules_contradict_exposed=True, learned=learned(exposed=0.9))
    assert decision == Decision("report_wound_emergency", Stage.RULES)


def test_a_rules_exposure_the_learned_stage_gives_almost_no_chance_gets_the_question() -> None:
    assert run(rules_category=Category.EXPOSED_HARDWARE, learned=learned(exposed=0.09)) == Decision(
        "report_possible_exposed_hardware", Stage.RULES_DOUBTED
    )
    # at or above the doubt threshold, and without a learned stage, the rules stand
    assert run(rules_category=Category.EXPOSED_HARDWARE, learned=learned(exposed=0.1)).stage is Stage.RULES
    assert run(rules_category=Category.EXPOSED_HARDWARE).stage is Stage.RULES


def test_the_learned_stage_never_doubts_a_rules_neurological_red_flag() -> None:
    assert run(rules_category=Category.NEURO_RED_FLAG, learned=learned()).stage is Stage.RULES


def test_a_classifier_exposure_the_learned_stage_gives_almost_no_chance_gets_the_question() -> None:
    decision = run(classified="report_exposed_hardware", body_context=True, learned=learned(exposed=0.02))
    assert decision == Decision("report_possible_exposed_hardware", Stage.CLASSIFIER_DOUBTED)


def test_a_learned_lean_short_of_confident_asks_over_an_information_answer_only() -> None:
    assert run(classified="ask_how_rare", learned=learned(exposed=0.6)) == Decision(
        "report_possible_exposed_hardware", Stage.LEARNED_UNSURE
    )
    assert run(classified="report_warning_signs", learned=learned(exposed=0.6)).intent is None
    assert run(classified="ask_how_rare", rules_contradict_exposed=True, learned=learned(exposed=0.6)).intent is None


def test_thresholds_come_from_the_caller() -> None:
    strict = LearnedThresholds(emergency=0.95, emergency_scoped=0.99, ask=0.9, doubt=0.2)
    signals = replace(NOTHING, learned=learned(exposed=0.75))
    assert decide(signals, INTENTS, CLARIFYING, strict).intent is None


def test_the_thresholds_come_from_the_components_config_and_default_where_it_is_silent() -> None:
    assert LearnedThresholds.from_config({}) == LearnedThresholds()
    read = LearnedThresholds.from_config({"learned_emergency": 0.9, "learned_doubt": "0.2", "name": "x"})
    assert read == LearnedThresholds(emergency=0.9, doubt=0.2)

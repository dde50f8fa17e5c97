"""The Rasa component that lets the safety rules override the intent classifier."""

from __future__ import annotations

from typing import Any, Dict

import pytest
from rasa.nlu.utils.spacy_utils import SpacyModel
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from spacy.language import Language

from nlu_components.safety_override import SafetyOverrideClassifier


@pytest.fixture(scope="module")
def component() -> SafetyOverrideClassifier:
    return SafetyOverrideClassifier(SafetyOverrideClassifier.get_default_config())


@pytest.fixture(scope="module")
def spacy_model(nlp: Language) -> SpacyModel:
    return SpacyModel(model=nlp, model_name="blank_en")


def classified(text: str, intent: str, metadata: Dict[str, Any] | None = None) -> Message:
    message = Message(data={TEXT: text, "metadata": metadata})
    message.set(INTENT, {"name": intent, "confidence": 0.61})
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 0.61}])
    return message


def run(component: SafetyOverrideClassifier, spacy_model: SpacyModel, message: Message) -> Message:
    return component.process([message], spacy_model)[0]


@pytest.mark.parametrize("diet_intent", ["nlu_fallback", "ask_how_protrusion_happens", "greet", "report_warning_signs"])
def test_an_exposed_report_overrides_any_classification(component, spacy_model, diet_intent: str) -> None:
    message = run(
        component, spacy_model, classified("can screws push through skin? because mine just did", diet_intent)
    )
    assert message.get(INTENT) == {"name": "report_exposed_hardware", "confidence": 1.0}
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == diet_intent  # DIET's ranking is kept for analysis
    safety = message.get("safety")
    assert safety["classifier_intent"]["name"] == diet_intent
    assert safety["overridden"] is True
    assert safety["evidence"] and safety["evidence"][0]["rule"].startswith("exposed_hardware")


def test_a_neurological_red_flag_overrides_the_classifier(component, spacy_model) -> None:
    message = run(
        component, spacy_model, classified("cant feel anything when i wipe since yesterday", "ask_risk_factors")
    )
    assert message.get(INTENT)["name"] == "report_neurological_red_flags"


def test_a_classifier_emergency_stands_when_the_rules_see_nothing(component, spacy_model) -> None:
    message = run(component, spacy_model, classified("please help its bad", "report_exposed_hardware"))
    assert message.get(INTENT)["name"] == "report_exposed_hardware"
    assert message.get("safety")["overridden"] is False


def test_a_classifier_emergency_on_a_negated_mention_asks_first(component, spacy_model) -> None:
    message = run(component, spacy_model, classified("no metal is showing, just a bump", "report_exposed_hardware"))
    assert message.get(INTENT)["name"] == "report_possible_exposed_hardware"


@pytest.mark.parametrize(
    "text",
    [
        "my legs were weak before surgery but they're getting stronger now",
        "the numbness in my leg from before the surgery is slowly getting better",
        "no weakness in my legs at all",
    ],
)
def test_a_classifier_neuro_emergency_on_an_old_or_negated_symptom_asks_first(component, spacy_model, text) -> None:
    message = run(component, spacy_model, classified(text, "report_neurological_red_flags"))
    assert message.get(INTENT)["name"] == "report_possible_neurological_red_flags"


def test_a_classifier_neuro_emergency_stands_when_the_rules_see_no_symptom(component, spacy_model) -> None:
    message = run(
        component, spacy_model, classified("something is really wrong with me", "report_neurological_red_flags")
    )
    assert message.get(INTENT)["name"] == "report_neurological_red_flags"


def test_an_unclear_mention_asks_the_question(component, spacy_model) -> None:
    message = run(
        component, spacy_model, classified("my wound opened and i can see something white", "report_warning_signs")
    )
    assert message.get(INTENT)["name"] == "report_possible_exposed_hardware"


def test_a_plain_question_is_left_alone(component, spacy_model) -> None:
    message = run(
        component, spacy_model, classified("can a screw push through the skin?", "ask_how_protrusion_happens")
    )
    assert message.get(INTENT)["name"] == "ask_how_protrusion_happens"


@pytest.mark.parametrize("text", ["not sure", "i'm not sure", "idk", "hmm maybe"])
def test_uncertainty_is_never_a_no(component, spacy_model, text: str) -> None:
    message = run(component, spacy_model, classified(text, "deny"))
    assert message.get(INTENT)["name"] == "nlu_fallback"


def test_the_locale_sets_the_emergency_number_entity(component, spacy_model) -> None:
    message = run(component, spacy_model, classified("hello", "greet", metadata={"locale": "en-GB"}))
    assert {"entity": "emergency_number", "value": "999"}.items() <= message.get(ENTITIES)[0].items()


def test_no_locale_adds_no_entity(component, spacy_model) -> None:
    message = run(component, spacy_model, classified("hello", "greet"))
    assert not message.get(ENTITIES)

"""The Rasa component that lets the safety rules override the intent classifier."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict

import numpy as np
import pytest
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.constants import ENTITIES, INTENT, INTENT_RANKING_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from nlu_components.safety.rules import DEFAULT_RULES_PATH, SafetyRulesError
from nlu_components.safety.semantic_net import SemanticNet
from nlu_components.safety_override import SafetyOverrideClassifier


def created(storage_dir: Path, **config: Any) -> SafetyOverrideClassifier:
    return SafetyOverrideClassifier.create(
        {**SafetyOverrideClassifier.get_default_config(), **config},
        LocalModelStorage(storage_dir),
        Resource("safety"),
        execution_context=None,
    )


@pytest.fixture(scope="module")
def component(tmp_path_factory) -> SafetyOverrideClassifier:
    return created(tmp_path_factory.mktemp("safety"))


def classified(text: str, intent: str, metadata: Dict[str, Any] | None = None) -> Message:
    message = Message(data={TEXT: text, "metadata": metadata})
    message.set(INTENT, {"name": intent, "confidence": 0.61})
    message.set(INTENT_RANKING_KEY, [{"name": intent, "confidence": 0.61}])
    return message


def run(component: SafetyOverrideClassifier, message: Message) -> Message:
    return component.process([message])[0]


@pytest.mark.parametrize("diet_intent", ["nlu_fallback", "ask_how_protrusion_happens", "greet", "report_warning_signs"])
def test_an_exposed_report_overrides_any_classification(component, diet_intent: str) -> None:
    message = run(component, classified("can screws push through skin? because mine just did", diet_intent))
    assert message.get(INTENT) == {"name": "report_exposed_hardware", "confidence": 1.0}
    assert message.get(INTENT_RANKING_KEY)[0]["name"] == diet_intent  # DIET's ranking is kept for analysis
    safety = message.get("safety")
    assert safety["classifier_intent"]["name"] == diet_intent
    assert safety["overridden"] is True
    assert safety["evidence"] and safety["evidence"][0]["rule"].startswith("exposed_hardware")


def test_a_neurological_red_flag_overrides_the_classifier(component) -> None:
    message = run(component, classified("cant feel anything when i wipe since yesterday", "ask_risk_factors"))
    assert message.get(INTENT)["name"] == "report_neurological_red_flags"


def test_a_classifier_emergency_stands_when_the_rules_see_nothing_but_it_is_about_a_body(component) -> None:
    message = run(component, classified("please help my back is bad", "report_exposed_hardware"))
    assert message.get(INTENT)["name"] == "report_exposed_hardware"
    assert message.get("safety")["overridden"] is False
    assert message.get("safety")["stage"] == "classifier"


@pytest.mark.parametrize(
    ("text", "emergency", "question"),
    [
        (
            "Rod Stewart is my favourite singer, play me something",
            "report_exposed_hardware",
            "report_possible_exposed_hardware",
        ),
        ("screw it, tell me a joke", "report_exposed_hardware", "report_possible_exposed_hardware"),
        (
            "something is really wrong with me",
            "report_neurological_red_flags",
            "report_possible_neurological_red_flags",
        ),
    ],
)
def test_a_classifier_emergency_with_nothing_about_a_body_asks_instead(component, text, emergency, question) -> None:
    message = run(component, classified(text, emergency))
    assert message.get(INTENT)["name"] == question
    assert message.get("safety")["stage"] == "classifier_without_context"


def test_a_classifier_emergency_on_a_negated_mention_asks_first(component) -> None:
    message = run(component, classified("no metal is showing, just a bump", "report_exposed_hardware"))
    assert message.get(INTENT)["name"] == "report_possible_exposed_hardware"


@pytest.mark.parametrize(
    "text",
    [
        "my legs were weak before surgery but they're getting stronger now",
        "the numbness in my leg from before the surgery is slowly getting better",
        "no weakness in my legs at all",
    ],
)
def test_a_classifier_neuro_emergency_on_an_old_or_negated_symptom_asks_first(component, text) -> None:
    message = run(component, classified(text, "report_neurological_red_flags"))
    assert message.get(INTENT)["name"] == "report_possible_neurological_red_flags"


def test_a_classifier_neuro_emergency_stands_when_the_rules_see_no_symptom(component) -> None:
    message = run(component, classified("something is really wrong with my legs", "report_neurological_red_flags"))
    assert message.get(INTENT)["name"] == "report_neurological_red_flags"


def test_an_unclear_mention_asks_the_question(component) -> None:
    message = run(component, classified("my wound opened and i can see something white", "report_warning_signs"))
    assert message.get(INTENT)["name"] == "report_possible_exposed_hardware"


def test_a_plain_question_is_left_alone(component) -> None:
    message = run(component, classified("can a screw push through the skin?", "ask_how_protrusion_happens"))
    assert message.get(INTENT)["name"] == "ask_how_protrusion_happens"


@pytest.mark.parametrize("text", ["not sure", "i'm not sure", "idk", "hmm maybe"])
def test_uncertainty_is_never_a_no(component, text: str) -> None:
    message = run(component, classified(text, "deny"))
    assert message.get(INTENT)["name"] == "nlu_fallback"


def test_the_channels_emergency_number_becomes_the_entity(component) -> None:
    message = run(component, classified("hello", "greet", metadata={"locale": "en-GB", "emergency_number": "999"}))
    assert {"entity": "emergency_number", "value": "999"}.items() <= message.get(ENTITIES)[0].items()


def test_no_locale_adds_no_entity(component) -> None:
    message = run(component, classified("hello", "greet"))
    assert not message.get(ENTITIES)


@pytest.mark.parametrize(
    ("text", "classified_as"),
    [
        ("there is a piece of silver showing in the opening of my scar", "out_of_scope"),
        ("the bottom of the wound broke and something hard is poking", "ask_how_protrusion_happens"),
        ("my incision split and i can see a bit of something", "nlu_fallback"),
    ],
)
def test_the_floor_turns_an_answer_into_the_question(component, text: str, classified_as: str) -> None:
    message = run(component, classified(text, classified_as))
    assert message.get(INTENT)["name"] in ("report_possible_exposed_hardware", "report_exposed_hardware")
    assert message.get("safety")["stage"] in ("floor", "rules", "rules_unclear")


def test_the_floor_gives_way_to_a_context_cue(component) -> None:
    message = run(component, classified("can you see the screws on an x-ray?", "ask_surgery_hardware"))
    assert message.get(INTENT)["name"] == "ask_surgery_hardware"
    assert message.get("safety")["floor"] == []


def test_the_floor_leaves_a_warning_sign_reply_alone(component) -> None:
    message = run(component, classified("my wound opened a little at the top", "report_warning_signs"))
    assert message.get(INTENT)["name"] in ("report_warning_signs", "report_possible_exposed_hardware")
    assert message.get("safety")["stage"] != "floor"


def with_vector(message: Message, vector: np.ndarray) -> Message:
    from rasa.shared.nlu.training_data.features import Features

    message.add_features(Features(vector.reshape(1, -1), "sentence", TEXT, "minilm"))
    return message


def net(threshold: float) -> SemanticNet:
    lines = np.array([[1.0, 0.0, 0.0], [0.98, 0.2, 0.0], [0.0, 1.0, 0.0], [0.0, 0.9, 0.1]], np.float32)
    labels = ["report_exposed_hardware", "report_exposed_hardware", "ask_how_rare", "ask_how_rare"]
    return SemanticNet(lines / np.linalg.norm(lines, axis=1, keepdims=True), labels, {labels[0]: threshold}, k=3)


def test_the_semantic_net_asks_when_a_message_is_close_to_the_emergency_lines(tmp_path) -> None:
    component = created(tmp_path)
    component._semantic_net = net(0.9)
    close = run(
        component, with_vector(classified("a question about my back", "ask_how_rare"), np.array([0.99, 0.1, 0]))
    )
    assert close.get(INTENT)["name"] == "report_possible_exposed_hardware"
    assert close.get("safety")["stage"] == "semantic_net"
    assert close.get("safety")["semantic_similarity"] > 0.9
    far = run(component, with_vector(classified("how rare is it", "ask_how_rare"), np.array([0.0, 1.0, 0.0])))
    assert far.get(INTENT)["name"] == "ask_how_rare"
    assert far.get("safety")["stage"] is None


def test_the_semantic_net_needs_its_threshold_and_leaves_smalltalk_and_negations(tmp_path) -> None:
    component = created(tmp_path)
    component._semantic_net = net(0.999)  # the nearest lines are emergencies, but not close enough
    vector = np.array([0.9, 0.3, 0.0])
    assert run(component, with_vector(classified("my back", "ask_how_rare"), vector)).get("safety")["stage"] is None
    component._semantic_net = net(0.5)
    assert run(component, with_vector(classified("thanks so much", "thank"), vector)).get(INTENT)["name"] == "thank"
    negated = run(component, with_vector(classified("no metal is showing at all", "ask_how_rare"), vector))
    assert negated.get(INTENT)["name"] == "ask_how_rare"


def test_the_net_threshold_keeps_other_training_lines_under_the_budget() -> None:
    rng = np.random.default_rng(0)
    emergency = [(rng.normal(size=8) + 5, "report_exposed_hardware") for _ in range(20)]
    others = [(rng.normal(size=8), "ask_how_rare") for _ in range(200)]
    fitted = SemanticNet.fit(emergency + others, ["report_exposed_hardware"], {"report_exposed_hardware"}, 0.05)
    assert sum(fitted.near(v)[0] is not None for v, _ in others) <= 0.05 * len(others) + 1
    assert all(fitted.near(v)[0] == "report_exposed_hardware" for v, _ in emergency)


def test_the_net_is_stored_without_pickle_and_read_back(tmp_path) -> None:
    original = net(0.9)
    original.save(tmp_path)
    loaded = SemanticNet.load(tmp_path)
    assert loaded is not None and loaded.labels == original.labels and loaded.thresholds == original.thresholds
    assert loaded.near(np.array([0.99, 0.1, 0.0]))[0] == "report_exposed_hardware"
    assert SemanticNet.load(tmp_path / "missing") is None


def test_the_model_carries_the_rules_it_was_trained_with(tmp_path) -> None:
    rules = tmp_path / "rules.yml"
    rules.write_text(DEFAULT_RULES_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "model").mkdir()
    storage, resource = LocalModelStorage(tmp_path / "model"), Resource("safety")
    config = {**SafetyOverrideClassifier.get_default_config(), "rules_path": str(rules)}
    trained = SafetyOverrideClassifier.create(config, storage, resource, execution_context=None)
    trained.train(TrainingData([]))
    rules.write_text("not: [a valid rules file", encoding="utf-8")  # the file changes after training
    loaded = SafetyOverrideClassifier.load(config, storage, resource, execution_context=None)
    message = run(loaded, classified("the screw is poking out of my back", "greet"))
    assert message.get(INTENT)["name"] == "report_exposed_hardware"


@pytest.mark.parametrize("broken", ["window: [", "- a list", "window: 8\n"])
def test_a_broken_rules_file_fails_when_the_component_is_created(tmp_path, broken: str) -> None:
    rules = tmp_path / "rules.yml"
    rules.write_text(broken, encoding="utf-8")
    with pytest.raises(SafetyRulesError):
        created(tmp_path, rules_path=str(rules))


def test_a_spanish_message_gets_the_reply_language_entity(component) -> None:
    message = run(component, classified("se me está saliendo un tornillo por la piel", "greet"))
    assert message.get(INTENT)["name"] == "report_exposed_hardware"
    assert {"entity": "reply_language", "value": "es"}.items() <= message.get(ENTITIES)[0].items()


def test_editing_the_rules_file_changes_the_training_fingerprint(tmp_path) -> None:
    rules = tmp_path / "rules.yml"
    rules.write_text(DEFAULT_RULES_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    config = {**SafetyOverrideClassifier.get_default_config(), "rules_path": str(rules)}
    before = SafetyOverrideClassifier.fingerprint_addon(config)
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# a clinician's edit\n", encoding="utf-8")
    assert SafetyOverrideClassifier.fingerprint_addon(config) != before

"""Rasa NLU component: the safety layer that overrides the intent classifier.

Runs last in the pipeline. When the rule-based detector finds a current report
of exposed hardware or a neurological red flag, the message's intent becomes the
emergency intent with confidence 1.0, whatever DIET or the FallbackClassifier
said. The classifier's own result stays in `safety.classifier_intent` and the
ranking is untouched, so staff analytics can see both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Type

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message

from contract import SAFETY_KEY
from nlu_components.safety.detector import (
    EXPOSED_HARDWARE,
    NEURO_RED_FLAG,
    UNCLEAR_EXPOSURE,
    SafetyDetector,
    SafetyVerdict,
)
from nlu_components.safety.rules import DEFAULT_RULES_PATH

METADATA_KEY = "metadata"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=False,
    model_from="SpacyNLP",
)
class SafetyOverrideClassifier(GraphComponent):
    """Sets the emergency intents from the safety rules, over any classifier."""

    @classmethod
    def required_components(cls) -> List[Type]:
        return [SpacyNLP]

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            # Rules file; None means the one shipped in nlu_components/safety/.
            "rules_path": None,
            # Intent set when metal is reported visible through the skin now.
            "exposed_intent": "report_exposed_hardware",
            # Intent set for new leg weakness, saddle numbness, bladder/bowel loss.
            "neuro_intent": "report_neurological_red_flags",
            # Intent set when exposure is possible but unclear: the bot asks first.
            "unclear_intent": "report_possible_exposed_hardware",
            # Intent set when the classifier says neurological red flag but the
            # rules read the symptom as old, resolved or negated: the bot asks
            # whether it is new or worse.
            "unclear_neuro_intent": "report_possible_neurological_red_flags",
            # Intent for answers that are only uncertainty ("not sure", "idk").
            "uncertain_intent": "nlu_fallback",
            # Entity carrying the emergency number for the channel's locale.
            "emergency_number_entity": "emergency_number",
        }

    def __init__(self, config: Dict[str, Any]) -> None:
        self._config = config
        self._rules_path = Path(config["rules_path"]) if config.get("rules_path") else DEFAULT_RULES_PATH
        self._detector: SafetyDetector | None = None

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyOverrideClassifier":
        return cls(config)

    @staticmethod
    def required_packages() -> List[str]:
        return ["spacy"]

    def _detector_for(self, model: SpacyModel) -> SafetyDetector:
        if self._detector is None:
            self._detector = SafetyDetector.from_file(model.model.make_doc, self._rules_path)
        return self._detector

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        """Judge each message and override its intent when it is an emergency."""
        detector = self._detector_for(model)
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            doc = model.model.make_doc(text)
            verdict = detector.analyse(doc)
            self._apply(message, verdict, detector.is_uncertain_answer(doc))
            self._add_emergency_number(message, detector)
        return messages

    def _apply(self, message: Message, verdict: SafetyVerdict, uncertain_answer: bool) -> None:
        classified = message.get(INTENT) or {}
        classified_name = classified.get("name")
        exposed, neuro, unclear = (
            self._config["exposed_intent"],
            self._config["neuro_intent"],
            self._config["unclear_intent"],
        )
        override: str | None = None
        if verdict.category == EXPOSED_HARDWARE:
            override = exposed
        elif verdict.category == NEURO_RED_FLAG:
            override = neuro
        elif classified_name == exposed and any(
            s.rule.startswith((EXPOSED_HARDWARE, UNCLEAR_EXPOSURE)) for s in verdict.suppressed
        ):
            # The classifier says emergency, the rules see a negated or
            # hypothetical mention: ask rather than guess either way.
            override = unclear
        elif verdict.category == UNCLEAR_EXPOSURE and classified_name != exposed:
            override = unclear
        elif classified_name == neuro and any(s.rule.startswith(NEURO_RED_FLAG) for s in verdict.suppressed):
            # "my legs were weak before surgery but are getting stronger": the
            # classifier says emergency, the rules say old or resolved. Ask.
            override = self._config["unclear_neuro_intent"]
        elif verdict.category is None and uncertain_answer:
            # "not sure" must never count as "no" to "can you see metal?"
            override = self._config["uncertain_intent"]
        # Otherwise a classifier emergency stands: when unsure, err toward it.

        safety = verdict.as_dict()
        safety["classifier_intent"] = classified
        safety["overridden"] = override is not None and override != classified_name
        message.set(SAFETY_KEY, safety, add_to_output=True)
        if override is not None:
            message.set(INTENT, {"name": override, "confidence": 1.0}, add_to_output=True)

    def _add_emergency_number(self, message: Message, detector: SafetyDetector) -> None:
        metadata = message.get(METADATA_KEY)
        if not isinstance(metadata, dict):
            return
        number = detector.emergency_number(metadata)
        if number == detector.rules.emergency_number_default:
            return
        entity = {
            "entity": self._config["emergency_number_entity"],
            "value": number,
            "extractor": self.__class__.__name__,
            "start": 0,
            "end": 0,
        }
        message.set(ENTITIES, message.get(ENTITIES, []) + [entity], add_to_output=True)

"""Rasa NLU component: the safety layer that overrides the intent classifier.

Runs last in the pipeline. A recall-first funnel (`safety/funnel.py`) decides:
the rules first (a current report of exposed hardware or a neurological red flag
becomes the emergency intent with confidence 1.0, whatever the classifier said),
then the classifier's own emergencies, then a semantic net (closeness to the
training bank of emergency reports in the pretrained sentence space), then a
floor for messages that name the implant or wound with an opening or seeing word.
The classifier's result stays in `safety.classifier_intent`, the stage that
decided in `safety.stage`, and the ranking is untouched, so staff analytics can
see both.

The rules file is read and validated when the component is created for training,
copied into the model, and read back from the model when it loads: a model
carries the rules it was trained and tested with, and a broken rules file fails
at training or load time, never on a user's first message.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Dict, List, Mapping

import numpy as np
import spacy
import yaml
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import ENTITIES, INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from contract import (
    ESCALATING_INTENTS,
    EXPOSED_HARDWARE_INTENT,
    FALLBACK_INTENT,
    NEURO_RED_FLAG_INTENT,
    OUT_OF_SCOPE_INTENT,
    POSSIBLE_EXPOSED_HARDWARE_INTENT,
    POSSIBLE_NEURO_RED_FLAG_INTENT,
    SAFETY_KEY,
    TOPIC_QUESTION_INTENTS,
    WARNING_SIGNS_INTENT,
)
from nlu_components.pretrained_featurizer import PRETRAINED_ALIAS
from nlu_components.safety.detector import EXPOSED_HARDWARE, NEURO_RED_FLAG, UNCLEAR_EXPOSURE, SafetyDetector
from nlu_components.safety.funnel import Intents, Signals, decide
from nlu_components.safety.rules import DEFAULT_RULES_PATH, SafetyRulesError, read_rules_file

METADATA_KEY = "metadata"
# Set by the channel layer from the channel's locale (assistant/emergency_numbers.py).
EMERGENCY_NUMBER_METADATA_KEY = "emergency_number"
RULES_FILE = "rules.yml"
BANK_FILE = "emergency_bank.json"


class EmergencyBank:
    """Unit sentence vectors of the training lines of each emergency intent, and the
    similarity above which a message counts as close to them."""

    def __init__(self, vectors: Dict[str, np.ndarray], thresholds: Dict[str, float]) -> None:
        self.vectors = vectors
        self.thresholds = thresholds

    @classmethod
    def fit(
        cls,
        rows: List[tuple[np.ndarray, str]],
        emergency_intents: List[str],
        excluded: frozenset[str],
        false_alarm_budget: float,
    ) -> "EmergencyBank":
        """Bank each emergency intent's lines; set its threshold so that at most
        `false_alarm_budget` of the training lines of other intents (those in
        `excluded`, the escalating ones, left out) would come close."""
        vectors = {
            intent: _unit(np.stack([v for v, i in rows if i == intent]))
            for intent in emergency_intents
            if any(i == intent for _, i in rows)
        }
        others = [v for v, i in rows if i not in excluded]
        thresholds = {}
        if others:
            others_matrix = _unit(np.stack(others))
            for intent, bank in vectors.items():
                closest = (others_matrix @ bank.T).max(axis=1)
                thresholds[intent] = float(np.quantile(closest, 1.0 - false_alarm_budget))
        return cls(vectors, thresholds)

    def closest(self, vector: np.ndarray) -> tuple[str | None, float]:
        """The emergency intent whose bank the vector comes within the threshold of
        (None if none), and the highest similarity to any bank."""
        unit = vector / (np.linalg.norm(vector) or 1.0)
        highest, near, near_similarity = -1.0, None, -1.0
        for intent, bank in self.vectors.items():
            similarity = float((bank @ unit).max())
            highest = max(highest, similarity)
            if intent in self.thresholds and similarity >= self.thresholds[intent] and similarity > near_similarity:
                near, near_similarity = intent, similarity
        return near, highest

    def to_json(self) -> Dict[str, Any]:
        return {
            "thresholds": self.thresholds,
            "vectors": {intent: bank.round(5).tolist() for intent, bank in self.vectors.items()},
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "EmergencyBank":
        vectors = {intent: np.asarray(bank, np.float32) for intent, bank in data["vectors"].items()}
        return cls(vectors, {intent: float(t) for intent, t in data["thresholds"].items()})


def _unit(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms == 0, 1.0, norms)).astype(np.float32)


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=True,
)
class SafetyOverrideClassifier(GraphComponent):
    """Sets the emergency intents through the safety funnel, over any classifier."""

    @staticmethod
    def get_default_config() -> Dict[str, Any]:
        return {
            # Rules file read at training time; None means the one in nlu_components/safety/.
            "rules_path": None,
            # Language of the spaCy tokenizer the rules and messages are split with.
            "language": "en",
            # Intent set when metal is reported visible through the skin now.
            "exposed_intent": EXPOSED_HARDWARE_INTENT,
            # Intent set for new leg weakness, saddle numbness, bladder/bowel loss.
            "neuro_intent": NEURO_RED_FLAG_INTENT,
            # Intent set when exposure is possible but unclear: the bot asks first.
            "unclear_intent": POSSIBLE_EXPOSED_HARDWARE_INTENT,
            # Intent set when a neurological symptom may be old, resolved or negated:
            # the bot asks whether it is new or worse.
            "unclear_neuro_intent": POSSIBLE_NEURO_RED_FLAG_INTENT,
            # Intent set by the warning floor (a warning sign the classifier missed).
            "warning_intent": WARNING_SIGNS_INTENT,
            # Intent for answers that are only uncertainty ("not sure", "idk").
            "uncertain_intent": FALLBACK_INTENT,
            # Entity carrying the emergency number for the channel's locale.
            "emergency_number_entity": "emergency_number",
            # Entity carrying the language of a message that is not in English ("es"):
            # the domain's reply_language slot, which picks translated safety replies.
            "reply_language_entity": "reply_language",
            # The `alias` of the featurizer whose sentence vector the semantic net reads
            # (no such features: no semantic net).
            "featurizer": PRETRAINED_ALIAS,
            # Share of the training lines of non-escalating intents allowed to come as
            # close to an emergency bank as the semantic net's threshold.
            "semantic_net_false_alarm_budget": 0.01,
        }

    def __init__(
        self,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        rules_text: str,
        bank: EmergencyBank | None = None,
    ) -> None:
        self._config = config
        self._model_storage = model_storage
        self._resource = resource
        self._rules_text = rules_text
        self._bank = bank
        self._nlp = spacy.blank(config["language"])
        self._detector = self._build_detector(rules_text, config.get("rules_path") or str(DEFAULT_RULES_PATH))
        self._intents = Intents(
            exposed=config["exposed_intent"],
            neuro=config["neuro_intent"],
            unclear_exposed=config["unclear_intent"],
            unclear_neuro=config["unclear_neuro_intent"],
            fallback=config["uncertain_intent"],
            warning=config["warning_intent"],
            floor_replaced=frozenset({OUT_OF_SCOPE_INTENT, FALLBACK_INTENT}) | TOPIC_QUESTION_INTENTS,
            escalating=ESCALATING_INTENTS,
        )
        self._clarifying_for = {
            config["exposed_intent"]: config["unclear_intent"],
            config["neuro_intent"]: config["unclear_neuro_intent"],
        }

    def _build_detector(self, rules_text: str, source: str) -> SafetyDetector:
        try:
            raw = yaml.safe_load(rules_text)
        except yaml.YAMLError as error:
            raise SafetyRulesError(f"{source}: cannot read safety rules: {error}") from error
        if not isinstance(raw, dict):
            raise SafetyRulesError(f"{source}: expected a mapping at the top level")
        return SafetyDetector.from_mapping(self._nlp.make_doc, raw, source)

    @property
    def detector(self) -> SafetyDetector:
        return self._detector

    @classmethod
    def create(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "SafetyOverrideClassifier":
        """Read and validate the rules file now (a broken file stops the training)."""
        path = Path(config["rules_path"]) if config.get("rules_path") else DEFAULT_RULES_PATH
        read_rules_file(path)  # readable and a mapping, or SafetyRulesError naming the file
        return cls(config, model_storage, resource, path.read_text(encoding="utf-8"))

    @classmethod
    def load(
        cls,
        config: Dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> "SafetyOverrideClassifier":
        """The rules and the emergency bank the model was trained with (validated here)."""
        with model_storage.read_from(resource) as directory:
            rules_text = (directory / RULES_FILE).read_text(encoding="utf-8")
            bank_data = json.loads((directory / BANK_FILE).read_text(encoding="utf-8"))
        bank = EmergencyBank.from_json(bank_data) if bank_data else None
        return cls(config, model_storage, resource, rules_text, bank)

    @staticmethod
    def required_packages() -> List[str]:
        return ["spacy"]

    def _sentence_vector(self, message: Message) -> np.ndarray | None:
        _, sentence = message.get_dense_features(TEXT, [self._config["featurizer"]])
        return None if sentence is None else np.asarray(sentence.features).reshape(-1)

    def train(self, training_data: TrainingData) -> Resource:
        """Store the rules and the emergency bank in the model."""
        rows = []
        for example in training_data.intent_examples:
            vector = self._sentence_vector(example) if example.get(TEXT) else None
            if vector is not None:
                rows.append((vector, example.get(INTENT)))
        if rows:
            self._bank = EmergencyBank.fit(
                rows,
                [self._config["exposed_intent"], self._config["neuro_intent"]],
                frozenset(ESCALATING_INTENTS),
                self._config["semantic_net_false_alarm_budget"],
            )
        with self._model_storage.write_to(self._resource) as directory:
            (directory / RULES_FILE).write_text(self._rules_text, encoding="utf-8")
            bank_json = self._bank.to_json() if self._bank else {}
            (directory / BANK_FILE).write_text(json.dumps(bank_json), encoding="utf-8")
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        """Judge each message and set its intent from the funnel."""
        for message in messages:
            text = message.get(TEXT)
            if not text:
                continue
            doc = self._nlp.make_doc(text)
            self._apply(message, doc)
            self._add_emergency_number(message)
            self._add_reply_language(message, doc)
        return messages

    def _apply(self, message: Message, doc: Any) -> None:
        detector = self._detector
        verdict = detector.analyse(doc)
        classified = message.get(INTENT) or {}
        near, similarity = (None, None)
        vector = self._sentence_vector(message)
        if self._bank is not None and vector is not None:
            near, similarity = self._bank.closest(vector)
        signals = Signals(
            classified=classified.get("name"),
            rules_category=verdict.category.value if verdict.category else None,
            rules_contradict_exposed=verdict.contradicted(EXPOSED_HARDWARE, UNCLEAR_EXPOSURE),
            rules_contradict_neuro=verdict.contradicted(NEURO_RED_FLAG),
            body_context=verdict.body_context,
            near_emergency=near,
            floor=bool(verdict.floor),
            warning=bool(verdict.warning),
            uncertain_answer=detector.is_uncertain_answer(doc),
        )
        decision = decide(signals, self._intents, self._clarifying_for)
        safety = verdict.as_dict()
        safety["classifier_intent"] = classified
        safety["stage"] = decision.stage.value if decision.stage else None
        safety["semantic_similarity"] = None if similarity is None else round(similarity, 4)
        safety["overridden"] = decision.intent is not None and decision.intent != classified.get("name")
        message.set(SAFETY_KEY, safety, add_to_output=True)
        if decision.intent is not None:
            message.set(INTENT, {"name": decision.intent, "confidence": 1.0}, add_to_output=True)

    def _add_reply_language(self, message: Message, doc: Any) -> None:
        language = self._detector.reply_language(doc)
        if language is not None:
            self._add_entity(message, self._config["reply_language_entity"], language)

    def _add_entity(self, message: Message, name: str, value: str) -> None:
        entity = {"entity": name, "value": value, "extractor": self.__class__.__name__, "start": 0, "end": 0}
        message.set(ENTITIES, message.get(ENTITIES, []) + [entity], add_to_output=True)

    def _add_emergency_number(self, message: Message) -> None:
        """The channel layer resolves the locale to a number (assistant/emergency_numbers.py) and
        passes it in the metadata; it becomes an entity, so the emergency_number slot fills."""
        metadata = message.get(METADATA_KEY)
        number = metadata.get(EMERGENCY_NUMBER_METADATA_KEY) if isinstance(metadata, dict) else None
        if isinstance(number, str) and number.strip():
            self._add_entity(message, self._config["emergency_number_entity"], number.strip())
